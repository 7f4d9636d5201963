import { SendCredit } from "../flow-control.js";
import { SendBuffer, type OutgoingChunk } from "./send-buffer.js";
import { DEFAULT_PRIORITY, type StreamPriority } from "./priority.js";

/** RFC 9000 §3.1: the sending part's states ("ready" and "send" are one here). */
export type SendStreamState = "send" | "data_sent" | "data_recvd" | "reset_sent" | "reset_recvd";

/** A RESET_STREAM this side owes the peer. */
export interface ResetSignal {
  readonly errorCode: number;
  readonly finalSize: number;
}

/**
 * The sending part of a stream (RFC 9000 §3.1): application data buffered up
 * to `bufferLimit` (backpressure), flow control against MAX_STREAM_DATA, FIN,
 * and RESET_STREAM.
 */
export class SendStream {
  state: SendStreamState = "send";
  readonly buffer = new SendBuffer();
  readonly credit: SendCredit;
  priority: StreamPriority = DEFAULT_PRIORITY;
  /** The reset to send (or resend), while it is not acknowledged. */
  reset: ResetSignal | undefined;
  private resetInFlight = false;
  /** The error code of a STOP_SENDING from the peer, if one arrived. */
  stopSendingCode: number | undefined;

  constructor(
    readonly id: number,
    peerLimit: number,
    private readonly bufferLimit: number,
  ) {
    this.credit = new SendCredit(peerLimit);
  }

  /** How many more bytes {@link write} accepts now. */
  get writable(): number {
    if (this.state !== "send" || this.buffer.finOffset !== undefined) return 0;
    return Math.max(0, this.bufferLimit - this.buffer.unsent);
  }

  /** Buffers up to {@link writable} bytes of `data`; returns how many were taken. */
  write(data: Uint8Array): number {
    const taken = Math.min(this.writable, data.length);
    if (taken > 0) this.buffer.write(taken === data.length ? data : data.subarray(0, taken));
    return taken;
  }

  /** Ends the stream after what was written. */
  finish(): void {
    if (this.state === "send") this.buffer.finish();
  }

  /** RFC 9000 §3.1: abandons sending; a RESET_STREAM with the highest offset sent follows. */
  abandon(errorCode: number): void {
    if (this.state !== "send" && this.state !== "data_sent") return;
    this.state = "reset_sent";
    this.reset = { errorCode, finalSize: this.buffer.sent };
    this.resetInFlight = false;
    this.buffer.discard();
  }

  /** True when a frame for this stream is waiting, given connection credit up to `connectionAvailable` new bytes. */
  wantsToSend(connectionAvailable: number): boolean {
    if (this.reset !== undefined) return !this.resetInFlight;
    if (this.state !== "send" && this.state !== "data_sent") return false;
    return this.buffer.hasPending(this.newDataLimit(connectionAvailable));
  }

  private newDataLimit(connectionAvailable: number): number {
    return Math.min(this.credit.limit, this.buffer.sent + connectionAvailable);
  }

  /** The next chunk for a STREAM frame, at most `maxLength` bytes and `connectionAvailable` new bytes. */
  nextChunk(maxLength: number, connectionAvailable: number): OutgoingChunk | undefined {
    if (this.reset !== undefined || (this.state !== "send" && this.state !== "data_sent")) return undefined;
    const chunk = this.buffer.next(maxLength, this.newDataLimit(connectionAvailable));
    if (chunk === undefined) return undefined;
    this.credit.used = Math.max(this.credit.used, chunk.offset + chunk.data.length);
    if (chunk.fin) this.state = "data_sent";
    return chunk;
  }

  /** The RESET_STREAM to send now, once until it is lost or acknowledged. */
  takeReset(): ResetSignal | undefined {
    if (this.reset === undefined || this.resetInFlight) return undefined;
    this.resetInFlight = true;
    return this.reset;
  }

  /** True when flow control holds back data the application wrote. */
  get blockedByStreamLimit(): boolean {
    return this.reset === undefined && this.buffer.blockedAt(this.credit.limit);
  }

  onStreamFrameAcked(offset: number, length: number, fin: boolean): void {
    if (this.reset !== undefined) return;
    this.buffer.onAcked(offset, length, fin);
    if (this.buffer.allAcked) this.state = "data_recvd";
  }

  onStreamFrameLost(offset: number, length: number, fin: boolean): void {
    if (this.reset !== undefined) return;
    this.buffer.onLost(offset, length, fin);
  }

  onResetAcked(): void {
    if (this.reset !== undefined) this.state = "reset_recvd";
  }

  onResetLost(): void {
    if (this.state === "reset_sent") this.resetInFlight = false;
  }

  /** True in a terminal state: nothing more will be sent or retransmitted. */
  get finished(): boolean {
    return this.state === "data_recvd" || this.state === "reset_recvd";
  }
}
