/**
 * The NAT rebinding schedule and the choice of a new source address, as pure
 * functions. The simulator's `rebind` scenario rebinds first at
 * `first-rebind`, then every `rebind-freq`; with `--rebind-addr` the client
 * also gets a new address in its /24 (here: a new 127.0.0.x on loopback).
 *
 * @module
 */
import type { SeededRandom } from "@zquic/sim";
import type { RebindSchedule } from "./scenario.js";

/** When rebind number `done + 1` happens (ms on the relay's clock), or `undefined` when there is none. */
export function nextRebindAt(schedule: RebindSchedule, done: number): number | undefined {
  if (done === 0) return schedule.first;
  return schedule.every === undefined ? undefined : schedule.first + done * schedule.every;
}

/** True for an IPv4 loopback address, 127.0.0.0/8 (RFC 1122 §3.2.1.3). */
export function isIpv4Loopback(address: string): boolean {
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(address);
}

/**
 * A new source address for the client's binding: 127.0.0.x with x in
 * [2, 254], different from `current` (as the simulator draws a new host
 * number in the /24, avoiding the old one).
 */
export function pickRebindAddress(current: string, random: SeededRandom): string {
  for (;;) {
    const candidate = `127.0.0.${2 + random.int(253)}`;
    if (candidate !== current) return candidate;
  }
}
