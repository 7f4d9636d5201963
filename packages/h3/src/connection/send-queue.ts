/**
 * The bytes of one outgoing stream that the transport has not taken yet. QUIC flow control
 * (RFC 9000 §4) makes `streamWrite` take less than offered; HTTP/3 frames must still go out
 * whole and in order, so the rest waits here, followed by the FIN, until a `stream_writable`
 * event lets {@link SendQueue.flush} hand it over.
 *
 * @module
 */
import { unlessGone, type H3Transport } from "./transport.js";

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
    const taken = this.queued === 0 && this.streamId !== undefined ? this.hand(this.streamId, bytes) : 0;
    if (taken === undefined) return this.discard();
    if (taken < bytes.length) {
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
      if (taken === undefined) return this.discard();
      this.queued -= taken;
      if (taken < head.length) {
        this.chunks[0] = head.subarray(taken);
        return;
      }
      this.chunks.shift();
    }
    if (this.state === "finishing") {
      this.state = "closed";
      unlessGone(() => this.transport.streamFinish(id));
    }
  }

  /** Offers `bytes` to the transport: what it took, or `undefined` when the stream is gone. */
  private hand(id: number, bytes: Uint8Array): number | undefined {
    return unlessGone(() => this.transport.streamWrite(id, bytes));
  }

  /** Forgets everything queued and takes no more: the stream was reset, or is gone. */
  discard(): void {
    this.chunks.length = 0;
    this.queued = 0;
    this.state = "closed";
  }
}
