/**
 * X25519 and ECDH over P-256 / P-384 from `node:crypto`, with private keys
 * imported from the bytes the caller drew from its random source.
 *
 * @module
 */
import { createECDH, diffieHellman } from "node:crypto";
import type { WeierstrassCurve } from "../algorithms.js";
import type { DiffieHellman, DiffieHellmanGroup } from "../key-exchange.js";
import { ownedBytes } from "./bytes.js";
import { okpPrivateKey, okpPublicKey, okpRawPublicKey, opensslCurveNames } from "./keys.js";

function ecdh(curve: WeierstrassCurve): DiffieHellman {
  return {
    keyPair(privateKey) {
      const state = createECDH(opensslCurveNames[curve]);
      state.setPrivateKey(privateKey);
      return {
        publicKey: new Uint8Array(state.getPublicKey()),
        sharedSecret(peerPublic) {
          try {
            // RFC 8446 §7.4.2: OpenSSL's ECDH output is the x-coordinate, as TLS wants.
            return ownedBytes(state.computeSecret(peerPublic));
          } catch {
            return null; // not a point on the curve
          }
        },
      };
    },
  };
}

/** The Diffie–Hellman functions of the native provider. */
export const nativeDiffieHellman: Readonly<Record<DiffieHellmanGroup, DiffieHellman>> = {
  x25519: {
    keyPair(privateKey) {
      const key = okpPrivateKey("x25519", privateKey);
      return {
        publicKey: okpRawPublicKey(key),
        sharedSecret(peerPublic) {
          try {
            return ownedBytes(diffieHellman({ privateKey: key, publicKey: okpPublicKey("x25519", peerPublic) }));
          } catch {
            return null; // OpenSSL refuses an all-zero result
          }
        },
      };
    },
  },
  secp256r1: ecdh("P-256"),
  secp384r1: ecdh("P-384"),
};
