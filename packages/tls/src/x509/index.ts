/**
 * X.509 for TLS 1.3: PEM, keys, certificates, path validation, name matching
 * and certificate generation. The handshake uses {@link CertificateVerifier};
 * applications pick one of {@link chainVerifier}, {@link pinnedVerifier} or (in
 * tests) {@link insecureVerifier}. The DER reader and writer underneath stay
 * internal to this directory.
 *
 * @module
 */
export { X509Error } from "./errors.js";
export { parsePem, encodePem, type PemBlock } from "./pem.js";
export { Oid } from "./oids.js";
export { type AlgorithmIdentifier } from "./algorithms.js";
export {
  parsePrivateKey,
  parsePublicKey,
  encodeSubjectPublicKeyInfo,
  encodePrivateKeyPkcs8,
  RSA_LIMITS,
} from "./keys.js";
export { type DistinguishedName, type NameAttribute } from "./name.js";
export {
  KEY_USAGE_BITS,
  type Extension,
  type BasicConstraints,
  type KeyUsageName,
  type SubjectAltName,
  type CertificateExtensions,
} from "./extensions.js";
export { parseCertificate, parseCertificatesPem, type Certificate } from "./certificate.js";
export { parseIpAddress } from "./ip-address.js";
export { matchesDnsName, matchesServerName } from "./hostname.js";
export { CertificateAlert, type CertificateVerifier, type VerifyOutcome, type VerifyRequest } from "./verifier.js";
export { validateChain, anchorTrust, pinTrust, PATH_LIMITS, type TrustPolicy, type PathFailure } from "./path-validation.js";
export { chainVerifier, pinnedVerifier, insecureVerifier, spkiSha256, type ChainVerifierOptions } from "./verify.js";
export {
  generateCertificate,
  generateSelfSigned,
  generatePrivateKey,
  type CertificateOptions,
  type GeneratedCertificate,
  type GeneratedKeyType,
  type Issuer,
} from "./generate.js";
