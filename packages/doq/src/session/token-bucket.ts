/**
 * A token bucket on the caller's clock: `rate` tokens a second, at most
 * `burst` saved up. It starts full.
 *
 * @module
 */
import { ZquicError } from "@zquic/wire";

/** Admits events at a steady rate with room for bursts; time is `now` in ms. */
export class TokenBucket {
  private tokens: number;
  private last: number | undefined;

  /** Throws `DOQ_BAD_RATE` unless `rate` is positive and finite and `burst` at least 1. */
  constructor(
    readonly rate: number,
    readonly burst: number,
  ) {
    if (!(rate > 0 && Number.isFinite(rate)) || !(burst >= 1 && Number.isFinite(burst))) {
      throw new ZquicError("DOQ_BAD_RATE", `a token bucket needs a positive finite rate and a burst of at least 1, not rate ${rate}, burst ${burst}`);
    }
    this.tokens = burst;
  }

  /** Takes a token at `now` if one is there; false when the rate is exceeded. */
  take(now: number): boolean {
    if (this.last !== undefined && now > this.last) this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) * this.rate) / 1000);
    this.last = Math.max(this.last ?? now, now);
    if (this.tokens < 1) return false;
    this.tokens--;
    return true;
  }
}
