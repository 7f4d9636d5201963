/**
 * AES-GCM (NIST SP 800-38D) and ChaCha20-Poly1305 (RFC 8439) from `@noble/ciphers`.
 *
 * @module
 */
import { gcm } from "@noble/ciphers/aes.js";
import { chacha20poly1305 } from "@noble/ciphers/chacha.js";
import { AEAD_NONCE_LENGTH, AEAD_TAG_LENGTH, aeadKeyLength, checkKeyLength, checkNonceLength, lookup } from "../algorithms.js";
import type { Aead, AeadAlgorithm } from "../provider.js";

const ciphers: Readonly<Record<AeadAlgorithm, typeof gcm | typeof chacha20poly1305>> = {
  "aes-128-gcm": gcm,
  "aes-256-gcm": gcm,
  "chacha20-poly1305": chacha20poly1305,
};

/** An AEAD with a fixed key; noble sets the key up per call, so nothing is cached. */
export function nobleAead(algorithm: AeadAlgorithm, key: Uint8Array): Aead {
  const cipher = lookup(ciphers, algorithm, "AEAD");
  checkKeyLength(algorithm, key, aeadKeyLength[algorithm]);
  const keyCopy = key.slice();
  const seal = (nonce: Uint8Array, aad: Uint8Array, plaintext: Uint8Array): Uint8Array => {
    checkNonceLength(nonce);
    return cipher(keyCopy, nonce, aad).encrypt(plaintext);
  };
  return {
    algorithm,
    keyLength: keyCopy.length,
    nonceLength: AEAD_NONCE_LENGTH,
    tagLength: AEAD_TAG_LENGTH,
    seal,
    sealInto(nonce, aad, plaintext, output, offset) {
      output.set(seal(nonce, aad, plaintext), offset);
    },
    open(nonce, aad, ciphertextAndTag) {
      checkNonceLength(nonce);
      if (ciphertextAndTag.length < AEAD_TAG_LENGTH) return null;
      try {
        return cipher(keyCopy, nonce, aad).decrypt(ciphertextAndTag);
      } catch {
        return null; // authentication failed
      }
    },
  };
}
