/**
 * RFC 9204 §4.5.1: the prefix of an encoded field section — the Required Insert Count
 * (§4.5.1.1) and the Base (§4.5.1.2).
 *
 * @module
 */
import type { Reader, Writer } from "@zquic/wire";
import { H3ErrorCode, QpackError } from "../errors.js";
import { ENTRY_OVERHEAD } from "./dynamic-table.js";
import { readPrefixedInteger, writePrefixedInteger } from "./prefixed-integer.js";

/** The decoded prefix of an encoded field section. */
export interface FieldSectionPrefix {
  /** The Insert Count the decoder needs before it can decode the section (0: no dynamic references). */
  readonly requiredInsertCount: number;
  /** The reference point for relative and post-Base indices (§3.2.5, §3.2.6). */
  readonly base: number;
}

/** RFC 9204 §4.5.1.1: MaxEntries = floor(MaxTableCapacity / 32), from the decoder's maximum capacity. */
export function maxEntries(maxTableCapacity: number): number {
  return Math.floor(maxTableCapacity / ENTRY_OVERHEAD);
}

/** RFC 9204 §4.5.1.1: the Required Insert Count as encoded, modulo 2 · MaxEntries, plus one. */
export function encodeRequiredInsertCount(requiredInsertCount: number, entries: number): number {
  return requiredInsertCount === 0 ? 0 : (requiredInsertCount % (2 * entries)) + 1;
}

/**
 * RFC 9204 §4.5.1.1: the Required Insert Count from its encoding, given the decoder's
 * total number of inserts. A value no conformant encoder produces throws a
 * QPACK_DECOMPRESSION_FAILED {@link QpackError}.
 */
export function decodeRequiredInsertCount(encoded: number, entries: number, totalInserts: number): number {
  if (encoded === 0) return 0;
  const fullRange = 2 * entries;
  if (encoded > fullRange) throw invalidCount(encoded);
  const maxValue = totalInserts + entries;
  const maxWrapped = Math.floor(maxValue / fullRange) * fullRange;
  let count = maxWrapped + encoded - 1;
  if (count > maxValue) {
    if (count <= fullRange) throw invalidCount(encoded);
    count -= fullRange;
  }
  if (count === 0) throw invalidCount(encoded);
  return count;
}

function invalidCount(encoded: number): QpackError {
  return new QpackError(H3ErrorCode.QPACK_DECOMPRESSION_FAILED, `encoded Required Insert Count ${encoded} is impossible here`);
}

/** Appends the prefix; `entries` is MaxEntries of the decoder's maximum table capacity. */
export function writeFieldSectionPrefix(w: Writer, prefix: FieldSectionPrefix, entries: number): void {
  const { requiredInsertCount, base } = prefix;
  writePrefixedInteger(w, 0x00, 8, encodeRequiredInsertCount(requiredInsertCount, entries));
  // RFC 9204 §4.5.1.2: Sign 0 when Base ≥ Required Insert Count, else Sign 1 and RIC − Base − 1.
  if (base >= requiredInsertCount) writePrefixedInteger(w, 0x00, 7, base - requiredInsertCount);
  else writePrefixedInteger(w, 0x80, 7, requiredInsertCount - base - 1);
}

/**
 * Reads the prefix. `r.errorCode` must be QPACK_DECOMPRESSION_FAILED; a negative Base
 * (§4.5.1.2) or an impossible Required Insert Count throws.
 */
export function readFieldSectionPrefix(r: Reader, entries: number, totalInserts: number): FieldSectionPrefix {
  const requiredInsertCount = decodeRequiredInsertCount(readPrefixedInteger(r, 8), entries, totalInserts);
  const negative = (r.peekU8() & 0x80) !== 0;
  const delta = readPrefixedInteger(r, 7);
  if (!negative) return { requiredInsertCount, base: requiredInsertCount + delta };
  if (requiredInsertCount <= delta) {
    throw new QpackError(r.errorCode, `Base would be negative: Required Insert Count ${requiredInsertCount}, Delta Base −${delta + 1}`);
  }
  return { requiredInsertCount, base: requiredInsertCount - delta - 1 };
}
