/**
 * DNS over QUIC (RFC 9250): client and server sessions over a QUIC
 * connection, sans-I/O.
 *
 * @module
 */
export * from "./connection-establishment.js";
export * from "./error-codes.js";
export { LENGTH_FIELD_OCTETS, MessageAssembler, frameMessage } from "./message-framing.js";
export { isReplayable } from "./zero-rtt.js";
export { TokenBucket } from "./token-bucket.js";
export type { CancelSignal } from "./cancel-signal.js";
export * from "./client-session.js";
export * from "./server-session.js";
