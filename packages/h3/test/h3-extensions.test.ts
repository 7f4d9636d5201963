import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { concatBytes, fromHex, toHex, ZquicError } from "@zquic/wire";
import {
  CapsuleParser,
  CapsuleType,
  DEFAULT_PRIORITY,
  H3Error,
  H3ErrorCode,
  decodeHttpDatagram,
  encodeCapsule,
  encodeHttpDatagram,
  h3ErrorName,
  isReservedCapsuleType,
  isReservedCodepoint,
  parsePriority,
  randomReservedCodepoint,
  reservedCodepoint,
  serializePriority,
  type Capsule,
  type CapsuleEvent,
} from "@zquic/h3";

function parseCapsules(input: Uint8Array, cuts: number[], maxCapsuleLength?: number): CapsuleEvent[] {
  const parser = new CapsuleParser({ maxCapsuleLength });
  const events: CapsuleEvent[] = [];
  let at = 0;
  for (const cut of [...cuts.map((c) => c % (input.length + 1)).sort((a, b) => a - b), input.length]) {
    parser.push(input.slice(at, Math.max(at, cut)));
    at = Math.max(at, cut);
    for (let e = parser.poll(); e !== null; e = parser.poll()) events.push(e);
  }
  parser.end();
  return events;
}

const capsule: fc.Arbitrary<Capsule> = fc.record({
  type: fc.oneof(fc.constant(CapsuleType.DATAGRAM), fc.nat({ max: 100 }).map((n) => 0x29 * n + 0x17), fc.maxSafeNat()),
  value: fc.uint8Array({ maxLength: 50 }),
});

describe("capsules (RFC 9297 §3)", () => {
  it("encodes a DATAGRAM capsule as §3.5 lays it out", () => {
    expect(toHex(encodeCapsule({ type: CapsuleType.DATAGRAM, value: fromHex("cafe") }))).toBe("0002cafe");
  });

  it("round-trips capsules of any type, split anywhere", () => {
    fc.assert(
      fc.property(fc.array(capsule, { maxLength: 6 }), fc.array(fc.nat(), { maxLength: 8 }), (capsules, cuts) => {
        const events = parseCapsules(concatBytes(...capsules.map(encodeCapsule)), cuts);
        expect(events).toEqual(capsules.map((c) => ({ kind: "capsule", capsule: c })));
      }),
    );
  });

  it("discards capsules above the limit without buffering them, and goes on", () => {
    const big = encodeCapsule({ type: CapsuleType.DATAGRAM, value: new Uint8Array(100) });
    const small = { type: 0x17, value: fromHex("01") };
    expect(parseCapsules(concatBytes(big, encodeCapsule(small)), [3, 50], 99)).toEqual([
      { kind: "discarded", type: CapsuleType.DATAGRAM, length: 100 },
      { kind: "capsule", capsule: small },
    ]);
  });

  it("treats a data stream that ends inside a capsule as malformed (§3.3)", () => {
    fc.assert(
      fc.property(fc.array(capsule, { minLength: 1, maxLength: 3 }), fc.nat(), (capsules, cut) => {
        const bytes = concatBytes(...capsules.map(encodeCapsule));
        const truncated = bytes.subarray(0, bytes.length - 1 - (cut % bytes.length));
        const parser = new CapsuleParser();
        parser.push(truncated);
        while (parser.poll() !== null);
        const ends = [0, ...capsules.map(encodeCapsule).map((c) => c.length)].map((_, i, a) => a.slice(0, i + 1).reduce((x, y) => x + y, 0));
        if (ends.includes(truncated.length)) parser.end();
        else expect(() => parser.end()).toThrow(expect.objectContaining({ errorCode: H3ErrorCode.H3_MESSAGE_ERROR }));
      }),
    );
  });

  it("knows the reserved capsule types 0x29 * N + 0x17", () => {
    expect(isReservedCapsuleType(0x17)).toBe(true);
    expect(isReservedCapsuleType(0x40)).toBe(true);
    expect(isReservedCapsuleType(0x29 * 1000 + 0x17)).toBe(true);
    expect(isReservedCapsuleType(0x00)).toBe(false);
    expect(isReservedCapsuleType(0x18)).toBe(false);
  });
});

describe("HTTP/3 datagrams (RFC 9297 §2.1)", () => {
  it("prefixes the Quarter Stream ID", () => {
    expect(toHex(encodeHttpDatagram({ streamId: 8, payload: fromHex("abcd") }))).toBe("02abcd");
    expect(toHex(encodeHttpDatagram({ streamId: 400, payload: new Uint8Array() }))).toBe("4064");
    expect(decodeHttpDatagram(fromHex("4064ff"))).toEqual({ streamId: 400, payload: fromHex("ff") });
  });

  it("round-trips", () => {
    fc.assert(
      fc.property(fc.nat({ max: 2 ** 50 }), fc.uint8Array({ maxLength: 40 }), (quarter, payload) => {
        const datagram = { streamId: quarter * 4, payload };
        expect(decodeHttpDatagram(encodeHttpDatagram(datagram))).toEqual(datagram);
      }),
    );
  });

  it("rejects a missing or too large Quarter Stream ID with H3_DATAGRAM_ERROR", () => {
    const code = (hex: string) => {
      try {
        decodeHttpDatagram(fromHex(hex));
      } catch (e) {
        return e instanceof H3Error ? e.errorCode : e;
      }
    };
    expect(code("")).toBe(H3ErrorCode.H3_DATAGRAM_ERROR);
    expect(code("40")).toBe(H3ErrorCode.H3_DATAGRAM_ERROR);
    expect(code("d000000000000000")).toBe(H3ErrorCode.H3_DATAGRAM_ERROR); // 2^60
    expect(decodeHttpDatagram(fromHex("cfffffffffffffff")).payload.length).toBe(0); // 2^60 − 1
    expect(() => encodeHttpDatagram({ streamId: 2, payload: new Uint8Array() })).toThrow(ZquicError);
  });

  it("decodes random bytes or throws H3Error, never anything else", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 12 }), (bytes) => {
        try {
          decodeHttpDatagram(bytes);
        } catch (e) {
          expect(e).toBeInstanceOf(H3Error);
        }
      }),
    );
  });
});

describe("priority parameters (RFC 9218 §4)", () => {
  it("reads the RFC 9218 examples", () => {
    expect(parsePriority("u=0")).toEqual({ urgency: 0, incremental: false });
    expect(parsePriority("u=5, i")).toEqual({ urgency: 5, incremental: true });
    expect(parsePriority("")).toEqual(DEFAULT_PRIORITY);
  });

  it("ignores what §4 says to ignore", () => {
    const cases: [string, number, boolean][] = [
      ["u=8", 3, false], // out of range
      ["u=-1", 3, false],
      ["u=1.5, i", 3, true], // wrong type
      ['u="1"', 3, false],
      ["i=?0", 3, false],
      ["i=1", 3, false],
      ["u=2;foo=bar, i;x", 2, true], // parameters
      ["u=(1 2), i=?1", 3, true], // an inner list
      ["u=3, u=6", 6, false], // the last duplicate wins
      ["  u=1 ,\ti  ", 1, true], // whitespace
      ["foo=:YWJj:, bar=tok/en, u=4", 4, false], // other types, unknown keys
      ["u=1,", 3, false], // not a dictionary: the whole field is ignored
      ["U=1", 3, false],
      ["u=1 i", 3, false],
      ['u=1, x="unterminated', 3, false],
      ["u=1234567890123456", 3, false],
    ];
    for (const [text, urgency, incremental] of cases) expect([text, parsePriority(text)]).toEqual([text, { urgency, incremental }]);
  });

  it("round-trips every priority and never throws on random text", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 7 }), fc.boolean(), (urgency, incremental) => {
        expect(parsePriority(serializePriority({ urgency, incremental }))).toEqual({ urgency, incremental });
      }),
    );
    expect(serializePriority(DEFAULT_PRIORITY)).toBe("");
    expect(serializePriority({ urgency: 0, incremental: true })).toBe("u=0, i");
    expect(() => serializePriority({ urgency: 8, incremental: false })).toThrow(ZquicError);
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(..."u=i,;() ?01-.\"\\:abc*\t".split("")), maxLength: 30 }), (text) => {
        const { urgency, incremental } = parsePriority(text);
        expect(urgency >= 0 && urgency <= 7 && typeof incremental === "boolean").toBe(true);
      }),
      { numRuns: 1000 },
    );
  });
});

describe("error codes and reserved codepoints (RFC 9114 §8.1)", () => {
  it("names the registry's codes", () => {
    expect(h3ErrorName(0x100)).toBe("H3_NO_ERROR");
    expect(h3ErrorName(0x10a)).toBe("H3_MISSING_SETTINGS");
    expect(h3ErrorName(0x110)).toBe("H3_VERSION_FALLBACK");
    expect(h3ErrorName(0x200)).toBe("QPACK_DECOMPRESSION_FAILED");
    expect(h3ErrorName(0x33)).toBe("H3_DATAGRAM_ERROR");
    expect(h3ErrorName(0x21)).toBe("H3_RESERVED(0x21)");
    expect(h3ErrorName(0x999)).toBe("0x999");
    expect(new H3Error(0x106, "x").code).toBe("H3_FRAME_ERROR");
  });

  it("computes the reserved codepoints 0x1f * N + 0x21", () => {
    expect(reservedCodepoint(0)).toBe(0x21);
    expect(reservedCodepoint(1)).toBe(0x40);
    expect(isReservedCodepoint(0x3ffffffffffffffen)).toBe(true); // the largest, from §11.2.1
    expect(isReservedCodepoint(0x3fffffffffffffffn)).toBe(false);
    expect(isReservedCodepoint(0x20)).toBe(false);
    expect(() => reservedCodepoint(-1)).toThrow(ZquicError);
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 3, maxLength: 3 }), (bytes) => {
        const value = randomReservedCodepoint(() => bytes);
        expect(isReservedCodepoint(value)).toBe(true);
        expect(value).toBeLessThan(2 ** 30);
      }),
    );
  });
});
