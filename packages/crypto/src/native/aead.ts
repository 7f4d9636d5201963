/**
 * AES-GCM and ChaCha20-Poly1305 from `node:crypto`. A cipher object can be
 * used once, so each seal or open creates one (PLATFORM: that setup is most
 * of the per-packet cost); the key is imported once as a KeyObject.
 *
 * @module
 */
import { createCipheriv, createDecipheriv, createSecretKey, type CipherGCMTypes, type KeyObject } from "node:crypto";
import { AEAD_NONCE_LENGTH, AEAD_TAG_LENGTH, aeadKeyLength, checkKeyLength, checkNonceLength, lookup } from "../algorithms.js";
import type { Aead, AeadAlgorithm } from "../provider.js";
import { ownedBytes } from "./bytes.js";

/** node:crypto's cipher names, which happen to be ours. */
const cipherNames: Readonly<Record<AeadAlgorithm, CipherGCMTypes | "chacha20-poly1305">> = {
  "aes-128-gcm": "aes-128-gcm",
  "aes-256-gcm": "aes-256-gcm",
  "chacha20-poly1305": "chacha20-poly1305",
};

const TAG_OPTIONS = { authTagLength: AEAD_TAG_LENGTH } as const;

/** An AEAD with a fixed key, backed by OpenSSL (or the runtime's equivalent). */
export function nativeAead(algorithm: AeadAlgorithm, key: Uint8Array): Aead {
  const name = lookup(cipherNames, algorithm, "AEAD");
  checkKeyLength(algorithm, key, aeadKeyLength[algorithm]);
  const secret: KeyObject = createSecretKey(key);
  const sealInto = (nonce: Uint8Array, aad: Uint8Array, plaintext: Uint8Array, output: Uint8Array, offset: number): void => {
    checkNonceLength(nonce);
    const cipher = createCipheriv(name as CipherGCMTypes, secret, nonce, TAG_OPTIONS);
    cipher.setAAD(aad);
    output.set(cipher.update(plaintext), offset);
    cipher.final(); // a stream cipher mode: nothing is left over
    output.set(cipher.getAuthTag(), offset + plaintext.length);
  };
  return {
    algorithm,
    keyLength: key.length,
    nonceLength: AEAD_NONCE_LENGTH,
    tagLength: AEAD_TAG_LENGTH,
    seal(nonce, aad, plaintext) {
      const output = new Uint8Array(plaintext.length + AEAD_TAG_LENGTH);
      sealInto(nonce, aad, plaintext, output, 0);
      return output;
    },
    sealInto,
    open(nonce, aad, ciphertextAndTag) {
      checkNonceLength(nonce);
      const ciphertextLength = ciphertextAndTag.length - AEAD_TAG_LENGTH;
      if (ciphertextLength < 0) return null;
      const decipher = createDecipheriv(name as CipherGCMTypes, secret, nonce, TAG_OPTIONS);
      decipher.setAAD(aad);
      decipher.setAuthTag(ciphertextAndTag.subarray(ciphertextLength));
      const plaintext = decipher.update(ciphertextAndTag.subarray(0, ciphertextLength));
      try {
        decipher.final(); // throws when the tag does not verify
      } catch {
        return null;
      }
      return ownedBytes(plaintext);
    },
  };
}
