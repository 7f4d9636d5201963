import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { Reader, Writer, fromHex, toHex } from "@zquic/wire";
import {
  H3ErrorCode,
  QpackError,
  decodeStringLiteral,
  huffmanDecode,
  huffmanEncode,
  huffmanEncodedLength,
  readStringLiteral,
  toByteString,
  writeStringLiteral,
} from "@zquic/h3";

const FAILED = H3ErrorCode.QPACK_DECOMPRESSION_FAILED;

function encode(text: string): string {
  const w = new Writer();
  huffmanEncode(text, w);
  return toHex(w.view());
}

function decode(hex: string, maxLength = 1 << 20): string | undefined {
  return huffmanDecode(fromHex(hex), maxLength, FAILED);
}

/** Decodes `bytes`, returning the text, `undefined` (over the bound) or the QpackError. */
function outcome(bytes: Uint8Array, maxLength = 1 << 20): string | undefined | QpackError {
  try {
    return huffmanDecode(bytes, maxLength, FAILED);
  } catch (e) {
    if (e instanceof QpackError) return e;
    throw e;
  }
}

const byteString = fc.uint8Array({ maxLength: 300 }).map(toByteString);

describe("Huffman code (RFC 7541 §5.2, Appendix B)", () => {
  // RFC 7541 Appendix C.4 (requests) and C.6 (responses): the Huffman-coded literals.
  const examples: [string, string][] = [
    ["www.example.com", "f1e3c2e5f23a6ba0ab90f4ff"],
    ["no-cache", "a8eb10649cbf"],
    ["custom-key", "25a849e95ba97d7f"],
    ["custom-value", "25a849e95bb8e8b4bf"],
    ["302", "6402"],
    ["private", "aec3771a4b"],
    ["Mon, 21 Oct 2013 20:13:21 GMT", "d07abe941054d444a8200595040b8166e082a62d1bff"],
    ["https://www.example.com", "9d29ad171863c78f0b97c8e9ae82ae43d3"],
    ["307", "640eff"],
    ["Mon, 21 Oct 2013 20:13:22 GMT", "d07abe941054d444a8200595040b8166e084a62d1bff"],
    ["gzip", "9bd9ab"],
    [
      "foo=ASDJKHQKBZXOQWEOPIUAXQWEOIU; max-age=3600; version=1",
      "94e7821dd7f2e6c7b335dfdfcd5b3960d5af27087f3672c1ab270fb5291f9587316065c003ed4ee5b1063d5007",
    ],
  ];
  for (const [text, hex] of examples) {
    it(`encodes and decodes ${JSON.stringify(text)} as in RFC 7541 Appendix C`, () => {
      expect(encode(text)).toBe(hex);
      expect(huffmanEncodedLength(text)).toBe(hex.length / 2);
      expect(decode(hex)).toBe(text);
    });
  }

  it("writes the C.4.1 :authority literal with the H bit and length prefix", () => {
    const w = new Writer();
    writeStringLiteral(w, 0x00, 8, "www.example.com", true);
    expect(toHex(w.view())).toBe("8cf1e3c2e5f23a6ba0ab90f4ff");
    const literal = readStringLiteral(new Reader(w.view()), 8, 100)!;
    expect(literal.huffman).toBe(true);
    expect(decodeStringLiteral(literal, 100, FAILED)).toBe("www.example.com");
  });

  it("round-trips every octet on its own", () => {
    for (let octet = 0; octet < 256; octet++) {
      const text = String.fromCharCode(octet);
      expect(decode(encode(text))).toBe(text);
    }
  });

  it("round-trips arbitrary byte strings", () => {
    fc.assert(
      fc.property(byteString, (text) => {
        const hex = encode(text);
        expect(hex.length / 2).toBe(huffmanEncodedLength(text));
        expect(decode(hex)).toBe(text);
      }),
    );
  });

  it("rejects EOS in the data", () => {
    // 30 ones are the EOS code; two more are padding.
    expect(() => decode("ffffffff")).toThrow(QpackError);
    // 'a' (00011) then EOS.
    expect(() => decode("1fffffffff")).toThrow(/EOS/);
  });

  it("rejects padding longer than 7 bits", () => {
    // 'a' = 00011, then 11 one-bits of padding.
    expect(() => decode("1fff")).toThrow(/padding/);
    expect(() => decode("ff")).toThrow(/padding/);
  });

  it("rejects padding that is not all ones", () => {
    // 'a' = 00011 then 000; '0' = 00000 then 101.
    expect(() => decode("18")).toThrow(/padding/);
    expect(() => decode("05")).toThrow(/padding/);
    expect(decode("1f")).toBe("a");
  });

  it("stops at the output bound", () => {
    const hex = encode("a".repeat(100));
    expect(decode(hex, 99)).toBeUndefined();
    expect(decode(hex, 100)).toBe("a".repeat(100));
  });

  it("gives text, undefined or a QpackError for random bytes, never anything else", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.nat({ max: 400 }), (bytes, max) => {
        const result = outcome(bytes, max);
        if (typeof result === "string") {
          expect(result.length).toBeLessThanOrEqual(max);
          // Whatever decodes re-encodes to the same octets (the padding is canonical).
          expect(encode(result)).toBe(toHex(bytes));
        } else if (result instanceof QpackError) {
          expect(result.errorCode).toBe(FAILED);
        }
      }),
      { numRuns: 1000 },
    );
  });
});
