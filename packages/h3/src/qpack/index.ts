/**
 * QPACK (RFC 9204): field compression for HTTP/3.
 *
 * @module
 */
export * from "./huffman.js";
export * from "./prefixed-integer.js";
export * from "./string-literal.js";
export * from "./static-table.js";
export * from "./dynamic-table.js";
export * from "./encoder-instructions.js";
export * from "./decoder-instructions.js";
export * from "./field-section-prefix.js";
export * from "./field-lines.js";
export * from "./field.js";
export * from "./indexing-policy.js";
export * from "./encoder.js";
export * from "./decoder.js";
