import { describe, expect, it } from "vitest";
import { Cubic } from "../src/congestion/cubic.js";
import { RttEstimator } from "../src/rtt.js";

// Expected values are worked out here from RFC 9438 in its own units (segments,
// seconds) and compared with the controller, which works in bytes and ms.
const MDS = 1200;
const C = 0.4;
const BETA = 0.7;
const ALPHA = (3 * (1 - BETA)) / (1 + BETA);
const segments = (bytes: number): number => bytes / MDS;
/** RFC 9438 Figure 1, segments and seconds. */
const wCubic = (t: number, k: number, wMax: number): number => C * (t - k) ** 3 + wMax;

function rttOf(ms: number): RttEstimator {
  const rtt = new RttEstimator();
  rtt.update(ms, 0, 0, Infinity);
  return rtt;
}

/** Slow start to 100 segments, then a loss at t = 1000 ms: W_max = 100, cwnd = ssthresh = 70. */
function afterFirstLoss(): { cc: Cubic; rtt: RttEstimator } {
  const cc = new Cubic(MDS);
  const rtt = rttOf(100);
  for (let i = 0; i < 90; i++) cc.onPacketAcked({ timeSent: 0, size: MDS }, 10, rtt, false);
  expect(segments(cc.window)).toBe(100);
  cc.onCongestionEvent(1000, 999);
  return { cc, rtt };
}

const ackAt = (cc: Cubic, rtt: RttEstimator, now: number, underutilized = false): void =>
  cc.onPacketAcked({ timeSent: 1001, size: MDS }, now, rtt, underutilized);

describe("CUBIC multiplicative decrease (RFC 9438 §4.6)", () => {
  it("slow-starts like Reno, then reduces cwnd and ssthresh to β_cubic = 0.7 of the window", () => {
    const { cc } = afterFirstLoss();
    expect(segments(cc.window)).toBeCloseTo(70, 9);
    expect(segments(cc.slowStartThreshold)).toBeCloseTo(70, 9);
    expect(cc.state).toBe("recovery");
  });

  it("keeps the RFC 9002 recovery period: one reduction, no growth until a later packet is acknowledged", () => {
    const { cc, rtt } = afterFirstLoss();
    cc.onCongestionEvent(1050, 1000);
    cc.onPacketAcked({ timeSent: 900, size: MDS }, 1060, rtt, false);
    expect(segments(cc.window)).toBeCloseTo(70, 9);
    expect(cc.state).toBe("recovery");
  });

  it("never goes below the minimum window", () => {
    const cc = new Cubic(MDS);
    for (let i = 1; i <= 20; i++) cc.onCongestionEvent(i * 100, i * 100 - 1);
    expect(cc.window).toBe(2 * MDS);
    expect(cc.slowStartThreshold).toBe(2 * MDS);
  });
});

describe("CUBIC window increase (RFC 9438 §4.2–§4.5)", () => {
  it("follows W_cubic(t) = C(t − K)³ + W_max with K = ∛((W_max − cwnd_epoch)/C), bounded to [cwnd, 1.5·cwnd]", () => {
    const { cc, rtt } = afterFirstLoss();
    const k = Math.cbrt((100 - 70) / C);
    expect(k).toBeCloseTo(4.2172, 4);
    // W_cubic(0) = cwnd_epoch, W_cubic(K) = W_max.
    expect(wCubic(0, k, 100)).toBeCloseTo(70, 9);
    expect(wCubic(k, k, 100)).toBeCloseTo(100, 9);

    // The first acknowledgment after recovery starts the epoch at t = 0 (1100 ms), where
    // W_cubic(0) = 70 < W_est: the Reno-friendly region sets cwnd = W_est.
    let cwnd = 70;
    let wEst = 70 + (ALPHA * 1) / cwnd;
    cwnd = wEst;
    ackAt(cc, rtt, 1100);
    expect(cc.state).toBe("congestion_avoidance");
    expect(segments(cc.window)).toBeCloseTo(cwnd, 9);

    // Then a window's worth of acknowledgments every RTT (0.1 s), through the concave
    // region (cwnd < W_max, t < K) into the convex one.
    const regions = new Set<string>();
    for (let round = 1; round <= 70; round++) {
      const t = round / 10;
      const acks = Math.floor(cwnd);
      for (let i = 0; i < acks; i++) {
        // α_cubic becomes 1 once W_est reaches cwnd_prior = 100.
        wEst += ((wEst >= 100 ? 1 : ALPHA) * 1) / cwnd;
        if (wCubic(t, k, 100) < wEst) {
          cwnd = Math.max(cwnd, wEst);
          regions.add("Reno-friendly");
        } else {
          regions.add(cwnd < 100 ? "concave" : "convex");
          const target = Math.min(Math.max(wCubic(t + 0.1, k, 100), cwnd), 1.5 * cwnd);
          cwnd += (target - cwnd) / cwnd;
        }
        ackAt(cc, rtt, 1100 + round * 100);
      }
      expect(segments(cc.window)).toBeCloseTo(cwnd, 6);
    }
    expect([...regions].sort()).toEqual(["Reno-friendly", "concave", "convex"]);
    // By t = 7 s > K the window is past W_max.
    expect(cwnd).toBeGreaterThan(100);
  });

  it("grows by at most half a segment per acknowledged segment (target ≤ 1.5·cwnd)", () => {
    const { cc, rtt } = afterFirstLoss();
    ackAt(cc, rtt, 1100);
    const before = cc.window;
    // Far past K, W_cubic(t + RTT) is beyond 1.5·cwnd.
    ackAt(cc, rtt, 1100 + 100_000);
    expect(cc.window - before).toBeCloseTo(0.5 * MDS, 9);
  });

  it("tracks W_est in the Reno-friendly region, with α_cubic = 3(1 − β)/(1 + β) until W_est reaches cwnd_prior, then 1 (§4.3)", () => {
    const { cc, rtt } = afterFirstLoss();
    expect(ALPHA).toBeCloseTo(0.5294, 4);
    // Every acknowledgment at the epoch's first instant: W_cubic(t) stays at cwnd_epoch = 70, below W_est.
    let cwnd = 70;
    let wEst = 70;
    let sawAlphaOne = false;
    for (let i = 0; i < 5000; i++) {
      const alpha = wEst >= 100 ? 1 : ALPHA;
      sawAlphaOne ||= alpha === 1;
      wEst += alpha / cwnd;
      cwnd = Math.max(cwnd, wEst);
      ackAt(cc, rtt, 1100);
    }
    expect(sawAlphaOne).toBe(true);
    expect(segments(cc.window)).toBeCloseTo(cwnd, 6);
  });

  it("lowers W_max by fast convergence when the window shrinks before reaching it (§4.7)", () => {
    const { cc, rtt } = afterFirstLoss();
    ackAt(cc, rtt, 1100);
    ackAt(cc, rtt, 2100);
    const c2 = segments(cc.window);
    expect(c2).toBeLessThan(100);
    cc.onCongestionEvent(2200, 2150);
    expect(segments(cc.window)).toBeCloseTo(0.7 * c2, 9);
    // New epoch: W_max = c2 · (1 + β)/2, cwnd_epoch = 0.7 · c2.
    const wMax = (c2 * (1 + BETA)) / 2;
    const k = Math.cbrt((wMax - 0.7 * c2) / C);
    let cwnd = 0.7 * c2;
    let wEst = cwnd;
    const steps: [number, number][] = [
      [0, 2300],
      [1, 3300],
      [2, 4300],
    ];
    for (const [t, now] of steps) {
      wEst += ALPHA / cwnd;
      if (wCubic(t, k, wMax) < wEst) cwnd = Math.max(cwnd, wEst);
      else cwnd += (Math.min(Math.max(wCubic(t + 0.1, k, wMax), cwnd), 1.5 * cwnd) - cwnd) / cwnd;
      cc.onPacketAcked({ timeSent: 2201, size: MDS }, now, rtt, false);
      expect(segments(cc.window)).toBeCloseTo(cwnd, 9);
    }
  });

  it("restarts after persistent congestion with K = 0 and W_max = cwnd_epoch (§4.8)", () => {
    const { cc, rtt } = afterFirstLoss();
    cc.onPersistentCongestion();
    expect(cc.window).toBe(2 * MDS);
    // Slow start back to ssthresh = 70 segments.
    while (cc.window < cc.slowStartThreshold) cc.onPacketAcked({ timeSent: 1500, size: MDS }, 1600, rtt, false);
    expect(segments(cc.window)).toBeCloseTo(70, 9);
    let cwnd = 70;
    let wEst = 70;
    for (const t of [0, 2, 3]) {
      wEst += ALPHA / cwnd;
      if (wCubic(t, 0, 70) < wEst) cwnd = Math.max(cwnd, wEst);
      else cwnd += (Math.min(Math.max(wCubic(t + 0.1, 0, 70), cwnd), 1.5 * cwnd) - cwnd) / cwnd;
      cc.onPacketAcked({ timeSent: 1700, size: MDS }, 2000 + t * 1000, rtt, false);
      expect(segments(cc.window)).toBeCloseTo(cwnd, 9);
    }
    expect(segments(cc.window)).toBeGreaterThan(wEst);
  });
});

describe("CUBIC and application-limited flows (RFC 9438 §5.8)", () => {
  it("does not grow while underused, and keeps those periods out of t", () => {
    const steady = afterFirstLoss();
    ackAt(steady.cc, steady.rtt, 1100);
    ackAt(steady.cc, steady.rtt, 2100);

    const limited = afterFirstLoss();
    ackAt(limited.cc, limited.rtt, 1100);
    const window = limited.cc.window;
    ackAt(limited.cc, limited.rtt, 1600, true);
    ackAt(limited.cc, limited.rtt, 2600, true);
    expect(limited.cc.window).toBe(window);
    // 1.5 s were application limited: 3600 ms is t = 1 s, as 2100 ms was for the steady sender.
    ackAt(limited.cc, limited.rtt, 3600);
    expect(limited.cc.window).toBeCloseTo(steady.cc.window, 9);
  });

  it("keeps idle time out of t", () => {
    const steady = afterFirstLoss();
    ackAt(steady.cc, steady.rtt, 1100);
    ackAt(steady.cc, steady.rtt, 2100);

    const idle = afterFirstLoss();
    ackAt(idle.cc, idle.rtt, 1100);
    // Nothing in flight from 1100 until a send at 6100.
    idle.cc.onPacketSent(6100, 0);
    ackAt(idle.cc, idle.rtt, 7100);
    expect(idle.cc.window).toBeCloseTo(steady.cc.window, 9);
    // A send with data in flight does not move the clock.
    const busy = afterFirstLoss();
    ackAt(busy.cc, busy.rtt, 1100);
    busy.cc.onPacketSent(1500, 5000);
    ackAt(busy.cc, busy.rtt, 2100);
    expect(busy.cc.window).toBeCloseTo(steady.cc.window, 9);
  });
});
