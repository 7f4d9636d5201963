import { TransportError, utf8, type ConnectionCloseFrame } from "@zquic/wire";

/** Why a connection ended, as the application sees it. */
export interface CloseReason {
  /** The transport or application error code. */
  readonly code: number;
  /** True for an application error (CONNECTION_CLOSE 0x1d), false for a transport error. */
  readonly application: boolean;
  readonly reason: string;
  /** The frame type that caused a transport error, when known. */
  readonly frameType?: number;
  /** Who ended it: us, the peer, the idle timer, or a stateless reset. */
  readonly initiator: "local" | "remote" | "idle" | "stateless_reset" | "version_negotiation";
}

/** RFC 9000 §10.2: the connection's lifecycle after the handshake starts. */
export type LifecycleState = "open" | "closing" | "draining" | "closed";

/** Reason phrases longer than this are cut (they travel in one packet). */
const MAX_REASON_BYTES = 256;

/**
 * RFC 9000 §10.2: immediate close. In the closing state we answer incoming
 * packets with CONNECTION_CLOSE at a falling rate; in the draining state we
 * send nothing; both last three PTOs, then the connection is closed.
 */
export class Lifecycle {
  state: LifecycleState = "open";
  reason: CloseReason | undefined;
  /** When closing/draining ends. */
  deadline: number | undefined;
  /** The CONNECTION_CLOSE to (re)send while closing. */
  private frame: ConnectionCloseFrame | undefined;
  /** A CONNECTION_CLOSE is owed now. */
  private closeOwed = false;
  /** Packets received while closing; a close is resent after 1, 2, 4, 8 … of them (§10.2.1). */
  private receivedWhileClosing = 0;
  private nextResponseAt = 1;

  /** Starts closing: we send CONNECTION_CLOSE (RFC 9000 §10.2.1). */
  close(reason: CloseReason, now: number, pto: number): void {
    if (this.state !== "open") return;
    this.reason = reason;
    this.state = "closing";
    this.deadline = now + 3 * pto;
    const bytes = utf8(reason.reason);
    this.frame = {
      type: "connection_close",
      application: reason.application,
      errorCode: reason.code,
      ...(reason.application ? {} : { frameType: reason.frameType ?? 0 }),
      reason: bytes.length > MAX_REASON_BYTES ? bytes.subarray(0, MAX_REASON_BYTES) : bytes,
    };
    this.closeOwed = true;
  }

  /** RFC 9000 §10.2.2: the peer closed; we drain without sending. */
  drain(reason: CloseReason, now: number, pto: number): void {
    if (this.state === "draining" || this.state === "closed") return;
    this.reason ??= reason;
    this.state = "draining";
    this.deadline = Math.min(this.deadline ?? Infinity, now + 3 * pto);
    this.closeOwed = false;
  }

  /** Ends without any exchange (idle timeout, stateless reset): RFC 9000 §10.1, §10.3. */
  terminate(reason: CloseReason): void {
    if (this.state === "closed") return;
    this.reason ??= reason;
    this.state = "closed";
    this.deadline = undefined;
    this.closeOwed = false;
  }

  /** A packet arrived while closing: maybe answer it with another CONNECTION_CLOSE. */
  onPacketWhileClosing(): void {
    if (this.state !== "closing") return;
    this.receivedWhileClosing++;
    if (this.receivedWhileClosing >= this.nextResponseAt) {
      this.nextResponseAt *= 2;
      this.closeOwed = true;
    }
  }

  /** The CONNECTION_CLOSE to send now, if one is owed. */
  takeCloseFrame(): ConnectionCloseFrame | undefined {
    if (!this.closeOwed || this.state !== "closing") return undefined;
    this.closeOwed = false;
    return this.frame;
  }

  /** RFC 9000 §10.2.3: an application close is sent as APPLICATION_ERROR in Initial and Handshake packets. */
  static forHandshakeSpaces(frame: ConnectionCloseFrame): ConnectionCloseFrame {
    if (!frame.application) return frame;
    return { type: "connection_close", application: false, errorCode: TransportError.APPLICATION_ERROR, frameType: 0, reason: new Uint8Array(0) };
  }

  /** Moves closing/draining to closed when the deadline passes. */
  onTimeout(now: number): boolean {
    if (this.deadline !== undefined && now >= this.deadline && (this.state === "closing" || this.state === "draining")) {
      this.state = "closed";
      this.deadline = undefined;
      return true;
    }
    return false;
  }
}
