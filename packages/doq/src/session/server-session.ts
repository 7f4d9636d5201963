/**
 * The server side of DNS over QUIC (RFC 9250 §4), sans-I/O.
 *
 * @module
 */
import type { CloseReason, Connection, ConnectionEvent } from "@zquic/quic";
import { Reader, ZquicError } from "@zquic/wire";
import { type DnsMessage, readHeader } from "../dns/index.js";
import { type CancelSignal, Cancellation } from "./cancel-signal.js";
import { DOQ_ALPN } from "./connection-establishment.js";
import { DOQ_EXCESSIVE_LOAD, DOQ_INTERNAL_ERROR, DOQ_PROTOCOL_ERROR, DOQ_REQUEST_CANCELLED } from "./error-codes.js";
import { MessageAssembler, frameMessage } from "./message-framing.js";
import { type ReceivedMessage, checkReceivedMessage } from "./protocol-errors.js";
import { type PreparedResponse, prepareResponse, serverFailure } from "./server-response.js";
import { acceptsStreamCalls, resetStream, writeStream } from "./stream-calls.js";
import { readStreamMessage } from "./stream-reading.js";
import { TokenBucket } from "./token-bucket.js";
import { isReplayable } from "./zero-rtt.js";

/** A query handed to a {@link DoqHandler}. */
export interface DoqRequest {
  readonly streamId: number;
  /** The query as received; its Message ID is 0. */
  readonly bytes: Uint8Array;
  /** The decoded query; `undefined` when the bytes do not decode (answer FORMERR). */
  readonly message: DnsMessage | undefined;
  /** The time (ms, the caller's clock) the query was accepted. */
  readonly now: number;
  /** True when the query arrived in 0-RTT data, before the handshake completed (RFC 9250 §4.5). */
  readonly earlyData: boolean;
  /** Tells the handler when the client cancelled or the connection ended (RFC 9250 §4.3.1). */
  readonly signal: CancelSignal;
}

/**
 * Answers one query: a DNS response in wire form, or `undefined` when there
 * is none to give (the stream is then reset with DOQ_INTERNAL_ERROR, RFC 9250
 * §4.3.2). A handler that throws or rejects gets a SERVFAIL sent for it.
 * `Resolver.handleQuery` fits: `(request) => resolver.handleQuery(request.bytes, request.now)`.
 */
export type DoqHandler = (request: DoqRequest) => Promise<Uint8Array | undefined> | Uint8Array | undefined;

/**
 * What one client may ask of the server; more is refused with DOQ_EXCESSIVE_LOAD.
 * Concurrency is counted per connection; the rate per connection too, unless
 * the application shares one bucket among a client's connections
 * ({@link DoqServerOptions.rate}, as `listenDoq` does per client address).
 */
export interface DoqServerLimits {
  /** Queries being handled at once. */
  readonly maxConcurrentQueries: number;
  /** Queries a second, sustained. */
  readonly queriesPerSecond: number;
  /** Queries a client may send at once on top of the rate (the token bucket's size). */
  readonly queryBurst: number;
}

/** Limits a server applies unless told otherwise. */
export const DEFAULT_DOQ_SERVER_LIMITS: Readonly<DoqServerLimits> = { maxConcurrentQueries: 100, queriesPerSecond: 1000, queryBurst: 200 };

/** How a {@link DoqServerSession} answers. */
export interface DoqServerOptions {
  readonly handler: DoqHandler;
  readonly limits?: Partial<DoqServerLimits>;
  /**
   * Called after a handler settled and the session wrote to the connection
   * outside any call of yours: poll the connection's transmit and timeout then.
   */
  readonly wake?: () => void;
  /** The query-rate bucket to draw from, shared by a client's connections (default: the session's own, from `limits`). */
  readonly rate?: TokenBucket;
}

/** What a {@link DoqServerSession} tells its application, drained with `pollEvent()`. */
export type DoqServerEvent =
  /** A response went out on the stream, with its FIN. */
  | { readonly type: "query_answered"; readonly streamId: number; readonly rcode: number }
  /** The session abandoned the query with RESET_STREAM: DOQ_EXCESSIVE_LOAD over the limits, DOQ_INTERNAL_ERROR without a response. */
  | { readonly type: "query_reset"; readonly streamId: number; readonly errorCode: number }
  /** The client cancelled the query (RESET_STREAM or STOP_SENDING, RFC 9250 §4.3.1) before it was answered. */
  | { readonly type: "query_cancelled"; readonly streamId: number; readonly errorCode: number }
  /** The handler threw, rejected or returned bytes that are no DNS message; a SERVFAIL was sent instead. */
  | { readonly type: "handler_error"; readonly streamId: number; readonly error: unknown }
  /** The session ended: the connection closed, or the session closed it for a protocol error. The last event. */
  | { readonly type: "closed"; readonly reason: CloseReason };

/** Where a request stream is, with what that stage holds. */
type RequestState =
  /** The query is still arriving. */
  | { readonly kind: "receiving" }
  /** A non-replayable query from 0-RTT data, waiting for the handshake (RFC 9250 §4.5). */
  | { readonly kind: "held"; readonly query: ReceivedMessage }
  /** The handler has the query. */
  | { readonly kind: "handling" }
  /** The framed response, and how much of it the transport has taken. */
  | { readonly kind: "responding"; readonly response: Uint8Array; written: number }
  /** Cancelled while arriving: the rest is read and dropped, so the stream can close. */
  | { readonly kind: "discarding" };

interface RequestStream {
  readonly id: number;
  state: RequestState;
  readonly request: MessageAssembler;
  readonly cancellation: Cancellation;
}

/** How a handler call ended. */
type HandlerOutcome =
  | { readonly kind: "response"; readonly bytes: Uint8Array }
  | { readonly kind: "none" }
  | { readonly kind: "error"; readonly error: unknown };

/**
 * A DoQ server for one connection (RFC 9250 §4.2): one query per
 * client-initiated bidirectional stream, handed to the {@link DoqHandler},
 * its response written with its length field and a FIN. Feed it every event
 * of the connection with {@link handleEvent}, then drain {@link pollEvent} and
 * the connection's transmit (and again after {@link DoqServerOptions.wake}).
 * Nothing a client sends makes it throw: a protocol error closes the
 * connection with DOQ_PROTOCOL_ERROR, load beyond the limits resets the
 * query's stream with DOQ_EXCESSIVE_LOAD.
 */
export class DoqServerSession {
  private readonly handler: DoqHandler;
  private readonly wake: () => void;
  private readonly maxConcurrentQueries: number;
  private readonly rate: TokenBucket;
  private readonly events: DoqServerEvent[] = [];
  private readonly streams = new Map<number, RequestStream>();
  private endReason: CloseReason | undefined;

  /** Throws `DOQ_BAD_LIMITS` or `DOQ_BAD_RATE` for limits that cannot work. */
  constructor(
    readonly connection: Connection,
    options: DoqServerOptions,
  ) {
    const limits = { ...DEFAULT_DOQ_SERVER_LIMITS, ...options.limits };
    if (!Number.isInteger(limits.maxConcurrentQueries) || limits.maxConcurrentQueries < 1) {
      throw new ZquicError("DOQ_BAD_LIMITS", `maxConcurrentQueries must be a positive integer, not ${limits.maxConcurrentQueries}`);
    }
    this.handler = options.handler;
    this.wake = options.wake ?? (() => {});
    this.maxConcurrentQueries = limits.maxConcurrentQueries;
    this.rate = options.rate ?? new TokenBucket(limits.queriesPerSecond, limits.queryBurst);
  }

  /** Queries the handler is working on. */
  get inProgress(): number {
    let count = 0;
    for (const stream of this.streams.values()) if (stream.state.kind === "handling") count++;
    return count;
  }

  /** Reacts to one event of the connection at `now` (ms). Never throws for anything the client sent. */
  handleEvent(event: ConnectionEvent, now: number): void {
    if (this.endReason !== undefined) return;
    switch (event.type) {
      case "handshake_completed":
        if (event.alpn !== DOQ_ALPN) this.protocolError(`the handshake chose ALPN ${event.alpn ?? "(none)"}, not "${DOQ_ALPN}"`);
        else for (const stream of this.streams.values()) if (stream.state.kind === "held") this.admit(stream, stream.state.query, now, false);
        return;
      case "stream_opened":
        // RFC 9250 §4.3.3: DoQ uses no unidirectional streams.
        if (!event.bidirectional) this.protocolError(`the client opened unidirectional stream ${event.streamId}`);
        else this.streams.set(event.streamId, { id: event.streamId, state: RECEIVING, request: new MessageAssembler(), cancellation: new Cancellation() });
        return;
      case "stream_readable":
        this.withStream(event.streamId, (stream) => this.readRequest(stream, now));
        return;
      case "stream_writable":
        this.withStream(event.streamId, (stream) => this.writeResponse(stream));
        return;
      case "stream_reset":
        this.withStream(event.streamId, (stream) => this.onCancel(stream, event.errorCode, "reset"));
        return;
      case "stream_stop_sending":
        this.withStream(event.streamId, (stream) => this.onCancel(stream, event.errorCode, "stop_sending"));
        return;
      // RFC 9250 §4.4: from CONNECTION_CLOSE on, the connection carries no transaction.
      case "closing":
      case "closed":
        this.end(event.reason);
        return;
      default:
        return;
    }
  }

  /** The next event, or `null`. */
  pollEvent(): DoqServerEvent | null {
    return this.events.shift() ?? null;
  }

  private withStream(streamId: number, action: (stream: RequestStream) => void): void {
    const stream = this.streams.get(streamId);
    if (stream !== undefined) action(stream);
  }

  private readRequest(stream: RequestStream, now: number): void {
    const discarding = stream.state.kind === "discarding";
    if (stream.state.kind !== "receiving" && !discarding) return;
    const outcome = readStreamMessage(this.connection, stream.id, stream.request);
    if (outcome.kind === "protocol_error") this.protocolError(outcome.reason);
    else if (outcome.kind === "message" && discarding) this.streams.delete(stream.id);
    else if (outcome.kind === "message") this.onRequest(stream, outcome.message, now);
  }

  private onRequest(stream: RequestStream, bytes: Uint8Array, now: number): void {
    const check = checkReceivedMessage(bytes);
    if (!check.ok) {
      this.protocolError(`the query on stream ${stream.id}: ${check.reason}`);
      return;
    }
    const earlyData = !this.connection.isEstablished;
    // RFC 9250 §4.5: a non-replayable transaction from 0-RTT data waits for the handshake.
    if (earlyData && !isReplayable(readHeader(new Reader(bytes)).opcode)) stream.state = { kind: "held", query: check.received };
    else this.admit(stream, check.received, now, earlyData);
  }

  /** Hands `query` to the handler, unless the client is over its limits. */
  private admit(stream: RequestStream, query: ReceivedMessage, now: number, earlyData: boolean): void {
    if (this.inProgress >= this.maxConcurrentQueries || !this.rate.take(now)) {
      this.resetQuery(stream, DOQ_EXCESSIVE_LOAD);
      return;
    }
    stream.state = HANDLING;
    const request: DoqRequest = { streamId: stream.id, bytes: query.bytes, message: query.message, now, earlyData, signal: stream.cancellation };
    new Promise<Uint8Array | undefined>((resolve) => resolve(this.handler(request))).then(
      (bytes) => this.onHandled(stream, query, bytes === undefined ? { kind: "none" } : { kind: "response", bytes }),
      (error: unknown) => this.onHandled(stream, query, { kind: "error", error }),
    );
  }

  private onHandled(stream: RequestStream, query: ReceivedMessage, outcome: HandlerOutcome): void {
    // Cancelled meanwhile, or the connection went away.
    if (stream.state.kind !== "handling" || this.endReason !== undefined || !acceptsStreamCalls(this.connection)) return;
    if (outcome.kind === "none") this.resetQuery(stream, DOQ_INTERNAL_ERROR);
    else this.respond(stream, this.responseFor(stream, query, outcome));
    this.wake();
  }

  /** The handler's response made fit for DoQ, or SERVFAIL when it failed (RFC 9250 §4.3.2). */
  private responseFor(stream: RequestStream, query: ReceivedMessage, outcome: Exclude<HandlerOutcome, { kind: "none" }>): PreparedResponse {
    const prepared = outcome.kind === "response" ? prepareResponse(outcome.bytes, query) : undefined;
    if (prepared !== undefined) return prepared;
    const error = outcome.kind === "error" ? outcome.error : new ZquicError("DOQ_BAD_RESPONSE", "the handler returned bytes that are no DNS message of at most 65535 octets");
    this.events.push({ type: "handler_error", streamId: stream.id, error });
    return serverFailure(query);
  }

  /** RFC 9250 §4.2: the response, then the FIN. */
  private respond(stream: RequestStream, response: PreparedResponse): void {
    stream.state = { kind: "responding", response: frameMessage(response.bytes), written: 0 };
    this.events.push({ type: "query_answered", streamId: stream.id, rcode: response.rcode });
    this.writeResponse(stream);
  }

  private writeResponse(stream: RequestStream): void {
    const state = stream.state;
    if (state.kind !== "responding") return;
    state.written += writeStream(this.connection, stream.id, state.response.subarray(state.written), true);
    if (state.written === state.response.length) this.streams.delete(stream.id);
  }

  /** The session gives up on a query with RESET_STREAM (RFC 9250 §4.3.2). */
  private resetQuery(stream: RequestStream, errorCode: number): void {
    resetStream(this.connection, stream.id, errorCode);
    this.streams.delete(stream.id);
    this.events.push({ type: "query_reset", streamId: stream.id, errorCode });
  }

  /**
   * RFC 9250 §4.3.1: the client cancelled. Work stops and the stream is reset
   * (no event reaches here once the response went out in full).
   */
  private onCancel(stream: RequestStream, errorCode: number, how: "reset" | "stop_sending"): void {
    const arriving = stream.state.kind === "receiving";
    if (stream.state.kind !== "discarding") {
      stream.cancellation.cancel();
      this.events.push({ type: "query_cancelled", streamId: stream.id, errorCode });
      resetStream(this.connection, stream.id, DOQ_REQUEST_CANCELLED);
    }
    // STOP_SENDING leaves a query still arriving to be read to its end.
    if (how === "stop_sending" && arriving) stream.state = DISCARDING;
    else this.streams.delete(stream.id);
  }

  /** RFC 9250 §4.3.3: a fatal error; the connection is closed with DOQ_PROTOCOL_ERROR. */
  private protocolError(reason: string): void {
    this.connection.close(DOQ_PROTOCOL_ERROR, reason);
    this.end({ code: DOQ_PROTOCOL_ERROR, application: true, reason, initiator: "local" });
  }

  /** RFC 9250 §4.4: when the connection ends, every transaction on it is abandoned. */
  private end(reason: CloseReason): void {
    if (this.endReason !== undefined) return;
    this.endReason = reason;
    for (const stream of this.streams.values()) stream.cancellation.cancel();
    this.streams.clear();
    this.events.push({ type: "closed", reason });
  }
}

const RECEIVING: RequestState = { kind: "receiving" };
const HANDLING: RequestState = { kind: "handling" };
const DISCARDING: RequestState = { kind: "discarding" };
