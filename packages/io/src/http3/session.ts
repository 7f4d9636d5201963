/**
 * An HTTP/3 connection inside a driver, for either role: the sans-I/O
 * `H3Connection` fed every event of its QUIC connection, its HTTP events
 * handed to the {@link H3Exchange} of each request stream, and every call
 * followed by a flush. It owns the connection's streams (see
 * `application.ts`).
 *
 * @module
 */
import { pooledRandom } from "@zquic/crypto";
import { H3Connection, H3ErrorCode, MAX_GOAWAY_ID, type Field, type H3ConnectionOptions, type H3Event } from "@zquic/h3";
import type { Connection, ConnectionEvent, Role, SocketAddress } from "@zquic/quic";
import { ZquicError } from "@zquic/wire";
import type { ApplicationContext, StreamApplication } from "../application.js";
import { Wakeup } from "../wakeup.js";
import { Http3ConnectionError } from "./errors.js";
import { H3Exchange, type ExchangeEvent, type ExchangeHost } from "./exchange.js";

/** The ALPN token of HTTP/3 (RFC 9114 §3.1). */
export const H3_ALPN = "h3";

/** HTTP/3 settings of a session: those of `H3Connection`, whose GREASE comes from the platform's random source. */
export type Http3Settings = Omit<H3ConnectionOptions, "random">;

/** What a session tells its owner. */
export interface SessionHooks {
  /** Server: a request arrived; its exchange holds the header section. */
  readonly onRequest?: (exchange: H3Exchange, session: H3Session) => void;
  /** The session takes no new requests any more: the peer sent GOAWAY, or the connection is ending. */
  readonly onRetired?: () => void;
  /** No exchange is in flight any more. */
  readonly onIdle?: () => void;
}

/** What can be seen of a live HTTP/3 connection. */
export interface Http3ConnectionInfo {
  readonly remoteAddress: SocketAddress;
  /** Request streams opened on it so far. */
  readonly requests: number;
  /** Requests whose streams are not finished yet. */
  readonly inFlight: number;
  /** True when the handshake resumed an earlier session (RFC 8446 §2.2). */
  readonly resumed: boolean;
  /** Client: whether the server accepted 0-RTT data (RFC 9001 §4.6.2); `undefined` when none was offered. */
  readonly earlyDataAccepted: boolean | undefined;
  /** RFC 9204 dynamic table use, both ways. */
  readonly qpack: QpackUse;
}

/** What each side's QPACK encoder inserted into the other's dynamic table (RFC 9204 §2.1, §4.3). */
export interface QpackUse {
  /** Inserts that arrived on the peer's encoder stream and this side's decoder processed. */
  readonly peerInserts: number;
  /** Inserts this side's encoder sent. */
  readonly ownInserts: number;
  /** Of those, how many the peer's decoder acknowledged (its Known Received Count, §2.1.4). */
  readonly ownInsertsAcknowledged: number;
}

/** RFC 9114 §5.2: at least this long (ms) between the first GOAWAY (the largest ID) and the final one. */
const MIN_GOAWAY_GAP_MS = 10;

/** Unpredictable bytes for GREASE (drawn on every header section), from the platform's web-standard `crypto`, a pool at a time. */
const platformRandom = pooledRandom((buffer) => crypto.getRandomValues(buffer));

/** One HTTP/3 connection, bound to its transport connection. */
export class H3Session implements StreamApplication, ExchangeHost, Http3ConnectionInfo {
  readonly role: Role;
  readonly #h3: H3Connection;
  readonly #transport: Connection;
  readonly #wake: () => void;
  readonly #exchanges = new Map<number, H3Exchange>();
  readonly #streamsAvailable = new Wakeup();
  #requests = 0;
  #resumed = false;
  #earlyDataAccepted: boolean | undefined;
  #pumping = false;
  /** Set once the connection is ending: why. */
  #ended: Http3ConnectionError | undefined;
  /** No new requests: GOAWAY was received (client) or a shutdown began. */
  #retired = false;
  /** The session closes the connection (H3_NO_ERROR) once no exchange is in flight. */
  #closeWhenIdle = false;
  #goawayTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    context: ApplicationContext,
    settings: Http3Settings,
    private readonly hooks: SessionHooks,
  ) {
    this.#transport = context.transport;
    this.#wake = context.wake;
    this.role = context.transport.role;
    this.#h3 = new H3Connection(context.transport, { ...settings, random: platformRandom });
    this.#wake();
  }

  // ---- Http3ConnectionInfo ----

  get remoteAddress(): SocketAddress {
    return this.#transport.path.remote;
  }

  get requests(): number {
    return this.#requests;
  }

  get inFlight(): number {
    return this.#exchanges.size;
  }

  get resumed(): boolean {
    return this.#resumed;
  }

  get earlyDataAccepted(): boolean | undefined {
    return this.#earlyDataAccepted;
  }

  get qpack(): QpackUse {
    const { encoder, decoder } = this.#h3.qpackState();
    return { peerInserts: decoder.insertCount, ownInserts: encoder.insertCount, ownInsertsAcknowledged: encoder.knownReceivedCount };
  }

  /** True while new requests may go on this connection (client). */
  get usable(): boolean {
    return !this.#retired && this.#ended === undefined;
  }

  // ---- the transport's events (StreamApplication) ----

  onEvent(event: ConnectionEvent): void {
    this.#h3.handleEvent(event);
    this.#pump();
    switch (event.type) {
      case "handshake_completed":
        this.#resumed = event.resumed;
        // The server's transport parameters set the stream limits.
        this.#streamsAvailable.wake();
        break;
      case "early_data":
        this.#earlyDataAccepted = event.accepted;
        break;
      case "stream_closed":
        this.#exchanges.get(event.streamId)?.streamClosed();
        break;
      case "closing":
      case "closed":
        this.#end(new Http3ConnectionError(event.reason));
        break;
    }
    this.#wake();
  }

  /**
   * Server: RFC 9114 §5.2 graceful shutdown — a GOAWAY with the largest ID
   * at once, so the client sends no new requests; after two RTTs (requests
   * in transit have arrived) the final GOAWAY with the first request not
   * processed; then, when the requests in flight are finished, CONNECTION_CLOSE
   * with H3_NO_ERROR. Client: takes no new requests and closes once those in
   * flight are finished.
   */
  shutdown(): void {
    if (this.#ended !== undefined) return;
    if (this.role === "client") return this.#retire();
    if (this.#retired) return;
    this.#retire();
    this.attempt((h3) => h3.goaway(MAX_GOAWAY_ID));
    const gap = Math.max(MIN_GOAWAY_GAP_MS, 2 * this.#transport.rtt.smoothed);
    this.#goawayTimer = setTimeout(() => {
      this.#goawayTimer = undefined;
      this.attempt((h3) => h3.goaway());
      this.#closeOnceIdle();
    }, gap);
  }

  /** Closes the connection with `errorCode` now (RFC 9114 §5.3); exchanges in flight fail. A no-op once it is ending. */
  close(errorCode: number = H3ErrorCode.H3_NO_ERROR, reason = ""): void {
    // Once the peer closed, what it sent is still read: closing here would stop that.
    if (this.#ended !== undefined) return;
    this.attempt((h3) => h3.close(errorCode, reason));
  }

  // ---- requests ----

  /**
   * Client: sends a request header section on a new request stream, waiting
   * while the server's stream limit (or the handshake) holds it back. Throws
   * `GOAWAY_RECEIVED` when the connection takes no new requests.
   */
  async request(fields: readonly Field[], endStream: boolean): Promise<H3Exchange> {
    for (;;) {
      if (this.#ended !== undefined) throw this.#ended;
      if (this.#retired) throw new ZquicError("GOAWAY_RECEIVED", "the connection takes no new requests (the server sent GOAWAY, RFC 9114 §5.2); use a new connection");
      const id = this.act((h3) => h3.sendRequest(fields, { endStream }));
      if (id !== undefined) return this.#track(new H3Exchange(this, id));
      await this.#streamsAvailable.wait();
    }
  }

  #track(exchange: H3Exchange): H3Exchange {
    this.#requests++;
    this.#exchanges.set(exchange.id, exchange);
    void exchange.finished.then(() => this.#untrack(exchange));
    return exchange;
  }

  #untrack(exchange: H3Exchange): void {
    if (this.#exchanges.get(exchange.id) !== exchange) return;
    this.#exchanges.delete(exchange.id);
    if (this.#exchanges.size > 0) return;
    this.hooks.onIdle?.();
    if (this.#closeWhenIdle) this.close();
  }

  // ---- ExchangeHost ----

  act<T>(call: (h3: H3Connection) => T): T {
    this.#throwIfEnded();
    try {
      return call(this.#h3);
    } catch (error) {
      // The connection ended under the call: say so, rather than what the call tripped over.
      this.#throwIfEnded();
      throw error;
    } finally {
      this.#pump();
      this.#wake();
    }
  }

  attempt(call: (h3: H3Connection) => void): void {
    try {
      call(this.#h3);
    } catch {
      // Moot: the stream or the connection is gone already.
    } finally {
      this.#pump();
      this.#wake();
    }
  }

  stopReading(streamId: number, errorCode: number): void {
    if (!this.#transport.isOpen) return;
    this.#transport.streamStopSending(streamId, errorCode);
    this.#wake();
  }

  #throwIfEnded(): void {
    const reason = this.#transport.closeReason;
    if (this.#ended === undefined && !this.#transport.isOpen && reason !== undefined) this.#ended = new Http3ConnectionError(reason);
    if (this.#ended !== undefined) throw this.#ended;
  }

  // ---- HTTP/3 events ----

  /** Hands out the HTTP/3 connection's events; re-entered (from a body's pull), it leaves them to the loop already running. */
  #pump(): void {
    if (this.#pumping) return;
    this.#pumping = true;
    try {
      for (let event = this.#h3.pollEvent(); event !== null; event = this.#h3.pollEvent()) this.#dispatch(event);
    } finally {
      this.#pumping = false;
    }
  }

  #dispatch(event: H3Event): void {
    switch (event.type) {
      case "request": {
        const exchange = this.#track(new H3Exchange(this, event.streamId, event.headers));
        this.hooks.onRequest?.(exchange, this);
        return;
      }
      case "informational":
      case "response":
      case "data":
      case "trailers":
      case "end":
      case "stream_reset":
      case "stop_sending":
      case "stream_error":
      case "request_rejected":
      case "writable":
        return this.#exchangeEvent(event);
      case "streams_available":
        if (event.bidirectional) this.#streamsAvailable.wake();
        return;
      case "goaway":
        // RFC 9114 §5.2: a client sends no new requests on this connection, and closes it once those in flight are done.
        if (this.role === "client") this.#retire();
        return;
      default:
        // Settings apply inside H3Connection; the connection's end arrives as a transport event;
        // push is never allowed and datagrams never offered, so nothing else concerns a session.
        return;
    }
  }

  #exchangeEvent(event: ExchangeEvent): void {
    this.#exchanges.get(event.streamId)?.onEvent(event);
  }

  // ---- lifecycle ----

  /** No new requests from now on; a client also closes the connection once its requests are finished. */
  #retire(): void {
    if (this.#retired) return;
    this.#retired = true;
    this.#streamsAvailable.wake();
    this.hooks.onRetired?.();
    if (this.role === "client") this.#closeOnceIdle();
  }

  #closeOnceIdle(): void {
    this.#closeWhenIdle = true;
    if (this.#exchanges.size === 0) this.close();
  }

  /**
   * The connection is ending. Content that already arrived is still
   * delivered (the peer may have closed right after its last response);
   * exchanges still incomplete after that fail with `error`.
   */
  #end(error: Http3ConnectionError): void {
    this.#ended ??= error;
    if (this.#goawayTimer !== undefined) clearTimeout(this.#goawayTimer);
    this.#retire();
    for (const exchange of this.#exchanges.values()) exchange.unthrottle();
    this.#pump();
    for (const exchange of this.#exchanges.values()) exchange.fail(this.#ended);
  }
}
