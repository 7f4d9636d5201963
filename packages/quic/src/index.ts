/**
 * `@zquic/quic`: QUIC transport (RFC 9000, RFC 9002): endpoint and connection state machines.
 *
 * @packageDocumentation
 */
export {};
