import { describe, expect, it } from "vitest";
import { SeededRandom } from "@zquic/sim";
import { CAPPED_RATE_START, stepCappedRate, type CappedRate } from "../relay/capped-rate.js";
import { binomialTolerance, longestRun } from "./helpers/statistics.js";

function hits(rate: CappedRate, n: number, seed = 1): boolean[] {
  const random = new SeededRandom(seed);
  let state = CAPPED_RATE_START;
  return Array.from({ length: n }, () => {
    const step = stepCappedRate(state, rate, random);
    state = step.state;
    return step.hit;
  });
}

describe("capped rate (the simulator's drop-rate / corrupt-rate model)", () => {
  it("hits about percent/100 of datagrams when the cap never binds", () => {
    const n = 20_000;
    const count = hits({ percent: 2, burst: Infinity }, n).filter(Boolean).length;
    expect(Math.abs(count - n * 0.02)).toBeLessThanOrEqual(binomialTolerance(n, 0.02));
  });

  it("never hits more than burst + 1 datagrams in a row, as the simulator counts", () => {
    for (const seed of [1, 2, 3]) expect(longestRun(hits({ percent: 90, burst: 3 }, 5000, seed))).toBe(4);
  });

  it("passes the datagram after a capped run and starts counting again", () => {
    expect(hits({ percent: 100, burst: 1 }, 9)).toEqual([true, true, false, true, true, false, true, true, false]);
  });

  it("never hits at 0 % and always (but for the cap) at 100 %", () => {
    expect(hits({ percent: 0, burst: Infinity }, 100).some(Boolean)).toBe(false);
    expect(hits({ percent: 100, burst: Infinity }, 100).every(Boolean)).toBe(true);
  });
});
