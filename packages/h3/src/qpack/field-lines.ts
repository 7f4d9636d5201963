/**
 * RFC 9204 §4.5.2–§4.5.6: the field line representations of an encoded field section.
 * Dynamic indices are relative to the section's Base (§3.2.5) or post-Base (§3.2.6).
 *
 * @module
 */
import type { Reader, Writer } from "@zquic/wire";
import { readPrefixedInteger, writePrefixedInteger } from "./prefixed-integer.js";
import { decodeStringLiteral, readStringLiteral, writeStringLiteral } from "./string-literal.js";

/** RFC 9204 §4.5.2: '1', T, and the static index or relative index (6+). */
export interface IndexedFieldLine {
  readonly type: "indexed";
  readonly isStatic: boolean;
  readonly index: number;
}
/** RFC 9204 §4.5.3: '0001' and the post-Base index (4+). */
export interface IndexedFieldLineWithPostBaseIndex {
  readonly type: "indexed_post_base";
  readonly index: number;
}
/** RFC 9204 §4.5.4: '01', N, T, the name's static or relative index (4+), and the value. */
export interface LiteralFieldLineWithNameReference {
  readonly type: "literal_with_name_reference";
  readonly neverIndex: boolean;
  readonly isStatic: boolean;
  readonly nameIndex: number;
  readonly value: string;
}
/** RFC 9204 §4.5.5: '0000', N, the name's post-Base index (3+), and the value. */
export interface LiteralFieldLineWithPostBaseNameReference {
  readonly type: "literal_with_post_base_name_reference";
  readonly neverIndex: boolean;
  readonly nameIndex: number;
  readonly value: string;
}
/** RFC 9204 §4.5.6: '001', N, the name (4-bit prefix string) and the value. */
export interface LiteralFieldLineWithLiteralName {
  readonly type: "literal_with_literal_name";
  readonly neverIndex: boolean;
  readonly name: string;
  readonly value: string;
}

/** Any field line representation. Names and values are byte strings. */
export type FieldLineRepresentation =
  | IndexedFieldLine
  | IndexedFieldLineWithPostBaseIndex
  | LiteralFieldLineWithNameReference
  | LiteralFieldLineWithPostBaseNameReference
  | LiteralFieldLineWithLiteralName;

/** Appends `line`; string literals are Huffman-coded when `huffman` is set and that is shorter. */
export function writeFieldLine(w: Writer, line: FieldLineRepresentation, huffman: boolean): void {
  switch (line.type) {
    case "indexed":
      return writePrefixedInteger(w, line.isStatic ? 0xc0 : 0x80, 6, line.index);
    case "indexed_post_base":
      return writePrefixedInteger(w, 0x10, 4, line.index);
    case "literal_with_name_reference":
      writePrefixedInteger(w, 0x40 | (line.neverIndex ? 0x20 : 0) | (line.isStatic ? 0x10 : 0), 4, line.nameIndex);
      return writeStringLiteral(w, 0x00, 8, line.value, huffman);
    case "literal_with_post_base_name_reference":
      writePrefixedInteger(w, line.neverIndex ? 0x08 : 0x00, 3, line.nameIndex);
      return writeStringLiteral(w, 0x00, 8, line.value, huffman);
    case "literal_with_literal_name":
      writeStringLiteral(w, 0x20 | (line.neverIndex ? 0x10 : 0), 4, line.name, huffman);
      return writeStringLiteral(w, 0x00, 8, line.value, huffman);
  }
}

/**
 * Reads one field line representation, or returns `undefined` when one of its strings
 * decodes to more than `maxStringLength` octets. Truncation throws the reader's
 * `WireError`; malformed data throws a `QpackError` with the reader's `errorCode`.
 */
export function readFieldLine(r: Reader, maxStringLength: number): FieldLineRepresentation | undefined {
  const first = r.peekU8();
  if (first & 0x80) return { type: "indexed", isStatic: (first & 0x40) !== 0, index: readPrefixedInteger(r, 6) };
  if (first & 0x40) {
    const nameIndex = readPrefixedInteger(r, 4);
    const value = readText(r, 8, maxStringLength);
    if (value === undefined) return undefined;
    return { type: "literal_with_name_reference", neverIndex: (first & 0x20) !== 0, isStatic: (first & 0x10) !== 0, nameIndex, value };
  }
  if (first & 0x20) {
    const name = readText(r, 4, maxStringLength);
    const value = name === undefined ? undefined : readText(r, 8, maxStringLength);
    if (name === undefined || value === undefined) return undefined;
    return { type: "literal_with_literal_name", neverIndex: (first & 0x10) !== 0, name, value };
  }
  if (first & 0x10) return { type: "indexed_post_base", index: readPrefixedInteger(r, 4) };
  const nameIndex = readPrefixedInteger(r, 3);
  const value = readText(r, 8, maxStringLength);
  if (value === undefined) return undefined;
  return { type: "literal_with_post_base_name_reference", neverIndex: (first & 0x08) !== 0, nameIndex, value };
}

function readText(r: Reader, prefixBits: number, maxLength: number): string | undefined {
  const literal = readStringLiteral(r, prefixBits, maxLength);
  return literal === undefined ? undefined : decodeStringLiteral(literal, maxLength, r.errorCode);
}
