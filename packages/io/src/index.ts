/**
 * `@zquic/io`: the runtime-neutral async API over the sans-I/O transport.
 * `connect()` and `listen()` give WebTransport-shaped connections whose
 * streams are WHATWG streams. A runtime adapter (`@zquic/node`,
 * `@zquic/deno`, `@zquic/bun`) supplies the {@link Runtime}: a UDP socket and
 * name resolution.
 *
 * @packageDocumentation
 */
export { connect } from "./connect.js";
export { listen, QuicServer } from "./listen.js";
export { QuicConnection, type QuicCloseInfo, type QuicStreamOptions } from "./connection.js";
export type { QuicBidirectionalStream } from "./streams.js";
export type { QuicDatagrams } from "./datagrams.js";
export { QuicConnectionError, QuicStreamError, type CloseInitiator, type StreamErrorSource } from "./errors.js";
export type { CommonOptions, ConnectOptions, ListenOptions, QlogFactory } from "./options.js";
export { MemorySessionStore, defaultSessionStore, type SessionStore, type SessionEntryKind } from "./session-store.js";
export { parseTarget, type QuicTarget } from "./target.js";
export type { DatagramHandler, DatagramSocket, OutgoingDatagram, ReceivedDatagram, Runtime } from "./socket.js";
