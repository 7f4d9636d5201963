/**
 * X25519 (RFC 7748) and ECDH over P-256 / P-384 (SEC 1 §3.3.1) from `@noble/curves`.
 *
 * @module
 */
import { x25519 } from "@noble/curves/ed25519.js";
import { p256, p384 } from "@noble/curves/nist.js";
import type { DiffieHellman, DiffieHellmanGroup } from "../key-exchange.js";

function ecdh(curve: typeof p256): DiffieHellman {
  return {
    keyPair: (privateKey) => ({
      publicKey: curve.getPublicKey(privateKey, false),
      sharedSecret(peerPublic) {
        try {
          // RFC 8446 §7.4.2: the shared secret is the x-coordinate, which follows the compressed point's tag byte.
          return curve.getSharedSecret(privateKey, peerPublic, true).subarray(1);
        } catch {
          return null; // not a point on the curve
        }
      },
    }),
  };
}

/** The Diffie–Hellman functions of the noble provider. */
export const nobleDiffieHellman: Readonly<Record<DiffieHellmanGroup, DiffieHellman>> = {
  x25519: {
    keyPair: (privateKey) => ({
      publicKey: x25519.getPublicKey(privateKey),
      sharedSecret(peerPublic) {
        try {
          return x25519.getSharedSecret(privateKey, peerPublic);
        } catch {
          return null; // noble rejects low-order points (an all-zero result) itself
        }
      },
    }),
  },
  secp256r1: ecdh(p256),
  secp384r1: ecdh(p384),
};
