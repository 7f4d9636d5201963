/**
 * A strict DER reader (ITU-T X.690 §8, §10): definite lengths in their shortest
 * form, bounds checked against the enclosing element, nesting depth limited.
 * Decoders for the universal types X.509 uses turn an element into a value or
 * throw {@link X509Error}.
 *
 * @module
 */
import { fromUtf8Strict, toHex } from "@zquic/wire";
import { X509Error } from "./errors.js";
import { daysFromCivil, MS_PER_DAY } from "./civil-time.js";

/** Identifier octets of the universal and X.509 types (X.690 §8.1.2, X.680 §8.4). */
export const Tag = {
  BOOLEAN: 0x01,
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  NULL: 0x05,
  OBJECT_IDENTIFIER: 0x06,
  UTF8String: 0x0c,
  NumericString: 0x12,
  PrintableString: 0x13,
  TeletexString: 0x14,
  IA5String: 0x16,
  UTCTime: 0x17,
  GeneralizedTime: 0x18,
  VisibleString: 0x1a,
  UniversalString: 0x1c,
  BMPString: 0x1e,
  SEQUENCE: 0x30,
  SET: 0x31,
} as const;

/** X.690 §8.1.2.5: the constructed bit of an identifier octet. */
export const CONSTRUCTED = 0x20;

/** The identifier octet of context-specific tag `[number]` (X.690 §8.1.2.2). */
export function contextTag(number: number, constructed: boolean): number {
  return 0x80 | (constructed ? CONSTRUCTED : 0) | number;
}

/** How deep constructed elements may nest before the input is refused. */
export const MAX_DER_DEPTH = 32;

/** One DER element: its identifier octet, its contents, and the whole encoding. */
export interface DerElement {
  /** The identifier octet (class, constructed bit, tag number < 31). */
  readonly tag: number;
  /** The contents octets (a view into the input). */
  readonly contents: Uint8Array;
  /** Identifier, length and contents octets (a view into the input). */
  readonly encoded: Uint8Array;
  /** How many constructed elements enclose this one. */
  readonly depth: number;
}

/**
 * A {@link DerElement} that makes its `encoded` view on request: few elements
 * are ever asked for it, and a view costs as much as a small parse step.
 */
class ElementView implements DerElement {
  constructor(
    readonly tag: number,
    readonly contents: Uint8Array,
    readonly depth: number,
    private readonly input: Uint8Array,
    private readonly start: number,
  ) {}

  get encoded(): Uint8Array {
    return this.input.subarray(this.start, this.contents.byteOffset - this.input.byteOffset + this.contents.length);
  }
}

/**
 * A cursor over a run of consecutive DER elements, such as the contents of a
 * SEQUENCE. Reads never go past `bytes`.
 */
export class DerReader {
  private offset = 0;

  constructor(
    private readonly bytes: Uint8Array,
    /** The depth of the elements this reader yields. */
    readonly depth = 0,
  ) {
    if (depth > MAX_DER_DEPTH) throw new X509Error(`DER nests deeper than ${MAX_DER_DEPTH} levels`);
  }

  /** True when every element has been read. */
  get done(): boolean {
    return this.offset >= this.bytes.length;
  }

  /** The identifier octet of the next element, or `undefined` at the end. */
  peekTag(): number | undefined {
    return this.bytes[this.offset];
  }

  /** The next element, whatever its tag. */
  next(): DerElement {
    const { bytes } = this;
    const start = this.offset;
    const tag = bytes[start];
    if (tag === undefined) throw new X509Error("DER element expected, input ended");
    // X.690 §8.1.2.4: tag numbers ≥ 31 use more octets; nothing in X.509 needs them.
    if ((tag & 0x1f) === 0x1f) throw new X509Error(`high tag number form (identifier 0x${hex(tag)}) is not supported`);
    const first = bytes[start + 1];
    if (first === undefined) throw new X509Error("DER length missing");
    let length: number;
    let contentStart: number;
    if (first < 0x80) {
      length = first;
      contentStart = start + 2;
    } else {
      // X.690 §10.1: definite form only, in the fewest octets.
      const count = first & 0x7f;
      if (count === 0) throw new X509Error("indefinite length is not DER");
      if (count > 4) throw new X509Error(`DER length of ${count} octets is too long`);
      if (start + 2 + count > bytes.length) throw new X509Error("DER length truncated");
      length = 0;
      for (let i = 0; i < count; i++) length = length * 256 + bytes[start + 2 + i]!;
      if (length < 0x80 || bytes[start + 2] === 0) throw new X509Error("DER length not in its shortest form");
      contentStart = start + 2 + count;
    }
    const end = contentStart + length;
    if (end > bytes.length) throw new X509Error(`DER element of ${length} bytes overruns its container by ${end - bytes.length}`);
    this.offset = end;
    return new ElementView(tag, bytes.subarray(contentStart, end), this.depth, bytes, start);
  }

  /** The next element, which must carry `tag`. */
  read(tag: number, what = "element"): DerElement {
    const found = this.peekTag();
    if (found !== tag) {
      throw new X509Error(`${what}: expected tag 0x${hex(tag)}, found ${found === undefined ? "end of input" : `0x${hex(found)}`}`);
    }
    return this.next();
  }

  /** The next element if it carries `tag` (an OPTIONAL or DEFAULT field), else `undefined`. */
  optional(tag: number): DerElement | undefined {
    return this.peekTag() === tag ? this.next() : undefined;
  }

  /** Throws unless every element has been read. */
  end(what = "structure"): void {
    if (!this.done) throw new X509Error(`${what}: ${this.bytes.length - this.offset} unexpected trailing bytes`);
  }
}

function hex(byte: number): string {
  return byte.toString(16).padStart(2, "0");
}

/** The single DER element that makes up all of `bytes` (no trailing bytes). */
export function readDer(bytes: Uint8Array): DerElement {
  const reader = new DerReader(bytes);
  const element = reader.next();
  reader.end("DER input");
  return element;
}

/** A reader over the children of a constructed element, which must carry `tag`. */
export function children(element: DerElement, tag: number = Tag.SEQUENCE, what = "SEQUENCE"): DerReader {
  expectTag(element, tag, what);
  if ((element.tag & CONSTRUCTED) === 0) throw new X509Error(`${what}: a primitive element cannot have children`);
  return new DerReader(element.contents, element.depth + 1);
}

/** The element of an EXPLICIT context tag `[number]` (X.690 §8.14.2). */
export function explicitInner(element: DerElement, what = "explicit tag"): DerElement {
  const reader = children(element, element.tag, what);
  const inner = reader.next();
  reader.end(what);
  return inner;
}

function expectTag(element: DerElement, tag: number, what: string): void {
  if (element.tag !== tag) throw new X509Error(`${what}: expected tag 0x${hex(tag)}, found 0x${hex(element.tag)}`);
}

/** X.690 §8.2, §11.1: a BOOLEAN is one octet, 0x00 or 0xFF in DER. */
export function decodeBoolean(element: DerElement, tag: number = Tag.BOOLEAN): boolean {
  expectTag(element, tag, "BOOLEAN");
  const { contents } = element;
  if (contents.length !== 1 || (contents[0] !== 0x00 && contents[0] !== 0xff)) throw new X509Error("BOOLEAN is not 0x00 or 0xFF");
  return contents[0] === 0xff;
}

/**
 * The two's-complement contents of an INTEGER, checked to be in the fewest
 * octets (X.690 §8.3.2).
 */
export function decodeIntegerBytes(element: DerElement, tag: number = Tag.INTEGER): Uint8Array {
  expectTag(element, tag, "INTEGER");
  const { contents } = element;
  const [first, second] = contents;
  if (first === undefined) throw new X509Error("INTEGER has no contents");
  if (second !== undefined && ((first === 0x00 && second < 0x80) || (first === 0xff && second >= 0x80))) {
    throw new X509Error("INTEGER not in its shortest form");
  }
  return contents;
}

/** An INTEGER as a bigint (X.690 §8.3.3: two's complement, big-endian). */
export function decodeInteger(element: DerElement, tag: number = Tag.INTEGER): bigint {
  const contents = decodeIntegerBytes(element, tag);
  // Parsing hex is linear in the length; shifting byte by byte would be quadratic on hostile input.
  const value = BigInt(`0x${toHex(contents)}`);
  return contents[0]! >= 0x80 ? value - (1n << BigInt(contents.length * 8)) : value;
}

/** An INTEGER that must lie in `0 … max` (a version number, a path length). */
export function decodeSmallInteger(element: DerElement, max: number, tag: number = Tag.INTEGER): number {
  const contents = decodeIntegerBytes(element, tag);
  if (contents.length > 6) throw new X509Error(`INTEGER out of range 0…${max}`);
  const value = decodeInteger(element, tag);
  if (value < 0n || value > BigInt(max)) throw new X509Error(`INTEGER ${value} out of range 0…${max}`);
  return Number(value);
}

/** X.690 §8.8: NULL has no contents. */
export function decodeNull(element: DerElement): null {
  expectTag(element, Tag.NULL, "NULL");
  if (element.contents.length !== 0) throw new X509Error("NULL has contents");
  return null;
}

/** The longest OBJECT IDENTIFIER accepted, in contents octets (X.509 OIDs are far shorter; the bound keeps decoding linear). */
export const MAX_OID_LENGTH = 255;

/** An OBJECT IDENTIFIER in dotted form, e.g. `"2.5.4.3"` (X.690 §8.19). */
export function decodeOid(element: DerElement): string {
  expectTag(element, Tag.OBJECT_IDENTIFIER, "OBJECT IDENTIFIER");
  const { contents } = element;
  if (contents.length === 0) throw new X509Error("OBJECT IDENTIFIER is empty");
  if (contents.length > MAX_OID_LENGTH) throw new X509Error(`OBJECT IDENTIFIER longer than ${MAX_OID_LENGTH} octets`);
  let text = "";
  let value = 0; // the subidentifier so far, exact below 2^53 …
  let large: bigint | undefined; // … and as a bigint once it outgrows that (UUID arcs, X.667)
  let started = false;
  for (let i = 0; i < contents.length; i++) {
    const byte = contents[i]!;
    // X.690 §8.19.2: each subidentifier in the fewest octets (no leading 0x80).
    if (!started && byte === 0x80) throw new X509Error("OBJECT IDENTIFIER subidentifier not in its shortest form");
    started = true;
    if (large === undefined && value < 2 ** 45) value = value * 128 + (byte & 0x7f);
    else large = ((large ?? BigInt(value)) << 7n) | BigInt(byte & 0x7f);
    if ((byte & 0x80) !== 0) continue;
    text = text === "" ? firstArcs(large ?? value) : `${text}.${large ?? value}`;
    value = 0;
    large = undefined;
    started = false;
  }
  if (started) throw new X509Error("OBJECT IDENTIFIER ends inside a subidentifier");
  return text;
}

/** X.690 §8.19.4: the first subidentifier packs the first two arcs as 40·X + Y, with X ≤ 2. */
function firstArcs(subidentifier: number | bigint): string {
  if (typeof subidentifier === "bigint") return `2.${subidentifier - 80n}`;
  const first = subidentifier < 40 ? 0 : subidentifier < 80 ? 1 : 2;
  return `${first}.${subidentifier - first * 40}`;
}

/** A BIT STRING's bytes and the count of unused bits in the last one (X.690 §8.6, §11.2). */
export interface BitString {
  readonly bytes: Uint8Array;
  readonly unusedBits: number;
}

/** A BIT STRING; DER requires the unused trailing bits to be zero. */
export function decodeBitString(element: DerElement, tag: number = Tag.BIT_STRING): BitString {
  expectTag(element, tag, "BIT STRING");
  const { contents } = element;
  const unusedBits = contents[0];
  if (unusedBits === undefined || unusedBits > 7) throw new X509Error("BIT STRING has a bad unused-bits octet");
  const bytes = contents.subarray(1);
  if (bytes.length === 0 && unusedBits !== 0) throw new X509Error("empty BIT STRING claims unused bits");
  if (unusedBits > 0 && (bytes[bytes.length - 1]! & ((1 << unusedBits) - 1)) !== 0) {
    throw new X509Error("BIT STRING unused bits are not zero");
  }
  return { bytes, unusedBits };
}

/** A BIT STRING that holds whole octets (keys, signatures). */
export function decodeOctetAlignedBitString(element: DerElement): Uint8Array {
  const { bytes, unusedBits } = decodeBitString(element);
  if (unusedBits !== 0) throw new X509Error("BIT STRING is not a whole number of octets");
  return bytes;
}

/** An OCTET STRING's contents (primitive only, as DER requires). */
export function decodeOctetString(element: DerElement, tag: number = Tag.OCTET_STRING): Uint8Array {
  expectTag(element, tag, "OCTET STRING");
  return element.contents;
}

/**
 * X.680 §41.4: the PrintableString character set, plus `*` and `&`, which
 * deployed certificates (roots among them) put there anyway.
 */
const PRINTABLE = /^[A-Za-z0-9 '()+,\-./:=?*&]*$/;

/** How each character string type's contents become text; a failed check gives `undefined`. */
const stringDecoders: ReadonlyMap<number, (contents: Uint8Array) => string | undefined> = new Map([
  [Tag.UTF8String, fromUtf8Strict],
  [Tag.PrintableString, (bytes: Uint8Array) => checked(latin1(bytes), PRINTABLE)],
  [Tag.NumericString, (bytes: Uint8Array) => checked(latin1(bytes), /^[0-9 ]*$/)],
  [Tag.IA5String, (bytes: Uint8Array) => checked(latin1(bytes), /^[\x00-\x7f]*$/)],
  [Tag.VisibleString, (bytes: Uint8Array) => checked(latin1(bytes), /^[\x20-\x7e]*$/)],
  // TeletexString is T.61 in theory; every deployed certificate uses it for Latin-1.
  [Tag.TeletexString, latin1],
  [Tag.BMPString, (bytes: Uint8Array) => codePoints(bytes, 2)],
  [Tag.UniversalString, (bytes: Uint8Array) => codePoints(bytes, 4)],
]);

function latin1(bytes: Uint8Array): string {
  let text = "";
  for (const byte of bytes) text += String.fromCharCode(byte);
  return text;
}

function checked(text: string, allowed: RegExp): string | undefined {
  return allowed.test(text) ? text : undefined;
}

/** BMPString (UCS-2) and UniversalString (UCS-4), big-endian. */
function codePoints(bytes: Uint8Array, width: 2 | 4): string | undefined {
  if (bytes.length % width !== 0) return undefined;
  let text = "";
  for (let i = 0; i < bytes.length; i += width) {
    let point = 0;
    for (let j = 0; j < width; j++) point = point * 256 + bytes[i + j]!;
    if (point > 0x10ffff || (point >= 0xd800 && point <= 0xdfff)) return undefined;
    text += String.fromCodePoint(point);
  }
  return text;
}

/** True when `tag` is one of the character string types {@link decodeString} reads. */
export function isStringTag(tag: number): boolean {
  return stringDecoders.has(tag);
}

/** A character string (UTF8String, PrintableString, IA5String, BMPString, …) as text. */
export function decodeString(element: DerElement): string {
  return stringOfType(element.tag, element.contents);
}

/** An IA5String (dNSName, URI), checked to be ASCII. */
export function decodeIa5String(element: DerElement, tag: number = Tag.IA5String): string {
  expectTag(element, tag, "IA5String");
  return stringOfType(Tag.IA5String, element.contents);
}

/** `contents` as the character string type `tag`. */
function stringOfType(tag: number, contents: Uint8Array): string {
  const decode = stringDecoders.get(tag);
  if (decode === undefined) throw new X509Error(`tag 0x${hex(tag)} is not a character string`);
  const text = decode(contents);
  if (text === undefined) throw new X509Error(`character string (tag 0x${hex(tag)}) holds characters its type does not allow`);
  return text;
}

/**
 * A UTCTime or GeneralizedTime as Unix milliseconds, in the forms RFC 5280
 * §4.1.2.5 allows: `YYMMDDHHMMSSZ` (years 1950–2049) and `YYYYMMDDHHMMSSZ`.
 */
export function decodeTime(element: DerElement): number {
  const text = latin1(element.contents);
  let year: number;
  let rest: string;
  if (element.tag === Tag.UTCTime && /^\d{12}Z$/.test(text)) {
    // RFC 5280 §4.1.2.5.1: YY ≥ 50 is 19YY, else 20YY.
    const yy = Number(text.slice(0, 2));
    year = yy >= 50 ? 1900 + yy : 2000 + yy;
    rest = text.slice(2);
  } else if (element.tag === Tag.GeneralizedTime && /^\d{14}Z$/.test(text)) {
    year = Number(text.slice(0, 4));
    rest = text.slice(4);
  } else {
    throw new X509Error(`not an RFC 5280 time: tag 0x${hex(element.tag)} "${text.slice(0, 20)}"`);
  }
  const [month, day, hour, minute, second] = [0, 2, 4, 6, 8].map((at) => Number(rest.slice(at, at + 2))) as [number, number, number, number, number];
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month) || hour > 23 || minute > 59 || second > 59) {
    throw new X509Error(`time out of range: "${text}"`);
  }
  return daysFromCivil(year, month, day) * MS_PER_DAY + ((hour * 60 + minute) * 60 + second) * 1000;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}
