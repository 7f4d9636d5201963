/**
 * `@zquic/doq`: DNS messages and DNS over QUIC (RFC 9250), sans-I/O.
 *
 * @packageDocumentation
 */
export {};
