/**
 * One direction of the relay's path, as a pure model: the {@link Link} from
 * `@zquic/sim` (queue, bandwidth, delay, jitter, loss, bit corruption,
 * blackholes, MTU), followed by the network simulator's receive-side error
 * models (drop list, capped drop rate, capped header corruption), which in
 * ns-3 act on datagrams as they come off the link.
 *
 * @module
 */
import { Link, LINK_DROP_REASONS, type LinkConfig, type SeededRandom } from "@zquic/sim";
import { CAPPED_RATE_START, cappedRateProblem, stepCappedRate, type CappedRate, type CappedRateState } from "./capped-rate.js";
import { DropList } from "./drop-list.js";
import { corruptHeadByte, isVersionNegotiation } from "./head-corruption.js";

/** How one direction treats datagrams, as data. Every field is optional. */
export interface DirectionConfig {
  /** The link model: delay, jitter, bandwidth, queue, loss, bursts, bit flips, blackholes, MTU. */
  readonly link?: LinkConfig;
  /** 1-based positions of datagrams to drop (the simulator's `droplist`). */
  readonly dropList?: readonly number[];
  /** The simulator's `drop-rate`: percent lost, with a cap on losses in a row. */
  readonly dropRate?: CappedRate;
  /** The simulator's `corrupt-rate`: percent with one header-area byte replaced, with a cap in a row. */
  readonly corruptRate?: CappedRate;
}

/** Why a direction dropped a datagram: the link's reasons, then the receive-side models'. */
export type DirectionDropReason = (typeof DIRECTION_DROP_REASONS)[number];

/** Every {@link DirectionDropReason}. */
export const DIRECTION_DROP_REASONS = [...LINK_DROP_REASONS, "drop-list", "drop-rate"] as const;

/** A number of datagrams and their bytes. */
export interface Tally {
  datagrams: number;
  bytes: number;
}

/** What a direction did so far. */
export interface DirectionStats {
  readonly sent: Tally;
  readonly delivered: Tally;
  readonly corrupted: Tally;
  readonly dropped: Record<DirectionDropReason, Tally>;
}

/** One datagram on its way: when it arrives and its (possibly corrupted) bytes. */
export interface Arrival {
  readonly at: number;
  readonly data: Uint8Array;
}

function tally(): Tally {
  return { datagrams: 0, bytes: 0 };
}

function add(counter: Tally, bytes: number): void {
  counter.datagrams += 1;
  counter.bytes += bytes;
}

/** Zeroed {@link DirectionStats}. */
export function emptyDirectionStats(): DirectionStats {
  const dropped = Object.fromEntries(DIRECTION_DROP_REASONS.map((reason) => [reason, tally()]));
  return { sent: tally(), delivered: tally(), corrupted: tally(), dropped: dropped as Record<DirectionDropReason, Tally> };
}

/** A reason `config` is unusable, or `undefined` (the link's own fields are checked by {@link Link}). */
export function directionProblem(config: DirectionConfig): string | undefined {
  for (const [name, rate] of [["dropRate", config.dropRate], ["corruptRate", config.corruptRate]] as const) {
    const problem = rate === undefined ? undefined : cappedRateProblem(rate);
    if (problem !== undefined) return `${name}: ${problem}`;
  }
  const badPosition = config.dropList?.find((position) => !(Number.isInteger(position) && position >= 1));
  return badPosition === undefined ? undefined : `dropList positions are 1-based whole numbers, got ${badPosition}`;
}

/**
 * One direction: offer datagrams in order of send time with
 * {@link Direction.send}; it answers with the arrivals (none when dropped)
 * and never schedules anything itself.
 */
export class Direction {
  private readonly link: Link;
  private readonly dropList: DropList | undefined;
  private dropRun: CappedRateState = CAPPED_RATE_START;
  private corruptRun: CappedRateState = CAPPED_RATE_START;
  private readonly counters = emptyDirectionStats();
  private readonly dropRandom: SeededRandom;
  private readonly corruptRandom: SeededRandom;

  /** A direction behaving as `config`, drawing randomness from forks of `random`. */
  constructor(
    private readonly config: DirectionConfig,
    random: SeededRandom,
  ) {
    const problem = directionProblem(config);
    if (problem !== undefined) throw new RangeError(`direction config: ${problem}`);
    this.link = new Link(config.link ?? {}, random.fork("link"));
    this.dropRandom = random.fork("drop-rate");
    this.corruptRandom = random.fork("corrupt-rate");
    this.dropList = config.dropList === undefined ? undefined : new DropList(config.dropList);
  }

  /** Counters so far. */
  get stats(): DirectionStats {
    return this.counters;
  }

  /** Offers `data`, sent at `now` (ms, non-decreasing between calls); returns its arrivals. */
  send(now: number, data: Uint8Array): readonly Arrival[] {
    add(this.counters.sent, data.length);
    const verdict = this.link.send(now, data);
    if (verdict.kind === "dropped") {
      add(this.counters.dropped[verdict.reason], data.length);
      return [];
    }
    const arrivals: Arrival[] = [];
    for (const copy of verdict.copies) {
      const arrival = this.receive(copy.at, copy.data);
      if (arrival !== undefined) arrivals.push(arrival);
    }
    return arrivals;
  }

  /** The receive-side error models, applied to one copy coming off the link. */
  private receive(at: number, data: Uint8Array): Arrival | undefined {
    if (this.dropList?.next() === true) return this.drop("drop-list", data);
    if (this.config.dropRate !== undefined) {
      const step = stepCappedRate(this.dropRun, this.config.dropRate, this.dropRandom);
      this.dropRun = step.state;
      if (step.hit) return this.drop("drop-rate", data);
    }
    let bytes = data;
    if (this.config.corruptRate !== undefined) {
      // The simulator leaves Version Negotiation alone and restarts its run counter.
      if (isVersionNegotiation(data)) this.corruptRun = CAPPED_RATE_START;
      else {
        const step = stepCappedRate(this.corruptRun, this.config.corruptRate, this.corruptRandom);
        this.corruptRun = step.state;
        if (step.hit) {
          bytes = corruptHeadByte(data, this.corruptRandom);
          add(this.counters.corrupted, data.length);
        }
      }
    }
    add(this.counters.delivered, bytes.length);
    return { at, data: bytes };
  }

  private drop(reason: DirectionDropReason, data: Uint8Array): undefined {
    add(this.counters.dropped[reason], data.length);
    return undefined;
  }
}
