/**
 * Sizes and parameters of the algorithms behind the {@link CryptoProvider}
 * interface, as data, so both providers check their arguments the same way.
 *
 * @module
 */
import { ZquicError } from "@zquic/wire";
import type { AeadAlgorithm, HashAlgorithm, HeaderProtectionAlgorithm, HeaderProtector, SignatureAlgorithm } from "./provider.js";

/** Key length in bytes of each AEAD (RFC 5116 §5.1, RFC 8439 §2.8). */
export const aeadKeyLength: Readonly<Record<AeadAlgorithm, number>> = {
  "aes-128-gcm": 16,
  "aes-256-gcm": 32,
  "chacha20-poly1305": 32,
};

/** Nonce length of every AEAD QUIC uses (RFC 9001 §5.3: N_MIN is 12 for all three). */
export const AEAD_NONCE_LENGTH = 12;

/** Tag length of every AEAD QUIC uses (RFC 9001 §5.3: 16 bytes of expansion). */
export const AEAD_TAG_LENGTH = 16;

/** Key length in bytes of each header protection algorithm (RFC 9001 §5.4.3, §5.4.4). */
export const headerProtectionKeyLength: Readonly<Record<HeaderProtectionAlgorithm, number>> = {
  "aes-128-ecb": 16,
  "aes-256-ecb": 32,
  chacha20: 32,
};

/** RFC 9001 §5.4.2: the header protection sample is 16 bytes for every algorithm. */
export const HEADER_PROTECTION_SAMPLE_LENGTH = 16;

/** RFC 9001 §5.4.1: the mask is 5 bytes (one for the first byte, up to four for the packet number). */
export const HEADER_PROTECTION_MASK_LENGTH = 5;

/** Output length in bytes of each hash (FIPS 180-4). */
export const hashLength: Readonly<Record<HashAlgorithm, number>> = {
  sha256: 32,
  sha384: 48,
  sha512: 64,
};

/** The NIST curves, with what key exchange and signatures need to know about them. */
export const weierstrassCurves = {
  "P-256": {
    fieldLength: 32,
    // SEC 2 §2.4.2: the order n of the base point.
    order: 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n,
  },
  "P-384": {
    fieldLength: 48,
    // SEC 2 §2.5.1
    order: 0xffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973n,
  },
} as const;

/** A NIST curve name. */
export type WeierstrassCurve = keyof typeof weierstrassCurves;

/** How each signature algorithm is computed (RFC 8446 §4.2.3). */
export type SignatureScheme =
  | { readonly family: "ecdsa"; readonly curve: WeierstrassCurve; readonly hash: HashAlgorithm }
  | { readonly family: "ed25519" }
  | { readonly family: "rsa-pss" | "rsa-pkcs1"; readonly hash: HashAlgorithm };

/** RFC 8446 §4.2.3: each SignatureScheme fixes the curve (for ECDSA) and the hash. */
export const signatureSchemes: Readonly<Record<SignatureAlgorithm, SignatureScheme>> = {
  ecdsa_secp256r1_sha256: { family: "ecdsa", curve: "P-256", hash: "sha256" },
  ecdsa_secp384r1_sha384: { family: "ecdsa", curve: "P-384", hash: "sha384" },
  ed25519: { family: "ed25519" },
  rsa_pss_rsae_sha256: { family: "rsa-pss", hash: "sha256" },
  rsa_pss_rsae_sha384: { family: "rsa-pss", hash: "sha384" },
  rsa_pss_rsae_sha512: { family: "rsa-pss", hash: "sha512" },
  rsa_pkcs1_sha256: { family: "rsa-pkcs1", hash: "sha256" },
  rsa_pkcs1_sha384: { family: "rsa-pkcs1", hash: "sha384" },
  rsa_pkcs1_sha512: { family: "rsa-pkcs1", hash: "sha512" },
};

/** Looks `name` up in `table`, throwing a `ZquicError` that names the choices when it is absent. */
export function lookup<T>(table: Readonly<Record<string, T>>, name: string, what: string): T {
  const value = Object.hasOwn(table, name) ? table[name] : undefined;
  if (value === undefined) {
    throw new ZquicError("CRYPTO_UNSUPPORTED", `unknown ${what} "${name}"; use one of ${Object.keys(table).join(", ")}`);
  }
  return value;
}

/** Throws a `ZquicError` unless `nonce` is {@link AEAD_NONCE_LENGTH} bytes. */
export function checkNonceLength(nonce: Uint8Array): void {
  if (nonce.length !== AEAD_NONCE_LENGTH) {
    throw new ZquicError("CRYPTO_NONCE_LENGTH", `AEAD nonces are ${AEAD_NONCE_LENGTH} bytes, got ${nonce.length}`);
  }
}

/** Throws a `ZquicError` unless `key` has the length `algorithm` needs. */
export function checkKeyLength(algorithm: string, key: Uint8Array, expected: number): void {
  if (key.length !== expected) {
    throw new ZquicError("CRYPTO_KEY_LENGTH", `${algorithm} needs a ${expected}-byte key, got ${key.length} bytes`);
  }
}

/** How a provider turns a header protection key into a mask function. */
export type MaskFactory = (key: Uint8Array) => HeaderProtector["mask"];

/**
 * A {@link HeaderProtector} from a provider's table of mask factories, with the
 * argument checks every provider shares (key, sample and output lengths).
 */
export function headerProtector(
  factories: Readonly<Record<HeaderProtectionAlgorithm, MaskFactory>>,
  algorithm: HeaderProtectionAlgorithm,
  key: Uint8Array,
): HeaderProtector {
  const factory = lookup(factories, algorithm, "header protection algorithm");
  checkKeyLength(algorithm, key, headerProtectionKeyLength[algorithm]);
  const mask = factory(key);
  return {
    algorithm,
    mask(sample, out) {
      if (sample.length !== HEADER_PROTECTION_SAMPLE_LENGTH || out.length < HEADER_PROTECTION_MASK_LENGTH) {
        throw new ZquicError(
          "CRYPTO_SAMPLE_LENGTH",
          `header protection takes a sample of exactly ${HEADER_PROTECTION_SAMPLE_LENGTH} bytes and needs room for a ${HEADER_PROTECTION_MASK_LENGTH}-byte mask`,
        );
      }
      mask(sample, out);
    },
  };
}
