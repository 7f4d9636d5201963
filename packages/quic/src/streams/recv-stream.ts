import { TransportError } from "@zquic/wire";
import { ReceiveWindow, type WindowConfig } from "../flow-control.js";
import { Reassembly } from "./reassembly.js";

/** RFC 9000 §3.2: the receiving part's states. */
export type RecvStreamState = "recv" | "size_known" | "data_recvd" | "data_read" | "reset_recvd" | "reset_read";

/** What a frame did to a receive stream: new flow-control bytes, or a connection error. */
export type RecvOutcome =
  | { readonly ok: true; /** growth of the highest received offset (connection-level credit used) */ readonly newBytes: number }
  | { readonly ok: false; readonly code: number; readonly reason: string };

/** What the application gets from a read. */
export interface StreamReadResult {
  readonly data: Uint8Array;
  /** True when this read reached the end of the stream. */
  readonly fin: boolean;
}

/** A STOP_SENDING this side owes the peer. */
export interface StopSignal {
  readonly errorCode: number;
}

const violation = (code: number, reason: string): RecvOutcome => ({ ok: false, code, reason });

/**
 * The receiving part of a stream (RFC 9000 §3.2): reassembly, final size rules
 * (§4.5), stream-level flow control, RESET_STREAM and STOP_SENDING.
 */
export class RecvStream {
  state: RecvStreamState = "recv";
  readonly window: ReceiveWindow;
  private readonly reassembly: Reassembly;
  finalSize: number | undefined;
  /** The error code of a RESET_STREAM from the peer. */
  resetCode: number | undefined;
  /** The STOP_SENDING to send, while it is not acknowledged. */
  stop: StopSignal | undefined;
  private stopInFlight = false;
  /** True once the application stopped reading: data is counted, then dropped. */
  private stopped = false;

  constructor(
    readonly id: number,
    window: WindowConfig,
    maxFragments: number,
  ) {
    this.window = new ReceiveWindow(window);
    this.reassembly = new Reassembly(maxFragments);
  }

  /** RFC 9000 §4.5 and §4.1: checks and stores a STREAM frame. */
  onStreamFrame(offset: number, data: Uint8Array, fin: boolean): RecvOutcome {
    const end = offset + data.length;
    const sizeError = this.checkFinalSize(end, fin);
    if (sizeError !== undefined) return sizeError;
    const before = this.reassembly.highest;
    if (!this.window.onReceived(end)) {
      return violation(TransportError.FLOW_CONTROL_ERROR, `stream ${this.id}: data to ${end} beyond limit ${this.window.advertised}`);
    }
    if (fin && this.finalSize === undefined) {
      this.finalSize = end;
      if (this.state === "recv") this.state = "size_known";
    }
    if (this.stopped) {
      if (this.finalSize !== undefined && this.state !== "reset_read") this.state = "data_read";
    } else if (this.state === "recv" || this.state === "size_known") {
      if (this.reassembly.insert(offset, data) < 0) {
        return violation(TransportError.PROTOCOL_VIOLATION, `stream ${this.id}: too many out-of-order fragments`);
      }
      if (this.finalSize !== undefined && this.reassembly.readOffset + this.reassembly.readable === this.finalSize) {
        this.state = "data_recvd";
      }
    }
    return { ok: true, newBytes: Math.max(0, end - before) };
  }

  private checkFinalSize(end: number, fin: boolean): RecvOutcome | undefined {
    const known = this.finalSize;
    if (known !== undefined && (end > known || (fin && end !== known))) {
      return violation(TransportError.FINAL_SIZE_ERROR, `stream ${this.id}: final size ${known}, frame ends at ${end}${fin ? " with FIN" : ""}`);
    }
    if (fin && end < this.reassembly.highest) {
      return violation(TransportError.FINAL_SIZE_ERROR, `stream ${this.id}: FIN at ${end} below data received up to ${this.reassembly.highest}`);
    }
    return undefined;
  }

  /** RFC 9000 §3.2, §4.5: RESET_STREAM. */
  onResetStream(errorCode: number, finalSize: number): RecvOutcome {
    const sizeError = this.checkFinalSize(finalSize, true);
    if (sizeError !== undefined) return sizeError;
    const before = this.reassembly.highest;
    if (!this.window.onReceived(finalSize)) {
      return violation(TransportError.FLOW_CONTROL_ERROR, `stream ${this.id}: final size ${finalSize} beyond limit ${this.window.advertised}`);
    }
    this.finalSize = finalSize;
    const newBytes = Math.max(0, finalSize - before);
    if (this.state === "data_read" || this.state === "reset_recvd" || this.state === "reset_read") return { ok: true, newBytes };
    this.state = this.stopped ? "reset_read" : "reset_recvd";
    this.resetCode = errorCode;
    this.reassembly.discard();
    this.window.cancelUpdates();
    return { ok: true, newBytes };
  }

  /** In-order bytes waiting to be read. */
  get readable(): number {
    return this.reassembly.readable;
  }

  /**
   * Up to `maxBytes` in order. `undefined` when nothing is readable now;
   * `{ data: empty, fin: true }` once at the end.
   */
  read(maxBytes = Infinity): StreamReadResult | undefined {
    if (this.state !== "recv" && this.state !== "size_known" && this.state !== "data_recvd") return undefined;
    const data = this.reassembly.read(maxBytes);
    const atEnd = this.finalSize !== undefined && this.reassembly.readOffset === this.finalSize;
    if (data === undefined && !atEnd) return undefined;
    if (atEnd) this.state = "data_read";
    return { data: data ?? new Uint8Array(0), fin: atEnd };
  }

  /**
   * The offset up to which connection-level credit can be returned: what the
   * application read, or everything received once the stream was reset or stopped.
   */
  get consumedOffset(): number {
    const discarded = this.stopped || this.state === "reset_recvd" || this.state === "reset_read";
    return discarded ? Math.max(this.finalSize ?? 0, this.reassembly.highest) : this.reassembly.readOffset;
  }

  /** RFC 9000 §3.5: the application stops reading; STOP_SENDING follows unless the data is all here. */
  stopReading(errorCode: number): void {
    if (this.stopped || this.finished) return;
    this.stopped = true;
    this.reassembly.discard();
    this.window.cancelUpdates();
    if (this.state === "recv" || this.state === "size_known") {
      this.stop = { errorCode };
      this.stopInFlight = false;
    }
    if (this.state === "reset_recvd") this.state = "reset_read";
    else if (this.finalSize !== undefined) this.state = "data_read";
  }

  /** The STOP_SENDING to send now, once until lost or acknowledged. */
  takeStop(): StopSignal | undefined {
    if (this.stop === undefined || this.stopInFlight || this.state === "reset_recvd" || this.state === "reset_read") return undefined;
    this.stopInFlight = true;
    return this.stop;
  }

  onStopLost(): void {
    this.stopInFlight = false;
  }

  onStopAcked(): void {
    this.stop = undefined;
  }

  /** The application learned of the reset. */
  acknowledgeReset(): void {
    if (this.state === "reset_recvd") this.state = "reset_read";
  }

  /** True in a terminal state. */
  get finished(): boolean {
    return this.state === "data_read" || this.state === "reset_read";
  }
}
