/**
 * The bytes of one outgoing stream that the transport has not taken yet. QUIC flow control
 * (RFC 9000 §4) makes `streamWrite` take less than offered; HTTP/3 frames must still go out
 * whole and in order, so the rest waits here, followed by the FIN, until a `stream_writable`
 * event lets {@link SendQueue.flush} hand it over.
 *
 * @module
 */
import { ZquicError } from "@zquic/wire";
import type { H3Transport } from "./transport.js";

/**
 * Transport errors that mean the stream's sending part is gone — reset after the peer's
 * STOP_SENDING, or the connection closed — before this side processed the event saying so.
 */
const GONE = new Set(["STREAM_FINISHED", "STREAM_UNKNOWN", "CONNECTION_CLOSED"]);

/** Outgoing bytes and FIN for one stream, in order. */
export class SendQueue {
  private readonly chunks: Uint8Array[] = [];
  private queued = 0;
  /** `finishing`: the FIN follows the queued bytes; `closed`: the FIN went, or the stream is gone. */
  private state: "open" | "finishing" | "closed" = "open";

  /** `streamId` may come later (a critical stream opened once the peer allows it); bytes wait until then. */
  constructor(
    private readonly transport: H3Transport,
    private streamId: number | undefined,
  ) {}

  /** The stream, once it is open. */
  get id(): number | undefined {
    return this.streamId;
  }

  /** Octets waiting for the transport. */
  get length(): number {
    return this.queued;
  }

  /** True when everything written, and the FIN if one was asked for, has gone to the transport. */
  get drained(): boolean {
    return this.queued === 0 && this.state !== "finishing";
  }

  /** Sets the stream once it is open, and hands over what waited for it. */
  open(streamId: number): void {
    this.streamId = streamId;
    this.flush();
  }

  /** Writes `bytes` after what is queued; the transport takes what it can now, a copy of the rest waits. */
  write(bytes: Uint8Array): void {
    if (bytes.length === 0 || this.state === "closed") return;
    let taken = 0;
    if (this.queued === 0 && this.streamId !== undefined) taken = this.hand(this.streamId, bytes);
    if (taken < bytes.length && this.state !== "closed") {
      this.chunks.push(bytes.slice(taken));
      this.queued += bytes.length - taken;
    }
  }

  /** Ends the stream after what is queued. */
  finish(): void {
    if (this.state === "open") this.state = "finishing";
    this.flush();
  }

  /** Hands queued bytes (then the FIN) to the transport until it takes no more. */
  flush(): void {
    const id = this.streamId;
    if (id === undefined) return;
    while (this.chunks.length > 0) {
      const head = this.chunks[0]!;
      const taken = this.hand(id, head);
      if (this.state === "closed") return;
      this.queued -= taken;
      if (taken < head.length) {
        this.chunks[0] = head.subarray(taken);
        return;
      }
      this.chunks.shift();
    }
    if (this.state === "finishing") {
      this.state = "closed";
      this.guarded(() => this.transport.streamFinish(id));
    }
  }

  /** Offers `bytes` to the transport; what it took. */
  private hand(id: number, bytes: Uint8Array): number {
    return this.guarded(() => this.transport.streamWrite(id, bytes)) ?? 0;
  }

  /** Runs a transport call; a stream that is gone discards the queue instead of throwing. */
  private guarded<T>(call: () => T): T | undefined {
    try {
      return call();
    } catch (e) {
      if (!(e instanceof ZquicError && GONE.has(e.code))) throw e;
      this.discard();
      return undefined;
    }
  }

  /** Forgets everything queued and takes no more: the stream was reset, or is gone. */
  discard(): void {
    this.chunks.length = 0;
    this.queued = 0;
    this.state = "closed";
  }
}
