// The server's stateless ticket keys (sealing, rotation, retention, tampering)
// and the 0-RTT anti-replay cache (single use, window, bound, startup).
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { nobleProvider } from "@zquic/crypto";
import { AntiReplay, TicketKeys } from "@zquic/tls";
import { ZquicError, utf8 } from "@zquic/wire";
import { seededRandom } from "./tls-support.js";

const DAY = 86_400_000;

describe("TicketKeys", () => {
  const keys = () => new TicketKeys({ provider: nobleProvider, random: seededRandom(1), rotationPeriod: DAY, retainedKeys: 2 });

  it("opens what it sealed, and nothing else", () => {
    const ticketKeys = keys();
    const ticket = ticketKeys.seal(0, utf8("state"));
    expect(ticketKeys.open(ticket)).toEqual(utf8("state"));
    expect(keys().open(ticket)).toBeNull();
    fc.assert(
      fc.property(fc.nat({ max: ticket.length - 1 }), fc.integer({ min: 1, max: 255 }), (at, bits) => {
        const tampered = ticket.slice();
        tampered[at]! ^= bits;
        expect(ticketKeys.open(tampered)).toBeNull();
      }),
    );
    fc.assert(fc.property(fc.uint8Array({ maxLength: 80 }), (bytes) => void ticketKeys.open(bytes)));
  });

  it("rotates by time and keeps retired keys for opening until they age out", () => {
    const ticketKeys = keys();
    const first = ticketKeys.seal(0, utf8("a"));
    const sameKey = ticketKeys.seal(DAY - 1, utf8("b"));
    expect(sameKey.subarray(0, 4)).toEqual(first.subarray(0, 4));
    const second = ticketKeys.seal(DAY, utf8("c"));
    expect(second.subarray(0, 4)).not.toEqual(first.subarray(0, 4));
    ticketKeys.seal(2 * DAY, utf8("d"));
    expect(ticketKeys.open(first)).toEqual(utf8("a"));
    ticketKeys.seal(3 * DAY, utf8("e"));
    // Three rotations later, with two retired keys kept, the first key is gone.
    expect(ticketKeys.open(first)).toBeNull();
    expect(ticketKeys.open(second)).toEqual(utf8("c"));
  });

  it("refuses a nonsensical configuration", () => {
    expect(() => new TicketKeys({ provider: nobleProvider, random: seededRandom(1), rotationPeriod: 0 })).toThrow(ZquicError);
    expect(() => new TicketKeys({ provider: nobleProvider, random: seededRandom(1), retainedKeys: -1 })).toThrow(ZquicError);
  });
});

describe("AntiReplay", () => {
  const key = (n: number) => Uint8Array.of(n);

  it("accepts each key once within the window, again after it", () => {
    const cache = new AntiReplay({ window: 1000 });
    expect(cache.accept(key(1), 0)).toBe(true);
    expect(cache.accept(key(1), 999)).toBe(false);
    expect(cache.accept(key(2), 999)).toBe(true);
    expect(cache.accept(key(1), 1000)).toBe(true);
    expect(cache.size).toBe(2);
  });

  it("stays within maxEntries, refusing (never evicting live entries) when full", () => {
    const cache = new AntiReplay({ window: 1000, maxEntries: 3 });
    for (let i = 0; i < 3; i++) expect(cache.accept(key(i), i)).toBe(true);
    expect(cache.accept(key(9), 10)).toBe(false);
    expect(cache.size).toBe(3);
    expect(cache.accept(key(9), 1001)).toBe(true);
    expect(cache.size).toBe(2);
  });

  it("refuses everything during the first window after startup (RFC 8446 §8.2)", () => {
    const cache = new AntiReplay({ window: 1000, startedAt: 5000 });
    expect(cache.accept(key(1), 5999)).toBe(false);
    expect(cache.accept(key(1), 6000)).toBe(true);
  });

  it("never holds more than maxEntries whatever the sequence", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat({ max: 20 }), fc.nat({ max: 50 })), { maxLength: 200 }), (events) => {
        const cache = new AntiReplay({ window: 100, maxEntries: 8 });
        let now = 0;
        for (const [id, step] of events) {
          now += step;
          cache.accept(key(id), now);
          expect(cache.size).toBeLessThanOrEqual(8);
        }
      }),
    );
  });
});
