/**
 * DNS messages (RFC 1035 §4) and their parts.
 *
 * @module
 */
export * from "./errors.js";
export * from "./registry.js";
export * from "./field-checks.js";
export * from "./rr-type.js";
export * from "./rr-class.js";
export * from "./rcode.js";
export * from "./opcode.js";
export * from "./text-escapes.js";
export * from "./name.js";
export * from "./name-wire.js";
export * from "./header.js";
export * from "./question.js";
export * from "./svcb.js";
export * from "./rdata.js";
export * from "./resource-record.js";
export * from "./edns.js";
export * from "./message.js";
export * from "./padding.js";
export * from "./query.js";
