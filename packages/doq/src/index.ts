/**
 * `@zquic/doq`: DNS messages, zone files, a resolver core, and DNS over QUIC
 * (RFC 9250) client and server sessions, sans-I/O.
 *
 * @packageDocumentation
 */
export * from "./dns/index.js";
export * from "./zone/index.js";
export * from "./resolver/index.js";
export * from "./session/index.js";
