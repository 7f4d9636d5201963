/**
 * The application's view of a connection, shaped like W3C WebTransport:
 * `ready` and `closed` promises, streams as WHATWG streams, datagrams as a
 * duplex.
 *
 * @module
 */
import { ZquicError } from "@zquic/wire";
import type { CloseReason, SocketAddress, StreamPriority } from "@zquic/quic";
import { DatagramChannel, type QuicDatagrams } from "./datagrams.js";
import { QuicConnectionError, isGracefulClose, type CloseInitiator } from "./errors.js";
import type { ConnectionObserver, LiveConnection } from "./live-connection.js";
import { bidirectionalStream, sendStream, type QuicBidirectionalStream } from "./streams.js";

/** How a connection ended gracefully (the value `closed` resolves with). */
export interface QuicCloseInfo {
  /** The application's close code, or 0 (NO_ERROR) for a transport-level close. */
  readonly closeCode: number;
  readonly reason: string;
  /** True when an application closed it (CONNECTION_CLOSE type 0x1d). */
  readonly application: boolean;
  readonly initiator: CloseInitiator;
}

/** Options of a stream this side opens. */
export interface QuicStreamOptions {
  /** Scheduling priority (RFC 9218 urgency 0–7, lower first; incremental round-robin). */
  readonly priority?: StreamPriority;
}

/** What a connection needs besides the transport. */
export interface ConnectionSettings {
  /** Streams and datagrams may be used before the handshake completes (a client attempting 0-RTT). */
  readonly earlyData: boolean;
  /** Received datagrams held for a slow reader. */
  readonly incomingDatagrams: number;
  readonly onSessionTicket?: (ticket: Uint8Array) => void;
  readonly onNewToken?: (token: Uint8Array) => void;
}

/**
 * A QUIC connection. Client connections come from `connect()`, server ones
 * from `listen()`. Every pending operation rejects with a
 * {@link QuicConnectionError} once the connection ends.
 */
export class QuicConnection {
  /** Resolves when the handshake completed; rejects if the connection ends first. */
  readonly ready: Promise<void>;
  /**
   * Settles when the connection ends: resolves for a graceful close (an
   * application close with any code, or NO_ERROR), rejects with a
   * {@link QuicConnectionError} for idle timeouts, stateless resets and
   * transport errors.
   */
  readonly closed: Promise<QuicCloseInfo>;
  /** Bidirectional streams the peer opens. */
  readonly incomingBidirectionalStreams: ReadableStream<QuicBidirectionalStream>;
  /** Unidirectional streams the peer opens. */
  readonly incomingUnidirectionalStreams: ReadableStream<ReadableStream<Uint8Array>>;
  /** RFC 9221 datagrams. */
  readonly datagrams: QuicDatagrams;

  readonly #live: Promise<LiveConnection>;
  #current: LiveConnection | undefined;
  readonly #settings: ConnectionSettings;
  readonly #channel: DatagramChannel;
  #resumed = false;
  #settle!: { ready: () => void; fail: (error: unknown) => void; closed: (info: QuicCloseInfo) => void };
  #incoming!: { bidi: ReadableStreamDefaultController<QuicBidirectionalStream>; uni: ReadableStreamDefaultController<ReadableStream<Uint8Array>> };

  /** @internal Use `connect()` or `listen()`. `start` binds the transport, hearing its events through the observer it is given. */
  constructor(start: (observer: ConnectionObserver) => LiveConnection | Promise<LiveConnection>, settings: ConnectionSettings) {
    this.#settings = settings;
    let readyResolve!: () => void;
    let readyReject!: (error: unknown) => void;
    let closedResolve!: (info: QuicCloseInfo) => void;
    let closedReject!: (error: unknown) => void;
    this.ready = new Promise<void>((resolve, reject) => ((readyResolve = resolve), (readyReject = reject)));
    this.closed = new Promise<QuicCloseInfo>((resolve, reject) => ((closedResolve = resolve), (closedReject = reject)));
    // Observed by whoever awaits them; an application that never looks must not see unhandled rejections.
    this.ready.catch(() => undefined);
    this.closed.catch(() => undefined);
    const fail = (error: unknown) => {
      readyReject(error);
      closedReject(error);
    };
    this.#settle = { ready: readyResolve, fail, closed: closedResolve };
    let bidi!: ReadableStreamDefaultController<QuicBidirectionalStream>;
    let uni!: ReadableStreamDefaultController<ReadableStream<Uint8Array>>;
    this.incomingBidirectionalStreams = new ReadableStream({ start: (controller) => void (bidi = controller) });
    this.incomingUnidirectionalStreams = new ReadableStream({ start: (controller) => void (uni = controller) });
    this.#incoming = { bidi, uni };

    let started: Promise<LiveConnection>;
    try {
      started = Promise.resolve(start(this.#observer()));
    } catch (error) {
      started = Promise.reject(error);
    }
    this.#live = started;
    this.#live.then(
      (live) => (this.#current = live),
      (error) => this.#end(error, false),
    );
    this.#channel = new DatagramChannel(started, settings.earlyData ? Promise.resolve() : this.ready, settings.incomingDatagrams);
    this.datagrams = this.#channel;
  }

  #observer(): ConnectionObserver {
    return {
      onHandshakeCompleted: (resumed) => {
        this.#resumed = resumed;
        this.#settle.ready();
      },
      onIncomingBidirectionalStream: (stream) => this.#incoming.bidi.enqueue(stream),
      onIncomingUnidirectionalStream: (stream) => this.#incoming.uni.enqueue(stream),
      onDatagram: (data) => this.#channel.deliver(data),
      onSessionTicket: (ticket) => this.#settings.onSessionTicket?.(ticket),
      onNewToken: (token) => this.#settings.onNewToken?.(token),
      onTerminated: (reason, error) => this.#onTerminated(reason, error),
    };
  }

  #onTerminated(reason: CloseReason, error: QuicConnectionError): void {
    const graceful = isGracefulClose(reason);
    if (graceful) {
      this.#settle.closed({ closeCode: reason.code, reason: reason.reason, application: reason.application, initiator: reason.initiator });
    }
    this.#end(error, graceful);
  }

  /** Ends everything still waiting: graceful ends close the incoming streams, others error them. */
  #end(error: unknown, graceful: boolean): void {
    this.#settle.fail(error);
    for (const controller of [this.#incoming.bidi, this.#incoming.uni]) {
      try {
        if (graceful) controller.close();
        else controller.error(error);
      } catch {
        // Already closed by its reader.
      }
    }
    this.#channel.end(graceful ? null : error);
  }

  /** The negotiated ALPN protocol ("" before the handshake). */
  get protocol(): string {
    return this.#current?.connection.alpn ?? "";
  }

  /** The QUIC version in use (it may change once, to the one the server chose, RFC 9368); 0 before the connection exists. */
  get version(): number {
    return this.#current?.connection.version ?? 0;
  }

  /** The negotiated TLS cipher suite (`CipherSuite` code point); `undefined` until the server has chosen it. */
  get cipherSuite(): number | undefined {
    return this.#current?.connection.cipherSuite;
  }

  /** The peer's address (`undefined` until the client connection exists). */
  get remoteAddress(): SocketAddress | undefined {
    return this.#current?.connection.path.remote;
  }

  /** True when the handshake resumed an earlier session (RFC 8446 §2.2). */
  get resumed(): boolean {
    return this.#resumed;
  }

  /** Client: whether the server accepted 0-RTT data; `undefined` when none was sent or the answer is pending. */
  get earlyDataAccepted(): boolean | undefined {
    return this.#current?.earlyDataAccepted;
  }

  /** Latest RTT estimates in ms (zeros until the connection exists). */
  get rtt(): { readonly smoothed: number; readonly min: number; readonly latest: number } {
    return this.#current?.connection.rtt ?? { smoothed: 0, min: 0, latest: 0 };
  }

  /** Opens a bidirectional stream, waiting for the handshake (unless sending 0-RTT) and for the peer's stream limit. */
  async createBidirectionalStream(options: QuicStreamOptions = {}): Promise<QuicBidirectionalStream> {
    const live = await this.#streamsUsable();
    return bidirectionalStream(live, await live.openStream(true, options.priority));
  }

  /** Opens a unidirectional stream, waiting like {@link createBidirectionalStream}. */
  async createUnidirectionalStream(options: QuicStreamOptions = {}): Promise<WritableStream<Uint8Array>> {
    const live = await this.#streamsUsable();
    return sendStream(live, await live.openStream(false, options.priority));
  }

  async #streamsUsable(): Promise<LiveConnection> {
    const live = await this.#live;
    if (!this.#settings.earlyData) await this.ready;
    return live;
  }

  /**
   * Closes the connection with an application close code (default 0) and
   * reason (RFC 9000 §10.2). Pending operations reject; `closed` resolves.
   */
  close(info: { readonly closeCode?: number; readonly reason?: string } = {}): void {
    const closeCode = info.closeCode ?? 0;
    if (!Number.isSafeInteger(closeCode) || closeCode < 0) {
      throw new ZquicError("CLOSE_CODE", `closeCode must be a non-negative integer (a QUIC varint), got ${closeCode}`);
    }
    const reason = info.reason ?? "";
    this.#withLive((live) => live.close(closeCode, reason));
  }

  /**
   * @internal Ends the connection gracefully the way the application
   * protocol that owns its streams does (HTTP/3: GOAWAY first); without one,
   * closes it like {@link close}.
   */
  shutdown(info: { readonly closeCode: number; readonly reason: string }): void {
    this.#withLive((live) => live.shutdown(info.closeCode, info.reason));
  }

  /** Runs `action` on the transport binding now, or once it exists. */
  #withLive(action: (live: LiveConnection) => void): void {
    if (this.#current !== undefined) action(this.#current);
    else this.#live.then(action, () => undefined);
  }
}
