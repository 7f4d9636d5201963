/**
 * `@zquic/tls`: TLS 1.3 for QUIC (RFC 8446, RFC 9001): client and server handshakes, X.509, resumption, 0-RTT.
 *
 * @packageDocumentation
 */
export {};
