/**
 * ECDSA, Ed25519 and raw RSA from `node:crypto`.
 *
 * @module
 */
import { constants, privateEncrypt, publicEncrypt, sign, verify } from "node:crypto";
import type { EcdsaPrimitive, Ed25519Primitive } from "../signatures.js";
import type { RsaPrimitive } from "../rsa/rsassa.js";
import { ownedBytes } from "./bytes.js";
import { nativeHashName } from "./hash.js";
import { cachedPrivateKey, ed25519PublicKey, okpPrivateKey, okpRawPublicKey, rsaPrivateKey, rsaPublicKey, weierstrassPrivateKey, weierstrassPublicKey, weierstrassPublicPoint } from "./keys.js";

/** ECDSA with OpenSSL's nonces (random, so signatures differ from the noble provider's but verify the same). */
export const nativeEcdsa: EcdsaPrimitive = {
  sign: (curve, d, hash, data) => ownedBytes(sign(nativeHashName(hash), data, { key: weierstrassPrivateKey(curve, d), dsaEncoding: "der" })),
  verify(curve, point, hash, data, signature) {
    try {
      return verify(nativeHashName(hash), data, { key: weierstrassPublicKey(curve, point), dsaEncoding: "der" }, signature);
    } catch {
      return false; // an invalid point
    }
  },
  publicKey: weierstrassPublicPoint,
};

/** Ed25519 (pure, as RFC 8032 §5.1 defines it: the algorithm argument is null). */
export const nativeEd25519: Ed25519Primitive = {
  sign: (seed, data) => ownedBytes(sign(null, data, cachedPrivateKey(seed, () => okpPrivateKey("ed25519", seed)))),
  verify(key, data, signature) {
    try {
      return verify(null, data, ed25519PublicKey(key), signature);
    } catch {
      return false;
    }
  },
  publicKey: (seed) => okpRawPublicKey(cachedPrivateKey(seed, () => okpPrivateKey("ed25519", seed))),
};

/** The raw RSA operations: OpenSSL with no padding (RFC 8017 RSASP1 / RSAVP1), the encodings being ours. */
export const nativeRsa: RsaPrimitive = {
  sign: (key, representative) => ownedBytes(privateEncrypt({ key: rsaPrivateKey(key), padding: constants.RSA_NO_PADDING }, representative)),
  verify(key, signature) {
    try {
      return ownedBytes(publicEncrypt({ key: rsaPublicKey(key), padding: constants.RSA_NO_PADDING }, signature));
    } catch {
      return null; // the signature representative is not below n
    }
  },
};
