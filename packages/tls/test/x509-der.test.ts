import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { concatBytes, fromHex, toHex } from "@zquic/wire";
import { X509Error } from "../src/x509/index.js";
import {
  children,
  CONSTRUCTED,
  contextTag,
  decodeBitString,
  decodeBoolean,
  decodeInteger,
  decodeNull,
  decodeOctetString,
  decodeOid,
  decodeSmallInteger,
  decodeString,
  decodeTime,
  DerReader,
  isStringTag,
  MAX_DER_DEPTH,
  readDer,
  Tag,
  type DerElement,
} from "../src/x509/asn1.js";
import {
  encodeAsciiString,
  encodeBitString,
  encodeBoolean,
  encodeInteger,
  encodeNull,
  encodeOctetString,
  encodeOid,
  encodeSequence,
  encodeSetOf,
  encodeTime,
  encodeTlv,
  encodeUtf8String,
} from "../src/x509/der-writer.js";

const der = (hex: string): DerElement => readDer(fromHex(hex));

describe("DER encodings from ITU-T X.690", () => {
  it("INTEGER (§8.3): two's complement in the fewest octets", () => {
    const vectors: [bigint, string][] = [
      [0n, "020100"],
      [127n, "02017f"],
      [128n, "02020080"],
      [256n, "02020100"],
      [-1n, "0201ff"],
      [-128n, "020180"],
      [-129n, "0202ff7f"],
      [2n ** 64n, "0209010000000000000000"],
    ];
    for (const [value, hex] of vectors) {
      expect(toHex(encodeInteger(value))).toBe(hex);
      expect(decodeInteger(der(hex))).toBe(value);
    }
  });

  it("OBJECT IDENTIFIER (§8.19.5): {2 100 3} is 06 03 81 34 03", () => {
    expect(toHex(encodeOid("2.100.3"))).toBe("0603813403");
    expect(decodeOid(der("0603813403"))).toBe("2.100.3");
    // RFC 8017 rsaEncryption, a common one
    expect(toHex(encodeOid("1.2.840.113549.1.1.1"))).toBe("06092a864886f70d010101");
    expect(decodeOid(der("06092a864886f70d010101"))).toBe("1.2.840.113549.1.1.1");
  });

  it("OBJECT IDENTIFIER arcs of any size, across the 2^53 boundary, round-trip exactly", () => {
    const arcs = ["0", "35184372088831", "35184372088832", "9007199254740991", "9007199254740993", "340282366920938463463374607431768211455"];
    for (const arc of arcs) {
      expect(decodeOid(readDer(encodeOid(`1.3.${arc}`)))).toBe(`1.3.${arc}`);
      // X.690 §8.19.4: a large first subidentifier is 80 + the second arc under arc 2 (ITU-T X.667 UUID OIDs).
      expect(decodeOid(readDer(encodeOid(`2.${arc}.7`)))).toBe(`2.${arc}.7`);
    }
    expect(decodeOid(readDer(encodeOid("0.39")))).toBe("0.39");
    expect(decodeOid(readDer(encodeOid("1.39")))).toBe("1.39");
  });

  it("BIT STRING (§8.6.4.2): '0A3B5F291CD'H is 03 07 04 0A 3B 5F 29 1C D0", () => {
    expect(toHex(encodeBitString(fromHex("0a3b5f291cd0"), 4))).toBe("0307040a3b5f291cd0");
    expect(decodeBitString(der("0307040a3b5f291cd0"))).toEqual({ bytes: fromHex("0a3b5f291cd0"), unusedBits: 4 });
  });

  it("BOOLEAN, NULL, OCTET STRING, SEQUENCE, SET OF (§8.2, §8.8, §8.7, §8.9, §11.6)", () => {
    expect(toHex(encodeBoolean(true))).toBe("0101ff");
    expect(decodeBoolean(der("0101ff"))).toBe(true);
    expect(decodeBoolean(der("010100"))).toBe(false);
    expect(toHex(encodeNull())).toBe("0500");
    expect(decodeNull(der("0500"))).toBeNull();
    expect(toHex(encodeOctetString(fromHex("0123456789abcdef")))).toBe("04080123456789abcdef");
    expect(toHex(encodeSequence(encodeInteger(1), encodeBoolean(false)))).toBe("3006020101010100");
    // SET OF components are sorted by their encodings.
    expect(toHex(encodeSetOf(encodeInteger(2), encodeInteger(1)))).toBe("3106020101020102");
  });

  it("lengths (§8.1.3): short form below 128, long form in the fewest octets", () => {
    expect(toHex(encodeOctetString(new Uint8Array(127))).slice(0, 4)).toBe("047f");
    expect(toHex(encodeOctetString(new Uint8Array(128))).slice(0, 6)).toBe("048180");
    expect(toHex(encodeOctetString(new Uint8Array(256))).slice(0, 8)).toBe("04820100");
    expect(readDer(encodeOctetString(new Uint8Array(70000))).contents.length).toBe(70000);
  });
});

describe("the DER reader refuses what DER does not allow", () => {
  const refused: [string, string][] = [
    ["", "empty input"],
    ["30", "no length"],
    ["3080", "indefinite length (§10.1)"],
    ["30810100", "long form for a short length"],
    ["3082000100", "leading zero length octet"],
    ["3085010000000000", "five length octets"],
    ["3004020100", "element overruns its container"],
    ["0201000000", "trailing bytes"],
    ["1f2100", "high tag number form"],
  ];
  for (const [hex, why] of refused) {
    it(why, () => expect(() => readDer(fromHex(hex))).toThrow(X509Error));
  }

  const refusedValues: [string, (element: DerElement) => unknown, string][] = [
    ["0200", decodeInteger, "INTEGER without contents"],
    ["02020001", decodeInteger, "INTEGER with a redundant 00"],
    ["0202ff80", decodeInteger, "INTEGER with a redundant ff"],
    ["010101", decodeBoolean, "BOOLEAN other than 00/ff (§11.1)"],
    ["01020000", decodeBoolean, "BOOLEAN of two octets"],
    ["050100", decodeNull, "NULL with contents"],
    ["0600", decodeOid, "empty OID"],
    ["06028001", decodeOid, "OID subidentifier with a leading 0x80 (§8.19.2)"],
    ["060181", decodeOid, "OID ending inside a subidentifier"],
    ["030101", decodeBitString, "BIT STRING claiming unused bits of nothing"],
    ["03020801", decodeBitString, "BIT STRING with 8 unused bits"],
    ["03020101", decodeBitString, "BIT STRING with unused bits set (§11.2.1)"],
    ["0300", decodeBitString, "BIT STRING without the unused-bits octet"],
    ["020101", decodeOctetString, "wrong tag for OCTET STRING"],
    ["2403040100", decodeOctetString, "constructed OCTET STRING (§10.2)"],
    ["0c02c328", decodeString, "UTF8String with invalid UTF-8"],
    ["130140", decodeString, "PrintableString with '@'"],
    ["160180", decodeString, "IA5String with a byte above 0x7f"],
    ["1e0100", decodeString, "BMPString of odd length"],
    ["1e02d800", decodeString, "BMPString with a lone surrogate"],
    ["1c0400110000", decodeString, "UniversalString above U+10FFFF"],
    ["020101", (element) => decodeSmallInteger(element, 0), "small INTEGER above its maximum"],
    ["0201ff", (element) => decodeSmallInteger(element, 10), "small INTEGER below zero"],
  ];
  for (const [hex, decode, why] of refusedValues) {
    it(why, () => expect(() => decode(der(hex))).toThrow(X509Error));
  }

  it("an OBJECT IDENTIFIER longer than MAX_OID_LENGTH", () => {
    const arcs = `1.2.${Array<string>(100).fill("4294967295").join(".")}`;
    expect(() => decodeOid(readDer(encodeOid(arcs)))).toThrow(/longer than 255/);
  });

  it("nesting deeper than MAX_DER_DEPTH", () => {
    let nested = encodeNull();
    for (let i = 0; i <= MAX_DER_DEPTH; i++) nested = encodeSequence(nested);
    expect(() => walk(readDer(nested))).toThrow(/deeper than/);
  });
});

describe("times (RFC 5280 §4.1.2.5)", () => {
  const utc = (text: string) => encodeAsciiString(text, Tag.UTCTime);
  const generalized = (text: string) => encodeAsciiString(text, Tag.GeneralizedTime);

  it("UTCTime years 50–99 are 19xx, 00–49 are 20xx", () => {
    expect(decodeTime(readDer(utc("500101000000Z")))).toBe(Date.UTC(1950, 0, 1));
    expect(decodeTime(readDer(utc("491231235959Z")))).toBe(Date.UTC(2049, 11, 31, 23, 59, 59));
    expect(decodeTime(readDer(utc("700101000000Z")))).toBe(0);
  });

  it("GeneralizedTime, including leap days", () => {
    expect(decodeTime(readDer(generalized("21250101000000Z")))).toBe(Date.UTC(2125, 0, 1));
    expect(decodeTime(readDer(generalized("20000229120000Z")))).toBe(Date.UTC(2000, 1, 29, 12));
    expect(decodeTime(readDer(generalized("99991231235959Z")))).toBe(Date.UTC(9999, 11, 31, 23, 59, 59));
  });

  it.each([
    ["UTCTime without seconds", () => utc("2501010000Z")],
    ["UTCTime with an offset", () => utc("250101000000+0100")],
    ["GeneralizedTime with fractions", () => generalized("20250101000000.5Z")],
    ["GeneralizedTime without Z", () => generalized("20250101000000")],
    ["February 29 in a common year", () => generalized("21000229000000Z")],
    ["month 13", () => generalized("20251301000000Z")],
    ["day 0", () => generalized("20250100000000Z")],
    ["hour 24", () => generalized("20250101240000Z")],
    ["leap second", () => generalized("20251231235960Z")],
    ["a time in the wrong type", () => encodeAsciiString("250101000000Z", Tag.IA5String)],
  ])("refuses %s", (_, make) => expect(() => decodeTime(readDer(make()))).toThrow(X509Error));

  it("encodes UTCTime for 1950–2049 and GeneralizedTime otherwise, and reads back", () => {
    expect(toHex(encodeTime(Date.UTC(2049, 11, 31, 23, 59, 59)))).toBe(toHex(utc("491231235959Z")));
    expect(toHex(encodeTime(Date.UTC(2050, 0, 1)))).toBe(toHex(generalized("20500101000000Z")));
    expect(toHex(encodeTime(Date.UTC(1949, 11, 31)))).toBe(toHex(generalized("19491231000000Z")));
    const range = fc.integer({ min: Date.parse("0000-01-01T00:00:00Z"), max: Date.UTC(9999, 11, 31, 23, 59, 59) });
    fc.assert(
      fc.property(range, (ms) => {
        const whole = Math.floor(ms / 1000) * 1000;
        expect(decodeTime(readDer(encodeTime(ms)))).toBe(whole);
      }),
      { numRuns: 2000 },
    );
  });
});

/** Every element of a DER tree, decoded as far as its tag allows; returns the count. */
function walk(element: DerElement): number {
  if ((element.tag & CONSTRUCTED) !== 0) {
    const reader = children(element, element.tag, "walk");
    let count = 1;
    while (!reader.done) count += walk(reader.next());
    return count;
  }
  const decoders: Record<number, (e: DerElement) => unknown> = {
    [Tag.BOOLEAN]: decodeBoolean,
    [Tag.INTEGER]: decodeInteger,
    [Tag.BIT_STRING]: decodeBitString,
    [Tag.NULL]: decodeNull,
    [Tag.OBJECT_IDENTIFIER]: decodeOid,
    [Tag.UTCTime]: decodeTime,
    [Tag.GeneralizedTime]: decodeTime,
  };
  if (isStringTag(element.tag)) decodeString(element);
  else decoders[element.tag]?.(element);
  return 1;
}

/** A random DER tree: primitives of any low tag, and constructed SEQUENCE, SET or context elements. */
const tree: fc.Arbitrary<Uint8Array> = fc.letrec<{ node: Uint8Array }>((tie) => ({
  node: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.tuple(fc.integer({ min: 0, max: 30 }), fc.constantFrom(0x00, 0x40, 0x80, 0xc0), fc.uint8Array({ maxLength: 300 })).map(([number, klass, bytes]) =>
      encodeTlv(klass | number, bytes),
    ),
    fc.tuple(fc.constantFrom(Tag.SEQUENCE, Tag.SET, contextTag(0, true), contextTag(3, true)), fc.array(tie("node"), { maxLength: 4 })).map(([tag, nodes]) =>
      encodeTlv(tag, concatBytes(...nodes)),
    ),
  ),
})).node;

describe("DER writer and reader agree", () => {
  it("a 1 MiB INTEGER decodes (in linear time: a quadratic decoder would not finish)", () => {
    const bytes = Uint8Array.from({ length: 1 << 20 }, (_, i) => (i * 7 + 1) & 0x7f);
    expect(decodeInteger(readDer(encodeTlv(Tag.INTEGER, bytes)))).toBe(BigInt(`0x${toHex(bytes)}`));
  });

  it("INTEGER round trip", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(2n ** 600n), max: 2n ** 600n }), (value) => {
        expect(decodeInteger(readDer(encodeInteger(value)))).toBe(value);
      }),
    );
  });

  it("OBJECT IDENTIFIER round trip", () => {
    const oid = fc
      .tuple(fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: 39 }), fc.integer({ min: 40, max: 1000 }), fc.array(fc.bigInt({ min: 0n, max: 2n ** 128n }), { maxLength: 8 }))
      .map(([first, second, big, rest]) => [first, first === 2 ? big : second, ...rest].join("."));
    fc.assert(
      fc.property(oid, (text) => {
        expect(decodeOid(readDer(encodeOid(text)))).toBe(text);
      }),
    );
  });

  it("strings, octet strings and bit strings round trip", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme", maxLength: 40 }), (text) => {
        expect(decodeString(readDer(encodeUtf8String(text)))).toBe(text);
      }),
    );
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        expect(decodeOctetString(readDer(encodeOctetString(bytes)))).toEqual(bytes);
      }),
    );
    const bits = fc.tuple(fc.uint8Array({ minLength: 1, maxLength: 40 }), fc.integer({ min: 0, max: 7 })).map(([bytes, unused]) => {
      bytes[bytes.length - 1]! &= 0xff << unused;
      return { bytes, unusedBits: unused };
    });
    fc.assert(
      fc.property(bits, (value) => {
        expect(decodeBitString(readDer(encodeBitString(value.bytes, value.unusedBits)))).toEqual(value);
      }),
    );
  });

  it("any tree reads back element for element, and re-encodes to the same bytes", () => {
    const reencode = (element: DerElement): Uint8Array => {
      if ((element.tag & CONSTRUCTED) === 0) return encodeTlv(element.tag, element.contents);
      const reader = children(element, element.tag, "tree");
      const parts: Uint8Array[] = [];
      while (!reader.done) parts.push(reencode(reader.next()));
      return encodeTlv(element.tag, concatBytes(...parts));
    };
    fc.assert(
      fc.property(tree, (bytes) => {
        expect(toHex(reencode(readDer(bytes)))).toBe(toHex(bytes));
      }),
    );
  });
});

describe("the DER reader on hostile input", () => {
  const valueOrX509Error = (bytes: Uint8Array): void => {
    try {
      walk(readDer(bytes));
    } catch (error) {
      if (!(error instanceof X509Error)) throw error;
    }
  };

  it("random bytes give a value or an X509Error", () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 200 }), valueOrX509Error), { numRuns: 5000 });
  });

  it("mutated trees give a value or an X509Error", () => {
    fc.assert(
      fc.property(tree, fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }), (bytes, edits) => {
        const mutated = bytes.slice();
        for (const [at, value] of edits) if (mutated.length > 0) mutated[at % mutated.length] = value;
        valueOrX509Error(mutated);
      }),
      { numRuns: 2000 },
    );
  });

  it("a reader never reads past its element", () => {
    const reader = new DerReader(fromHex("300302010130"));
    expect(reader.next().contents).toEqual(fromHex("020101"));
    expect(() => reader.next()).toThrow(/length missing/);
    const empty = children(der("3000"));
    expect(empty.done).toBe(true);
    expect(() => empty.next()).toThrow(/input ended/);
  });
});
