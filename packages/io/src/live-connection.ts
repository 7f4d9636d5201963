/**
 * A transport {@link Connection} bound to its driver: routes the connection's
 * events to the streams and promises waiting on them, and turns the
 * transport's synchronous calls into ones that wait (for send-buffer room,
 * for data, for stream credit).
 *
 * @module
 */
import { ZquicError } from "@zquic/wire";
import type { CloseReason, Connection, ConnectionEvent, StreamPriority, StreamReadResult } from "@zquic/quic";
import type { ApplicationChooser, StreamApplication } from "./application.js";
import type { ConnectionListener, EndpointDriver } from "./driver.js";
import { QuicConnectionError, QuicStreamError } from "./errors.js";
import { bidirectionalStream, receiveStream, type QuicBidirectionalStream } from "./streams.js";
import { Wakeup } from "./wakeup.js";

/** What the application-facing connection learns from the transport. */
export interface ConnectionObserver {
  onHandshakeCompleted(resumed: boolean): void;
  onIncomingBidirectionalStream(stream: QuicBidirectionalStream): void;
  onIncomingUnidirectionalStream(stream: ReadableStream<Uint8Array>): void;
  onDatagram(data: Uint8Array): void;
  onSessionTicket(ticket: Uint8Array): void;
  onNewToken(token: Uint8Array): void;
  /** The connection left the open state (closing, draining or closed); called once. */
  onTerminated(reason: CloseReason, error: QuicConnectionError): void;
}

/** The waiting state of one stream. */
interface StreamPort {
  readonly readable: Wakeup;
  readonly writable: Wakeup;
  resetCode?: number;
  stopCode?: number;
  /** Errors the writable side when the peer sends STOP_SENDING. */
  onStopped?: (error: QuicStreamError) => void;
}

/** One connection's live state inside a driver. */
export class LiveConnection implements ConnectionListener {
  readonly #ports = new Map<number, StreamPort>();
  readonly #streamsAvailable = { bidi: new Wakeup(), uni: new Wakeup() };
  #failure: QuicConnectionError | undefined;
  #earlyDataAccepted: boolean | undefined;
  /** Set until the owner of the streams is decided: an application, or the WebTransport-shaped streams here. */
  #choose: ApplicationChooser | undefined;
  #application: StreamApplication | undefined;

  constructor(
    readonly connection: Connection,
    private readonly driver: EndpointDriver,
    private readonly observer: ConnectionObserver,
    choose?: ApplicationChooser,
  ) {
    this.#choose = choose;
    this.#bindApplication();
  }

  /** Binds the application as soon as the ALPN that picks it is known (before any stream can exist). */
  #bindApplication(): void {
    if (this.#choose === undefined) return;
    const alpn = this.connection.alpn;
    const factory = this.#choose(alpn);
    if (factory === undefined && alpn === undefined) return;
    this.#choose = undefined;
    // A connection that failed in the same flush as its handshake (its first events arrive together) gets no application.
    if (!this.connection.isOpen) return;
    this.#application = factory?.({ transport: this.connection, wake: () => this.driver.schedule() });
  }

  /** Whether the server accepted 0-RTT; `undefined` when none was attempted or the answer is not in yet. */
  get earlyDataAccepted(): boolean | undefined {
    return this.#earlyDataAccepted;
  }

  // ---- events ----

  onEvent(event: ConnectionEvent): void {
    this.#bindApplication();
    const application = this.#application;
    application?.onEvent(event);
    switch (event.type) {
      case "stream_opened":
        if (application !== undefined) return;
        this.#port(event.streamId);
        if (event.bidirectional) this.observer.onIncomingBidirectionalStream(bidirectionalStream(this, event.streamId));
        else this.observer.onIncomingUnidirectionalStream(receiveStream(this, event.streamId));
        return;
      case "stream_readable":
        this.#ports.get(event.streamId)?.readable.wake();
        return;
      case "stream_writable":
        this.#ports.get(event.streamId)?.writable.wake();
        return;
      case "stream_reset": {
        const port = this.#ports.get(event.streamId);
        if (port === undefined) return;
        port.resetCode = event.errorCode;
        port.readable.wake();
        return;
      }
      case "stream_stop_sending": {
        const port = this.#ports.get(event.streamId);
        if (port === undefined) return;
        port.stopCode = event.errorCode;
        port.writable.wake();
        port.onStopped?.(new QuicStreamError("stop_sending", event.streamId, event.errorCode));
        return;
      }
      case "stream_closed":
        this.#ports.delete(event.streamId);
        return;
      case "streams_available":
        this.#streamsAvailable[event.bidirectional ? "bidi" : "uni"].wake();
        return;
      case "handshake_completed":
        // The peer's transport parameters set the stream limits: openers may retry.
        this.#streamsAvailable.bidi.wake();
        this.#streamsAvailable.uni.wake();
        this.observer.onHandshakeCompleted(event.resumed);
        return;
      case "early_data":
        this.#earlyDataAccepted = event.accepted;
        return;
      case "session_ticket":
        this.observer.onSessionTicket(event.ticket);
        return;
      case "new_token":
        this.observer.onNewToken(event.token);
        return;
      case "datagram":
        if (application === undefined) this.observer.onDatagram(event.data);
        return;
      case "closing":
        this.#terminate(event.reason);
        return;
      case "closed":
        this.#terminate(event.reason);
        this.#ports.clear();
        return;
      case "handshake_confirmed":
      case "path_changed":
      case "key_updated":
        return;
    }
  }

  /** The transport stopped (we closed it, or a call found it closing): the application learns now. */
  #syncLifecycle(): void {
    const reason = this.connection.closeReason;
    if (!this.connection.isOpen && reason !== undefined) this.#terminate(reason);
  }

  #terminate(reason: CloseReason): void {
    if (this.#failure !== undefined) return;
    this.#failure = new QuicConnectionError(reason);
    for (const port of this.#ports.values()) {
      port.readable.wake();
      port.writable.wake();
    }
    this.#streamsAvailable.bidi.wake();
    this.#streamsAvailable.uni.wake();
    this.observer.onTerminated(reason, this.#failure);
  }

  /** Throws the connection's end, if it ended. */
  #ensureOpen(): void {
    this.#syncLifecycle();
    if (this.#failure !== undefined) throw this.#failure;
  }

  #port(streamId: number): StreamPort {
    let port = this.#ports.get(streamId);
    if (port === undefined) {
      port = { readable: new Wakeup(), writable: new Wakeup() };
      this.#ports.set(streamId, port);
    }
    return port;
  }

  #mustPort(streamId: number): StreamPort {
    const port = this.#ports.get(streamId);
    if (port === undefined) throw this.#failure ?? new ZquicError("STREAM_UNKNOWN", `stream ${streamId} is closed; open a new stream`);
    return port;
  }

  // ---- operations ----

  /** Opens a stream, waiting while the peer's stream limit is reached (RFC 9000 §4.6). */
  async openStream(bidirectional: boolean, priority?: StreamPriority): Promise<number> {
    for (;;) {
      this.#ensureOpen();
      const streamId = this.connection.openStream(bidirectional);
      if (streamId !== undefined) {
        this.#port(streamId);
        if (priority !== undefined) this.connection.setStreamPriority(streamId, priority);
        this.driver.schedule();
        return streamId;
      }
      this.driver.schedule(); // STREAMS_BLOCKED is owed
      await this.#streamsAvailable[bidirectional ? "bidi" : "uni"].wait();
    }
  }

  /** Called once with a STOP_SENDING error for `streamId`. */
  onStopSending(streamId: number, handler: (error: QuicStreamError) => void): void {
    this.#mustPort(streamId).onStopped = handler;
  }

  /** Resolves once the transport has taken all of `chunk` into its send buffer. */
  async write(streamId: number, chunk: Uint8Array): Promise<void> {
    const port = this.#mustPort(streamId);
    let offset = 0;
    for (;;) {
      this.#ensureOpen();
      if (port.stopCode !== undefined) throw new QuicStreamError("stop_sending", streamId, port.stopCode);
      offset += this.connection.streamWrite(streamId, offset === 0 ? chunk : chunk.subarray(offset));
      this.driver.schedule();
      if (offset >= chunk.length) return;
      await port.writable.wait();
    }
  }

  /** Sends FIN after what was written. */
  finish(streamId: number): void {
    const port = this.#mustPort(streamId);
    this.#ensureOpen();
    if (port.stopCode !== undefined) throw new QuicStreamError("stop_sending", streamId, port.stopCode);
    this.connection.streamFinish(streamId);
    this.driver.schedule();
  }

  /** Abandons sending (RESET_STREAM); a no-op once the connection or the stream is gone. */
  reset(streamId: number, errorCode: number): void {
    const port = this.#ports.get(streamId);
    // After STOP_SENDING the transport already answered with RESET_STREAM (RFC 9000 §3.5).
    if (this.#failure !== undefined || port === undefined || port.stopCode !== undefined) return;
    this.connection.streamReset(streamId, errorCode);
    this.driver.schedule();
  }

  /** Stops reading (STOP_SENDING); a no-op once the connection or the stream is gone. */
  stopSending(streamId: number, errorCode: number): void {
    if (this.#failure !== undefined || !this.#ports.has(streamId)) return;
    this.connection.streamStopSending(streamId, errorCode);
    this.driver.schedule();
  }

  /**
   * In-order data available now, or `undefined`. Data that arrived before
   * the connection ended can still be read; after that it throws the
   * connection's end. Throws {@link QuicStreamError} once the peer reset the stream.
   */
  tryRead(streamId: number): StreamReadResult | undefined {
    const port = this.#mustPort(streamId);
    let result: StreamReadResult | undefined;
    try {
      result = this.connection.streamRead(streamId);
    } catch (error) {
      if (error instanceof ZquicError && error.code === "STREAM_RESET") throw new QuicStreamError("reset", streamId, port.resetCode ?? 0);
      throw error;
    }
    if (result !== undefined) {
      this.driver.schedule(); // reading may owe MAX_STREAM_DATA / MAX_DATA
      return result;
    }
    if (this.#failure !== undefined) throw this.#failure;
    return undefined;
  }

  /** Resolves when `streamId` may have become readable (or the connection ended). */
  readable(streamId: number): Promise<void> {
    return this.#mustPort(streamId).readable.wait();
  }

  /** Queues an unreliable datagram (RFC 9221). */
  sendDatagram(data: Uint8Array): void {
    this.#ensureOpen();
    this.connection.sendDatagram(data);
    this.driver.schedule();
  }

  /** Ends the connection the way its application does, or closes it with `closeCode` when it has none. */
  shutdown(closeCode: number, reason: string): void {
    if (this.#application !== undefined && this.#failure === undefined) this.#application.shutdown();
    else this.close(closeCode, reason);
  }

  /** Closes with an application error code (RFC 9000 §10.2). */
  close(closeCode: number, reason: string): void {
    if (this.#failure !== undefined) return;
    this.connection.close(closeCode, reason);
    this.#syncLifecycle();
    this.driver.schedule();
  }
}
