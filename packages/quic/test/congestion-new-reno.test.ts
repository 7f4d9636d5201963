import { describe, expect, it } from "vitest";
import { createCongestionController } from "../src/congestion/controller.js";
import { Cubic } from "../src/congestion/cubic.js";
import { NewReno, initialWindow, minimumWindow } from "../src/congestion/new-reno.js";
import { RttEstimator } from "../src/rtt.js";

const MDS = 1200;
const rtt = new RttEstimator();
const acked = (timeSent: number, size = MDS) => ({ timeSent, size });

describe("initial and minimum window (RFC 9002 §7.2)", () => {
  it("is ten datagrams, limited to max(14720, 2 datagrams)", () => {
    expect(initialWindow(1200)).toBe(12000);
    expect(initialWindow(1500)).toBe(14720);
    expect(initialWindow(9000)).toBe(18000);
    expect(minimumWindow(1200)).toBe(2400);
  });

  it("creates the requested algorithm", () => {
    expect(createCongestionController("newreno", MDS)).toBeInstanceOf(NewReno);
    expect(createCongestionController("cubic", MDS)).toBeInstanceOf(Cubic);
    const cc = createCongestionController("cubic", 1500);
    expect(cc.window).toBe(14720);
    expect(cc.slowStartThreshold).toBe(Infinity);
    expect(cc.minimumWindow).toBe(3000);
    expect(cc.state).toBe("slow_start");
  });
});

describe("NewReno window evolution (RFC 9002 §7.3, Appendix B)", () => {
  it("grows by the acknowledged bytes in slow start (§7.3.1)", () => {
    const cc = new NewReno(MDS);
    cc.onPacketAcked(acked(0), 10, rtt, false);
    cc.onPacketAcked(acked(0, 500), 10, rtt, false);
    expect(cc.window).toBe(12000 + 1200 + 500);
    expect(cc.state).toBe("slow_start");
  });

  it("halves the window on a congestion event and enters recovery (§7.3.2)", () => {
    const cc = new NewReno(MDS);
    cc.onPacketAcked(acked(0), 10, rtt, false);
    cc.onCongestionEvent(100, 50);
    expect(cc.slowStartThreshold).toBe(6600);
    expect(cc.window).toBe(6600);
    expect(cc.state).toBe("recovery");
  });

  it("reduces once per recovery period: losses of packets sent before it started are ignored", () => {
    const cc = new NewReno(MDS);
    cc.onCongestionEvent(100, 50);
    cc.onCongestionEvent(150, 100);
    expect(cc.window).toBe(6000);
    // A packet sent after the period began starts a new one.
    cc.onCongestionEvent(200, 101);
    expect(cc.window).toBe(3000);
  });

  it("does not grow in recovery, and leaves it when a packet sent during it is acknowledged", () => {
    const cc = new NewReno(MDS);
    cc.onCongestionEvent(100, 50);
    cc.onPacketAcked(acked(90), 120, rtt, false);
    cc.onPacketAcked(acked(100), 120, rtt, false);
    expect(cc.window).toBe(6000);
    expect(cc.state).toBe("recovery");
    cc.onPacketAcked(acked(101), 130, rtt, false);
    expect(cc.state).toBe("congestion_avoidance");
    // §7.3.3 / §B.5: max_datagram_size · acked / cwnd.
    expect(cc.window).toBeCloseTo(6000 + (1200 * 1200) / 6000, 9);
  });

  it("adds at most one datagram per window acknowledged in congestion avoidance (§7.3.3)", () => {
    const cc = new NewReno(MDS);
    cc.onCongestionEvent(100, 50);
    const start = cc.window;
    let ackedBytes = 0;
    let now = 200;
    while (ackedBytes < start) {
      cc.onPacketAcked(acked(now), now, rtt, false);
      ackedBytes += MDS;
      now++;
    }
    const growth = cc.window - start;
    expect(growth).toBeLessThanOrEqual(MDS);
    expect(growth).toBeGreaterThan(0.9 * MDS);
  });

  it("never reduces below the minimum window (§7.2)", () => {
    const cc = new NewReno(MDS);
    for (let i = 0; i < 10; i++) cc.onCongestionEvent(100 * (i + 1), 100 * (i + 1) - 1);
    expect(cc.window).toBe(2400);
  });

  it("collapses to the minimum window on persistent congestion and slow-starts again (§7.6.2)", () => {
    const cc = new NewReno(MDS);
    cc.onCongestionEvent(100, 50);
    cc.onPersistentCongestion();
    expect(cc.window).toBe(2400);
    expect(cc.state).toBe("slow_start");
    // The recovery period is over: even a packet sent before it grows the window.
    cc.onPacketAcked(acked(60), 300, rtt, false);
    expect(cc.window).toBe(3600);
    expect(cc.slowStartThreshold).toBe(6000);
  });

  it("does not grow an underused window (§7.8)", () => {
    const cc = new NewReno(MDS);
    cc.onPacketAcked(acked(0), 10, rtt, true);
    expect(cc.window).toBe(12000);
    cc.onCongestionEvent(100, 50);
    cc.onPacketAcked(acked(200), 300, rtt, true);
    expect(cc.window).toBe(6000);
    // The recovery period still ends.
    expect(cc.state).toBe("congestion_avoidance");
  });

  it("recalculates an untouched initial window for a new datagram size, and keeps the minimum (§7.2)", () => {
    const fresh = new NewReno(1200);
    fresh.onMtuChanged(1500);
    expect(fresh.window).toBe(14720);
    expect(fresh.maxDatagramSize).toBe(1500);

    const reduced = new NewReno(1200);
    for (let i = 0; i < 10; i++) reduced.onCongestionEvent(100 * (i + 1), 100 * (i + 1) - 1);
    reduced.onMtuChanged(1500);
    expect(reduced.window).toBe(3000);
    expect(reduced.minimumWindow).toBe(3000);
  });
});
