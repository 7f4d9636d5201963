/**
 * Importing raw key bytes into `node:crypto` KeyObjects, so keys still come
 * from the injected random source (or from the certificate parser) and only
 * the arithmetic is native. KeyObjects of long-lived private keys are cached.
 *
 * @module
 */
import { Buffer } from "node:buffer";
import { ECDH, createECDH, createPrivateKey, createPublicKey, type KeyObject } from "node:crypto";
import { concatBytes, fromHex } from "@zquic/wire";
import { weierstrassCurves, type WeierstrassCurve } from "../algorithms.js";
import { i2osp } from "../rsa/integers.js";
import type { RsaPrivateKey, RsaPublicKey } from "../rsa/rsassa.js";
import { base64url } from "./bytes.js";

/**
 * RFC 8410 §7 and §4: the DER of a PKCS#8 PrivateKeyInfo and of a
 * SubjectPublicKeyInfo up to the 32 key bytes, for X25519 (OID 1.3.101.110)
 * and Ed25519 (OID 1.3.101.112).
 */
const rfc8410Prefixes = {
  x25519: { pkcs8: fromHex("302e020100300506032b656e04220420"), spki: fromHex("302a300506032b656e032100") },
  ed25519: { pkcs8: fromHex("302e020100300506032b657004220420"), spki: fromHex("302a300506032b6570032100") },
} as const;

/** An RFC 8410 curve name. */
export type Rfc8410Curve = keyof typeof rfc8410Prefixes;

/** A private KeyObject from 32 raw bytes (an X25519 scalar or an Ed25519 seed). */
export function rfc8410PrivateKey(curve: Rfc8410Curve, raw: Uint8Array): KeyObject {
  return createPrivateKey({ key: Buffer.from(concatBytes(rfc8410Prefixes[curve].pkcs8, raw)), format: "der", type: "pkcs8" });
}

/** A public KeyObject from 32 raw bytes. */
export function rfc8410PublicKey(curve: Rfc8410Curve, raw: Uint8Array): KeyObject {
  return createPublicKey({ key: Buffer.from(concatBytes(rfc8410Prefixes[curve].spki, raw)), format: "der", type: "spki" });
}

/** The 32 raw bytes of an RFC 8410 public KeyObject. */
export function rfc8410RawPublicKey(key: KeyObject): Uint8Array {
  const spki = key.export({ format: "der", type: "spki" });
  return new Uint8Array(spki.subarray(spki.length - 32));
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

/** A public KeyObject for an ECDSA point; throws when the point is invalid. */
export function weierstrassPublicKey(curve: WeierstrassCurve, point: Uint8Array): KeyObject {
  return createPublicKey({ key: { kty: "EC", crv: curve, ...jwkCoordinates(curve, point) }, format: "jwk" });
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

/** A public KeyObject for an RSA key. */
export function rsaPublicKey(key: RsaPublicKey): KeyObject {
  return createPublicKey({ key: { kty: "RSA", n: jwkInteger(key.n), e: jwkInteger(key.e) }, format: "jwk" });
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
