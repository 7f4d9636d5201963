/**
 * `@zquic/sim`: a deterministic network simulator. Sans-I/O endpoints talk
 * through one-way links with latency, jitter, bandwidth and drop-tail
 * queues, loss (random and bursty), duplication, reordering, corruption,
 * MTU limits, blackholes and ECN marking, on a virtual clock, with every
 * random choice drawn from one seed.
 *
 * The impairment model ({@link Link}) stands on its own, so a real-time UDP
 * relay can reuse it.
 *
 * @packageDocumentation
 */
export { SeededRandom, type RandomSource } from "./random.js";
export { EventQueue } from "./event-queue.js";
export { EcnCodepoint, type Ecn } from "./ecn.js";
export type { SimEndpoint } from "./endpoint.js";
export { addressKey, type NetworkPath, type SocketAddress, type Transmit } from "@zquic/wire";
export type { Blackhole } from "./blackhole.js";
export type { BurstLoss } from "./burst-loss.js";
export { flipBits } from "./corruption.js";
export type { Count, TrafficStats } from "./stats.js";
export {
  INTEROP_RUNNER_LINK,
  LINK_DEFAULTS,
  LINK_DROP_REASONS,
  Link,
  type Delivery,
  type LinkConfig,
  type LinkDropReason,
  type LinkVerdict,
  type ResolvedLinkConfig,
} from "./link.js";
export { DROP_REASONS, formatTraceEvent, type DropReason, type TraceEvent, type TraceFields } from "./trace.js";
export { Network, type NetworkOptions, type RunOptions, type RunOutcome, type SimNode } from "./network.js";
export { SEED_ENV, parseSeed, seedsToRun, withSeed } from "./seed.js";
