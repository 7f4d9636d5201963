/**
 * The UDP impairment relay: the interop runner's network simulator,
 * reproduced in userspace on loopback.
 *
 * @module
 */
export { formatAddress, parseAddress, socketType, udpPayloadLimit, type SocketAddress } from "./address.js";
export { CAPPED_RATE_START, stepCappedRate, type CappedRate, type CappedRateState } from "./capped-rate.js";
export { Direction, DIRECTION_DROP_REASONS, emptyDirectionStats, type Arrival, type DirectionConfig, type DirectionDropReason, type DirectionStats, type Tally } from "./direction.js";
export { DropList } from "./drop-list.js";
export { corruptHeadByte, isVersionNegotiation, CORRUPTION_WINDOW } from "./head-corruption.js";
export { RealTimeQueue } from "./real-time-queue.js";
export { isIpv4Loopback, nextRebindAt, pickRebindAddress } from "./rebinding.js";
export { DEFAULT_SCENARIO, Relay, type RebindEvent, type RelayOptions, type RelayStats, type Route } from "./relay.js";
export { parseRate, parseScenario, parseTime, SCENARIO_NAMES, type Impairments, type RebindSchedule } from "./scenario.js";
