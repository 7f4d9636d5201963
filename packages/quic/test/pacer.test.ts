import { describe, expect, it } from "vitest";
import { PACING_BURST_PACKETS, PACING_GAIN, Pacer, pacingRate } from "../src/pacer.js";

const MDS = 1200;

describe("pacing (RFC 9002 §7.7)", () => {
  it("paces at N · congestion_window / smoothed_rtt with N = 1.25", () => {
    expect(PACING_GAIN).toBe(1.25);
    expect(pacingRate(12000, 100)).toBe(150);
    expect(pacingRate(24000, 100)).toBe(300);
    expect(pacingRate(12000, 50)).toBe(300);
  });

  it("lets a burst of ten datagrams leave at once, then spaces packets by size / rate", () => {
    const pacer = new Pacer(MDS);
    expect(PACING_BURST_PACKETS).toBe(10);
    for (let i = 0; i < 10; i++) {
      expect(pacer.earliestSendTime(0, MDS, 12000, 100)).toBe(0);
      pacer.onSent(0, MDS, 12000, 100);
    }
    // 150 bytes per ms: 1200 bytes take 8 ms to accumulate.
    expect(pacer.earliestSendTime(0, MDS, 12000, 100)).toBe(8);
    expect(pacer.earliestSendTime(5, MDS, 12000, 100)).toBe(8);
    expect(pacer.earliestSendTime(8, MDS, 12000, 100)).toBe(8);
    pacer.onSent(8, MDS, 12000, 100);
    expect(pacer.earliestSendTime(8, MDS, 12000, 100)).toBe(16);
    // A smaller packet needs fewer tokens.
    expect(pacer.earliestSendTime(8, 300, 12000, 100)).toBe(10);
  });

  it("follows the window and the RTT", () => {
    const pacer = new Pacer(MDS);
    pacer.onSent(0, 10 * MDS, 12000, 100);
    expect(pacer.earliestSendTime(0, MDS, 24000, 100)).toBe(4);
    expect(pacer.earliestSendTime(0, MDS, 12000, 200)).toBe(16);
  });

  it("holds at most a burst after an idle period", () => {
    const pacer = new Pacer(MDS);
    pacer.onSent(0, MDS, 12000, 100);
    let now = 1_000_000;
    for (let i = 0; i < 10; i++) {
      expect(pacer.earliestSendTime(now, MDS, 12000, 100)).toBe(now);
      pacer.onSent(now, MDS, 12000, 100);
    }
    expect(pacer.earliestSendTime(now, MDS, 12000, 100)).toBe(now + 8);
  });

  it("does not pace before an RTT is known, and lets an oversized packet go once the bucket is full", () => {
    const pacer = new Pacer(MDS);
    pacer.onSent(0, 10 * MDS, 12000, 100);
    expect(pacer.earliestSendTime(0, MDS, 12000, 0)).toBe(0);
    // Twice the burst: waits only for a full bucket (12000 bytes at 150 bytes/ms).
    expect(pacer.earliestSendTime(0, 20 * MDS, 12000, 100)).toBe(80);
  });

  it("scales the burst with the maximum datagram size", () => {
    const pacer = new Pacer(MDS);
    pacer.onMtuChanged(600);
    for (let i = 0; i < 10; i++) pacer.onSent(0, 600, 12000, 100);
    expect(pacer.earliestSendTime(0, 600, 12000, 100)).toBe(4);
  });
});
