/**
 * CUBIC congestion control (RFC 9438) over the RFC 9002 machinery.
 *
 * RFC 9438 states its formulas in segments and seconds; here windows are bytes
 * (segments × max_datagram_size) and times milliseconds, converted where the
 * formulas are evaluated.
 *
 * @module
 */
import type { RttEstimator } from "../rtt.js";
import { NewReno } from "./new-reno.js";

/** RFC 9438 §5.1: C, in segments per second³. */
const C = 0.4;
/** RFC 9438 §4.6: β_cubic, the multiplicative decrease factor. */
const BETA_CUBIC = 0.7;
/** RFC 9438 §4.3: α_cubic, the Reno-friendly additive increase with the same average window as Reno. */
const ALPHA_CUBIC = (3 * (1 - BETA_CUBIC)) / (1 + BETA_CUBIC);
/** RFC 9438 §4.2: the target window is at most this multiple of the current one. */
const TARGET_GROWTH_LIMIT = 1.5;

/** The congestion avoidance stage that starts at t_epoch (RFC 9438 §4.1.2). */
interface Epoch {
  /** t_epoch, ms; moved forward over application-limited periods (§4.2, §5.8). */
  start: number;
  /** K in ms: when W_cubic returns to W_max (§4.2 Figure 2). */
  readonly k: number;
  /** W_max for this stage, bytes. */
  readonly maxWindow: number;
  /** W_est, the Reno-friendly window estimate, bytes (§4.3). */
  renoWindow: number;
}

/**
 * CUBIC (RFC 9438) with fast convergence (§4.7). Slow start, the recovery
 * period and persistent congestion are RFC 9002's, inherited from NewReno; this
 * class replaces congestion avoidance (§4.2–§4.5) and the decrease (§4.6).
 */
export class Cubic extends NewReno {
  /**
   * W_max, bytes: the window before the last reduction, lowered by fast
   * convergence. Undefined after persistent congestion (§4.8: the next stage
   * starts with K = 0 and W_max = cwnd_epoch).
   */
  private maxWindow: number | undefined;
  /** cwnd_prior, bytes: the window when ssthresh was last set (§4.1.2). */
  private priorWindow: number | undefined;
  private epoch: Epoch | undefined;
  /** Up to when the CUBIC clock has accounted for elapsed time, ms. */
  private clock: number | undefined;

  /** RFC 9438 §5.8: t does not run while the sender is idle. */
  override onPacketSent(now: number, bytesInFlight: number): void {
    if (bytesInFlight === 0) this.pauseClock(now);
  }

  /** RFC 9438 §4.2–§4.5, per newly acknowledged packet of `bytes`. */
  protected override congestionAvoidance(bytes: number, now: number, rtt: RttEstimator, underutilized: boolean): void {
    // RFC 9438 §5.8: no growth when application limited, and t excludes that period.
    if (underutilized) {
      this.pauseClock(now);
      return;
    }
    this.clock = now;
    const epoch = (this.epoch ??= this.startEpoch(now));
    const mds = this.maxDatagramSize;
    // §4.3 Figure 4, in bytes; α becomes 1 once W_est reaches cwnd_prior.
    const alpha = epoch.renoWindow >= (this.priorWindow ?? Infinity) ? 1 : ALPHA_CUBIC;
    epoch.renoWindow += (alpha * mds * bytes) / this.cwnd;
    const t = now - epoch.start;
    if (cubicWindow(epoch, t, mds) < epoch.renoWindow) {
      // §4.3: the Reno-friendly region.
      this.cwnd = Math.max(this.cwnd, epoch.renoWindow);
      return;
    }
    // §4.2: the target one RTT ahead, bounded to [cwnd, 1.5·cwnd]; §4.4/§4.5: grow by (target − cwnd)/cwnd per segment.
    const ahead = cubicWindow(epoch, t + rtt.smoothedRtt, mds);
    const target = Math.min(Math.max(ahead, this.cwnd), TARGET_GROWTH_LIMIT * this.cwnd);
    this.cwnd += ((target - this.cwnd) * bytes) / this.cwnd;
  }

  /** RFC 9438 §4.6 multiplicative decrease, with fast convergence (§4.7). */
  protected override reduceWindow(): void {
    const fastConvergence = this.maxWindow !== undefined && this.cwnd < this.maxWindow;
    this.maxWindow = fastConvergence ? (this.cwnd * (1 + BETA_CUBIC)) / 2 : this.cwnd;
    this.priorWindow = this.cwnd;
    this.ssthresh = Math.max(this.cwnd * BETA_CUBIC, this.minimumWindow);
    this.cwnd = this.ssthresh;
    this.epoch = undefined;
  }

  /** RFC 9438 §4.8: after the collapse, the next stage starts afresh (K = 0, W_max = cwnd_epoch). */
  override onPersistentCongestion(): void {
    super.onPersistentCongestion();
    this.maxWindow = undefined;
    this.epoch = undefined;
  }

  /** §4.2: a congestion avoidance stage begins at the first acknowledgment that grows the window. */
  private startEpoch(now: number): Epoch {
    const maxWindow = this.maxWindow ?? this.cwnd;
    // Figure 2: K = ∛((W_max − cwnd_epoch) / C), in segments and seconds.
    const k = Math.cbrt((maxWindow - this.cwnd) / this.maxDatagramSize / C) * 1000;
    return { start: now, k, maxWindow, renoWindow: this.cwnd };
  }

  /** Moves t_epoch forward by the time since the clock last ran, so that t excludes it. */
  private pauseClock(now: number): void {
    if (this.epoch !== undefined && this.clock !== undefined) this.epoch.start += Math.max(0, now - this.clock);
    this.clock = now;
  }
}

/** RFC 9438 §4.2 Figure 1: W_cubic(t) = C·(t − K)³ + W_max, for `t` in ms, in bytes. */
function cubicWindow(epoch: Epoch, t: number, maxDatagramSize: number): number {
  const seconds = (t - epoch.k) / 1000;
  return C * seconds ** 3 * maxDatagramSize + epoch.maxWindow;
}
