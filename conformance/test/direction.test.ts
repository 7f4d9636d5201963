import { describe, expect, it } from "vitest";
import { SeededRandom } from "@zquic/sim";
import { Direction, type DirectionConfig } from "../relay/direction.js";
import { CORRUPTION_WINDOW, corruptHeadByte, isVersionNegotiation } from "../relay/head-corruption.js";
import { isIpv4Loopback, nextRebindAt, pickRebindAddress } from "../relay/rebinding.js";

function direction(config: DirectionConfig, seed = 1): Direction {
  return new Direction(config, new SeededRandom(seed));
}

function datagram(index: number, length = 100): Uint8Array {
  return Uint8Array.from({ length }, (_, i) => (index + i) & 0xff);
}

/** A QUIC Version Negotiation packet: long header, version 0. */
const VERSION_NEGOTIATION = Uint8Array.from([0x80, 0, 0, 0, 0, 8, 1, 2, 3, 4, 5, 6, 7, 8, 0, 0, 0, 0, 1]);

describe("direction: link then the simulator's receive-side models", () => {
  it("delivers after the link's delay, serialization included", () => {
    const d = direction({ link: { latency: 15, bandwidth: 8_000_000 } });
    // 1000 bytes at 8 Mbit/s take 1 ms on the wire.
    expect(d.send(0, datagram(0, 1000))).toEqual([{ at: 16, data: datagram(0, 1000) }]);
  });

  it("drops the listed positions only", () => {
    const d = direction({ dropList: [2, 3, 5] });
    const delivered = Array.from({ length: 6 }, (_, i) => d.send(i, datagram(i)).length);
    expect(delivered).toEqual([1, 0, 0, 1, 0, 1]);
    expect(d.stats.dropped["drop-list"].datagrams).toBe(3);
  });

  it("counts a drop list only over datagrams that left the link (the queue drops first)", () => {
    const d = direction({ link: { bandwidth: 8_000, queue: 0 }, dropList: [2] });
    expect(d.send(0, datagram(0, 1000)).length).toBe(1); // position 1
    expect(d.send(0, datagram(1, 1000)).length).toBe(0); // queue full: never reaches the list
    expect(d.send(2000, datagram(2, 1000)).length).toBe(0); // position 2
    expect(d.stats.dropped.queue.datagrams).toBe(1);
    expect(d.stats.dropped["drop-list"].datagrams).toBe(1);
  });

  it("corrupts one byte within the first 51 and leaves the length alone", () => {
    const d = direction({ corruptRate: { percent: 100, burst: Infinity } });
    for (let i = 0; i < 200; i++) {
      const original = datagram(i, 1200);
      const [arrival] = d.send(i, original);
      const changed = [...arrival!.data].flatMap((byte, position) => (byte === original[position] ? [] : [position]));
      expect(arrival!.data.length).toBe(1200);
      expect(changed).toHaveLength(1);
      expect(changed[0]).toBeLessThanOrEqual(CORRUPTION_WINDOW);
    }
    expect(d.stats.corrupted.datagrams).toBe(200);
  });

  it("never corrupts Version Negotiation", () => {
    const d = direction({ corruptRate: { percent: 100, burst: Infinity } });
    expect(isVersionNegotiation(VERSION_NEGOTIATION)).toBe(true);
    expect(d.send(0, VERSION_NEGOTIATION)[0]!.data).toEqual(VERSION_NEGOTIATION);
  });

  it("replaces a byte of a tiny datagram within its length", () => {
    const random = new SeededRandom(3);
    for (let i = 0; i < 50; i++) expect(corruptHeadByte(Uint8Array.of(7, 7, 7), random)).toHaveLength(3);
  });

  it("refuses a bad configuration with the field's name", () => {
    expect(() => direction({ dropRate: { percent: 120, burst: 3 } })).toThrow(/dropRate/);
    expect(() => direction({ dropList: [0] })).toThrow(/1-based/);
  });
});

describe("NAT rebinding schedule", () => {
  it("rebinds first, then every period, or once", () => {
    const schedule = { first: 1000, every: 5000, address: false };
    expect([0, 1, 2, 3].map((done) => nextRebindAt(schedule, done))).toEqual([1000, 6000, 11000, 16000]);
    expect(nextRebindAt({ first: 1000, address: false }, 1)).toBeUndefined();
  });

  it("moves to another 127.0.0.x", () => {
    const random = new SeededRandom(9);
    for (let i = 0; i < 100; i++) {
      const next = pickRebindAddress("127.0.0.1", random);
      expect(isIpv4Loopback(next)).toBe(true);
      expect(next).not.toBe("127.0.0.1");
    }
  });
});
