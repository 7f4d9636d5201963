/**
 * Big-integer helpers for RSA (RFC 8017 §4 data conversion, modular arithmetic).
 *
 * @module
 */

/** RFC 8017 §4.2 OS2IP: big-endian bytes to a non-negative integer. */
export function os2ip(bytes: Uint8Array): bigint {
  let value = 0n;
  for (let i = 0; i < bytes.length; i++) value = (value << 8n) | BigInt(bytes[i]!);
  return value;
}

/** RFC 8017 §4.1 I2OSP: `value` as exactly `length` big-endian bytes, or `null` when it is too large. */
export function i2osp(value: bigint, length: number): Uint8Array | null {
  const out = new Uint8Array(length);
  for (let i = length - 1; i >= 0; i--) {
    out[i] = Number(value & 0xffn);
    value >>= 8n;
  }
  return value === 0n ? out : null;
}

/** The number of bits in `value` (0 for 0). */
export function bitLength(value: bigint): number {
  return value === 0n ? 0 : value.toString(2).length;
}

/** `base^exponent mod modulus` by left-to-right exponentiation with a fixed 4-bit window. */
export function modPow(base: bigint, exponent: bigint, modulus: bigint): bigint {
  const b = base % modulus;
  const table: bigint[] = [1n % modulus];
  for (let i = 1; i < 16; i++) table.push((table[i - 1]! * b) % modulus);
  const hex = exponent.toString(16);
  let result = 1n % modulus;
  for (let i = 0; i < hex.length; i++) {
    for (let s = 0; s < 4; s++) result = (result * result) % modulus;
    const digit = parseInt(hex[i]!, 16);
    if (digit !== 0) result = (result * table[digit]!) % modulus;
  }
  return result;
}

/** The inverse of `value` modulo `modulus`, or `null` when they share a factor (extended Euclid). */
export function modInverse(value: bigint, modulus: bigint): bigint | null {
  let [oldR, r] = [((value % modulus) + modulus) % modulus, modulus];
  let [oldS, s] = [1n, 0n];
  while (r !== 0n) {
    const quotient = oldR / r;
    [oldR, r] = [r, oldR - quotient * r];
    [oldS, s] = [s, oldS - quotient * s];
  }
  return oldR === 1n ? ((oldS % modulus) + modulus) % modulus : null;
}
