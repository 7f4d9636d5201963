/**
 * `@zquic/doq`: DNS messages, zone files and a resolver core for DNS over QUIC
 * (RFC 9250), sans-I/O.
 *
 * @packageDocumentation
 */
export * from "./dns/index.js";
export * from "./zone/index.js";
export * from "./resolver/index.js";
