/**
 * `@zquic/h3`: HTTP/3 (RFC 9114) and QPACK (RFC 9204), sans-I/O. Everything here is
 * stream-agnostic: bytes in, bytes out, stream IDs as numbers.
 *
 * @packageDocumentation
 */
export * from "./errors.js";
export * from "./reserved.js";
export * from "./byte-string.js";
export * from "./qpack/index.js";
export * from "./frames/frame-type.js";
export * from "./frames/frame.js";
export * from "./frames/settings.js";
export * from "./frames/frame-codec.js";
export * from "./frames/frame-parser.js";
export * from "./frames/stream-type.js";
export * from "./datagram/capsule.js";
export * from "./datagram/http-datagram.js";
export * from "./priority/priority.js";
export * from "./datagram/capsule-protocol.js";
export * from "./message/control-data.js";
export { H3Connection, type SendOptions } from "./connection/h3-connection.js";
export type { H3Event } from "./connection/events.js";
export type { H3ConnectionOptions } from "./connection/options.js";
export type { H3Transport } from "./connection/transport.js";
export { MAX_GOAWAY_ID } from "./connection/goaway.js";
