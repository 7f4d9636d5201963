/**
 * ECDSA over P-256 / P-384 and Ed25519 from `@noble/curves`.
 *
 * @module
 */
import { ed25519 } from "@noble/curves/ed25519.js";
import { p256, p384 } from "@noble/curves/nist.js";
import type { WeierstrassCurve } from "../algorithms.js";
import type { EcdsaPrimitive, Ed25519Primitive } from "../signatures.js";
import { nobleHash } from "./hash.js";

const curves: Readonly<Record<WeierstrassCurve, typeof p256>> = { "P-256": p256, "P-384": p384 };

/** ECDSA with RFC 6979 deterministic nonces (noble's default), DER signatures. */
export const nobleEcdsa: EcdsaPrimitive = {
  sign: (curve, d, hash, data) => curves[curve].sign(nobleHash(hash)(data), d, { prehash: false, format: "der" }),
  verify(curve, point, hash, data, signature) {
    try {
      // PLATFORM trap 1: TLS peers produce high-S signatures, which noble rejects unless told.
      return curves[curve].verify(signature, nobleHash(hash)(data), point, { prehash: false, format: "der", lowS: false });
    } catch {
      return false; // malformed DER or point
    }
  },
  publicKey: (curve, d) => curves[curve].getPublicKey(d, false),
};

/** Ed25519 with RFC 8032's strict point and scalar decoding. */
export const nobleEd25519: Ed25519Primitive = {
  sign: (seed, data) => ed25519.sign(data, seed),
  verify(key, data, signature) {
    try {
      return ed25519.verify(signature, data, key, { zip215: false });
    } catch {
      return false;
    }
  },
  publicKey: (seed) => ed25519.getPublicKey(seed),
};
