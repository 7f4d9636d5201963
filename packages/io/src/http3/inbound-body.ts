/**
 * The content of an incoming HTTP message as a WHATWG `ReadableStream`.
 * Backpressure reaches the peer: once the reader falls a window behind,
 * reading the QUIC stream pauses, and QUIC flow control (RFC 9000 §4) holds
 * the sender back until the reader catches up.
 *
 * @module
 */

/** Content bytes queued ahead of the reader before reading the stream pauses. */
const READ_AHEAD_BYTES = 256 * 1024;

/** How a body asks its stream for more, for less, or for nothing at all. */
export interface BodySource {
  /** Stop reading the stream for now. */
  pause(): void;
  /** Read the stream again. */
  resume(): void;
  /** The reader gave up the content (`ReadableStream.cancel`). */
  discard(reason: unknown): void;
}

/** How the content ended before its stream existed: `error` undefined for a clean end. */
interface EarlyEnd {
  readonly error?: unknown;
}

/**
 * The readable end of one message's content, fed by its exchange. The stream
 * is made on first use (a server never reads a GET's, and making a
 * `ReadableStream` costs more than the rest of a small request): content that
 * arrives before is kept, under the same read-ahead limit.
 */
export class InboundBody {
  #stream: ReadableStream<Uint8Array> | undefined;
  #controller: ReadableStreamDefaultController<Uint8Array> | undefined;
  /** Content, and its end, from before the stream was made. */
  #early: Uint8Array[] = [];
  #earlyBytes = 0;
  #earlyEnd: EarlyEnd | undefined;
  #settled = false;
  /** Set when the connection is ending: what arrived is queued whatever the reader's pace. */
  #unthrottled = false;

  constructor(private readonly source: BodySource) {}

  /** The content as a stream (made now if it was not yet). */
  get stream(): ReadableStream<Uint8Array> {
    this.#stream ??= new ReadableStream<Uint8Array>(
      {
        start: (controller) => {
          this.#controller = controller;
          for (const chunk of this.#early) controller.enqueue(chunk);
          this.#early = [];
          if (this.#earlyEnd === undefined) return;
          if ("error" in this.#earlyEnd) controller.error(this.#earlyEnd.error);
          else controller.close();
        },
        pull: () => this.source.resume(),
        cancel: (reason) => this.#discard(reason),
      },
      { highWaterMark: READ_AHEAD_BYTES, size: (chunk) => chunk.byteLength },
    );
    return this.#stream;
  }

  /** True once the body ended, failed or was cancelled. */
  get settled(): boolean {
    return this.#settled;
  }

  /** The content is not wanted: like cancelling the stream, without making one. */
  discard(reason?: unknown): void {
    if (this.#stream !== undefined) void this.#stream.cancel(reason);
    else this.#discard(reason);
  }

  #discard(reason: unknown): void {
    if (this.#settled) return;
    this.#settled = true;
    this.#early = [];
    this.#earlyEnd ??= {}; // a stream made after this is empty
    this.source.discard(reason);
  }

  /** A piece of content arrived. */
  push(chunk: Uint8Array): void {
    if (this.#settled) return;
    const controller = this.#controller;
    if (controller === undefined) {
      this.#early.push(chunk);
      this.#earlyBytes += chunk.byteLength;
      if (!this.#unthrottled && this.#earlyBytes >= READ_AHEAD_BYTES) this.source.pause();
      return;
    }
    controller.enqueue(chunk);
    if (!this.#unthrottled && (controller.desiredSize ?? 0) <= 0) this.source.pause();
  }

  /** The content is complete. */
  end(): void {
    this.#finish({});
  }

  /** The content will not be complete: the reader sees `error` (after nothing more). */
  fail(error: unknown): void {
    this.#finish({ error });
  }

  #finish(end: EarlyEnd): void {
    if (this.#settled) return;
    this.#settled = true;
    const controller = this.#controller;
    if (controller === undefined) this.#earlyEnd = end;
    else if ("error" in end) controller.error(end.error);
    else controller.close();
  }

  /** Queues whatever arrives from now on without pausing (the transport holds it in memory already). */
  unthrottle(): void {
    this.#unthrottled = true;
  }
}
