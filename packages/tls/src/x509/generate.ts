/**
 * Generating keys and X.509 v3 certificates (RFC 5280 §4.1) for servers,
 * clients and test CAs. Randomness and signatures come from the caller's
 * provider, so generation is deterministic under a seeded `random`.
 *
 * @module
 */
import { weierstrassCurves, type CryptoProvider, type PrivateKey, type PublicKey, type RandomSource, type SignatureAlgorithm } from "@zquic/crypto";
import { contextTag } from "./asn1.js";
import { encodeSignatureAlgorithm } from "./algorithms.js";
import { parseCertificate, type Certificate } from "./certificate.js";
import {
  encodeAsciiString,
  encodeBitString,
  encodeBoolean,
  encodeExplicit,
  encodeInteger,
  encodeOctetString,
  encodeOid,
  encodeSequence,
  encodeTime,
  encodeUnsignedInteger,
} from "./der-writer.js";
import { X509Error } from "./errors.js";
import { KEY_USAGE_BITS, type KeyUsageName } from "./extensions.js";
import { parseIpAddress } from "./ip-address.js";
import { encodePrivateKeyPkcs8, encodePublicKeyBits, encodeSubjectPublicKeyInfo } from "./keys.js";
import { encodeName } from "./name.js";
import { Oid } from "./oids.js";
import { encodePem } from "./pem.js";

/** The key types {@link generateCertificate} creates. */
export type GeneratedKeyType = "p256" | "ed25519";

/** A certificate and private key that can sign others. */
export interface Issuer {
  readonly certificate: Certificate;
  readonly privateKey: PrivateKey;
}

/** Options of {@link generateCertificate}. */
export interface CertificateOptions {
  readonly keyType: GeneratedKeyType;
  /** DNS names (wildcards allowed) and IP literals, written to subjectAltName. */
  readonly hosts: readonly string[];
  /** Unix milliseconds. */
  readonly notBefore: number;
  /** Unix milliseconds. */
  readonly notAfter: number;
  /** A CA certificate (basicConstraints cA, keyCertSign) rather than a TLS leaf (serverAuth and clientAuth). */
  readonly isCA?: boolean;
  /** For a CA: how many intermediates may follow it (RFC 5280 §4.2.1.9); unlimited when absent. */
  readonly pathLenConstraint?: number;
  /** The CA that signs the certificate; absent for a self-signed one. */
  readonly issuer?: Issuer;
  /** The subject's commonName; the first host by default (or "zquic CA" for a CA without hosts). */
  readonly commonName?: string;
  readonly provider: CryptoProvider;
  readonly random: RandomSource;
}

/** A generated certificate and its key, parsed and as PEM (`CERTIFICATE`, PKCS#8 `PRIVATE KEY`). */
export interface GeneratedCertificate {
  readonly certificatePem: string;
  readonly privateKeyPem: string;
  readonly certificate: Certificate;
  readonly privateKey: PrivateKey;
}

/** The scheme each kind of issuer key signs certificates with. */
function certificateSignatureScheme(key: PrivateKey): SignatureAlgorithm {
  switch (key.kind) {
    case "ec":
      return key.curve === "P-256" ? "ecdsa_secp256r1_sha256" : "ecdsa_secp384r1_sha384";
    case "ed25519":
      return "ed25519";
    case "rsa":
      return "rsa_pkcs1_sha256";
  }
}

/**
 * A fresh private key. P-256 scalars are drawn by rejection sampling in
 * 1 … n−1 (FIPS 186-5 Appendix A.4.2); Ed25519 seeds are 32 random bytes (RFC 8032 §5.1.5).
 */
export function generatePrivateKey(keyType: GeneratedKeyType, random: RandomSource): PrivateKey {
  if (keyType === "ed25519") return { kind: "ed25519", seed: random(32) };
  const { order, fieldLength } = weierstrassCurves["P-256"];
  for (;;) {
    const d = random(fieldLength);
    const value = d.reduce((acc, byte) => (acc << 8n) | BigInt(byte), 0n);
    if (value > 0n && value < order) return { kind: "ec", curve: "P-256", d };
  }
}

/** RFC 5280 §4.2.1.3: KeyUsage as a named-bit BIT STRING, trailing zero bits removed (X.690 §11.2.2). */
function encodeKeyUsage(usages: readonly KeyUsageName[]): Uint8Array {
  const bits = usages.map((usage) => KEY_USAGE_BITS.indexOf(usage));
  const length = Math.max(...bits) + 1;
  const bytes = new Uint8Array(Math.ceil(length / 8));
  for (const bit of bits) bytes[bit >> 3]! |= 0x80 >> (bit & 7);
  return encodeBitString(bytes, bytes.length * 8 - length);
}

/** Extension ::= SEQUENCE { extnID, critical BOOLEAN DEFAULT FALSE, extnValue OCTET STRING } */
function encodeExtension(oid: string, critical: boolean, value: Uint8Array): Uint8Array {
  return encodeSequence(encodeOid(oid), ...(critical ? [encodeBoolean(true)] : []), encodeOctetString(value));
}

/** GeneralName for a host: iPAddress [7] for an IP literal, dNSName [2] otherwise (RFC 5280 §4.2.1.6). */
function encodeGeneralName(host: string): Uint8Array {
  const address = parseIpAddress(host);
  if (address !== undefined) return encodeOctetString(address, contextTag(7, false));
  if (!/^(\*\.)?[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*\.?$/.test(host)) {
    throw new X509Error(`"${host}" is neither an IP literal nor an ASCII DNS name; convert internationalized names to A-labels`);
  }
  return encodeAsciiString(host, contextTag(2, false));
}

/** RFC 7093 §2 method 1: the key identifier is the leftmost 160 bits of SHA-256 over the subjectPublicKey bits. */
function keyIdentifier(publicKey: PublicKey, provider: CryptoProvider): Uint8Array {
  return provider.hash("sha256", encodePublicKeyBits(publicKey)).subarray(0, 20);
}

/**
 * A new key pair and certificate: self-signed, or signed by `options.issuer`.
 * The result is accepted by OpenSSL and GnuTLS (verification and TLS 1.3
 * handshakes, see the tests) and by this package's own `chainVerifier`.
 */
export function generateCertificate(options: CertificateOptions): GeneratedCertificate {
  const { provider, random, hosts, issuer } = options;
  if (!(options.notBefore <= options.notAfter)) throw new X509Error("notBefore must not be after notAfter (both Unix milliseconds)");
  const isCA = options.isCA === true;
  const privateKey = generatePrivateKey(options.keyType, random);
  const publicKey = provider.publicKeyOf(privateKey);
  const subjectKeyId = keyIdentifier(publicKey, provider);
  const subject = encodeName([{ type: Oid.commonName, value: options.commonName ?? hosts[0] ?? (isCA ? "zquic CA" : "zquic") }]);
  const signingKey = issuer?.privateKey ?? privateKey;
  const authorityKeyId = issuer === undefined ? subjectKeyId : issuer.certificate.extensions.subjectKeyIdentifier;
  const scheme = certificateSignatureScheme(signingKey);
  const signatureAlgorithm = encodeSignatureAlgorithm(scheme);
  // Positive, 16 bytes, top bit clear (RFC 5280 §4.1.2.2: at most 20 octets, unpredictable per CA/B BR §7.1).
  const serial = random(16);
  serial[0] = (serial[0]! & 0x7f) | 0x40;
  const basicConstraints = isCA
    ? encodeSequence(encodeBoolean(true), ...(options.pathLenConstraint === undefined ? [] : [encodeInteger(options.pathLenConstraint)]))
    : encodeSequence();
  const extensions = [
    encodeExtension(Oid.basicConstraints, true, basicConstraints),
    encodeExtension(Oid.keyUsage, true, encodeKeyUsage(isCA ? ["digitalSignature", "keyCertSign", "cRLSign"] : ["digitalSignature"])),
    ...(isCA ? [] : [encodeExtension(Oid.extKeyUsage, false, encodeSequence(encodeOid(Oid.serverAuth), encodeOid(Oid.clientAuth)))]),
    ...(hosts.length === 0 ? [] : [encodeExtension(Oid.subjectAltName, false, encodeSequence(...hosts.map(encodeGeneralName)))]),
    encodeExtension(Oid.subjectKeyIdentifier, false, encodeOctetString(subjectKeyId)),
    ...(authorityKeyId === undefined
      ? []
      : [encodeExtension(Oid.authorityKeyIdentifier, false, encodeSequence(encodeOctetString(authorityKeyId, contextTag(0, false))))]),
  ];
  const tbs = encodeSequence(
    encodeExplicit(0, encodeInteger(2)), // v3
    encodeUnsignedInteger(serial),
    signatureAlgorithm,
    issuer?.certificate.subject.der ?? subject,
    encodeSequence(encodeTime(options.notBefore), encodeTime(options.notAfter)),
    subject,
    encodeSubjectPublicKeyInfo(publicKey),
    encodeExplicit(3, encodeSequence(...extensions)),
  );
  const signature = provider.sign(scheme, signingKey, tbs, random);
  const der = encodeSequence(tbs, signatureAlgorithm, encodeBitString(signature));
  return {
    certificatePem: encodePem("CERTIFICATE", der),
    privateKeyPem: encodePem("PRIVATE KEY", encodePrivateKeyPkcs8(privateKey, publicKey)),
    certificate: parseCertificate(der),
    privateKey,
  };
}

/** {@link generateCertificate} without an issuer: a self-signed certificate. */
export function generateSelfSigned(options: Omit<CertificateOptions, "issuer">): GeneratedCertificate {
  return generateCertificate(options);
}
