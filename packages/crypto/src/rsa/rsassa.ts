/**
 * RSASSA-PSS and RSASSA-PKCS1-v1_5 (RFC 8017 §8.1, §8.2) over a raw RSA
 * primitive, so both providers share the encodings and the checks and differ
 * only in how they compute modular exponentiation.
 *
 * @module
 */
import { ZquicError, constantTimeEqual } from "@zquic/wire";
import type { HashAlgorithm, PrivateKey, PublicKey } from "../provider.js";
import { emsaPkcs1v15Encode } from "./emsa-pkcs1-v1_5.js";
import { emsaPssEncode, emsaPssVerify, pssEncodedLength } from "./emsa-pss.js";
import { bitLength, i2osp } from "./integers.js";

/** A hash function with its name and output length. */
export interface HashFunction {
  readonly algorithm: HashAlgorithm;
  readonly length: number;
  digest(data: Uint8Array): Uint8Array;
}

/** An RSA public key. */
export type RsaPublicKey = Extract<PublicKey, { kind: "rsa" }>;
/** An RSA private key with its CRT parameters. */
export type RsaPrivateKey = Extract<PrivateKey, { kind: "rsa" }>;

/** The raw RSA functions, on k-byte big-endian representatives (k = the modulus length in bytes). */
export interface RsaPrimitive {
  /** RFC 8017 §5.2.1 RSASP1: m^d mod n for a representative already known to be below n. */
  sign(key: RsaPrivateKey, representative: Uint8Array): Uint8Array;
  /** RFC 8017 §5.2.2 RSAVP1: s^e mod n, or `null` when s is not below n. */
  verify(key: RsaPublicKey, signature: Uint8Array): Uint8Array | null;
}

/**
 * Public keys a peer may present and we will compute with. Outside these
 * bounds a verification is simply false: a tiny modulus is breakable, and a
 * huge modulus or exponent would let a certificate cost us unbounded time.
 */
export const RSA_LIMITS = { minModulusBits: 1024, maxModulusBits: 16384, maxExponentBits: 64 } as const;

/** True when `key` is within {@link RSA_LIMITS} and its exponent is usable (odd, 3 ≤ e < n). */
export function acceptableRsaKey(key: RsaPublicKey): boolean {
  const modulusBits = bitLength(key.n);
  return (
    modulusBits >= RSA_LIMITS.minModulusBits &&
    modulusBits <= RSA_LIMITS.maxModulusBits &&
    (key.n & 1n) === 1n &&
    key.e >= 3n &&
    (key.e & 1n) === 1n &&
    bitLength(key.e) <= RSA_LIMITS.maxExponentBits
  );
}

/** k, the length in bytes of the modulus. */
function modulusLength(key: RsaPublicKey): number {
  return Math.ceil(bitLength(key.n) / 8);
}

function signEncoded(primitive: RsaPrimitive, key: RsaPrivateKey, em: Uint8Array | null, what: string): Uint8Array {
  const k = modulusLength(key);
  if (em === null || !acceptableRsaKey(key)) {
    throw new ZquicError("CRYPTO_RSA_KEY", `this RSA key (${bitLength(key.n)} bits) is unusable for ${what}; use a 2048-bit or larger key`);
  }
  const representative = new Uint8Array(k);
  representative.set(em, k - em.length); // I2OSP(OS2IP(EM), k)
  return primitive.sign(key, representative);
}

/** RFC 8017 §8.1.1 RSASSA-PSS-SIGN with the given salt (RFC 8446 §4.2.3: sLen = hLen). */
export function rsassaPssSign(primitive: RsaPrimitive, hash: HashFunction, key: RsaPrivateKey, message: Uint8Array, salt: Uint8Array): Uint8Array {
  const em = emsaPssEncode(hash, message, bitLength(key.n) - 1, salt);
  return signEncoded(primitive, key, em, `RSASSA-PSS with ${hash.algorithm}`);
}

/** RFC 8017 §8.1.2 RSASSA-PSS-VERIFY with a salt as long as the hash. */
export function rsassaPssVerify(primitive: RsaPrimitive, hash: HashFunction, key: RsaPublicKey, message: Uint8Array, signature: Uint8Array): boolean {
  if (!acceptableRsaKey(key) || signature.length !== modulusLength(key)) return false;
  const m = primitive.verify(key, signature);
  if (m === null) return false;
  // Step 2c: EM = I2OSP(m, emLen); the leading octets beyond emLen must be zero.
  const emBits = bitLength(key.n) - 1;
  const emStart = m.length - pssEncodedLength(emBits);
  for (let i = 0; i < emStart; i++) if (m[i] !== 0) return false;
  return emsaPssVerify(hash, message, m.subarray(emStart), emBits, hash.length);
}

/** RFC 8017 §8.2.2 RSASSA-PKCS1-V1_5-VERIFY. */
export function rsassaPkcs1v15Verify(primitive: RsaPrimitive, hash: HashFunction, key: RsaPublicKey, message: Uint8Array, signature: Uint8Array): boolean {
  const k = modulusLength(key);
  if (!acceptableRsaKey(key) || signature.length !== k) return false;
  const m = primitive.verify(key, signature);
  const expected = emsaPkcs1v15Encode(hash, message, k);
  return m !== null && expected !== null && constantTimeEqual(m, expected);
}

/** RFC 8017 §8.2.1 RSASSA-PKCS1-V1_5-SIGN, for tests and for certificate authorities built on zquic. */
export function rsassaPkcs1v15Sign(primitive: RsaPrimitive, hash: HashFunction, key: RsaPrivateKey, message: Uint8Array): Uint8Array {
  const em = emsaPkcs1v15Encode(hash, message, modulusLength(key));
  return signEncoded(primitive, key, em, `RSASSA-PKCS1-v1_5 with ${hash.algorithm}`);
}

/** `value` as a k-byte representative for `key`, or `null` when it does not fit. */
export function representative(value: bigint, key: RsaPublicKey): Uint8Array | null {
  return i2osp(value, modulusLength(key));
}
