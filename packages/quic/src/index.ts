/**
 * `@zquic/quic`: the QUIC transport (RFC 9000, RFC 9001 §4–§6, RFC 9002) as
 * sans-I/O state machines: an {@link Endpoint} that routes datagrams and
 * admits connections, and the {@link Connection}s it holds.
 *
 * @packageDocumentation
 */
export { EcnCodepoint, addressKey, sameAddress, type Ecn, type NetworkPath, type SocketAddress, type Transmit } from "@zquic/wire";
export * from "./config.js";
export { Endpoint, type EndpointOptions, type ServerOptions, type ConnectOptions, type Incoming, type EndpointEvent, type RetryPolicy } from "./endpoint.js";
export { Connection, MIN_DATAGRAM_SIZE, type ConnectionOptions, type ConnectionStats, type PacketKind, type ClientTlsOptions, type ServerTlsOptions } from "./connection.js";
export type { ConnectionEvent } from "./events.js";
export type { CloseReason, LifecycleState } from "./close.js";
export type { StreamEvent } from "./streams/stream-map.js";
export type { StreamReadResult } from "./streams/recv-stream.js";
export { DEFAULT_PRIORITY, type StreamPriority } from "./streams/priority.js";
export { isBidirectional, streamInitiator, streamIndex, type Role } from "./streams/stream-id.js";
export { createCongestionController, type CongestionController } from "./congestion/controller.js";
export { decodeResumption, encodeResumption, type ResumptionState } from "./resumption.js";
export { QlogTrace, qlogFrame, type QlogSink } from "./qlog.js";
