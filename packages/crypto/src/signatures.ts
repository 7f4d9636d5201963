/**
 * `sign`, `verify` and `publicKeyOf` (RFC 8446 §4.2.3), built once over the
 * raw primitives a provider supplies: the scheme table, the key checks and the
 * RSA encodings are shared, so both providers accept and reject the same inputs.
 *
 * @module
 */
import { ZquicError } from "@zquic/wire";
import { checkKeyLength, hashLength, lookup, signatureSchemes, weierstrassCurves, type WeierstrassCurve } from "./algorithms.js";
import type { CryptoProvider, HashAlgorithm, PrivateKey, PublicKey } from "./provider.js";
import { rsassaPkcs1v15Sign, rsassaPkcs1v15Verify, rsassaPssSign, rsassaPssVerify, type HashFunction, type RsaPrimitive } from "./rsa/rsassa.js";

/** ECDSA (FIPS 186-5 §6) with DER-encoded signatures (RFC 8446 §4.2.3: ECDSA-Sig-Value). */
export interface EcdsaPrimitive {
  /** A signature over `hash(data)`; deterministic (RFC 6979) or from the platform's nonce source. */
  sign(curve: WeierstrassCurve, d: Uint8Array, hash: HashAlgorithm, data: Uint8Array): Uint8Array;
  /** True for a valid signature, high or low S; false for anything else, never a throw. */
  verify(curve: WeierstrassCurve, point: Uint8Array, hash: HashAlgorithm, data: Uint8Array, signature: Uint8Array): boolean;
  /** The uncompressed public point of `d`. */
  publicKey(curve: WeierstrassCurve, d: Uint8Array): Uint8Array;
}

/** Ed25519 (RFC 8032 §5.1), strict about encodings (no ZIP-215 leniency), as OpenSSL is. */
export interface Ed25519Primitive {
  sign(seed: Uint8Array, data: Uint8Array): Uint8Array;
  /** True for a valid signature; false for anything else, never a throw. */
  verify(key: Uint8Array, data: Uint8Array, signature: Uint8Array): boolean;
  publicKey(seed: Uint8Array): Uint8Array;
}

/** What a provider implements itself for signatures. */
export interface SignaturePrimitives {
  hash(algorithm: HashAlgorithm, data: Uint8Array): Uint8Array;
  ecdsa: EcdsaPrimitive;
  ed25519: Ed25519Primitive;
  rsa: RsaPrimitive;
}

/** The signature half of a {@link CryptoProvider}. */
export type Signatures = Pick<CryptoProvider, "sign" | "verify" | "publicKeyOf">;

/** RFC 8032 §5.1.5: Ed25519 private keys (seeds) and public keys are 32 bytes. */
const ED25519_KEY_LENGTH = 32;

function keyMismatch(algorithm: string, kind: string): ZquicError {
  return new ZquicError("CRYPTO_KEY_MISMATCH", `${algorithm} cannot sign with an ${kind} key; pick the signature algorithm that matches the key`);
}

/** Builds `sign`, `verify` and `publicKeyOf` from a provider's primitives. */
export function signatures(primitives: SignaturePrimitives): Signatures {
  const hashFunction = (algorithm: HashAlgorithm): HashFunction => ({
    algorithm,
    length: hashLength[algorithm],
    digest: (data) => primitives.hash(algorithm, data),
  });
  return {
    sign(algorithm, key, data, random) {
      const scheme = lookup(signatureSchemes, algorithm, "signature algorithm");
      switch (scheme.family) {
        case "ecdsa":
          if (key.kind !== "ec" || key.curve !== scheme.curve) throw keyMismatch(algorithm, key.kind);
          checkKeyLength(`ECDSA ${key.curve}`, key.d, weierstrassCurves[key.curve].fieldLength);
          return primitives.ecdsa.sign(key.curve, key.d, scheme.hash, data);
        case "ed25519":
          if (key.kind !== "ed25519") throw keyMismatch(algorithm, key.kind);
          checkKeyLength("Ed25519", key.seed, ED25519_KEY_LENGTH);
          return primitives.ed25519.sign(key.seed, data);
        case "rsa-pss": {
          if (key.kind !== "rsa") throw keyMismatch(algorithm, key.kind);
          // RFC 8446 §4.2.3: the salt is as long as the digest.
          return rsassaPssSign(primitives.rsa, hashFunction(scheme.hash), key, data, random(hashLength[scheme.hash]));
        }
        case "rsa-pkcs1":
          if (key.kind !== "rsa") throw keyMismatch(algorithm, key.kind);
          return rsassaPkcs1v15Sign(primitives.rsa, hashFunction(scheme.hash), key, data);
      }
    },
    verify(algorithm, key, data, signature) {
      const scheme = lookup(signatureSchemes, algorithm, "signature algorithm");
      switch (scheme.family) {
        case "ecdsa":
          return key.kind === "ec" && key.curve === scheme.curve && primitives.ecdsa.verify(key.curve, key.point, scheme.hash, data, signature);
        case "ed25519":
          return key.kind === "ed25519" && key.key.length === ED25519_KEY_LENGTH && primitives.ed25519.verify(key.key, data, signature);
        case "rsa-pss":
          return key.kind === "rsa" && rsassaPssVerify(primitives.rsa, hashFunction(scheme.hash), key, data, signature);
        case "rsa-pkcs1":
          return key.kind === "rsa" && rsassaPkcs1v15Verify(primitives.rsa, hashFunction(scheme.hash), key, data, signature);
      }
    },
    publicKeyOf(key: PrivateKey): PublicKey {
      switch (key.kind) {
        case "ec":
          return { kind: "ec", curve: key.curve, point: primitives.ecdsa.publicKey(key.curve, key.d) };
        case "ed25519":
          return { kind: "ed25519", key: primitives.ed25519.publicKey(key.seed) };
        case "rsa":
          return { kind: "rsa", n: key.n, e: key.e };
      }
    },
  };
}
