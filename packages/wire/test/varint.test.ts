import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { MAX_VARINT, Reader, WireError, Writer, fromHex, toHex, varintSize } from "@zquic/wire";

describe("varint (RFC 9000 §16)", () => {
  // RFC 9000 Appendix A.1 examples.
  const examples: [string, bigint][] = [
    ["c2197c5eff14e88c", 151288809941952652n],
    ["9d7f3e7d", 494878333n],
    ["7bbd", 15293n],
    ["25", 37n],
    ["4025", 37n],
  ];
  for (const [hex, value] of examples) {
    it(`decodes ${hex} as ${value}`, () => {
      expect(new Reader(fromHex(hex)).varintBig()).toBe(value);
      if (value <= BigInt(Number.MAX_SAFE_INTEGER)) expect(new Reader(fromHex(hex)).varint()).toBe(Number(value));
    });
  }

  it("encodes in the shortest form", () => {
    expect(toHex(new Writer().varint(37).view())).toBe("25");
    expect(toHex(new Writer().varint(15293).view())).toBe("7bbd");
    expect(toHex(new Writer().varint(494878333).view())).toBe("9d7f3e7d");
    expect(toHex(new Writer().varintBig(151288809941952652n).view())).toBe("c2197c5eff14e88c");
  });

  it("carries 2^62-1 exactly and rejects 2^62", () => {
    const w = new Writer().varintBig(MAX_VARINT);
    expect(toHex(w.view())).toBe("ffffffffffffffff");
    expect(new Reader(w.view()).varintBig()).toBe(MAX_VARINT);
    expect(() => new Writer().varintBig(MAX_VARINT + 1n)).toThrow(WireError);
    expect(() => new Writer().varint(2 ** 62)).toThrow(WireError);
    expect(() => new Writer().varint(-1)).toThrow(WireError);
  });

  it("round-trips every safe integer in shortest and forced lengths", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), fc.constantFrom<1 | 2 | 4 | 8>(1, 2, 4, 8), (n, len) => {
        const w = new Writer();
        w.varint(n);
        expect(w.length).toBe(varintSize(n));
        const r = new Reader(w.view());
        expect(r.varint()).toBe(n);
        expect(r.done).toBe(true);
        if (len >= varintSize(n)) {
          const forced = new Writer().varint(n, len);
          expect(forced.length).toBe(len);
          expect(new Reader(forced.view()).varint()).toBe(n);
        }
      }),
    );
  });

  it("round-trips the whole 62-bit range as bigint", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: MAX_VARINT }), (n) => {
        expect(new Reader(new Writer().varintBig(n).view()).varintBig()).toBe(n);
      }),
    );
  });

  it("gives a WireError, never another exception, for truncated input", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 9 }), (bytes) => {
        const r = new Reader(bytes);
        try {
          const n = r.varint();
          expect(n).toBeGreaterThanOrEqual(0);
        } catch (e) {
          expect(e).toBeInstanceOf(WireError);
        }
      }),
    );
  });
});
