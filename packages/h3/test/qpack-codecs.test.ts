import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { Reader, WireError, Writer, fromHex, toHex } from "@zquic/wire";
import {
  DynamicTable,
  H3ErrorCode,
  MAX_PREFIXED_INTEGER,
  QpackError,
  STATIC_TABLE,
  decodeRequiredInsertCount,
  decodeStringLiteral,
  dynamicEntry,
  encodeRequiredInsertCount,
  findStaticField,
  findStaticName,
  maxEntries,
  readDecoderInstruction,
  readEncoderInstruction,
  readFieldLine,
  readFieldSectionPrefix,
  readPrefixedInteger,
  readStringLiteral,
  toByteString,
  writeDecoderInstruction,
  writeEncoderInstruction,
  writeFieldLine,
  writeFieldSectionPrefix,
  writePrefixedInteger,
  writeStringLiteral,
  type DecoderInstruction,
  type EncoderInstruction,
  type FieldLineRepresentation,
} from "@zquic/h3";

const FAILED = H3ErrorCode.QPACK_DECOMPRESSION_FAILED;
const reader = (bytes: Uint8Array) => new Reader(bytes, 0, bytes.length, FAILED);

const byteString = fc.uint8Array({ maxLength: 80 }).map(toByteString);
const index = fc.nat({ max: 100_000 });

/** Runs `read`; returns its value, the QpackError it threw, or "truncated" for a WireError. */
function outcome<T>(read: () => T): T | QpackError | "truncated" {
  try {
    return read();
  } catch (e) {
    if (e instanceof QpackError) return e;
    if (e instanceof WireError) return "truncated";
    throw e;
  }
}

describe("prefixed integers (RFC 9204 §4.1.1, RFC 7541 §5.1)", () => {
  it("encodes the RFC 7541 Appendix C.1 examples", () => {
    const hex = (flags: number, bits: number, value: number) => {
      const w = new Writer();
      writePrefixedInteger(w, flags, bits, value);
      return toHex(w.view());
    };
    expect(hex(0xe0, 5, 10)).toBe("ea"); // C.1.1, the three high bits kept
    expect(hex(0x00, 5, 1337)).toBe("1f9a0a"); // C.1.2
    expect(hex(0x00, 8, 42)).toBe("2a"); // C.1.3
    expect(readPrefixedInteger(reader(fromHex("1f9a0a")), 5)).toBe(1337);
    expect(readPrefixedInteger(reader(fromHex("ea")), 5)).toBe(10);
  });

  it("round-trips every prefix size and safe value", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 8 }), fc.nat({ max: 0xff }), fc.oneof(fc.nat({ max: 300 }), fc.maxSafeNat()), (bits, flags, value) => {
        const w = new Writer();
        const high = flags & ~((1 << bits) - 1) & 0xff;
        writePrefixedInteger(w, high, bits, value);
        expect(w.buffer[0]! & ~((1 << bits) - 1) & 0xff).toBe(high);
        const r = reader(w.view());
        expect(readPrefixedInteger(r, bits)).toBe(value);
        expect(r.done).toBe(true);
      }),
    );
  });

  it("rejects values above 2^53 − 1 and over-long encodings", () => {
    const w = new Writer();
    writePrefixedInteger(w, 0, 5, MAX_PREFIXED_INTEGER);
    expect(readPrefixedInteger(reader(w.view()), 5)).toBe(MAX_PREFIXED_INTEGER);
    // 2^62 − 1 with a 5-bit prefix: legal QPACK, beyond this implementation's limit.
    expect(() => readPrefixedInteger(reader(fromHex("1fe0ffffffffffffff3f")), 5)).toThrow(QpackError);
    // Eleven octets of redundant continuation.
    expect(() => readPrefixedInteger(reader(fromHex("1f80808080808080808000")), 5)).toThrow(/longer than/);
    expect(() => readPrefixedInteger(reader(fromHex("1f8080")), 5)).toThrow(WireError);
  });
});

describe("string literals (RFC 9204 §4.1.2)", () => {
  it("round-trips with every prefix size, with and without Huffman", () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 8 }), byteString, fc.boolean(), (bits, text, huffman) => {
        const w = new Writer();
        const flags = 0xff & ~((1 << bits) - 1);
        writeStringLiteral(w, flags, bits, text, huffman);
        const r = reader(w.view());
        const literal = readStringLiteral(r, bits, text.length)!;
        expect(r.done).toBe(true);
        expect(decodeStringLiteral(literal, text.length, FAILED)).toBe(text);
        if (text.length > 0) expect(decodeStringLiteral(literal, text.length - 1, FAILED)).toBeUndefined();
      }),
    );
  });

  it("refuses an oversized length before waiting for its octets", () => {
    // H=0, length 1000, no data: the bound is known from the length alone.
    expect(readStringLiteral(reader(fromHex("7f e9 06")), 8, 999)).toBeUndefined();
    expect(() => readStringLiteral(reader(fromHex("7f e9 06")), 8, 1000)).toThrow(WireError);
    // H=1, 40 octets hold at least ⌈(320 − 7) / 30⌉ = 11 symbols.
    expect(readStringLiteral(reader(fromHex("a8")), 8, 10)).toBeUndefined();
    expect(() => readStringLiteral(reader(fromHex("a8")), 8, 11)).toThrow(WireError);
  });

  it("uses Huffman only when shorter", () => {
    const w = new Writer();
    writeStringLiteral(w, 0, 8, "\x00\x01", true); // 13 + 23 bits: longer than raw
    expect(toHex(w.view())).toBe("020001");
  });
});

describe("static table (RFC 9204 Appendix A)", () => {
  it("has the 99 entries", () => {
    expect(STATIC_TABLE.length).toBe(99);
    expect(STATIC_TABLE[0]).toEqual([":authority", ""]);
    expect(STATIC_TABLE[17]).toEqual([":method", "GET"]);
    expect(STATIC_TABLE[52]).toEqual(["content-type", "text/html; charset=utf-8"]);
    expect(STATIC_TABLE[54]).toEqual(["content-type", "text/plain;charset=utf-8"]);
    expect(STATIC_TABLE[85]).toEqual(["content-security-policy", "script-src 'none'; object-src 'none'; base-uri 'none'"]);
    expect(STATIC_TABLE[98]).toEqual(["x-frame-options", "sameorigin"]);
  });

  it("finds exact entries and the first entry with a name", () => {
    STATIC_TABLE.forEach(([name, value], i) => {
      expect(STATIC_TABLE[findStaticField(name, value)!]).toEqual([name, value]);
      expect(findStaticName(name)).toBeLessThanOrEqual(i);
    });
    expect(findStaticField(":method", "PATCH")).toBeUndefined();
    expect(findStaticName(":status")).toBe(24);
    expect(findStaticName("x-custom")).toBeUndefined();
  });
});

describe("dynamic table (RFC 9204 §3.2)", () => {
  it("sizes entries as name + value + 32 and evicts the oldest first", () => {
    const table = new DynamicTable();
    table.setCapacity(100);
    expect(table.insert(dynamicEntry("a", "1"))).toBe(0); // 34
    expect(table.insert(dynamicEntry("bb", "22"))).toBe(1); // 36
    expect(table.size).toBe(70);
    expect(table.evictionsToFit(30)).toBe(0);
    expect(table.evictionsToFit(31)).toBe(1);
    expect(table.evictionsToFit(101)).toBeUndefined();
    table.insert(dynamicEntry("ccc", "333")); // 38: evicts entry 0
    expect(table.droppedCount).toBe(1);
    expect(table.get(0)).toBeUndefined();
    expect(table.get(2)).toEqual({ name: "ccc", value: "333", size: 38 });
    expect(table.size).toBe(74);
    table.setCapacity(40);
    expect([...table.entries()].map(([i]) => i)).toEqual([2]);
    table.setCapacity(0);
    expect(table.size).toBe(0);
    expect(table.insertCount).toBe(3);
  });

  it("keeps absolute indices across many insertions and evictions", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(byteString, byteString), { maxLength: 200 }), fc.integer({ min: 32, max: 600 }), (lines, capacity) => {
        const table = new DynamicTable();
        table.setCapacity(capacity);
        const inserted: [string, string][] = [];
        for (const [name, value] of lines) {
          const entry = dynamicEntry(name, value);
          if (table.evictionsToFit(entry.size) === undefined) continue;
          expect(table.insert(entry)).toBe(inserted.length);
          inserted.push([name, value]);
          expect(table.size).toBeLessThanOrEqual(capacity);
        }
        let size = 0;
        for (const [i, entry] of table.entries()) {
          expect([entry.name, entry.value]).toEqual(inserted[i]);
          size += entry.size;
        }
        expect(size).toBe(table.size);
      }),
    );
  });
});

const encoderInstruction: fc.Arbitrary<EncoderInstruction> = fc.oneof(
  fc.record({ type: fc.constant("set_dynamic_table_capacity" as const), capacity: index }),
  fc.record({ type: fc.constant("insert_with_name_reference" as const), isStatic: fc.boolean(), nameIndex: index, value: byteString }),
  fc.record({ type: fc.constant("insert_with_literal_name" as const), name: byteString, value: byteString }),
  fc.record({ type: fc.constant("duplicate" as const), index }),
);
const decoderInstruction: fc.Arbitrary<DecoderInstruction> = fc.oneof(
  fc.record({ type: fc.constant("section_acknowledgment" as const), streamId: fc.maxSafeNat() }),
  fc.record({ type: fc.constant("stream_cancellation" as const), streamId: fc.maxSafeNat() }),
  fc.record({ type: fc.constant("insert_count_increment" as const), increment: fc.maxSafeNat() }),
);
const fieldLine: fc.Arbitrary<FieldLineRepresentation> = fc.oneof(
  fc.record({ type: fc.constant("indexed" as const), isStatic: fc.boolean(), index }),
  fc.record({ type: fc.constant("indexed_post_base" as const), index }),
  fc.record({ type: fc.constant("literal_with_name_reference" as const), neverIndex: fc.boolean(), isStatic: fc.boolean(), nameIndex: index, value: byteString }),
  fc.record({ type: fc.constant("literal_with_post_base_name_reference" as const), neverIndex: fc.boolean(), nameIndex: index, value: byteString }),
  fc.record({ type: fc.constant("literal_with_literal_name" as const), neverIndex: fc.boolean(), name: byteString, value: byteString }),
);

describe("instructions and field lines (RFC 9204 §4.3–§4.5)", () => {
  it("round-trip encoder instructions", () => {
    fc.assert(
      fc.property(fc.array(encoderInstruction, { maxLength: 10 }), fc.boolean(), (instructions, huffman) => {
        const w = new Writer();
        for (const instruction of instructions) writeEncoderInstruction(w, instruction, huffman);
        const r = new Reader(w.view(), 0, w.length, H3ErrorCode.QPACK_ENCODER_STREAM_ERROR);
        for (const instruction of instructions) expect(readEncoderInstruction(r, 100)).toEqual(instruction);
        expect(r.done).toBe(true);
      }),
    );
  });

  it("round-trip decoder instructions", () => {
    fc.assert(
      fc.property(fc.array(decoderInstruction, { maxLength: 10 }), (instructions) => {
        const w = new Writer();
        for (const instruction of instructions) writeDecoderInstruction(w, instruction);
        const r = reader(w.view());
        for (const instruction of instructions) expect(readDecoderInstruction(r)).toEqual(instruction);
        expect(r.done).toBe(true);
      }),
    );
  });

  it("round-trip field line representations", () => {
    fc.assert(
      fc.property(fc.array(fieldLine, { maxLength: 10 }), fc.boolean(), (lines, huffman) => {
        const w = new Writer();
        for (const line of lines) writeFieldLine(w, line, huffman);
        const r = reader(w.view());
        for (const line of lines) expect(readFieldLine(r, 100)).toEqual(line);
        expect(r.done).toBe(true);
      }),
    );
  });

  it("decode random bytes to a value, a truncation or a QpackError", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 40 }), (bytes) => {
        for (const read of [
          (r: Reader) => readEncoderInstruction(r, 64),
          (r: Reader) => readDecoderInstruction(r),
          (r: Reader) => readFieldLine(r, 64),
          (r: Reader) => readFieldSectionPrefix(r, 8, 5),
        ]) {
          const r = reader(bytes);
          const result = outcome(() => read(r));
          if (result instanceof QpackError) expect(result.errorCode).toBe(FAILED);
        }
      }),
      { numRuns: 1000 },
    );
  });
});

describe("Required Insert Count and Base (RFC 9204 §4.5.1)", () => {
  it("decodes the §4.5.1.1 example: a 100-byte table, 10 inserts, encoded 4 → 9", () => {
    expect(maxEntries(100)).toBe(3);
    expect(decodeRequiredInsertCount(4, 3, 10)).toBe(9);
    expect(encodeRequiredInsertCount(9, 3)).toBe(4);
  });

  it("decodes the §4.5.1.2 example: RIC 9, Sign 1, Delta Base 2 → Base 6", () => {
    const w = new Writer();
    writeFieldSectionPrefix(w, { requiredInsertCount: 9, base: 6 }, 3);
    expect(toHex(w.view())).toBe("0482");
    expect(readFieldSectionPrefix(reader(w.view()), 3, 10)).toEqual({ requiredInsertCount: 9, base: 6 });
  });

  it("round-trips every Required Insert Count the decoder can be asked to resolve", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 200 }), fc.nat({ max: 100_000 }), fc.nat(), fc.nat({ max: 50 }), (entries, inserts, pick, delta) => {
        // A conformant encoder's count lies within MaxEntries of the decoder's inserts (§2.1.1).
        const low = Math.max(1, inserts - entries + 1);
        const ric = low + (pick % (inserts + entries - low + 1));
        const base = Math.max(0, ric - 1 - (delta % ric)) + (pick % 2 === 0 ? delta : 0);
        const w = new Writer();
        writeFieldSectionPrefix(w, { requiredInsertCount: ric, base }, entries);
        expect(readFieldSectionPrefix(reader(w.view()), entries, inserts)).toEqual({ requiredInsertCount: ric, base });
      }),
    );
  });

  it("rejects impossible counts and a negative Base", () => {
    expect(() => decodeRequiredInsertCount(7, 3, 10)).toThrow(QpackError); // above 2 · MaxEntries
    expect(() => decodeRequiredInsertCount(1, 0, 0)).toThrow(QpackError); // no dynamic table
    expect(() => decodeRequiredInsertCount(1, 3, 0)).toThrow(QpackError); // would be 0
    expect(() => decodeRequiredInsertCount(6, 3, 0)).toThrow(QpackError); // wrapped below FullRange
    expect(() => readFieldSectionPrefix(reader(fromHex("0282")), 3, 1)).toThrow(/negative/); // RIC 1, Base −2
  });
});
