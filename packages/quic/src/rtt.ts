/**
 * RTT estimation (RFC 9002 §5): latest_rtt, min_rtt, smoothed_rtt and rttvar
 * of one network path.
 *
 * @module
 */

/** RFC 9002 §6.2.2: the initial RTT when no previous RTT is available, in ms. */
export const INITIAL_RTT = 333;

/**
 * The RTT estimator of one path (RFC 9002 §5). All times are milliseconds.
 * Before the first sample it reports the initial RTT (§5.3).
 */
export class RttEstimator {
  #latestRtt = 0;
  #smoothedRtt: number;
  #rttVar: number;
  #minRtt = 0;
  #firstSampleTime: number | undefined;

  /** @param initialRtt kInitialRtt (§6.2.2): 333 ms, or a value remembered from a previous connection. */
  constructor(readonly initialRtt: number = INITIAL_RTT) {
    this.#smoothedRtt = initialRtt;
    this.#rttVar = initialRtt / 2;
  }

  /** The most recent RTT sample, not adjusted for ack delay; 0 before the first sample. */
  get latestRtt(): number {
    return this.#latestRtt;
  }

  /** The exponentially weighted moving average of adjusted samples (§5.3). */
  get smoothedRtt(): number {
    return this.#smoothedRtt;
  }

  /** The mean deviation of the samples (§5.3). */
  get rttVar(): number {
    return this.#rttVar;
  }

  /** The minimum sample seen, without ack delay adjustment (§5.2); 0 before the first sample. */
  get minRtt(): number {
    return this.#minRtt;
  }

  /** When the first sample was taken (A.3 first_rtt_sample); undefined before it. */
  get firstSampleTime(): number | undefined {
    return this.#firstSampleTime;
  }

  /** True once a sample has been taken. */
  get hasSample(): boolean {
    return this.#firstSampleTime !== undefined;
  }

  /**
   * Adds the sample `latestRtt` (§5.1) taken at `now` (§A.7 UpdateRtt).
   *
   * @param ackDelay the decoded ACK Delay of the acknowledging frame, in ms.
   * @param ackDelayLimit the peer's max_ack_delay once the handshake is confirmed, else
   *   `Infinity`: §5.3 says to ignore max_ack_delay until then.
   */
  update(latestRtt: number, ackDelay: number, now: number, ackDelayLimit: number): void {
    this.#latestRtt = latestRtt;
    if (this.#firstSampleTime === undefined) {
      // §5.3: the first sample resets the estimator.
      this.#minRtt = latestRtt;
      this.#smoothedRtt = latestRtt;
      this.#rttVar = latestRtt / 2;
      this.#firstSampleTime = now;
      return;
    }
    // §5.2: min_rtt ignores acknowledgment delay.
    this.#minRtt = Math.min(this.#minRtt, latestRtt);
    const delay = Math.min(ackDelay, ackDelayLimit);
    // §5.3: never subtract an ack delay that would take the sample below min_rtt.
    const adjustedRtt = latestRtt >= this.#minRtt + delay ? latestRtt - delay : latestRtt;
    this.#rttVar = (3 / 4) * this.#rttVar + (1 / 4) * Math.abs(this.#smoothedRtt - adjustedRtt);
    this.#smoothedRtt = (7 / 8) * this.#smoothedRtt + (1 / 8) * adjustedRtt;
  }

  /** smoothed_rtt + max(4·rttvar, granularity): the PTO period without max_ack_delay and backoff (§6.2.1). */
  ptoBase(granularity: number): number {
    return this.#smoothedRtt + Math.max(4 * this.#rttVar, granularity);
  }

  /** §5.2: after persistent congestion, min_rtt SHOULD restart from the newest sample. */
  onPersistentCongestion(): void {
    this.#minRtt = this.#latestRtt;
  }

  /** Forgets every sample, as on a new path (§5.3, RFC 9000 §9.4). */
  reset(): void {
    this.#latestRtt = 0;
    this.#smoothedRtt = this.initialRtt;
    this.#rttVar = this.initialRtt / 2;
    this.#minRtt = 0;
    this.#firstSampleTime = undefined;
  }
}
