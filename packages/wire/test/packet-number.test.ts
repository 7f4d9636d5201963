import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { ZquicError, decodePacketNumber, packetNumberLength, packetNumberLengthOf, truncatePacketNumber } from "@zquic/wire";

describe("packet number encoding (RFC 9000 §17.1, Appendix A.2)", () => {
  it("uses 2 bytes for 0xac5c02 after 0xabe8b3 was acknowledged, and 3 for 0xace8fe", () => {
    expect(packetNumberLength(0xac5c02, 0xabe8b3)).toBe(2);
    expect(packetNumberLength(0xace8fe, 0xabe8b3)).toBe(3);
  });

  it("sends more bits than the whole number before anything is acknowledged", () => {
    expect(packetNumberLength(0, undefined)).toBe(1);
    expect(packetNumberLength(127, undefined)).toBe(1);
    expect(packetNumberLength(128, undefined)).toBe(2);
    expect(packetNumberLength(2 ** 31 - 1, undefined)).toBe(4);
  });

  it("switches length exactly where twice the unacknowledged range stops fitting", () => {
    expect(packetNumberLength(1000 + 128, 1000)).toBe(1);
    expect(packetNumberLength(1000 + 129, 1000)).toBe(2);
    expect(packetNumberLength(1000 + 2 ** 15, 1000)).toBe(2);
    expect(packetNumberLength(1000 + 2 ** 15 + 1, 1000)).toBe(3);
  });

  it("refuses a packet number not above the largest acknowledged, or a range 4 bytes cannot cover", () => {
    expect(() => packetNumberLength(5, 5)).toThrow(ZquicError);
    expect(() => packetNumberLength(2 ** 31 + 10, 9)).toThrow(ZquicError);
  });

  it("truncates to the low bytes", () => {
    expect(truncatePacketNumber(0xa82f9b32, 2)).toBe(0x9b32);
    expect(truncatePacketNumber(654360564, 3)).toBe(0x00bff4);
    expect(truncatePacketNumber(2 ** 40 + 5, 4)).toBe(5);
  });
});

describe("packet number decoding (RFC 9000 §17.1, Appendix A.3)", () => {
  it("decodes 0x9b32 after 0xa82f30ea as 0xa82f9b32", () => {
    expect(decodePacketNumber(0xa82f30ea, 0x9b32, 2)).toBe(0xa82f9b32);
  });

  it("recovers RFC 9001 A.5's packet number 654360564 from its 3 encoded bytes", () => {
    expect(decodePacketNumber(654360563, 0x00bff4, 3)).toBe(654360564);
  });

  it("keeps the result in (expected − half window, expected + half window]", () => {
    // expected 0x81, window 256: a candidate of exactly 0x81 − 128 moves up a window.
    expect(decodePacketNumber(0x80, 0x01, 1)).toBe(0x101);
    expect(decodePacketNumber(0x80, 0x02, 1)).toBe(0x02);
    // expected 0x100: exactly 0x100 + 128 stays, one more moves down a window.
    expect(decodePacketNumber(0xff, 0x80, 1)).toBe(0x180);
    expect(decodePacketNumber(0xff, 0x81, 1)).toBe(0x81);
  });

  it("wraps forwards and backwards across the window", () => {
    expect(decodePacketNumber(0xff, 0x01, 1)).toBe(0x101);
    expect(decodePacketNumber(0x101, 0xff, 1)).toBe(0xff);
    expect(decodePacketNumber(-1, 0, 1)).toBe(0);
  });

  it("reads the Packet Number Length bits", () => {
    expect([0xc0, 0xc1, 0xc2, 0xc3, 0x43].map(packetNumberLengthOf)).toEqual([1, 2, 3, 4, 4]);
  });

  it("decode recovers every packet number sent with the length encode chose", () => {
    // Sender: largest acknowledged A, sends P > A. Receiver: largest received R, with A <= R < P.
    const scenario = fc
      .tuple(fc.nat(2 ** 40), fc.integer({ min: 1, max: 2 ** 24 }), fc.double({ min: 0, max: 1, noNaN: true }), fc.boolean())
      .map(([acked, ahead, fraction, nothingAcked]) => {
        const sent = acked + ahead;
        const received = nothingAcked ? -1 : acked + Math.floor(fraction * (ahead - 1));
        return { acked: nothingAcked ? undefined : acked, sent: nothingAcked ? ahead - 1 : sent, received };
      });
    fc.assert(
      fc.property(scenario, ({ acked, sent, received }) => {
        const length = packetNumberLength(sent, acked);
        expect(decodePacketNumber(received, truncatePacketNumber(sent, length), length)).toBe(sent);
      }),
    );
  });
});
