/**
 * `@zquic/wire`: the QUIC wire format, with no state and no crypto.
 *
 * @packageDocumentation
 */
export * from "./errors.js";
export * from "./varint.js";
export * from "./reader.js";
export * from "./writer.js";
export * from "./bytes.js";
