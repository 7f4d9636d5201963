/**
 * The raw RSA functions in pure JavaScript bigint arithmetic (RFC 8017 §5.2):
 * CRT signing with blinding and a fault check, and public-key verification.
 *
 * @module
 */
import { ZquicError, utf8 } from "@zquic/wire";
import { hkdfExpand } from "../hkdf.js";
import { modInverse, modPow, os2ip } from "../rsa/integers.js";
import { representative, type RsaPrimitive, type RsaPrivateKey } from "../rsa/rsassa.js";
import { nobleHmac } from "./hash.js";

const BLINDING_INFO = utf8("zquic rsa blinding");

/**
 * A blinding factor r and its inverse, derived from the private exponent and
 * the message representative (like RFC 6979 nonces), so signing hides its
 * timing from an attacker who chooses the message yet consumes no randomness.
 */
function blinding(key: RsaPrivateKey, m: Uint8Array): { r: bigint; rInverse: bigint } {
  const hmac = (k: Uint8Array, data: Uint8Array): Uint8Array => nobleHmac("sha256", k, data);
  const prk = hmac(representative(key.d, key) ?? new Uint8Array(0), m);
  const r = os2ip(hkdfExpand(hmac, 32, prk, BLINDING_INFO, m.length + 16)) % key.n;
  const rInverse = modInverse(r, key.n);
  // r shares a factor with n only if it reveals p or q: fall back to no blinding.
  return rInverse === null ? { r: 1n, rInverse: 1n } : { r, rInverse };
}

/** RSASP1 and RSAVP1 over bigints. */
export const nobleRsa: RsaPrimitive = {
  sign(key, representativeBytes) {
    const { n, e, p, q, dp, dq, qInv } = key;
    const m = os2ip(representativeBytes);
    const { r, rInverse } = blinding(key, representativeBytes);
    const blinded = (m * modPow(r, e, n)) % n;
    // RFC 8017 §5.1.2 step 2b: s = s2 + q·h with s1 = c^dP mod p, s2 = c^dQ mod q, h = (s1 − s2)·qInv mod p.
    const s1 = modPow(blinded, dp, p);
    const s2 = modPow(blinded, dq, q);
    const h = (((s1 - s2) % p) + p) % p;
    const s = ((s2 + q * ((h * qInv) % p)) * rInverse) % n;
    // A wrong CRT parameter would leak a factor of n through the signature: check before releasing it.
    const out = representative(s, key);
    if (out === null || modPow(s, e, n) !== m) {
      throw new ZquicError("CRYPTO_RSA_KEY", "the RSA private key's parameters are inconsistent (check p, q, dp, dq, qInv)");
    }
    return out;
  },
  verify(key, signature) {
    const s = os2ip(signature);
    // RFC 8017 §5.2.2 step 1: the signature representative must be below n.
    return s >= key.n ? null : representative(modPow(s, key.e, key.n), key);
  },
};
