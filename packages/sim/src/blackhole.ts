/**
 * Blackholes: times when a link silently drops everything sent into it.
 *
 * @module
 */

/**
 * A period when a link is down, as data:
 * - `{ from, until }`: the interval [from, until) of virtual time, ms;
 * - `{ every, duration, start? }`: the first `duration` ms of every `every` ms,
 *   from `start` (default 0) on, e.g. `{ every: 1000, duration: 200 }`.
 */
export type Blackhole =
  | { readonly from: number; readonly until: number }
  | { readonly every: number; readonly duration: number; readonly start?: number };

/** True when `time` falls inside `blackhole`. */
export function inBlackhole(blackhole: Blackhole, time: number): boolean {
  if ("from" in blackhole) return time >= blackhole.from && time < blackhole.until;
  const since = time - (blackhole.start ?? 0);
  return since >= 0 && since % blackhole.every < blackhole.duration;
}

/** A reason `blackhole` is not a usable period, or `undefined` when it is. */
export function blackholeProblem(blackhole: Blackhole): string | undefined {
  if ("from" in blackhole) {
    return blackhole.from <= blackhole.until ? undefined : `blackhole from ${blackhole.from} ends before it starts (until ${blackhole.until})`;
  }
  const { every, duration, start = 0 } = blackhole;
  if (!(every > 0 && Number.isFinite(every))) return `blackhole period 'every' must be a finite number of ms > 0, got ${every}`;
  if (!(duration >= 0 && duration <= every)) return `blackhole duration must be in [0, every], got ${duration}`;
  if (!Number.isFinite(start)) return `blackhole start must be a finite time, got ${start}`;
  return undefined;
}
