/**
 * Pacing (RFC 9002 §7.7): spreading in-flight packets over the RTT instead of
 * sending a window's worth at once.
 *
 * @module
 */

/** RFC 9002 §7.7: N, the pacing gain over congestion_window / smoothed_rtt. */
export const PACING_GAIN = 1.25;

/** How many full-sized datagrams may leave back to back (about the initial window, §7.7). */
export const PACING_BURST_PACKETS = 10;

/**
 * The shortest wait the I/O layer's timers can honour, in ms (JavaScript
 * timers have millisecond resolution). The bucket holds at least this much
 * time's worth of sending, so a fast path is not throttled by timer
 * granularity (as Linux sizes its pacing quantum by 1 ms of rate).
 */
export const PACING_TIMER_GRANULARITY = 2;

/**
 * A leaky bucket (§7.7): it holds up to a burst of bytes and fills at
 * N · congestion_window / smoothed_rtt. A packet may leave once the bucket
 * holds its size. Packets that carry only ACK frames should not be paced.
 */
export class Pacer {
  /** Bytes the bucket holds; it starts full. */
  private tokens: number;
  /** When `tokens` was last brought up to date; undefined before the first send. */
  private updated: number | undefined;
  private capacity: number;

  constructor(maxDatagramSize: number) {
    this.capacity = PACING_BURST_PACKETS * maxDatagramSize;
    this.tokens = this.capacity;
  }

  /**
   * The earliest time at or after `now` when a packet of `bytes` may be sent,
   * given the current congestion window (bytes) and smoothed RTT (ms).
   */
  earliestSendTime(now: number, bytes: number, window: number, smoothedRtt: number): number {
    const rate = pacingRate(window, smoothedRtt);
    // A packet larger than the bucket waits only for a full bucket.
    const missing = Math.min(bytes, this.burst(rate)) - this.tokensAt(now, rate);
    return missing <= 0 ? now : now + missing / rate;
  }

  /** A paced packet of `bytes` left at `now`. */
  onSent(now: number, bytes: number, window: number, smoothedRtt: number): void {
    this.tokens = Math.max(0, this.tokensAt(now, pacingRate(window, smoothedRtt)) - bytes);
    this.updated = now;
  }

  /** The bucket size at `rate`: a burst of packets, or a timer granularity's worth of sending if more. */
  private burst(rate: number): number {
    return rate === Infinity ? this.capacity : Math.max(this.capacity, rate * PACING_TIMER_GRANULARITY);
  }

  /** The burst follows the path's maximum datagram size. */
  onMtuChanged(maxDatagramSize: number): void {
    this.capacity = PACING_BURST_PACKETS * maxDatagramSize;
    this.tokens = Math.min(this.tokens, this.capacity);
  }

  private tokensAt(now: number, rate: number): number {
    if (this.updated === undefined) return this.tokens;
    if (rate === Infinity) return this.capacity;
    return Math.min(this.burst(rate), this.tokens + rate * Math.max(0, now - this.updated));
  }
}

/** §7.7: rate = N · congestion_window / smoothed_rtt, in bytes per ms; unbounded while no RTT is known. */
export function pacingRate(window: number, smoothedRtt: number): number {
  return smoothedRtt > 0 ? (PACING_GAIN * window) / smoothedRtt : Infinity;
}
