/**
 * RFC 9204 §4.1.1 (RFC 7541 §5.1): integers with an N-bit prefix, 1 ≤ N ≤ 8. The first
 * octet's high 8 − N bits belong to the enclosing representation (`flags`).
 *
 * @module
 */
import type { Reader, Writer } from "@zquic/wire";
import { QpackError } from "../errors.js";

/**
 * RFC 9204 §7.4: the largest value decoded here, 2^53 − 1. Encodings of up to 62 bits are
 * read; a larger value is an implementation limit and decodes as an error.
 */
export const MAX_PREFIXED_INTEGER = Number.MAX_SAFE_INTEGER;

/** Continuation octets needed for a 62-bit value after the smallest prefix. */
const MAX_CONTINUATION_OCTETS = 9;

/** Appends `value` with an N-bit prefix; `flags` fills the first octet's other bits. */
export function writePrefixedInteger(w: Writer, flags: number, prefixBits: number, value: number): void {
  const max = (1 << prefixBits) - 1;
  if (value < max) {
    w.u8(flags | value);
    return;
  }
  w.u8(flags | max);
  let rest = value - max;
  while (rest >= 128) {
    w.u8((rest % 128) | 128);
    rest = Math.floor(rest / 128);
  }
  w.u8(rest);
}

/**
 * Reads an integer with an N-bit prefix from the next octet on. Truncation throws the
 * reader's `WireError`; a value or encoding beyond the limits above throws a
 * {@link QpackError} with the reader's `errorCode`.
 */
export function readPrefixedInteger(r: Reader, prefixBits: number): number {
  const max = (1 << prefixBits) - 1;
  const first = r.u8() & max;
  if (first < max) return first;
  let value = max;
  let scale = 1;
  for (let i = 0; i < MAX_CONTINUATION_OCTETS; i++) {
    const b = r.u8();
    value += (b & 0x7f) * scale;
    if (value > MAX_PREFIXED_INTEGER) throw new QpackError(r.errorCode, "prefixed integer exceeds 2^53 − 1");
    if ((b & 0x80) === 0) return value;
    scale *= 128;
  }
  throw new QpackError(r.errorCode, `prefixed integer longer than ${MAX_CONTINUATION_OCTETS + 1} octets`);
}
