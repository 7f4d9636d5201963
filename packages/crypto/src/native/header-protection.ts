/**
 * QUIC header protection masks from `node:crypto` (RFC 9001 §5.4.3).
 *
 * @module
 */
import { createCipheriv } from "node:crypto";
import { HEADER_PROTECTION_MASK_LENGTH, type MaskFactory } from "../algorithms.js";
import { nobleMaskFactories } from "../noble/header-protection.js";
import type { HeaderProtectionAlgorithm } from "../provider.js";

/**
 * RFC 9001 §5.4.3: mask = AES-ECB(hp_key, sample). ECB has no chaining, so one
 * cipher object (without padding) serves every packet.
 */
function aesMask(name: "aes-128-ecb" | "aes-256-ecb"): MaskFactory {
  return (key) => {
    const cipher = createCipheriv(name, key, null).setAutoPadding(false);
    return (sample, out) => {
      const block = cipher.update(sample);
      for (let i = 0; i < HEADER_PROTECTION_MASK_LENGTH; i++) out[i] = block[i]!;
    };
  };
}

/**
 * The native mask factories. ChaCha20 keeps the pure block function: a
 * node:crypto ChaCha20 cipher cannot be reused across samples (the sample is
 * its IV), and creating one per packet costs several times the block itself;
 * ChaCha20 is constant-time in JavaScript as well.
 */
export const nativeMaskFactories: Readonly<Record<HeaderProtectionAlgorithm, MaskFactory>> = {
  "aes-128-ecb": aesMask("aes-128-ecb"),
  "aes-256-ecb": aesMask("aes-256-ecb"),
  chacha20: nobleMaskFactories.chacha20,
};
