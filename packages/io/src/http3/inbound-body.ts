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

/** The readable end of one message's content, fed by its exchange. */
export class InboundBody {
  readonly stream: ReadableStream<Uint8Array>;
  #controller!: ReadableStreamDefaultController<Uint8Array>;
  #settled = false;
  /** Set when the connection is ending: what arrived is queued whatever the reader's pace. */
  #unthrottled = false;

  constructor(private readonly source: BodySource) {
    this.stream = new ReadableStream<Uint8Array>(
      {
        start: (controller) => void (this.#controller = controller),
        pull: () => source.resume(),
        cancel: (reason) => {
          if (this.#settled) return;
          this.#settled = true;
          source.discard(reason);
        },
      },
      { highWaterMark: READ_AHEAD_BYTES, size: (chunk) => chunk.byteLength },
    );
  }

  /** True once the body ended, failed or was cancelled. */
  get settled(): boolean {
    return this.#settled;
  }

  /** A piece of content arrived. */
  push(chunk: Uint8Array): void {
    if (this.#settled) return;
    this.#controller.enqueue(chunk);
    if (!this.#unthrottled && (this.#controller.desiredSize ?? 0) <= 0) this.source.pause();
  }

  /** The content is complete. */
  end(): void {
    if (this.#settled) return;
    this.#settled = true;
    this.#controller.close();
  }

  /** The content will not be complete: the reader sees `error` (after nothing more). */
  fail(error: unknown): void {
    if (this.#settled) return;
    this.#settled = true;
    this.#controller.error(error);
  }

  /** Queues whatever arrives from now on without pausing (the transport holds it in memory already). */
  unthrottle(): void {
    this.#unthrottled = true;
  }
}
