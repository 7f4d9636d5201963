/**
 * Signature schemes (RFC 8446 §4.2.3) for CertificateVerify, as data: which
 * key each one needs, so a signer can pick one and a verifier can check one.
 *
 * @module
 */
import type { PrivateKey, PublicKey, SignatureAlgorithm } from "@zquic/crypto";

/** SignatureScheme code points this stack knows. */
export const SignatureScheme = {
  rsa_pkcs1_sha256: 0x0401,
  rsa_pkcs1_sha384: 0x0501,
  rsa_pkcs1_sha512: 0x0601,
  ecdsa_secp256r1_sha256: 0x0403,
  ecdsa_secp384r1_sha384: 0x0503,
  rsa_pss_rsae_sha256: 0x0804,
  rsa_pss_rsae_sha384: 0x0805,
  rsa_pss_rsae_sha512: 0x0806,
  ed25519: 0x0807,
} as const;

/** The key a scheme signs with: its kind and, for ECDSA, the curve (RFC 8446 §4.2.3). */
interface SchemeKey {
  readonly kind: PublicKey["kind"];
  readonly curve?: "P-256" | "P-384";
}

interface SchemeEntry {
  readonly algorithm: SignatureAlgorithm;
  readonly key: SchemeKey;
  /** RFC 8446 §4.4.3: RSASSA-PKCS1-v1_5 is for certificates only, never CertificateVerify. */
  readonly handshake: boolean;
}

const schemes = new Map<number, SchemeEntry>([
  [0x0403, { algorithm: "ecdsa_secp256r1_sha256", key: { kind: "ec", curve: "P-256" }, handshake: true }],
  [0x0503, { algorithm: "ecdsa_secp384r1_sha384", key: { kind: "ec", curve: "P-384" }, handshake: true }],
  [0x0807, { algorithm: "ed25519", key: { kind: "ed25519" }, handshake: true }],
  [0x0804, { algorithm: "rsa_pss_rsae_sha256", key: { kind: "rsa" }, handshake: true }],
  [0x0805, { algorithm: "rsa_pss_rsae_sha384", key: { kind: "rsa" }, handshake: true }],
  [0x0806, { algorithm: "rsa_pss_rsae_sha512", key: { kind: "rsa" }, handshake: true }],
  [0x0401, { algorithm: "rsa_pkcs1_sha256", key: { kind: "rsa" }, handshake: false }],
  [0x0501, { algorithm: "rsa_pkcs1_sha384", key: { kind: "rsa" }, handshake: false }],
  [0x0601, { algorithm: "rsa_pkcs1_sha512", key: { kind: "rsa" }, handshake: false }],
]);

/**
 * The default signature_algorithms list: every scheme usable in CertificateVerify,
 * then the PKCS#1 ones, which certificate chains still use (RFC 8446 §4.2.3).
 */
export const DEFAULT_SIGNATURE_SCHEMES: readonly number[] = [0x0403, 0x0804, 0x0807, 0x0503, 0x0805, 0x0806, 0x0401, 0x0501, 0x0601];

/** The provider algorithm for `scheme` when it may sign a CertificateVerify, else `undefined`. */
export function handshakeSignatureAlgorithm(scheme: number): SignatureAlgorithm | undefined {
  const entry = schemes.get(scheme);
  return entry?.handshake ? entry.algorithm : undefined;
}

/** True when `scheme` is usable in CertificateVerify with a key like `key` (kind and curve match). */
export function schemeFitsKey(scheme: number, key: PublicKey | PrivateKey): boolean {
  const entry = schemes.get(scheme);
  if (entry === undefined || !entry.handshake || entry.key.kind !== key.kind) return false;
  return key.kind !== "ec" || entry.key.curve === key.curve;
}

/**
 * RFC 8446 §4.4.3: the scheme to sign a CertificateVerify with: the first of the
 * peer's `offered` schemes (its preference order) that we `allow` and that fits `key`.
 */
export function chooseSignatureScheme(key: PrivateKey, offered: readonly number[], allow: readonly number[]): number | undefined {
  return offered.find((scheme) => allow.includes(scheme) && schemeFitsKey(scheme, key));
}
