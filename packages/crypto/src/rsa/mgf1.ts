/**
 * MGF1, the mask generation function of RSASSA-PSS (RFC 8017 §B.2.1).
 *
 * @module
 */
import type { HashFunction } from "./rsassa.js";

/** RFC 8017 §B.2.1: T = Hash(seed ‖ I2OSP(0, 4)) ‖ Hash(seed ‖ I2OSP(1, 4)) ‖ …, truncated to `maskLength`. */
export function mgf1(hash: HashFunction, seed: Uint8Array, maskLength: number): Uint8Array {
  const mask = new Uint8Array(maskLength);
  const input = new Uint8Array(seed.length + 4);
  input.set(seed);
  for (let counter = 0, offset = 0; offset < maskLength; counter++, offset += hash.length) {
    new DataView(input.buffer).setUint32(seed.length, counter);
    const block = hash.digest(input);
    mask.set(block.subarray(0, Math.min(block.length, maskLength - offset)), offset);
  }
  return mask;
}
