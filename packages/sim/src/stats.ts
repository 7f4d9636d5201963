/**
 * Traffic counters kept by links and nodes.
 *
 * @module
 */

/** A number of datagrams and the bytes they carried. */
export interface Count {
  readonly datagrams: number;
  readonly bytes: number;
}

/** Live traffic counters: datagrams sent, delivered, and dropped by reason. */
export interface TrafficStats<Reason extends string> {
  readonly sent: Count;
  readonly delivered: Count;
  readonly dropped: { readonly [R in Reason]: Count };
}

/** A mutable {@link Count}, for the package's own bookkeeping. */
export interface Counter {
  datagrams: number;
  bytes: number;
}

/** The mutable form of {@link TrafficStats}, for the package's own bookkeeping. */
export interface TrafficCounters<Reason extends string> {
  readonly sent: Counter;
  readonly delivered: Counter;
  readonly dropped: Record<Reason, Counter>;
}

/** Zeroed counters with one drop counter per reason in `reasons`. */
export function newTrafficStats<Reason extends string>(reasons: readonly Reason[]): TrafficCounters<Reason> {
  const dropped = Object.fromEntries(reasons.map((reason) => [reason, { datagrams: 0, bytes: 0 }]));
  return { sent: { datagrams: 0, bytes: 0 }, delivered: { datagrams: 0, bytes: 0 }, dropped: dropped as Record<Reason, Counter> };
}

/** Adds one datagram of `bytes` bytes to `counter`. */
export function countDatagram(counter: Counter, bytes: number): void {
  counter.datagrams += 1;
  counter.bytes += bytes;
}
