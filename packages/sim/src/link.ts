/**
 * A one-way link and its impairment model. A {@link Link} decides, for each
 * datagram handed to it at some time, whether it is dropped or when (and in
 * what form) it arrives. It keeps only its own state, so it serves the
 * simulator's event loop and a real-time UDP relay alike.
 *
 * @module
 */
import { ZquicError } from "@zquic/wire";
import { blackholeProblem, inBlackhole, type Blackhole } from "./blackhole.js";
import { stepBurstLoss, type BurstLoss } from "./burst-loss.js";
import { flipBits } from "./corruption.js";
import { EcnCodepoint, isEct, type Ecn } from "./ecn.js";
import type { SeededRandom } from "./random.js";
import { countDatagram, newTrafficStats, type TrafficStats } from "./stats.js";

/**
 * How a link treats the datagrams it carries, as data. Every field is
 * optional; the defaults ({@link LINK_DEFAULTS}) make an ideal link that
 * delivers everything at once, intact and in order.
 */
export interface LinkConfig {
  /** One-way propagation delay, ms. */
  readonly latency?: number;
  /** Extra delay drawn uniformly from [0, jitter) ms per datagram. Order is kept unless `reorder` picks a datagram. */
  readonly jitter?: number;
  /** Capacity in bits per second: each datagram takes `8 × length / bandwidth` s to serialize. */
  readonly bandwidth?: number;
  /** Drop-tail queue: how many datagrams may wait behind the one being serialized; one more is dropped. Needs a finite `bandwidth`. */
  readonly queue?: number;
  /** Chance that a datagram is lost, independently of every other. */
  readonly loss?: number;
  /** Bursty loss by the Gilbert–Elliott model, on top of `loss`. */
  readonly burstLoss?: BurstLoss;
  /** Chance that a datagram arrives twice. */
  readonly duplicate?: number;
  /** Chance that a datagram is held back by `reorderDelay` and may be overtaken. */
  readonly reorder?: number;
  /** Extra delay of a reordered datagram, ms. */
  readonly reorderDelay?: number;
  /** Chance that a delivered datagram has `corruptBits` of its bits flipped. */
  readonly corrupt?: number;
  /** How many distinct bits a corruption flips. */
  readonly corruptBits?: number;
  /** The largest datagram (UDP payload, bytes) the link carries; larger ones are dropped. */
  readonly mtu?: number;
  /** Periods when the link drops everything sent into it. */
  readonly blackholes?: readonly Blackhole[];
  /** An ECT datagram that finds more than this many datagrams waiting is marked CE (RFC 3168 §5). Needs a finite `bandwidth`. */
  readonly ecnThreshold?: number;
  /** Clear the ECN field of every datagram, as a path that does not pass ECN does. */
  readonly bleachEcn?: boolean;
}

/** A {@link LinkConfig} with every default filled in. */
export type ResolvedLinkConfig = Required<LinkConfig>;

/** The burst-loss model that never enters a burst. */
const NO_BURSTS: BurstLoss = { enter: 0, exit: 1 };

/** The ideal link: no delay, no limit, no impairment. */
export const LINK_DEFAULTS: ResolvedLinkConfig = {
  latency: 0,
  jitter: 0,
  bandwidth: Infinity,
  queue: Infinity,
  loss: 0,
  burstLoss: NO_BURSTS,
  duplicate: 0,
  reorder: 0,
  reorderDelay: 10,
  corrupt: 0,
  corruptBits: 1,
  mtu: Infinity,
  blackholes: [],
  ecnThreshold: Infinity,
  bleachEcn: false,
};

/** The quic-interop-runner's ns-3 defaults: 15 ms one way, 10 Mbit/s, a 25-packet drop-tail queue. */
export const INTEROP_RUNNER_LINK: LinkConfig = { latency: 15, bandwidth: 10_000_000, queue: 25 };

/** Why a link dropped a datagram. */
export type LinkDropReason = (typeof LINK_DROP_REASONS)[number];

/** Every {@link LinkDropReason}, in the order a link checks them. */
export const LINK_DROP_REASONS = ["mtu", "blackhole", "queue", "burst-loss", "loss"] as const;

/** One copy of a datagram on its way: when it arrives, its bytes (a private copy) and its ECN codepoint. */
export interface Delivery {
  readonly at: number;
  readonly data: Uint8Array;
  readonly ecn: Ecn;
}

/** A link's decision about one datagram. */
export type LinkVerdict =
  | { readonly kind: "dropped"; readonly reason: LinkDropReason }
  | { readonly kind: "deliver"; readonly copies: readonly Delivery[] };

type NumericField = { [K in keyof LinkConfig]-?: LinkConfig[K] extends number | undefined ? K : never }[keyof LinkConfig];

/** What each kind of numeric field accepts. */
const VALUE_RULES = {
  probability: { accepts: (v: number) => v >= 0 && v <= 1, expected: "a probability in [0, 1]" },
  delay: { accepts: (v: number) => v >= 0 && Number.isFinite(v), expected: "a finite number of ms ≥ 0" },
  rate: { accepts: (v: number) => v > 0, expected: "bits per second > 0 (Infinity for no limit)" },
  count: { accepts: (v: number) => v === Infinity || (Number.isInteger(v) && v >= 0), expected: "a whole number ≥ 0 or Infinity" },
} as const;

const FIELD_RULES: Record<NumericField, keyof typeof VALUE_RULES> = {
  latency: "delay",
  jitter: "delay",
  bandwidth: "rate",
  queue: "count",
  loss: "probability",
  duplicate: "probability",
  reorder: "probability",
  reorderDelay: "delay",
  corrupt: "probability",
  corruptBits: "count",
  mtu: "count",
  ecnThreshold: "count",
};

function badConfig(problem: string): ZquicError {
  return new ZquicError("SIM_BAD_LINK_CONFIG", `link config: ${problem}`);
}

/** `config` over {@link LINK_DEFAULTS}; throws `ZquicError` `SIM_BAD_LINK_CONFIG` naming the first bad field. */
export function resolveLinkConfig(config: LinkConfig): ResolvedLinkConfig {
  const resolved = { ...LINK_DEFAULTS, ...config };
  for (const [field, rule] of Object.entries(FIELD_RULES) as [NumericField, keyof typeof VALUE_RULES][]) {
    const value = resolved[field];
    const { accepts, expected } = VALUE_RULES[rule];
    if (typeof value !== "number" || !accepts(value)) throw badConfig(`${field} must be ${expected}, got ${String(value)}`);
  }
  const { enter, exit, loss = 1 } = resolved.burstLoss;
  for (const [name, value] of [["enter", enter], ["exit", exit], ["loss", loss]] as const) {
    if (!VALUE_RULES.probability.accepts(value)) throw badConfig(`burstLoss.${name} must be a probability in [0, 1], got ${value}`);
  }
  for (const blackhole of resolved.blackholes) {
    const problem = blackholeProblem(blackhole);
    if (problem !== undefined) throw badConfig(problem);
  }
  for (const field of ["queue", "ecnThreshold"] as const) {
    if (resolved[field] !== Infinity && resolved.bandwidth === Infinity) {
      throw badConfig(`${field} needs a finite bandwidth (an infinitely fast link never queues)`);
    }
  }
  return resolved;
}

/**
 * One direction of a link: a drop-tail queue feeding a transmitter of fixed
 * bandwidth, then a wire with delay and impairments. Feed it datagrams in
 * order of send time with {@link Link.send}; it answers with a
 * {@link LinkVerdict} and never schedules anything itself.
 *
 * Order of checks: MTU, blackhole, queue (a queued datagram uses bandwidth),
 * burst loss, random loss; then each surviving copy may be corrupted,
 * jittered or reordered, and its ECN field marked or bleached.
 */
export class Link {
  private config: ResolvedLinkConfig;
  private readonly counters = newTrafficStats(LINK_DROP_REASONS);
  /** When each accepted datagram finishes serializing, oldest first, from index `head`. */
  private readonly departures: number[] = [];
  private head = 0;
  /** Arrival time of the latest in-order delivery; later ones never arrive before it. */
  private lastArrival = -Infinity;
  private inBurst = false;

  /** A link behaving as `config`, drawing its randomness from `random` (give it its own fork). */
  constructor(
    config: LinkConfig,
    private readonly random: SeededRandom,
  ) {
    this.config = resolveLinkConfig(config);
  }

  /** Datagrams offered, delivered (each copy) and dropped by reason, so far. */
  get stats(): TrafficStats<LinkDropReason> {
    return this.counters;
  }

  /** The configuration in force, defaults filled in. */
  get settings(): ResolvedLinkConfig {
    return this.config;
  }

  /** Changes how the link behaves from now on; its queue, burst state and counters carry over. */
  configure(config: LinkConfig): void {
    this.config = resolveLinkConfig(config);
  }

  /** How many accepted datagrams are still in the link's hands at `now`: the one being serialized and those waiting behind it. */
  backlog(now: number): number {
    while (this.head < this.departures.length && this.departures[this.head]! <= now) this.head++;
    if (this.head > 32 && this.head * 2 > this.departures.length) {
      this.departures.splice(0, this.head);
      this.head = 0;
    }
    return this.departures.length - this.head;
  }

  /** Offers `data`, sent at `now` (ms) with codepoint `ecn`, to the link. Calls must come in order of `now`. */
  send(now: number, data: Uint8Array, ecn: Ecn = EcnCodepoint.NotEct): LinkVerdict {
    const config = this.config;
    countDatagram(this.counters.sent, data.length);
    if (data.length > config.mtu) return this.drop("mtu", data);
    if (config.blackholes.some((blackhole) => inBlackhole(blackhole, now))) return this.drop("blackhole", data);

    const backlog = this.backlog(now);
    if (backlog > config.queue) return this.drop("queue", data);
    const waiting = Math.max(0, backlog - 1);
    const marked = isEct(ecn) && waiting > config.ecnThreshold ? EcnCodepoint.Ce : ecn;
    const departure = this.serialize(now, data.length);

    const burst = stepBurstLoss(this.inBurst, config.burstLoss, this.random);
    this.inBurst = burst.inBurst;
    if (burst.lost) return this.drop("burst-loss", data);
    if (this.random.bool(config.loss)) return this.drop("loss", data);

    const copies: Delivery[] = [];
    const count = this.random.bool(config.duplicate) ? 2 : 1;
    for (let i = 0; i < count; i++) {
      copies.push({
        at: this.arrival(departure),
        data: this.random.bool(config.corrupt) ? flipBits(data, config.corruptBits, this.random) : data.slice(),
        ecn: config.bleachEcn ? EcnCodepoint.NotEct : marked,
      });
      countDatagram(this.counters.delivered, data.length);
    }
    return { kind: "deliver", copies };
  }

  /** When a datagram of `length` bytes offered at `now` has left the transmitter. */
  private serialize(now: number, length: number): number {
    if (this.config.bandwidth === Infinity) return now;
    const start = Math.max(now, this.departures[this.departures.length - 1] ?? now);
    const departure = start + (length * 8000) / this.config.bandwidth;
    this.departures.push(departure);
    return departure;
  }

  /** When a copy that left the transmitter at `departure` arrives: FIFO unless picked for reordering. */
  private arrival(departure: number): number {
    const { latency, jitter, reorder, reorderDelay } = this.config;
    const arrival = departure + latency + (jitter > 0 ? this.random.next() * jitter : 0);
    if (this.random.bool(reorder)) return arrival + reorderDelay;
    this.lastArrival = Math.max(arrival, this.lastArrival);
    return this.lastArrival;
  }

  private drop(reason: LinkDropReason, data: Uint8Array): LinkVerdict {
    countDatagram(this.counters.dropped[reason], data.length);
    return { kind: "dropped", reason };
  }
}
