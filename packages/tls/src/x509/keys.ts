/**
 * Key containers: SubjectPublicKeyInfo (RFC 5280 §4.1.2.7, RFC 5480, RFC 8410,
 * RFC 8017), PKCS#8 (RFC 5208, RFC 5958), SEC1 ECPrivateKey (RFC 5915) and
 * PKCS#1 RSAPrivateKey (RFC 8017 Appendix A.1.2), read into and written from
 * the provider's `PublicKey` / `PrivateKey`.
 *
 * @module
 */
import type { PrivateKey, PublicKey } from "@zquic/crypto";
import { concatBytes } from "@zquic/wire";
import {
  children,
  contextTag,
  decodeInteger,
  decodeOctetAlignedBitString,
  decodeOctetString,
  decodeOid,
  decodeSmallInteger,
  explicitInner,
  readDer,
  Tag,
  type DerElement,
} from "./asn1.js";
import { decodeAlgorithmIdentifier, encodeAlgorithmIdentifier, type AlgorithmIdentifier } from "./algorithms.js";
import { encodeBitString, encodeExplicit, encodeInteger, encodeNull, encodeOctetString, encodeOid, encodeSequence } from "./der-writer.js";
import { X509Error } from "./errors.js";
import { Oid } from "./oids.js";
import { parsePem } from "./pem.js";

type Curve = "P-256" | "P-384";

/** RFC 5480 §2.1.1.1 named curves: OID and field size in bytes. */
const curves: ReadonlyMap<Curve, { readonly oid: string; readonly size: number }> = new Map([
  ["P-256", { oid: Oid.secp256r1, size: 32 }],
  ["P-384", { oid: Oid.secp384r1, size: 48 }],
] as const);

function curveByOid(oid: string): Curve | undefined {
  for (const [curve, entry] of curves) if (entry.oid === oid) return curve;
  return undefined;
}

function curveInfo(curve: Curve): { readonly oid: string; readonly size: number } {
  return curves.get(curve)!;
}

/** RSA public keys this package accepts (the range webpki and the CA/Browser Forum use). */
export const RSA_LIMITS = {
  minModulusBits: 2048,
  maxModulusBits: 8192,
  /** Public exponents must be odd and in 3 … 2^33 - 1, which bounds the work of one verification. */
  maxExponent: (1n << 33n) - 1n,
} as const;

/** A decoded SubjectPublicKeyInfo. */
export interface SubjectPublicKeyInfo {
  readonly algorithm: AlgorithmIdentifier;
  /** The key, or `undefined` when its algorithm, curve or size is not supported. */
  readonly publicKey: PublicKey | undefined;
  /** The whole SubjectPublicKeyInfo, DER (what SPKI pins hash). */
  readonly der: Uint8Array;
}

/**
 * SubjectPublicKeyInfo ::= SEQUENCE { algorithm AlgorithmIdentifier, subjectPublicKey BIT STRING }.
 * Malformed keys of a supported algorithm throw; unsupported ones give `publicKey: undefined`.
 */
export function decodeSubjectPublicKeyInfo(element: DerElement): SubjectPublicKeyInfo {
  const reader = children(element, Tag.SEQUENCE, "SubjectPublicKeyInfo");
  const algorithm = decodeAlgorithmIdentifier(reader.read(Tag.SEQUENCE, "SubjectPublicKeyInfo.algorithm"));
  const bits = decodeOctetAlignedBitString(reader.read(Tag.BIT_STRING, "subjectPublicKey"));
  reader.end("SubjectPublicKeyInfo");
  return { algorithm, publicKey: publicKeyFrom(algorithm, bits), der: element.encoded };
}

function publicKeyFrom(algorithm: AlgorithmIdentifier, bits: Uint8Array): PublicKey | undefined {
  switch (algorithm.oid) {
    case Oid.ecPublicKey: {
      const curve = namedCurve(algorithm.parameters);
      return curve === undefined ? undefined : { kind: "ec", curve, point: checkedPoint(curve, bits) };
    }
    case Oid.Ed25519:
      // RFC 8410 §3: parameters absent; §4: the 32-byte public key.
      if (algorithm.parameters !== undefined) throw new X509Error("Ed25519 key must not have parameters");
      if (bits.length !== 32) throw new X509Error(`Ed25519 public key is ${bits.length} bytes, not 32`);
      return { kind: "ed25519", key: bits };
    case Oid.rsaEncryption: {
      const [n, e] = decodeIntegers(readDer(bits), 2, "RSAPublicKey");
      return supportedRsa(n!, e!) ? { kind: "rsa", n: n!, e: e! } : undefined;
    }
    default:
      // Includes id-RSASSA-PSS keys (RFC 4055 §1.2), whose restrictions TLS 1.3 signs under rsa_pss_pss_*, which the provider lacks.
      return undefined;
  }
}

/** RFC 5480 §2.1.1: ECParameters must be a namedCurve here; `undefined` for a curve not supported. */
function namedCurve(parameters: DerElement | undefined): Curve | undefined {
  if (parameters === undefined || parameters.tag !== Tag.OBJECT_IDENTIFIER) {
    throw new X509Error("EC key parameters must name a curve (RFC 5480 §2.1.1)");
  }
  return curveByOid(decodeOid(parameters));
}

/** SEC1 §2.3.3: 0x04 ‖ X ‖ Y, or 0x02/0x03 ‖ X. Whether it is on the curve is the provider's check. */
function checkedPoint(curve: Curve, point: Uint8Array): Uint8Array {
  const { size } = curveInfo(curve);
  const valid = (point[0] === 0x04 && point.length === 1 + 2 * size) || ((point[0] === 0x02 || point[0] === 0x03) && point.length === 1 + size);
  if (!valid) throw new X509Error(`${curve} public key is not a SEC1 point of the curve's size`);
  return point;
}

function supportedRsa(n: bigint, e: bigint): boolean {
  const bits = n.toString(2).length;
  return (
    n > 0n && bits >= RSA_LIMITS.minModulusBits && bits <= RSA_LIMITS.maxModulusBits && e >= 3n && e <= RSA_LIMITS.maxExponent && (e & 1n) === 1n
  );
}

/** A SEQUENCE of exactly `count` non-negative INTEGERs. */
function decodeIntegers(element: DerElement, count: number, what: string): bigint[] {
  const reader = children(element, Tag.SEQUENCE, what);
  const values: bigint[] = [];
  for (let i = 0; i < count; i++) {
    const value = decodeInteger(reader.read(Tag.INTEGER, what));
    if (value < 0n) throw new X509Error(`${what}: negative INTEGER`);
    values.push(value);
  }
  reader.end(what);
  return values;
}

/**
 * A public key from a DER SubjectPublicKeyInfo or a PEM `PUBLIC KEY` block.
 * Throws {@link X509Error} when it is malformed or not supported.
 */
export function parsePublicKey(spkiPemOrDer: string | Uint8Array): PublicKey {
  const der = typeof spkiPemOrDer === "string" ? onlyBlock(spkiPemOrDer, ["PUBLIC KEY"]).der : spkiPemOrDer;
  const { algorithm, publicKey } = decodeSubjectPublicKeyInfo(readDer(der));
  if (publicKey === undefined) throw new X509Error(`public key algorithm ${algorithm.oid} (or its curve or size) is not supported`);
  return publicKey;
}

/** The subjectPublicKey bits of `key`: the SEC1 point, the Ed25519 key, or the DER RSAPublicKey. */
export function encodePublicKeyBits(key: PublicKey): Uint8Array {
  switch (key.kind) {
    case "ec":
      return key.point;
    case "ed25519":
      return key.key;
    case "rsa":
      return encodeSequence(encodeInteger(key.n), encodeInteger(key.e));
  }
}

/** The AlgorithmIdentifier (DER) of `key`'s SubjectPublicKeyInfo. */
function encodePublicKeyAlgorithm(key: PublicKey): Uint8Array {
  switch (key.kind) {
    case "ec":
      return encodeAlgorithmIdentifier(Oid.ecPublicKey, encodeOid(curveInfo(key.curve).oid));
    case "ed25519":
      return encodeAlgorithmIdentifier(Oid.Ed25519);
    case "rsa":
      return encodeAlgorithmIdentifier(Oid.rsaEncryption, encodeNull());
  }
}

/** The SubjectPublicKeyInfo (DER) of `key`. */
export function encodeSubjectPublicKeyInfo(key: PublicKey): Uint8Array {
  return encodeSequence(encodePublicKeyAlgorithm(key), encodeBitString(encodePublicKeyBits(key)));
}

/** How each container's DER becomes a private key; the PEM label or the structure picks one. */
type PrivateKeyDecoder = (element: DerElement) => PrivateKey;

const decodersByLabel: ReadonlyMap<string, PrivateKeyDecoder> = new Map([
  ["PRIVATE KEY", decodePkcs8],
  ["EC PRIVATE KEY", (element: DerElement) => decodeSec1(element, undefined)],
  ["RSA PRIVATE KEY", decodePkcs1],
]);

/**
 * A private key from PEM text (`PRIVATE KEY`, `EC PRIVATE KEY` or `RSA PRIVATE
 * KEY`; other blocks such as `EC PARAMETERS` are skipped) or from DER in any of
 * those three forms. PKCS#8 may hold P-256, P-384, Ed25519 or RSA keys.
 */
export function parsePrivateKey(pemOrDer: string | Uint8Array): PrivateKey {
  if (typeof pemOrDer === "string") {
    const block = onlyBlock(pemOrDer, [...decodersByLabel.keys()]);
    return decodersByLabel.get(block.label)!(readDer(block.der));
  }
  const element = readDer(pemOrDer);
  // The second field tells the three apart: PKCS#8 an AlgorithmIdentifier, SEC1 an OCTET STRING, PKCS#1 an INTEGER.
  const reader = children(element, Tag.SEQUENCE, "private key");
  reader.read(Tag.INTEGER, "private key version");
  switch (reader.peekTag()) {
    case Tag.SEQUENCE:
      return decodePkcs8(element);
    case Tag.OCTET_STRING:
      return decodeSec1(element, undefined);
    case Tag.INTEGER:
      return decodePkcs1(element);
    default:
      throw new X509Error("not a PKCS#8, SEC1 or PKCS#1 private key");
  }
}

/** The single PEM block among `labels` in `text`. */
function onlyBlock(text: string, labels: readonly string[]): { label: string; der: Uint8Array } {
  const blocks = parsePem(text);
  if (blocks.some((block) => block.label === "ENCRYPTED PRIVATE KEY")) {
    throw new X509Error("the key is encrypted (ENCRYPTED PRIVATE KEY); decrypt it first, e.g. with openssl pkey");
  }
  const wanted = blocks.filter((block) => labels.includes(block.label));
  if (wanted.length !== 1) throw new X509Error(`expected one PEM block labelled ${labels.join(" or ")}, found ${wanted.length}`);
  return wanted[0]!;
}

/**
 * RFC 5958 §2: OneAsymmetricKey ::= SEQUENCE { version (0 or 1), privateKeyAlgorithm,
 * privateKey OCTET STRING, attributes [0] OPTIONAL, publicKey [1] OPTIONAL (version 1 only) }
 */
function decodePkcs8(element: DerElement): PrivateKey {
  const reader = children(element, Tag.SEQUENCE, "PrivateKeyInfo");
  const version = decodeSmallInteger(reader.read(Tag.INTEGER, "PrivateKeyInfo.version"), 1);
  const algorithm = decodeAlgorithmIdentifier(reader.read(Tag.SEQUENCE, "privateKeyAlgorithm"));
  const privateKey = decodeOctetString(reader.read(Tag.OCTET_STRING, "privateKey"));
  reader.optional(contextTag(0, true));
  if (version === 1) reader.optional(contextTag(1, false));
  reader.end("PrivateKeyInfo");
  const inner = readDer(privateKey);
  switch (algorithm.oid) {
    case Oid.ecPublicKey: {
      const curve = namedCurve(algorithm.parameters);
      if (curve === undefined) throw new X509Error("EC private key on a curve other than P-256 or P-384");
      return decodeSec1(inner, curve);
    }
    case Oid.Ed25519: {
      // RFC 8410 §7: CurvePrivateKey ::= OCTET STRING, the 32-byte seed.
      if (algorithm.parameters !== undefined) throw new X509Error("Ed25519 key must not have parameters");
      const seed = decodeOctetString(inner);
      if (seed.length !== 32) throw new X509Error(`Ed25519 private key is ${seed.length} bytes, not 32`);
      return { kind: "ed25519", seed: seed.slice() };
    }
    case Oid.rsaEncryption:
      return decodePkcs1(inner);
    default:
      throw new X509Error(`private key algorithm ${algorithm.oid} is not supported (P-256, P-384, Ed25519 and RSA are)`);
  }
}

/**
 * RFC 5915 §3: ECPrivateKey ::= SEQUENCE { version 1, privateKey OCTET STRING,
 * parameters [0] ECParameters OPTIONAL, publicKey [1] BIT STRING OPTIONAL }.
 * `outerCurve` is the curve PKCS#8 named, if any; the two must agree.
 */
function decodeSec1(element: DerElement, outerCurve: Curve | undefined): PrivateKey {
  const reader = children(element, Tag.SEQUENCE, "ECPrivateKey");
  if (decodeSmallInteger(reader.read(Tag.INTEGER, "ECPrivateKey.version"), 1) !== 1) throw new X509Error("ECPrivateKey version must be 1");
  const d = decodeOctetString(reader.read(Tag.OCTET_STRING, "ECPrivateKey.privateKey"));
  const parameters = reader.optional(contextTag(0, true));
  reader.optional(contextTag(1, true));
  reader.end("ECPrivateKey");
  const innerCurve = parameters === undefined ? undefined : namedCurve(explicitInner(parameters, "ECPrivateKey.parameters"));
  if (parameters !== undefined && innerCurve === undefined) throw new X509Error("EC private key on a curve other than P-256 or P-384");
  if (outerCurve !== undefined && innerCurve !== undefined && outerCurve !== innerCurve) {
    throw new X509Error(`EC private key names ${innerCurve} inside PKCS#8 for ${outerCurve}`);
  }
  const curve = outerCurve ?? innerCurve;
  if (curve === undefined) throw new X509Error("EC private key does not name its curve");
  // RFC 5915 §3: the key is ceiling(log2(n)/8) octets; shorter encodings are left-padded.
  const { size } = curveInfo(curve);
  if (d.length > size || d.every((byte) => byte === 0)) throw new X509Error(`${curve} private key is not a scalar of ${size} bytes`);
  return { kind: "ec", curve, d: concatBytes(new Uint8Array(size - d.length), d) };
}

/**
 * RFC 8017 Appendix A.1.2: RSAPrivateKey ::= SEQUENCE { version 0, n, e, d, p, q,
 * dP, dQ, qInv } (two primes only; multi-prime keys are version 1).
 */
function decodePkcs1(element: DerElement): PrivateKey {
  const reader = children(element, Tag.SEQUENCE, "RSAPrivateKey");
  if (decodeSmallInteger(reader.read(Tag.INTEGER, "RSAPrivateKey.version"), 1) !== 0) throw new X509Error("multi-prime RSA keys are not supported");
  const values: bigint[] = [];
  for (let i = 0; i < 8; i++) {
    const value = decodeInteger(reader.read(Tag.INTEGER, "RSAPrivateKey"));
    if (value <= 0n) throw new X509Error("RSAPrivateKey has a field that is not positive");
    values.push(value);
  }
  reader.end("RSAPrivateKey");
  const [n, e, d, p, q, dp, dq, qInv] = values as [bigint, bigint, bigint, bigint, bigint, bigint, bigint, bigint];
  return { kind: "rsa", n, e, d, p, q, dp, dq, qInv };
}

/**
 * The PKCS#8 PrivateKeyInfo (DER) of `key`. For EC keys, pass `publicKey` to
 * include the public point in the SEC1 structure as OpenSSL does.
 */
export function encodePrivateKeyPkcs8(key: PrivateKey, publicKey?: PublicKey): Uint8Array {
  const version = encodeInteger(0);
  switch (key.kind) {
    case "ec": {
      const { oid } = curveInfo(key.curve);
      const point = publicKey?.kind === "ec" ? [encodeExplicit(1, encodeBitString(publicKey.point))] : [];
      const sec1 = encodeSequence(encodeInteger(1), encodeOctetString(key.d), ...point);
      return encodeSequence(version, encodeAlgorithmIdentifier(Oid.ecPublicKey, encodeOid(oid)), encodeOctetString(sec1));
    }
    case "ed25519":
      return encodeSequence(version, encodeAlgorithmIdentifier(Oid.Ed25519), encodeOctetString(encodeOctetString(key.seed)));
    case "rsa": {
      const fields = [key.n, key.e, key.d, key.p, key.q, key.dp, key.dq, key.qInv].map((value) => encodeInteger(value));
      return encodeSequence(version, encodeAlgorithmIdentifier(Oid.rsaEncryption, encodeNull()), encodeOctetString(encodeSequence(encodeInteger(0), ...fields)));
    }
  }
}
