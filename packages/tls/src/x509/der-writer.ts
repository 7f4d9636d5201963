/**
 * A small DER encoder (ITU-T X.690 §10): each function returns one complete
 * element, so structures are written as nested calls.
 *
 * @module
 */
import { concatBytes, utf8 } from "@zquic/wire";
import { contextTag, Tag } from "./asn1.js";
import { civilFromDays, daysFromCivil, MS_PER_DAY } from "./civil-time.js";
import { X509Error } from "./errors.js";

/** The DER length octets for `length` (X.690 §8.1.3, §10.1: shortest definite form). */
function encodeLength(length: number): Uint8Array {
  if (length < 0x80) return Uint8Array.of(length);
  const octets: number[] = [];
  for (let rest = length; rest > 0; rest = Math.floor(rest / 256)) octets.unshift(rest % 256);
  return Uint8Array.of(0x80 | octets.length, ...octets);
}

/** An element with identifier octet `tag` around `contents`. */
export function encodeTlv(tag: number, contents: Uint8Array): Uint8Array {
  if ((tag & 0x1f) === 0x1f || tag < 0 || tag > 0xff) {
    throw new X509Error(`tag 0x${tag.toString(16)} is not a single identifier octet; use a tag number below 31`);
  }
  return concatBytes(Uint8Array.of(tag), encodeLength(contents.length), contents);
}

/** A SEQUENCE of already-encoded elements. */
export function encodeSequence(...elements: Uint8Array[]): Uint8Array {
  return encodeTlv(Tag.SEQUENCE, concatBytes(...elements));
}

/** A SET OF already-encoded elements, sorted as X.690 §11.6 requires. */
export function encodeSetOf(...elements: Uint8Array[]): Uint8Array {
  return encodeTlv(Tag.SET, concatBytes(...[...elements].sort(compareBytes)));
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

/** An EXPLICIT context tag `[number]` around one element (X.690 §8.14.2). */
export function encodeExplicit(number: number, element: Uint8Array): Uint8Array {
  return encodeTlv(contextTag(number, true), element);
}

/** X.690 §11.1: TRUE is 0xFF. */
export function encodeBoolean(value: boolean): Uint8Array {
  return encodeTlv(Tag.BOOLEAN, Uint8Array.of(value ? 0xff : 0x00));
}

/** An INTEGER in two's complement, in the fewest octets (X.690 §8.3). */
export function encodeInteger(value: bigint | number, tag: number = Tag.INTEGER): Uint8Array {
  let rest = BigInt(value);
  const octets: number[] = [];
  do {
    octets.unshift(Number(rest & 0xffn));
    rest >>= 8n;
  } while (!(rest === 0n && octets[0]! < 0x80) && !(rest === -1n && octets[0]! >= 0x80));
  return encodeTlv(tag, Uint8Array.from(octets));
}

/** An INTEGER from big-endian magnitude bytes (a key or a serial number), never negative. */
export function encodeUnsignedInteger(magnitude: Uint8Array): Uint8Array {
  let start = 0;
  while (start < magnitude.length - 1 && magnitude[start] === 0) start++;
  const trimmed = magnitude.subarray(start);
  const contents = trimmed.length === 0 || trimmed[0]! >= 0x80 ? concatBytes(Uint8Array.of(0), trimmed) : trimmed;
  return encodeTlv(Tag.INTEGER, contents);
}

/** NULL. */
export function encodeNull(): Uint8Array {
  return encodeTlv(Tag.NULL, new Uint8Array(0));
}

/** An OBJECT IDENTIFIER from its dotted form (X.690 §8.19). */
export function encodeOid(oid: string): Uint8Array {
  if (!/^[0-2]\.(0|[1-9]\d*)(\.(0|[1-9]\d*))*$/.test(oid)) {
    throw new X509Error(`"${oid}" is not a dotted object identifier such as 2.5.4.3`);
  }
  const arcs = oid.split(".").map(BigInt);
  const [first, second] = arcs as [bigint, bigint];
  if (first < 2n && second >= 40n) throw new X509Error(`object identifier ${oid}: arc 2 must be below 40 under arc ${first}`);
  const octets: number[] = [];
  for (const arc of [first * 40n + second, ...arcs.slice(2)]) {
    const group: number[] = [Number(arc & 0x7fn)];
    for (let rest = arc >> 7n; rest > 0n; rest >>= 7n) group.unshift(Number(rest & 0x7fn) | 0x80);
    octets.push(...group);
  }
  return encodeTlv(Tag.OBJECT_IDENTIFIER, Uint8Array.from(octets));
}

/** A BIT STRING of whole `bytes`, or with `unusedBits` trailing bits unused (they must be zero). */
export function encodeBitString(bytes: Uint8Array, unusedBits = 0): Uint8Array {
  return encodeTlv(Tag.BIT_STRING, concatBytes(Uint8Array.of(unusedBits), bytes));
}

/** An OCTET STRING. */
export function encodeOctetString(bytes: Uint8Array, tag: number = Tag.OCTET_STRING): Uint8Array {
  return encodeTlv(tag, bytes);
}

/** A UTF8String. */
export function encodeUtf8String(text: string): Uint8Array {
  return encodeTlv(Tag.UTF8String, utf8(text));
}

/** An ASCII string type (IA5String, PrintableString) from text the caller has checked. */
export function encodeAsciiString(text: string, tag: number = Tag.IA5String): Uint8Array {
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code > 0x7f) throw new X509Error(`"${text}" is not ASCII; use encodeUtf8String or an A-label`);
    bytes[i] = code;
  }
  return encodeTlv(tag, bytes);
}

/** The span a four-digit GeneralizedTime year covers: 0000-01-01 … 9999-12-31T23:59:59Z. */
const MIN_TIME = daysFromCivil(0, 1, 1) * MS_PER_DAY;
const MAX_TIME = daysFromCivil(10_000, 1, 1) * MS_PER_DAY - 1000;

/**
 * RFC 5280 §4.1.2.5: UTCTime for 1950–2049, GeneralizedTime otherwise, both in
 * whole seconds with `Z`. `ms` is Unix milliseconds (fractions are dropped).
 */
export function encodeTime(ms: number): Uint8Array {
  if (!Number.isFinite(ms) || ms < MIN_TIME || ms > MAX_TIME) {
    throw new X509Error(`time ${ms} is outside years 0000…9999; pass Unix milliseconds`);
  }
  const days = Math.floor(ms / MS_PER_DAY);
  const seconds = Math.floor((ms - days * MS_PER_DAY) / 1000);
  const { year, month, day } = civilFromDays(days);
  const two = (n: number): string => n.toString().padStart(2, "0");
  const clock = `${two(month)}${two(day)}${two(Math.floor(seconds / 3600))}${two(Math.floor(seconds / 60) % 60)}${two(seconds % 60)}Z`;
  return year >= 1950 && year < 2050
    ? encodeAsciiString(`${two(year % 100)}${clock}`, Tag.UTCTime)
    : encodeAsciiString(`${year.toString().padStart(4, "0")}${clock}`, Tag.GeneralizedTime);
}
