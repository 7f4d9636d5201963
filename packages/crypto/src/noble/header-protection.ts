/**
 * QUIC header protection masks in pure JavaScript (RFC 9001 §5.4.3, §5.4.4).
 *
 * @module
 */
import { unsafe } from "@noble/ciphers/aes.js";
import { HEADER_PROTECTION_MASK_LENGTH, headerProtector, type MaskFactory } from "../algorithms.js";
import type { HeaderProtectionAlgorithm, HeaderProtector } from "../provider.js";
import { chacha20Block } from "./chacha20-block.js";

/** RFC 9001 §5.4.3: mask = AES-ECB(hp_key, sample), with the key schedule expanded once. */
const aesMask: MaskFactory = (key) => {
  const roundKeys = unsafe.expandKeyLE(key);
  const block = new Uint8Array(16); // aligned scratch block, encrypted in place
  return (sample, out) => {
    for (let i = 0; i < 16; i++) block[i] = sample[i]!;
    unsafe.encryptBlock(roundKeys, block);
    for (let i = 0; i < HEADER_PROTECTION_MASK_LENGTH; i++) out[i] = block[i]!;
  };
};

/**
 * RFC 9001 §5.4.4: counter = sample[0..3] little-endian, nonce = sample[4..15],
 * mask = ChaCha20(hp_key, counter, nonce, {0,0,0,0,0}), i.e. the keystream itself.
 */
const chacha20Mask: MaskFactory = (key) => {
  const block = chacha20Block(key);
  return (sample, out) => block(sample, out, HEADER_PROTECTION_MASK_LENGTH);
};

/** The pure mask factories (the native provider falls back to them per algorithm). */
export const nobleMaskFactories: Readonly<Record<HeaderProtectionAlgorithm, MaskFactory>> = {
  "aes-128-ecb": aesMask,
  "aes-256-ecb": aesMask,
  chacha20: chacha20Mask,
};

/** A header protection key for `algorithm`. */
export function nobleHeaderProtection(algorithm: HeaderProtectionAlgorithm, key: Uint8Array): HeaderProtector {
  return headerProtector(nobleMaskFactories, algorithm, key);
}
