/**
 * The network simulator's "rate with a burst cap" error model, used by its
 * `drop-rate` and `corrupt-rate` scenarios: each datagram is hit with
 * probability `percent / 100`, but after more than `burst` hits in a row the
 * next datagram always passes (so at most `burst + 1` hits follow each other,
 * exactly as quic-network-simulator's model counts them).
 *
 * @module
 */
import type { SeededRandom } from "@zquic/sim";

/** A hit rate in percent (0–100) with a cap on consecutive hits. */
export interface CappedRate {
  /** Chance of a hit, percent. */
  readonly percent: number;
  /** Hits in a row after which the next datagram passes; `Infinity` for no cap. */
  readonly burst: number;
}

/** The counter a {@link CappedRate} keeps between datagrams. */
export interface CappedRateState {
  readonly inARow: number;
}

/** The state before the first datagram. */
export const CAPPED_RATE_START: CappedRateState = { inARow: 0 };

/** Whether the next datagram is hit, and the counter after it. */
export function stepCappedRate(
  state: CappedRateState,
  rate: CappedRate,
  random: SeededRandom,
): { readonly hit: boolean; readonly state: CappedRateState } {
  if (state.inARow > rate.burst) return { hit: false, state: CAPPED_RATE_START };
  if (random.bool(rate.percent / 100)) return { hit: true, state: { inARow: state.inARow + 1 } };
  return { hit: false, state: CAPPED_RATE_START };
}

/** A reason `rate` is unusable, or `undefined`. */
export function cappedRateProblem(rate: CappedRate): string | undefined {
  if (!(rate.percent >= 0 && rate.percent <= 100)) return `rate must be a percentage in [0, 100], got ${rate.percent}`;
  if (!(rate.burst === Infinity || (Number.isInteger(rate.burst) && rate.burst >= 0))) {
    return `burst must be a whole number ≥ 0 or Infinity, got ${rate.burst}`;
  }
  return undefined;
}
