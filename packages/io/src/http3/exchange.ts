/**
 * One request stream as the application sees it (RFC 9114 §4.1): the peer's
 * header section, content as a `ReadableStream`, trailers, and the sending of
 * this side's message with the connection's backpressure. Clients and
 * servers use it alike; their session feeds it the stream's HTTP/3 events.
 *
 * @module
 */
import { H3ErrorCode, type Field, type H3Connection, type H3Event } from "@zquic/h3";
import type { Role } from "@zquic/quic";
import { ZquicError } from "@zquic/wire";
import { Wakeup } from "../wakeup.js";
import { Http3StreamError } from "./errors.js";
import { InboundBody, type BodySource } from "./inbound-body.js";

/** The HTTP/3 events that concern one request stream. */
export type ExchangeEvent = Extract<
  H3Event,
  { readonly type: "informational" | "response" | "data" | "trailers" | "end" | "stream_reset" | "stop_sending" | "stream_error" | "request_rejected" | "writable" }
>;

/** What an exchange needs from its session. */
export interface ExchangeHost {
  readonly role: Role;
  /** Runs a call on the HTTP/3 connection and flushes; throws why the connection ended, once it has. */
  act<T>(call: (h3: H3Connection) => T): T;
  /** Like {@link act}, for calls that may be moot (the stream or the connection gone): failures are ignored. */
  attempt(call: (h3: H3Connection) => void): void;
  /** RFC 9114 §4.1.1: asks the peer to stop sending on `streamId` (STOP_SENDING), leaving this side's sending open. */
  stopReading(streamId: number, errorCode: number): void;
}

const EMPTY = new Uint8Array(0);
const ignore = (): void => undefined;

/** A request stream's two messages, as promises and WHATWG streams. */
export class H3Exchange implements BodySource {
  /** The peer's header section: the request (server), or the final response (client). */
  readonly head: Promise<readonly Field[]>;
  /** The peer's content. */
  readonly body: InboundBody;
  /** The peer's trailer section (empty without one), once its message ended. */
  readonly trailers: Promise<readonly Field[]>;
  /** Settles when the stream is over in both directions, or the exchange failed. */
  readonly finished: Promise<void>;
  /** Aborts when the exchange fails, or the peer stops reading (its reason: the error). */
  readonly signal: AbortSignal;
  readonly #head: Deferred<readonly Field[]>;
  readonly #trailers = deferred<readonly Field[]>();
  readonly #finished = deferred<void>();
  readonly #abort = new AbortController();
  readonly #writable = new Wakeup();
  #trailerFields: readonly Field[] = [];
  #paused = false;
  /** The transport's `stream_closed` came. */
  #transportClosed = false;
  /** Why sending can no longer go on; set with {@link #failure} or by the peer's STOP_SENDING. */
  #sendFailure: unknown;
  #failure: unknown;

  constructor(
    private readonly host: ExchangeHost,
    readonly id: number,
    /** The request, on a server: it arrived before the exchange existed. */
    request?: readonly Field[],
  ) {
    this.#head = request !== undefined ? settled(request) : deferred();
    this.head = this.#head.promise;
    this.trailers = this.#trailers.promise;
    this.finished = this.#finished.promise;
    this.signal = this.#abort.signal;
    this.body = new InboundBody(this);
  }

  // ---- events from the session ----

  /** One of this stream's HTTP/3 events. */
  onEvent(event: ExchangeEvent): void {
    switch (event.type) {
      case "informational":
        // RFC 9110 §15.2: interim responses carry nothing a fetch-style caller acts on.
        return;
      case "response":
        return this.#head.resolve(event.headers);
      case "data":
        return this.body.push(event.data);
      case "trailers":
        this.#trailerFields = event.headers;
        return;
      case "end":
        this.body.end();
        this.#trailers.resolve(this.#trailerFields);
        return this.#finishIfDone();
      case "stream_reset":
        // The peer abandoned the exchange: this side's message goes unsent too (RFC 9114 §4.1.1).
        return this.cancel(H3ErrorCode.H3_REQUEST_CANCELLED, new Http3StreamError("reset", this.id, event.errorCode));
      case "stop_sending":
        return this.#stopped(new Http3StreamError("stopped", this.id, event.errorCode));
      case "stream_error":
        return this.fail(new Http3StreamError("malformed", this.id, event.errorCode, event.reason));
      case "request_rejected":
        return this.fail(new Http3StreamError("rejected", this.id, H3ErrorCode.H3_REQUEST_REJECTED));
      case "writable":
        return this.#writable.wake();
    }
  }

  /** The exchange cannot complete: whatever still waits sees `error`, and it is finished. */
  fail(error: unknown): void {
    if (this.#failure !== undefined) return;
    this.#failure = error;
    this.#head.reject(error);
    this.#trailers.reject(error);
    this.body.fail(error);
    this.#stopped(error);
    this.#finished.resolve();
  }

  /**
   * The transport finished the stream in both directions (RFC 9000 §3). The
   * exchange is over once the peer's message is too: HTTP/3 may still hold
   * its header section, blocked on QPACK encoder instructions (RFC 9204 §2.1.2).
   */
  streamClosed(): void {
    this.#transportClosed = true;
    this.#finishIfDone();
  }

  #finishIfDone(): void {
    if (this.#transportClosed && this.body.settled) this.#finished.resolve();
  }

  /** Everything still buffered is delivered now: the connection is ending. */
  unthrottle(): void {
    this.body.unthrottle();
    this.resume();
  }

  // ---- sending ----

  /** Server: sends the response header section (RFC 9114 §4.1), ending the stream when there is no content. */
  respond(fields: readonly Field[], endStream: boolean): void {
    this.host.act((h3) => h3.sendResponse(this.id, fields, { endStream }));
  }

  /**
   * Sends `body` (if any) as DATA frames at the pace the connection takes them,
   * then the trailer section `trailers()` yields (if any), ending the stream.
   * Rejects when the peer stops reading or the exchange fails.
   */
  async send(body: ReadableStream<Uint8Array> | null, trailers?: () => Promise<readonly Field[]>): Promise<void> {
    if (body !== null) {
      const reader = body.getReader();
      try {
        for (let next = await reader.read(); !next.done; next = await reader.read()) await this.#write(next.value);
      } catch (error) {
        await reader.cancel(error).catch(ignore);
        throw error;
      }
    }
    const fields = (await trailers?.()) ?? [];
    this.#checkSending();
    if (fields.length > 0) this.host.act((h3) => h3.sendTrailers(this.id, fields));
    else this.host.act((h3) => h3.sendData(this.id, EMPTY, { endStream: true }));
  }

  async #write(chunk: unknown): Promise<void> {
    if (!(chunk instanceof Uint8Array)) throw new ZquicError("BODY_CHUNK", "HTTP bodies carry bytes: a body stream must yield Uint8Array chunks (encode text with TextEncoder)");
    let at = 0;
    while (at < chunk.length) {
      this.#checkSending();
      const piece = at === 0 ? chunk : chunk.subarray(at);
      at += this.host.act((h3) => h3.sendData(this.id, piece));
      // RFC 9000 §4: the stream's buffers are full; a `writable` event says when to go on.
      if (at < chunk.length) await this.#writable.wait();
    }
  }

  #checkSending(): void {
    if (this.#sendFailure !== undefined) throw this.#sendFailure;
  }

  /**
   * Cancels the exchange in both directions (RFC 9114 §4.1.1) with `errorCode`;
   * what still waits on it sees `error`.
   */
  cancel(errorCode: number, error: unknown): void {
    if (this.#failure !== undefined) return;
    this.host.attempt((h3) => h3.resetStream(this.id, errorCode));
    this.fail(error);
  }

  /** Sending is over for good: writers waiting for room learn why, and the signal aborts. */
  #stopped(error: unknown): void {
    this.#sendFailure ??= error;
    this.#writable.wake();
    if (!this.#abort.signal.aborted) this.#abort.abort(error);
  }

  /**
   * Server: the response went out whole, so what is left of the request is not
   * needed; RFC 9114 §4.1.1 asks the client to stop sending it with H3_NO_ERROR.
   */
  finishReading(): void {
    if (this.body.settled) return;
    this.body.fail(new ZquicError("REQUEST_BODY_UNREAD", `the response on stream ${this.id} was sent before its request body was read to the end`));
    this.host.stopReading(this.id, H3ErrorCode.H3_NO_ERROR);
    this.#finishIfDone();
  }

  // ---- the body's backpressure (BodySource) ----

  pause(): void {
    if (this.#paused) return;
    this.#paused = true;
    this.host.attempt((h3) => h3.pauseReading(this.id));
  }

  resume(): void {
    if (!this.#paused) return;
    this.#paused = false;
    this.host.attempt((h3) => h3.resumeReading(this.id));
  }

  /**
   * The reader gave up the peer's content. A client abandons the whole request
   * (H3_REQUEST_CANCELLED); a server only stops reading the request (H3_NO_ERROR,
   * RFC 9114 §4.1.1) and still sends its response.
   */
  discard(reason: unknown): void {
    if (this.host.role === "client") this.cancel(H3ErrorCode.H3_REQUEST_CANCELLED, reason);
    else this.host.stopReading(this.id, H3ErrorCode.H3_NO_ERROR);
    this.#finishIfDone();
  }
}

/** A promise and its settlers. */
interface Deferred<T> {
  readonly promise: Promise<T>;
  readonly resolve: (value: T) => void;
  readonly reject: (error: unknown) => void;
}

/** A pending promise; rejections nobody awaits are not reported as unhandled. */
function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  promise.catch(ignore);
  return { promise, resolve, reject };
}

/** A promise that already holds `value`. */
function settled<T>(value: T): Deferred<T> {
  return { promise: Promise.resolve(value), resolve: ignore, reject: ignore };
}
