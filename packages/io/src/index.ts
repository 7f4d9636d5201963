/**
 * `@zquic/io`: the runtime-neutral async API over the sans-I/O transport.
 * `connect()` and `listen()` give WebTransport-shaped connections whose
 * streams are WHATWG streams; `DoqClient`, `resolve()` and `listenDoq()`
 * speak DNS over QUIC (RFC 9250). A runtime adapter (`@zquic/node`,
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
export { monotonicNow } from "./driver.js";
export { DoqClient, DEFAULT_DNS_TIMEOUT_MS, DEFAULT_DOQ_IDLE_TIMEOUT_MS, type DoqClientOptions, type DoqQueryOptions } from "./doq-client.js";
export type { DoqResponse } from "./doq-client-connection.js";
export { DnsResponseMismatchError, DnsTimeoutError, DoqQueryError } from "./doq-errors.js";
export { formatHostPort, parseDoqServer } from "./doq-target.js";
export { resolve, type ResolveOptions } from "./resolve.js";
export type { QuestionOptions } from "./dns-question.js";
export { DoqServer, listenDoq, type DoqListenOptions } from "./doq-server.js";
export { doqUpstream } from "./doq-upstream.js";
export type { ApplicationContext, ApplicationFactory, StreamApplication } from "./application.js";
export { Http3Client, type Http3ClientOptions } from "./http3/client.js";
export { serve, Http3Server, type ServeOptions } from "./http3/serve.js";
export { http3Application, type Http3Handler, type Http3RequestInfo, type Http3ResponderOptions } from "./http3/responder.js";
export { H3_ALPN, type Http3ConnectionInfo, type Http3Settings, type QpackUse } from "./http3/session.js";
export { Http3ConnectionError, Http3StreamError, type Http3StreamErrorKind } from "./http3/errors.js";
export { trailersOf, withTrailers } from "./http3/trailers.js";
export { QUIC_V1, QUIC_V2 } from "@zquic/wire";
export { CipherSuite, NamedGroup } from "@zquic/tls";
