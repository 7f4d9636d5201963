// The pieces the DoQ sessions are built from: the 2-octet length field
// (RFC 9250 §4.2), error codes (§4.3), replayable opcodes (§4.5), the rate limit.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import {
  DOQ_ERROR_RESERVED,
  DOQ_EXCESSIVE_LOAD,
  DOQ_NO_ERROR,
  DOQ_PROTOCOL_ERROR,
  DOQ_UNSPECIFIED_ERROR,
  MessageAssembler,
  Opcode,
  doqErrorName,
  frameMessage,
  interpretDoqError,
  isReplayable,
} from "@zquic/doq";
import { TokenBucket } from "../src/session/token-bucket.js";

/** `bytes` cut into non-empty pieces at the given offsets (any order, duplicates allowed). */
function split(bytes: Uint8Array, cuts: readonly number[]): Uint8Array[] {
  const points = [...new Set([0, ...cuts.map((cut) => cut % bytes.length), bytes.length])].sort((a, b) => a - b);
  return points.slice(1).map((end, i) => bytes.subarray(points[i], end));
}

describe("the 2-octet length field (§4.2)", () => {
  it("puts the length in network order before the message", () => {
    expect(Array.from(frameMessage(new Uint8Array(0x0102).fill(7)).subarray(0, 3))).toEqual([0x01, 0x02, 7]);
    expect(frameMessage(new Uint8Array(0))).toEqual(Uint8Array.of(0, 0));
  });

  it("refuses a message longer than 65535 octets (§4.6)", () => {
    expect(frameMessage(new Uint8Array(65535)).length).toBe(65537);
    expect(() => frameMessage(new Uint8Array(65536))).toThrow(expect.objectContaining({ code: "DOQ_MESSAGE_TOO_LONG" }));
  });

  it("reassembles a message from pieces cut anywhere, the length field included", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.array(fc.nat(), { maxLength: 8 }), (message, cuts) => {
        const assembler = new MessageAssembler();
        const pieces = split(frameMessage(message), cuts);
        for (const piece of pieces) {
          expect(assembler.complete).toBe(false);
          expect(assembler.push(piece)).toBe(true);
        }
        expect(assembler.complete).toBe(true);
        expect(assembler.room).toBe(0);
        expect(assembler.message()).toEqual(message);
        expect(assembler.push(new Uint8Array(0))).toBe(true);
        expect(assembler.push(Uint8Array.of(0))).toBe(false);
      }),
    );
  });

  it("says how much it still needs, and rejects data past the message without keeping it", () => {
    const assembler = new MessageAssembler();
    expect(assembler.room).toBe(2);
    expect(assembler.push(Uint8Array.of(0))).toBe(true);
    expect([assembler.room, assembler.length]).toEqual([1, undefined]);
    expect(assembler.push(Uint8Array.of(3, 0xaa))).toBe(true);
    expect([assembler.room, assembler.length]).toEqual([2, 3]);
    expect(() => assembler.message()).toThrow(expect.objectContaining({ code: "DOQ_MESSAGE_INCOMPLETE" }));
    expect(assembler.push(Uint8Array.of(0xbb, 0xcc, 0xdd))).toBe(false);
    expect(assembler.push(Uint8Array.of(0xbb, 0xcc))).toBe(true);
    expect(assembler.message()).toEqual(Uint8Array.of(0xaa, 0xbb, 0xcc));
  });
});

describe("DoQ error codes (§4.3)", () => {
  it("names the registered codes", () => {
    expect([DOQ_NO_ERROR, DOQ_PROTOCOL_ERROR, DOQ_EXCESSIVE_LOAD, DOQ_ERROR_RESERVED].map(doqErrorName)).toEqual([
      "DOQ_NO_ERROR",
      "DOQ_PROTOCOL_ERROR",
      "DOQ_EXCESSIVE_LOAD",
      "DOQ_ERROR_RESERVED",
    ]);
    expect(DOQ_ERROR_RESERVED).toBe(0xd098ea5e);
    expect(doqErrorName(0x77)).toBe("0x77");
  });

  it("treats an unknown code as DOQ_UNSPECIFIED_ERROR (§4.3.4)", () => {
    expect(interpretDoqError(0x77)).toBe(DOQ_UNSPECIFIED_ERROR);
    expect(interpretDoqError(DOQ_EXCESSIVE_LOAD)).toBe(DOQ_EXCESSIVE_LOAD);
  });
});

describe("replayable transactions (§4.5)", () => {
  it("are QUERY and NOTIFY only", () => {
    expect(Object.values(Opcode).filter(isReplayable)).toEqual([Opcode.QUERY, Opcode.NOTIFY]);
  });
});

describe("TokenBucket", () => {
  it("starts full, then admits at the rate", () => {
    const bucket = new TokenBucket(10, 3);
    expect([1, 2, 3, 4].map(() => bucket.take(1000))).toEqual([true, true, true, false]);
    expect(bucket.take(1050)).toBe(false); // half a token
    expect(bucket.take(1100)).toBe(true);
    expect(bucket.take(1100)).toBe(false);
  });

  it("saves up no more than the burst, and gains nothing when time runs backwards", () => {
    const bucket = new TokenBucket(10, 2);
    bucket.take(0);
    bucket.take(0);
    expect(bucket.take(-5000)).toBe(false);
    expect([bucket.take(60_000), bucket.take(60_000), bucket.take(60_000)]).toEqual([true, true, false]);
  });

  it("refuses a rate or burst that cannot work", () => {
    for (const [rate, burst] of [[0, 1], [Infinity, 1], [10, 0.5], [Number.NaN, 1]] as const) {
      expect(() => new TokenBucket(rate, burst)).toThrow(expect.objectContaining({ code: "DOQ_BAD_RATE" }));
    }
  });
});
