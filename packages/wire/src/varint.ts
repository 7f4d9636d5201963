import { WireError } from "./errors.js";

/** RFC 9000 §16: the largest value a variable-length integer can carry, 2^62 − 1. */
export const MAX_VARINT = (1n << 62n) - 1n;

/** Largest varint value a JavaScript number holds exactly (2^53 − 1). */
export const MAX_SAFE_VARINT = Number.MAX_SAFE_INTEGER;

/** RFC 9000 §16: the encoded length of `value` in its shortest form (1, 2, 4 or 8). */
export function varintSize(value: number): 1 | 2 | 4 | 8 {
  if (value < 0x40) return 1;
  if (value < 0x4000) return 2;
  if (value < 0x40000000) return 4;
  return 8;
}

/** Throws unless `value` is an integer a varint can carry (0 ≤ value ≤ 2^62 − 1). */
export function checkVarint(value: number): void {
  if (!Number.isInteger(value) || value < 0 || value >= 2 ** 62) {
    throw new WireError(`${value} is not a varint (0 ≤ n ≤ 2^62−1)`, 0x01);
  }
}

/** Throws unless `value` is a bigint a varint can carry (0 ≤ value ≤ 2^62 − 1). */
export function checkVarintBig(value: bigint): void {
  if (value < 0n || value > MAX_VARINT) {
    throw new WireError(`${value} is not a varint (0 ≤ n ≤ 2^62−1)`, 0x01);
  }
}

/** RFC 9000 §16: the length a varint has from its first byte's two high bits. */
export function varintLengthFromFirstByte(first: number): 1 | 2 | 4 | 8 {
  return (1 << (first >> 6)) as 1 | 2 | 4 | 8;
}

/** RFC 9000 §16: the smallest value that needs `length` bytes; below it an encoding is not minimal. */
export function minimalVarintFloor(length: 1 | 2 | 4 | 8): number {
  return length === 1 ? 0 : length === 2 ? 0x40 : length === 4 ? 0x4000 : 0x40000000;
}
