/**
 * Burst loss by the Gilbert–Elliott model: a two-state channel that is
 * either good (no burst loss) or in a burst (datagrams lost with
 * probability `loss`). Mean burst length is 1 / `exit` datagrams.
 *
 * @module
 */
import type { SeededRandom } from "./random.js";

/** Gilbert–Elliott transition and loss probabilities, each per datagram. */
export interface BurstLoss {
  /** Chance that a datagram finds a good channel turned bad. */
  readonly enter: number;
  /** Chance that a datagram finds a bad channel turned good. */
  readonly exit: number;
  /** Chance that a datagram is lost while the channel is bad. Default 1. */
  readonly loss?: number;
}

/** The channel after one more datagram, and whether that datagram is lost. */
export function stepBurstLoss(
  inBurst: boolean,
  config: BurstLoss,
  random: SeededRandom,
): { readonly inBurst: boolean; readonly lost: boolean } {
  const next = inBurst ? !random.bool(config.exit) : random.bool(config.enter);
  return { inBurst: next, lost: next && random.bool(config.loss ?? 1) };
}
