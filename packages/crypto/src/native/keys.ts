/**
 * Importing raw key bytes into `node:crypto` KeyObjects, so keys still come
 * from the injected random source (or from the certificate parser) and only
 * the arithmetic is native. KeyObjects of long-lived private keys are cached,
 * and so are those of the public keys signatures are checked with.
 *
 * @module
 */
import { Buffer } from "node:buffer";
import { ECDH, createECDH, createPrivateKey, createPublicKey, type KeyObject } from "node:crypto";
import { weierstrassCurves, type WeierstrassCurve } from "../algorithms.js";
import { i2osp } from "../rsa/integers.js";
import type { RsaPrivateKey, RsaPublicKey } from "../rsa/rsassa.js";
import { base64url } from "./bytes.js";
import { cachedPublicKey } from "./public-key-cache.js";

/** RFC 8037 §2: the JWK "crv" names of the curves of RFC 8410. */
const okpCurves = { x25519: "X25519", ed25519: "Ed25519" } as const;

/** An RFC 8410 curve, as this module names it. */
export type OkpCurve = keyof typeof okpCurves;

/** A stand-in public key for importing a private key, which OpenSSL derives again from `d`. */
const PLACEHOLDER_PUBLIC = base64url(new Uint8Array(32));

/**
 * A private KeyObject from 32 raw bytes (an X25519 scalar or an Ed25519 seed).
 * Imported as a JWK (RFC 8037 §2), because OpenSSL 3.0 decodes the equivalent
 * PKCS#8 DER about ten times slower. JWK import insists on the public "x",
 * which only the private operation could give, so a placeholder goes in: node
 * builds the key from "d" alone and derives the public key from it. The native
 * provider's probe compares public keys and signatures with the pure
 * implementation, so a runtime that used the placeholder would not be chosen.
 */
export function okpPrivateKey(curve: OkpCurve, raw: Uint8Array): KeyObject {
  return createPrivateKey({ key: { kty: "OKP", crv: okpCurves[curve], d: base64url(raw), x: PLACEHOLDER_PUBLIC }, format: "jwk" });
}

/** A public KeyObject from 32 raw bytes (an ephemeral X25519 share: not worth caching). */
export function okpPublicKey(curve: OkpCurve, raw: Uint8Array): KeyObject {
  return createPublicKey({ key: { kty: "OKP", crv: okpCurves[curve], x: base64url(raw) }, format: "jwk" });
}

/** The verification KeyObject of a raw Ed25519 public key. */
export function ed25519PublicKey(raw: Uint8Array): KeyObject {
  return cachedPublicKey({ kty: "OKP", crv: okpCurves.ed25519, x: base64url(raw) });
}

/** The 32 raw bytes of the public half of an RFC 8410 private key (its JWK carries them). */
export function okpRawPublicKey(key: KeyObject): Uint8Array {
  const { x } = key.export({ format: "jwk" });
  return new Uint8Array(Buffer.from(x ?? "", "base64url"));
}

/** OpenSSL's names for the NIST curves. */
export const opensslCurveNames: Readonly<Record<WeierstrassCurve, string>> = { "P-256": "prime256v1", "P-384": "secp384r1" };

/** The uncompressed public point of private scalar `d`. */
export function weierstrassPublicPoint(curve: WeierstrassCurve, d: Uint8Array): Uint8Array {
  const ecdh = createECDH(opensslCurveNames[curve]);
  ecdh.setPrivateKey(d);
  return new Uint8Array(ecdh.getPublicKey());
}

/** The x and y coordinates of a SEC 1 point (uncompressed or compressed), as JWK fields; throws when it is not on the curve. */
function jwkCoordinates(curve: WeierstrassCurve, point: Uint8Array): { x: string; y: string } {
  const { fieldLength } = weierstrassCurves[curve];
  const uncompressed = point[0] === 0x04 ? point : new Uint8Array(ECDH.convertKey(point, opensslCurveNames[curve], undefined, undefined, "uncompressed") as Buffer);
  if (uncompressed.length !== 1 + 2 * fieldLength) throw new RangeError("not a point encoding for this curve");
  return { x: base64url(uncompressed.subarray(1, 1 + fieldLength)), y: base64url(uncompressed.subarray(1 + fieldLength)) };
}

/** The verification KeyObject for an ECDSA point; throws when the point is invalid. */
export function weierstrassPublicKey(curve: WeierstrassCurve, point: Uint8Array): KeyObject {
  return cachedPublicKey({ kty: "EC", crv: curve, ...jwkCoordinates(curve, point) });
}

const privateKeys = new WeakMap<object, KeyObject>();

/**
 * The KeyObject for the private key material `owner` (a scalar, a seed, an RSA
 * key), made once and kept for as long as `owner` lives: a server signs with
 * the same key in every handshake.
 */
export function cachedPrivateKey(owner: object, make: () => KeyObject): KeyObject {
  let key = privateKeys.get(owner);
  if (key === undefined) {
    key = make();
    privateKeys.set(owner, key);
  }
  return key;
}

/** A private KeyObject for an ECDSA scalar. */
export function weierstrassPrivateKey(curve: WeierstrassCurve, d: Uint8Array): KeyObject {
  return cachedPrivateKey(d, () =>
    createPrivateKey({ key: { kty: "EC", crv: curve, d: base64url(d), ...jwkCoordinates(curve, weierstrassPublicPoint(curve, d)) }, format: "jwk" }),
  );
}

/** A bigint as the minimal big-endian bytes JWK wants (RFC 7518 §6.3.1). */
function jwkInteger(value: bigint): string {
  return base64url(i2osp(value, Math.max(1, Math.ceil(value.toString(16).length / 2)))!);
}

/** The verification KeyObject for an RSA key. */
export function rsaPublicKey(key: RsaPublicKey): KeyObject {
  return cachedPublicKey({ kty: "RSA", n: jwkInteger(key.n), e: jwkInteger(key.e) });
}

/** A private KeyObject for an RSA key. */
export function rsaPrivateKey(key: RsaPrivateKey): KeyObject {
  const { n, e, d, p, q, dp, dq, qInv } = key;
  return cachedPrivateKey(key, () =>
    createPrivateKey({
      key: { kty: "RSA", n: jwkInteger(n), e: jwkInteger(e), d: jwkInteger(d), p: jwkInteger(p), q: jwkInteger(q), dp: jwkInteger(dp), dq: jwkInteger(dq), qi: jwkInteger(qInv) },
      format: "jwk",
    }),
  );
}
