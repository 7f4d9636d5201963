/**
 * RFC 9204 §4.3: the instructions an encoder sends on its encoder stream.
 *
 * @module
 */
import type { Reader, Writer } from "@zquic/wire";
import { QpackError } from "../errors.js";
import { readPrefixedInteger, writePrefixedInteger } from "./prefixed-integer.js";
import { decodeStringLiteral, readStringLiteral, writeStringLiteral, type StringLiteral } from "./string-literal.js";

/** RFC 9204 §4.3.1: '001' and the new capacity (5+). */
export interface SetDynamicTableCapacity {
  readonly type: "set_dynamic_table_capacity";
  readonly capacity: number;
}
/** RFC 9204 §4.3.2: '1', T, the name's index (6+) — static, or relative (§3.2.5) — and the value. */
export interface InsertWithNameReference {
  readonly type: "insert_with_name_reference";
  readonly isStatic: boolean;
  readonly nameIndex: number;
  readonly value: string;
}
/** RFC 9204 §4.3.3: '01', the name (6-bit prefix string) and the value. */
export interface InsertWithLiteralName {
  readonly type: "insert_with_literal_name";
  readonly name: string;
  readonly value: string;
}
/** RFC 9204 §4.3.4: '000' and the relative index (5+) of the entry to insert again. */
export interface Duplicate {
  readonly type: "duplicate";
  readonly index: number;
}

/** Any encoder instruction. Names and values are byte strings. */
export type EncoderInstruction = SetDynamicTableCapacity | InsertWithNameReference | InsertWithLiteralName | Duplicate;

/** Appends `instruction`; string literals are Huffman-coded when `huffman` is set and that is shorter. */
export function writeEncoderInstruction(w: Writer, instruction: EncoderInstruction, huffman: boolean): void {
  switch (instruction.type) {
    case "set_dynamic_table_capacity":
      return writePrefixedInteger(w, 0x20, 5, instruction.capacity);
    case "insert_with_name_reference":
      writePrefixedInteger(w, instruction.isStatic ? 0xc0 : 0x80, 6, instruction.nameIndex);
      return writeStringLiteral(w, 0x00, 8, instruction.value, huffman);
    case "insert_with_literal_name":
      writeStringLiteral(w, 0x40, 6, instruction.name, huffman);
      return writeStringLiteral(w, 0x00, 8, instruction.value, huffman);
    case "duplicate":
      return writePrefixedInteger(w, 0x00, 5, instruction.index);
  }
}

/**
 * Reads one encoder instruction. Truncation throws the reader's `WireError` (the caller
 * waits for more bytes); anything malformed, or a string longer than `maxStringLength`
 * octets, throws a QPACK_ENCODER_STREAM_ERROR {@link QpackError}. Both strings of an insert
 * are taken before either is decoded, so an instruction is decoded once, when complete.
 */
export function readEncoderInstruction(r: Reader, maxStringLength: number): EncoderInstruction {
  const first = r.peekU8();
  if (first & 0x80) {
    const isStatic = (first & 0x40) !== 0;
    const nameIndex = readPrefixedInteger(r, 6);
    const value = text(r, readString(r, 8, maxStringLength), maxStringLength);
    return { type: "insert_with_name_reference", isStatic, nameIndex, value };
  }
  if (first & 0x40) {
    const name = readString(r, 6, maxStringLength);
    const value = readString(r, 8, maxStringLength);
    return { type: "insert_with_literal_name", name: text(r, name, maxStringLength), value: text(r, value, maxStringLength) };
  }
  if (first & 0x20) return { type: "set_dynamic_table_capacity", capacity: readPrefixedInteger(r, 5) };
  return { type: "duplicate", index: readPrefixedInteger(r, 5) };
}

function readString(r: Reader, prefixBits: number, maxLength: number): StringLiteral {
  const literal = readStringLiteral(r, prefixBits, maxLength);
  if (literal === undefined) throw tooLong(r, maxLength);
  return literal;
}

function text(r: Reader, literal: StringLiteral, maxLength: number): string {
  const decoded = decodeStringLiteral(literal, maxLength, r.errorCode);
  if (decoded === undefined) throw tooLong(r, maxLength);
  return decoded;
}

// RFC 9204 §3.2.2: no entry is larger than the capacity, so neither is its name or value.
function tooLong(r: Reader, maxLength: number): QpackError {
  return new QpackError(r.errorCode, `encoder instruction carries a string longer than ${maxLength} octets, the table capacity`);
}
