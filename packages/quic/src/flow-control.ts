/**
 * RFC 9000 §4: credit-based flow control, one pair per stream and one for the
 * connection. The sending half tracks the peer's limit; the receiving half
 * enforces ours and decides when to raise it, growing the window when the
 * peer keeps draining it quickly (auto-tuning).
 *
 * @module
 */

/** The sender's view of a limit the peer advertised (MAX_DATA / MAX_STREAM_DATA). */
export class SendCredit {
  /** Bytes (highest offset) consumed so far. */
  used = 0;
  /** The limit at which we last sent a BLOCKED frame, so it is sent once per limit. */
  private blockedReportedAt = -1;

  constructor(public limit: number) {}

  /** Bytes that may still be sent. */
  get available(): number {
    return Math.max(0, this.limit - this.used);
  }

  /** RFC 9000 §4.1: a frame that does not raise the limit is ignored. */
  raise(limit: number): boolean {
    if (limit <= this.limit) return false;
    this.limit = limit;
    return true;
  }

  /** True when blocked at a limit not reported yet (see {@link takeBlocked}). */
  get blockedUnreported(): boolean {
    return this.available === 0 && this.blockedReportedAt !== this.limit;
  }

  /**
   * RFC 9000 §4.1: when blocked, a DATA_BLOCKED / STREAM_DATA_BLOCKED frame
   * should tell the peer; returns the limit to report once per limit value.
   */
  takeBlocked(): number | undefined {
    if (!this.blockedUnreported) return undefined;
    this.blockedReportedAt = this.limit;
    return this.limit;
  }

  /** Forgets that BLOCKED was sent (its packet was lost). */
  blockedLost(limit: number): void {
    if (this.blockedReportedAt === limit && this.available === 0) this.blockedReportedAt = -1;
  }
}

/** Configuration of a receive window. */
export interface WindowConfig {
  /** The initial window (the transport parameter we advertised). */
  readonly initial: number;
  /** The largest the window may grow to by auto-tuning. */
  readonly maximum: number;
}

/**
 * The receiver's side of a limit: what we advertised, what arrived, what the
 * application consumed. {@link ReceiveWindow.update} says when to send a new limit.
 */
export class ReceiveWindow {
  /** The limit the peer may send up to (what we last advertised). */
  advertised: number;
  /** The current window size (grows by auto-tuning). */
  window: number;
  /** Highest offset received. */
  received = 0;
  /** Bytes the application has consumed (read or discarded). */
  consumed = 0;
  private lastUpdateTime: number | undefined;
  /** True when a raised limit still needs to reach the peer. */
  private pending = false;

  constructor(private readonly config: WindowConfig) {
    this.advertised = config.initial;
    this.window = config.initial;
  }

  /**
   * Accounts for data up to `offset` arriving. False when it breaks the limit:
   * RFC 9000 §4.1, a FLOW_CONTROL_ERROR.
   */
  onReceived(offset: number): boolean {
    if (offset > this.advertised) return false;
    if (offset > this.received) this.received = offset;
    return true;
  }

  /**
   * Accounts for `bytes` consumed by the application and decides whether the
   * limit should be raised now: when less than half the window remains
   * (RFC 9000 §4.2 leaves the policy to us). Auto-tuning: when the previous
   * raise happened less than two RTTs ago the peer is window-limited, so the
   * window doubles up to its maximum.
   */
  onConsumed(bytes: number, now: number, smoothedRtt: number): void {
    this.consumed += bytes;
    const remaining = this.advertised - this.consumed;
    if (remaining * 2 > this.window) return;
    if (this.lastUpdateTime !== undefined && now - this.lastUpdateTime < 2 * smoothedRtt) {
      this.window = Math.min(this.config.maximum, this.window * 2);
    }
    this.lastUpdateTime = now;
    const next = this.consumed + this.window;
    if (next > this.advertised) {
      this.advertised = next;
      this.pending = true;
    }
  }

  /** True when a raised limit still needs to reach the peer. */
  get updatePending(): boolean {
    return this.pending;
  }

  /** The new limit to send (MAX_DATA / MAX_STREAM_DATA), once. */
  takeUpdate(): number | undefined {
    if (!this.pending) return undefined;
    this.pending = false;
    return this.advertised;
  }

  /** The frame carrying `limit` was lost: resend the current limit if it is still the latest. */
  updateLost(limit: number): void {
    if (limit === this.advertised) this.pending = true;
  }

  /** Stops sending updates (the stream finished or was reset). */
  cancelUpdates(): void {
    this.pending = false;
  }
}
