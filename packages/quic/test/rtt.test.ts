import { describe, expect, it } from "vitest";
import { INITIAL_RTT, RttEstimator } from "../src/rtt.js";

describe("RTT estimation (RFC 9002 §5)", () => {
  it("starts from kInitialRtt = 333 ms with rttvar = initial/2 (§5.3, §6.2.2)", () => {
    const rtt = new RttEstimator();
    expect(INITIAL_RTT).toBe(333);
    expect(rtt.smoothedRtt).toBe(333);
    expect(rtt.rttVar).toBe(166.5);
    expect(rtt.hasSample).toBe(false);
    expect(rtt.firstSampleTime).toBeUndefined();
    // §6.2.2: "handshakes starting with a PTO of 1 second".
    expect(rtt.ptoBase(1)).toBe(999);
  });

  it("resets the estimator on the first sample, ignoring the ack delay (§5.3)", () => {
    const rtt = new RttEstimator(500);
    rtt.update(80, 30, 1000, Infinity);
    expect(rtt.latestRtt).toBe(80);
    expect(rtt.minRtt).toBe(80);
    expect(rtt.smoothedRtt).toBe(80);
    expect(rtt.rttVar).toBe(40);
    expect(rtt.firstSampleTime).toBe(1000);
    expect(rtt.hasSample).toBe(true);
  });

  it("smooths later samples with 7/8 and 3/4 after subtracting the ack delay (§5.3)", () => {
    const rtt = new RttEstimator();
    rtt.update(100, 0, 0, Infinity);
    rtt.update(140, 20, 10, Infinity);
    // adjusted = 140 − 20 = 120 (140 ≥ min_rtt 100 + 20).
    expect(rtt.rttVar).toBeCloseTo(0.75 * 50 + 0.25 * Math.abs(100 - 120), 12);
    expect(rtt.smoothedRtt).toBeCloseTo((7 / 8) * 100 + (1 / 8) * 120, 12);
    expect(rtt.minRtt).toBe(100);
    expect(rtt.firstSampleTime).toBe(0);
  });

  it("does not cap the ack delay before the handshake is confirmed, and caps it by max_ack_delay after (§5.3)", () => {
    const before = new RttEstimator();
    before.update(50, 0, 0, Infinity);
    before.update(100, 40, 1, Infinity);
    // Uncapped: adjusted = 100 − 40 = 60.
    expect(before.smoothedRtt).toBeCloseTo((7 / 8) * 50 + 60 / 8, 12);

    const after = new RttEstimator();
    after.update(50, 0, 0, 25);
    after.update(100, 40, 1, 25);
    // Capped at 25: adjusted = 75.
    expect(after.smoothedRtt).toBeCloseTo((7 / 8) * 50 + 75 / 8, 12);
  });

  it("never subtracts an ack delay that would take the sample below min_rtt (§5.3)", () => {
    const rtt = new RttEstimator();
    rtt.update(80, 0, 0, Infinity);
    rtt.update(100, 30, 1, Infinity);
    // 100 < 80 + 30: the sample is used as is.
    expect(rtt.smoothedRtt).toBeCloseTo((7 / 8) * 80 + 100 / 8, 12);
    expect(rtt.rttVar).toBeCloseTo(0.75 * 40 + 0.25 * 20, 12);
  });

  it("tracks min_rtt without ack delay and restarts it after persistent congestion (§5.2)", () => {
    const rtt = new RttEstimator();
    rtt.update(100, 0, 0, Infinity);
    rtt.update(60, 50, 1, Infinity);
    expect(rtt.minRtt).toBe(60);
    rtt.update(200, 0, 2, Infinity);
    expect(rtt.minRtt).toBe(60);
    rtt.onPersistentCongestion();
    expect(rtt.minRtt).toBe(200);
  });

  it("computes the PTO base as smoothed_rtt + max(4·rttvar, kGranularity) (§6.2.1)", () => {
    const rtt = new RttEstimator();
    rtt.update(100, 0, 0, Infinity);
    expect(rtt.ptoBase(1)).toBe(100 + 200);
    // Many identical samples shrink rttvar below the granularity.
    for (let i = 1; i < 60; i++) rtt.update(100, 0, i, Infinity);
    expect(4 * rtt.rttVar).toBeLessThan(1);
    expect(rtt.ptoBase(1)).toBe(101);
  });

  it("forgets everything on reset (new path)", () => {
    const rtt = new RttEstimator(200);
    rtt.update(30, 0, 5, Infinity);
    rtt.reset();
    expect(rtt.smoothedRtt).toBe(200);
    expect(rtt.rttVar).toBe(100);
    expect(rtt.minRtt).toBe(0);
    expect(rtt.latestRtt).toBe(0);
    expect(rtt.hasSample).toBe(false);
  });
});
