/**
 * RFC 9114 §6.2.3, §7.2.4.1, §7.2.8, §8.1: stream types, setting identifiers, frame types
 * and error codes of the form 0x1f * N + 0x21 are reserved so that peers exercise the rule
 * that unknown values are ignored ("GREASE").
 *
 * @module
 */
import { ZquicError } from "@zquic/wire";

/** The random source the caller injects: `n` unpredictable bytes. */
export type RandomSource = (n: number) => Uint8Array;

const STEP = 0x1fn;
const OFFSET = 0x21n;

/** True when `value` is 0x1f * N + 0x21 for some N ≥ 0. */
export function isReservedCodepoint(value: number | bigint): boolean {
  const v = BigInt(value);
  return v >= OFFSET && (v - OFFSET) % STEP === 0n;
}

/** The reserved codepoint 0x1f * n + 0x21. */
export function reservedCodepoint(n: number): number {
  if (!Number.isSafeInteger(n) || n < 0 || 0x1f * n + 0x21 > Number.MAX_SAFE_INTEGER) {
    throw new ZquicError("INVALID_ARGUMENT", `reservedCodepoint: pass an integer n with 0x1f * n + 0x21 ≤ 2^53 − 1 (got ${n})`);
  }
  return 0x1f * n + 0x21;
}

/**
 * A reserved codepoint chosen with `random`. N is below 2^24, so the value stays under
 * 2^30 and costs at most a 4-byte varint.
 */
export function randomReservedCodepoint(random: RandomSource): number {
  const b = random(3);
  return reservedCodepoint(((b[0] ?? 0) << 16) | ((b[1] ?? 0) << 8) | (b[2] ?? 0));
}
