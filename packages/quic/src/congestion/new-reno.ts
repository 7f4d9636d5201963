/**
 * The NewReno congestion controller of RFC 9002 §7 and Appendix B.
 *
 * @module
 */
import type { RttEstimator } from "../rtt.js";
import type { AckedPacket, CongestionController, CongestionState } from "./controller.js";

/** §7.2: ten datagrams, limited to the larger of 14,720 bytes and two datagrams. */
export function initialWindow(maxDatagramSize: number): number {
  return Math.min(10 * maxDatagramSize, Math.max(2 * maxDatagramSize, 14720));
}

/** §7.2: kMinimumWindow, two datagrams. */
export function minimumWindow(maxDatagramSize: number): number {
  return 2 * maxDatagramSize;
}

/** §B.1: kLossReductionFactor. */
const LOSS_REDUCTION_FACTOR = 0.5;

/**
 * RFC 9002 NewReno: slow start, a recovery period per congestion event and
 * additive increase in congestion avoidance. CUBIC (RFC 9438) keeps all of this
 * but its window increase and decrease, which it overrides.
 */
export class NewReno implements CongestionController {
  protected cwnd: number;
  protected ssthresh = Infinity;
  /** §B.2 congestion_recovery_start_time; undefined when no recovery period applies. */
  protected recoveryStartTime: number | undefined;
  /** True from a congestion event until a packet sent after it is acknowledged (§7.3.2). */
  private recovering = false;
  #maxDatagramSize: number;

  constructor(maxDatagramSize: number) {
    this.#maxDatagramSize = maxDatagramSize;
    this.cwnd = initialWindow(maxDatagramSize);
  }

  /** congestion_window in bytes. */
  get window(): number {
    return this.cwnd;
  }

  /** ssthresh in bytes. */
  get slowStartThreshold(): number {
    return this.ssthresh;
  }

  /** kMinimumWindow in bytes. */
  get minimumWindow(): number {
    return minimumWindow(this.#maxDatagramSize);
  }

  /** max_datagram_size in bytes. */
  get maxDatagramSize(): number {
    return this.#maxDatagramSize;
  }

  /** The §7.3 state. */
  get state(): CongestionState {
    if (this.recovering) return "recovery";
    return this.cwnd < this.ssthresh ? "slow_start" : "congestion_avoidance";
  }

  /** NewReno does not look at sends. */
  onPacketSent(_now: number, _bytesInFlight: number): void {}

  /** §B.5 OnPacketAcked (bytes_in_flight is kept by loss recovery). */
  onPacketAcked(packet: AckedPacket, now: number, rtt: RttEstimator, underutilized: boolean): void {
    // §7.3.2: no growth in a recovery period, which ends when a packet sent during it is acknowledged.
    if (this.inRecovery(packet.timeSent)) return;
    this.recovering = false;
    if (this.cwnd < this.ssthresh) {
      // §7.3.1 slow start, unless the window is not being used (§7.8).
      if (!underutilized) this.cwnd += packet.size;
      return;
    }
    this.congestionAvoidance(packet.size, now, rtt, underutilized);
  }

  /** §B.6 OnCongestionEvent. */
  onCongestionEvent(now: number, sentTime: number): void {
    // §7.3.2: one reduction per recovery period.
    if (this.inRecovery(sentTime)) return;
    this.recoveryStartTime = now;
    this.recovering = true;
    this.reduceWindow();
  }

  /** §7.6.2: collapse to the minimum window and leave the recovery period (§B.8). */
  onPersistentCongestion(): void {
    this.cwnd = this.minimumWindow;
    this.recoveryStartTime = undefined;
    this.recovering = false;
  }

  /** §7.2: a window still at its initial value is recalculated; no window falls below the new minimum. */
  onMtuChanged(maxDatagramSize: number): void {
    const untouched = this.cwnd === initialWindow(this.#maxDatagramSize) && this.ssthresh === Infinity;
    this.#maxDatagramSize = maxDatagramSize;
    this.cwnd = untouched ? initialWindow(maxDatagramSize) : Math.max(this.cwnd, this.minimumWindow);
  }

  /** §B.5 InCongestionRecovery. */
  protected inRecovery(sentTime: number): boolean {
    return this.recoveryStartTime !== undefined && sentTime <= this.recoveryStartTime;
  }

  /** §7.3.3: at most one datagram per window of acknowledged bytes. */
  protected congestionAvoidance(bytes: number, _now: number, _rtt: RttEstimator, underutilized: boolean): void {
    if (!underutilized) this.cwnd += (this.#maxDatagramSize * bytes) / this.cwnd;
  }

  /** §7.3.2: halve the window on entering recovery. */
  protected reduceWindow(): void {
    this.ssthresh = this.cwnd * LOSS_REDUCTION_FACTOR;
    this.cwnd = Math.max(this.ssthresh, this.minimumWindow);
  }
}
