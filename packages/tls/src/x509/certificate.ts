/**
 * X.509 v1–v3 certificates (RFC 5280 §4.1), decoded from DER.
 *
 * @module
 */
import type { PublicKey, SignatureAlgorithm } from "@zquic/crypto";
import { equalBytes } from "@zquic/wire";
import {
  children,
  contextTag,
  decodeBitString,
  decodeInteger,
  decodeOctetAlignedBitString,
  decodeSmallInteger,
  decodeTime,
  explicitInner,
  readDer,
  Tag,
  type DerElement,
} from "./asn1.js";
import { decodeAlgorithmIdentifier, signatureSchemeOf, type AlgorithmIdentifier } from "./algorithms.js";
import { X509Error } from "./errors.js";
import { decodeExtensions, type CertificateExtensions } from "./extensions.js";
import { decodeSubjectPublicKeyInfo, type SubjectPublicKeyInfo } from "./keys.js";
import { decodeName, type DistinguishedName } from "./name.js";
import { pemBlocksLabelled } from "./pem.js";

/** A decoded certificate. All byte fields are views into `der`. */
export interface Certificate {
  /** The whole certificate, DER. */
  readonly der: Uint8Array;
  /** The TBSCertificate, DER: the bytes the issuer signed. */
  readonly tbs: Uint8Array;
  /** 1, 2 or 3 (the DER field holds one less). */
  readonly version: 1 | 2 | 3;
  readonly serialNumber: bigint;
  /** The signature algorithm (RFC 5280 §4.1.1.2), identical in and outside the TBSCertificate. */
  readonly signatureAlgorithm: AlgorithmIdentifier;
  /** The scheme that checks `signature`, or `undefined` when not supported (SHA-1, DSA, …). */
  readonly signatureScheme: SignatureAlgorithm | undefined;
  /** The issuer's signature over `tbs` (DER for ECDSA). */
  readonly signature: Uint8Array;
  readonly issuer: DistinguishedName;
  readonly subject: DistinguishedName;
  /** Unix milliseconds. */
  readonly notBefore: number;
  /** Unix milliseconds; the certificate is valid through this instant, inclusive (RFC 5280 §4.1.2.5). */
  readonly notAfter: number;
  /** The SubjectPublicKeyInfo, DER. */
  readonly spkiDer: Uint8Array;
  /** The public key algorithm. */
  readonly publicKeyAlgorithm: AlgorithmIdentifier;
  /** The subject's key, or `undefined` when its algorithm, curve or size is not supported. */
  readonly publicKey: PublicKey | undefined;
  readonly extensions: CertificateExtensions;
}

/**
 * Decodes a DER certificate. Throws {@link X509Error} for anything that is not
 * a well-formed RFC 5280 certificate; unsupported algorithms are not errors here
 * (see `signatureScheme` and `publicKey`).
 */
export function parseCertificate(der: Uint8Array): Certificate {
  // Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm, signatureValue BIT STRING }
  const certificate = readDer(der);
  const outer = children(certificate, Tag.SEQUENCE, "Certificate");
  const tbsElement = outer.read(Tag.SEQUENCE, "tbsCertificate");
  const signatureAlgorithm = decodeAlgorithmIdentifier(outer.read(Tag.SEQUENCE, "signatureAlgorithm"));
  const signature = decodeOctetAlignedBitString(outer.read(Tag.BIT_STRING, "signatureValue"));
  outer.end("Certificate");
  const tbs = decodeTbsCertificate(tbsElement);
  // RFC 5280 §4.1.1.2: the field "MUST contain the same algorithm identifier as the signature field" of the TBSCertificate.
  if (!equalBytes(tbs.signature.der, signatureAlgorithm.der)) throw new X509Error("signature algorithm differs inside and outside the TBSCertificate");
  return {
    der: certificate.encoded,
    tbs: tbsElement.encoded,
    version: tbs.version,
    serialNumber: tbs.serialNumber,
    signatureAlgorithm,
    signatureScheme: signatureSchemeOf(signatureAlgorithm),
    signature,
    issuer: tbs.issuer,
    subject: tbs.subject,
    notBefore: tbs.notBefore,
    notAfter: tbs.notAfter,
    spkiDer: tbs.spki.der,
    publicKeyAlgorithm: tbs.spki.algorithm,
    publicKey: tbs.spki.publicKey,
    extensions: tbs.extensions,
  };
}

interface TbsCertificate {
  readonly version: 1 | 2 | 3;
  readonly serialNumber: bigint;
  readonly signature: AlgorithmIdentifier;
  readonly issuer: DistinguishedName;
  readonly notBefore: number;
  readonly notAfter: number;
  readonly subject: DistinguishedName;
  readonly spki: SubjectPublicKeyInfo;
  readonly extensions: CertificateExtensions;
}

/**
 * TBSCertificate ::= SEQUENCE { version [0] EXPLICIT DEFAULT v1, serialNumber, signature,
 * issuer, validity, subject, subjectPublicKeyInfo, issuerUniqueID [1] IMPLICIT OPTIONAL,
 * subjectUniqueID [2] IMPLICIT OPTIONAL, extensions [3] EXPLICIT OPTIONAL }
 */
function decodeTbsCertificate(element: DerElement): TbsCertificate {
  const reader = children(element, Tag.SEQUENCE, "TBSCertificate");
  const versionField = reader.optional(contextTag(0, true));
  const version = ((versionField === undefined ? 0 : decodeSmallInteger(explicitInner(versionField, "version"), 2)) + 1) as 1 | 2 | 3;
  const serialNumber = decodeInteger(reader.read(Tag.INTEGER, "serialNumber"));
  const signature = decodeAlgorithmIdentifier(reader.read(Tag.SEQUENCE, "signature"));
  const issuer = decodeName(reader.read(Tag.SEQUENCE, "issuer"));
  const validity = children(reader.read(Tag.SEQUENCE, "validity"), Tag.SEQUENCE, "Validity");
  const notBefore = decodeTime(validity.next());
  const notAfter = decodeTime(validity.next());
  validity.end("Validity");
  const subject = decodeName(reader.read(Tag.SEQUENCE, "subject"));
  const spki = decodeSubjectPublicKeyInfo(reader.read(Tag.SEQUENCE, "subjectPublicKeyInfo"));
  // RFC 5280 §4.1.2.8: unique identifiers only in v2 and v3; §4.1.2.9: extensions only in v3.
  for (const [number, what] of [
    [1, "issuerUniqueID"],
    [2, "subjectUniqueID"],
  ] as const) {
    const field = reader.optional(contextTag(number, false));
    if (field === undefined) continue;
    if (version === 1) throw new X509Error(`${what} in a v1 certificate`);
    decodeBitString(field, contextTag(number, false));
  }
  const extensionsField = reader.optional(contextTag(3, true));
  if (extensionsField !== undefined && version !== 3) throw new X509Error(`extensions in a v${version} certificate`);
  reader.end("TBSCertificate");
  const extensions = decodeExtensions(extensionsField === undefined ? undefined : explicitInner(extensionsField, "extensions"));
  return { version, serialNumber, signature, issuer, notBefore, notAfter, subject, spki, extensions };
}

/** Every `CERTIFICATE` block in PEM `text`, decoded; throws {@link X509Error} if any does not decode. */
export function parseCertificatesPem(text: string): Certificate[] {
  return pemBlocksLabelled(text, "CERTIFICATE").map(parseCertificate);
}
