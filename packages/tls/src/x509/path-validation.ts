/**
 * Certification path building and validation (RFC 5280 §6.1, RFC 4158), for
 * the chain a TLS peer sends (RFC 8446 §4.4.2: leaf first, the rest in any
 * order, possibly with extras). Paths are searched depth first from the leaf
 * through the peer's certificates and the relying party's anchors; every
 * attempt is bounded (chain size, path length, signature checks), and when no
 * path works the failure found deepest in the search is reported.
 *
 * @module
 */
import { signatureSchemes, type CryptoProvider, type PublicKey, type SignatureAlgorithm } from "@zquic/crypto";
import { equalBytes } from "@zquic/wire";
import type { Certificate } from "./certificate.js";
import { decodeCertificate } from "./certificate-cache.js";
import { isoTime } from "./civil-time.js";
import { X509Error } from "./errors.js";
import { matchesServerName } from "./hostname.js";
import { Oid } from "./oids.js";
import { CertificateAlert, type VerifyOutcome, type VerifyRequest } from "./verifier.js";

/** Why a certificate or a path is refused. */
export interface PathFailure {
  readonly alert: number;
  readonly reason: string;
}

/** Where trust comes from: anchors to build towards, or a test on the certificates themselves. */
export interface TrustPolicy {
  /** The relying party's own certificates, tried as issuers before the peer's. */
  readonly anchors: readonly Certificate[];
  /** True when `certificate` is trusted by itself, which ends a path. */
  isTrusted(certificate: Certificate): boolean;
  /** Why a complete path is still refused, or `undefined` to accept it. */
  refusePath(path: readonly Certificate[]): PathFailure | undefined;
}

/**
 * Bounds on the work one verification may do: generous enough for the
 * interop runner's `amplificationlimit` chain (leaf, 8 intermediates, root).
 */
export const PATH_LIMITS = {
  /** Certificates a peer may send. */
  maxChainCertificates: 16,
  /** Certificates in one path, leaf and anchor included. */
  maxPathLength: 12,
  /** Signature verifications per chain. */
  maxSignatureChecks: 48,
} as const;

/** RFC 5280 §4.2.1.12: the KeyPurposeId a certificate must allow for each purpose. */
const purposeOids: Readonly<Record<VerifyRequest["purpose"], string>> = { server: Oid.serverAuth, client: Oid.clientAuth };

/** Validates `request.chain` against `trust`, checking signatures with `provider`. */
export function validateChain(request: VerifyRequest, trust: TrustPolicy, provider: CryptoProvider): VerifyOutcome {
  const parsed = parseChain(request);
  if (!Array.isArray(parsed)) return refuse(parsed);
  const [leaf, ...intermediates] = parsed as [Certificate, ...Certificate[]];
  const failure = checkLeaf(leaf, request) ?? searchPath(leaf, intermediates, trust, request, provider);
  return failure === undefined ? { ok: true } : refuse(failure);
}

function refuse({ alert, reason }: PathFailure): VerifyOutcome {
  return { ok: false, alert, reason };
}

function parseChain({ chain, purpose }: VerifyRequest): Certificate[] | PathFailure {
  // RFC 8446 §4.4.2.4: an empty server Certificate is a decode_error; a client's may be refused with certificate_required.
  if (chain.length === 0) {
    return purpose === "server"
      ? { alert: CertificateAlert.decode_error, reason: "the server sent no certificate" }
      : { alert: CertificateAlert.certificate_required, reason: "the client sent no certificate" };
  }
  if (chain.length > PATH_LIMITS.maxChainCertificates) {
    return { alert: CertificateAlert.bad_certificate, reason: `chain of ${chain.length} certificates exceeds ${PATH_LIMITS.maxChainCertificates}` };
  }
  const certificates: Certificate[] = [];
  for (const [index, der] of chain.entries()) {
    try {
      certificates.push(decodeCertificate(der)); // the handshake's leaf decode is found again here
    } catch (error) {
      if (!(error instanceof X509Error)) throw error;
      return { alert: CertificateAlert.decode_error, reason: `certificate ${index} does not decode: ${error.message}` };
    }
  }
  return certificates;
}

/** RFC 5280 §6.1.3 (a)(2): `now` lies in the validity period, both ends included (§4.1.2.5). */
function checkValidity(certificate: Certificate, now: number, role: string): PathFailure | undefined {
  if (now < certificate.notBefore) {
    return { alert: CertificateAlert.certificate_expired, reason: `${role} is not valid before ${isoTime(certificate.notBefore)}` };
  }
  if (now > certificate.notAfter) {
    return { alert: CertificateAlert.certificate_expired, reason: `${role} expired at ${isoTime(certificate.notAfter)}` };
  }
  return undefined;
}

/** RFC 5280 §4.2: a certificate with a critical extension this package does not process is refused. */
function checkCriticalExtensions(certificate: Certificate, role: string): PathFailure | undefined {
  const [oid] = certificate.extensions.unhandledCritical;
  return oid === undefined ? undefined : { alert: CertificateAlert.unsupported_certificate, reason: `${role} has unsupported critical extension ${oid}` };
}

/** RFC 5280 §4.2.1.12: when present, extendedKeyUsage must allow the purpose (or any purpose). */
function checkExtendedKeyUsage(certificate: Certificate, purpose: VerifyRequest["purpose"], role: string): PathFailure | undefined {
  const usages = certificate.extensions.extendedKeyUsage;
  if (usages === undefined || usages.includes(purposeOids[purpose]) || usages.includes(Oid.anyExtendedKeyUsage)) return undefined;
  return { alert: CertificateAlert.unsupported_certificate, reason: `${role} extendedKeyUsage does not allow ${purpose} authentication` };
}

/** The end-entity checks: everything about the leaf that does not depend on its issuer. */
function checkLeaf(leaf: Certificate, { now, serverName, purpose }: VerifyRequest): PathFailure | undefined {
  const role = `leaf "${leaf.subject.text}"`;
  if (leaf.publicKey === undefined) {
    return { alert: CertificateAlert.unsupported_certificate, reason: `${role} has an unsupported key (${leaf.publicKeyAlgorithm.oid})` };
  }
  // RFC 8446 §4.4.2.2: "If the key usage extension is present, the digitalSignature bit MUST be set".
  const keyUsage = leaf.extensions.keyUsage;
  if (keyUsage !== undefined && !keyUsage.has("digitalSignature")) {
    return { alert: CertificateAlert.unsupported_certificate, reason: `${role} keyUsage lacks digitalSignature` };
  }
  const failure = checkCriticalExtensions(leaf, role) ?? checkValidity(leaf, now, role) ?? checkExtendedKeyUsage(leaf, purpose, role);
  if (failure !== undefined) return failure;
  if (serverName !== undefined && !matchesServerName(leaf.extensions.subjectAltName, serverName)) {
    return { alert: CertificateAlert.bad_certificate, reason: `${role} is not valid for "${serverName}" (subjectAltName has no match)` };
  }
  return undefined;
}

/**
 * RFC 5280 §6.1.4: the checks a certificate must pass to issue the ones below
 * it in `path`, trust anchors included (as OpenSSL and NSS apply them).
 */
function checkIssuer(issuer: Certificate, isAnchor: boolean, path: readonly Certificate[], { now, purpose }: VerifyRequest): PathFailure | undefined {
  const role = `${isAnchor ? "trust anchor" : "issuer"} "${issuer.subject.text}"`;
  const failure = checkValidity(issuer, now, role) ?? checkCriticalExtensions(issuer, role) ?? checkExtendedKeyUsage(issuer, purpose, role);
  if (failure !== undefined) return failure;
  const { basicConstraints, keyUsage } = issuer.extensions;
  // §6.1.4 (k): the issuer must be a CA; v1 and v2 certificates cannot say so, which for an anchor its configuration vouches for.
  if (basicConstraints?.ca !== true && !(isAnchor && issuer.version < 3)) {
    return { alert: CertificateAlert.bad_certificate, reason: `${role} is not a CA (basicConstraints cA is not set)` };
  }
  // §6.1.4 (n): keyUsage, when present, must allow keyCertSign.
  if (keyUsage !== undefined && !keyUsage.has("keyCertSign")) {
    return { alert: CertificateAlert.bad_certificate, reason: `${role} keyUsage lacks keyCertSign` };
  }
  // §6.1.4 (l), (m): count the non-self-issued intermediates below this issuer (the leaf is path[0]).
  const limit = basicConstraints?.pathLenConstraint;
  const below = path.slice(1).filter((certificate) => !isSelfIssued(certificate)).length;
  if (limit !== undefined && below > limit) {
    return { alert: CertificateAlert.bad_certificate, reason: `${role} allows ${limit} intermediate certificates below it, the path has ${below}` };
  }
  return undefined;
}

/** RFC 5280 §6.1: issuer and subject are the same name. */
function isSelfIssued(certificate: Certificate): boolean {
  return certificate.subject.canonical === certificate.issuer.canonical;
}

/** True when `key` is the kind (and, for ECDSA, the curve) `scheme` verifies with. */
function keyFitsScheme(scheme: SignatureAlgorithm, key: PublicKey): boolean {
  const definition = signatureSchemes[scheme];
  switch (definition.family) {
    case "ecdsa":
      return key.kind === "ec" && key.curve === definition.curve;
    case "ed25519":
      return key.kind === "ed25519";
    case "rsa-pss":
    case "rsa-pkcs1":
      return key.kind === "rsa";
  }
}

/** Key identifiers, where both certificates have them, agree (RFC 5280 §4.2.1.1; names are matched by the caller). */
function keyIdentifiersAgree(issuer: Certificate, subject: Certificate): boolean {
  const keyId = subject.extensions.authorityKeyIdentifier;
  const subjectKeyId = issuer.extensions.subjectKeyIdentifier;
  return keyId === undefined || subjectKeyId === undefined || equalBytes(keyId, subjectKeyId);
}

/** RFC 5280 §6.1.1 (d): a trust anchor is a name and a key; two certificates with both equal stand for the same one. */
function sameIdentity(a: Certificate, b: Certificate): boolean {
  return a.subject.canonical === b.subject.canonical && equalBytes(a.spkiDer, b.spkiDer);
}

/** Certificates grouped by subject name, in their original order. */
function bySubject(certificates: readonly Certificate[]): Map<string, Certificate[]> {
  const groups = new Map<string, Certificate[]>();
  for (const certificate of certificates) {
    const group = groups.get(certificate.subject.canonical);
    if (group === undefined) groups.set(certificate.subject.canonical, [certificate]);
    else group.push(certificate);
  }
  return groups;
}

const anchorGroups = new WeakMap<readonly Certificate[], Map<string, Certificate[]>>();

/** `anchors` grouped by subject name, once per (read-only) anchor list rather than per chain: a CA bundle holds well over a hundred. */
function anchorsBySubject(anchors: readonly Certificate[]): Map<string, Certificate[]> {
  let groups = anchorGroups.get(anchors);
  if (groups === undefined) anchorGroups.set(anchors, (groups = bySubject(anchors)));
  return groups;
}

/** Depth-first search for a path from `leaf` to something `trust` accepts. */
function searchPath(
  leaf: Certificate,
  intermediates: readonly Certificate[],
  trust: TrustPolicy,
  request: VerifyRequest,
  provider: CryptoProvider,
): PathFailure | undefined {
  // §6.1.4 (a)(4): an issuer's subject is its subject's issuer name. Anchors are tried first.
  const [anchors, peers] = [anchorsBySubject(trust.anchors), bySubject(intermediates)];
  const candidates = (name: string): Certificate[] => [...(anchors.get(name) ?? []), ...(peers.get(name) ?? [])];
  const path: Certificate[] = [leaf];
  let signatureChecks = 0;
  let deepest: { failure: PathFailure; depth: number } = { failure: { alert: CertificateAlert.unknown_ca, reason: "no certification path" }, depth: -1 };
  const note = (failure: PathFailure, depth: number): void => {
    if (depth > deepest.depth) deepest = { failure, depth };
  };

  /** The checks on the link from `subject` (the end of `path`) to `issuer`. */
  const checkLink = (subject: Certificate, issuer: Certificate): PathFailure | undefined => {
    const role = `signature on "${subject.subject.text}"`;
    const scheme = subject.signatureScheme;
    if (scheme === undefined) {
      return { alert: CertificateAlert.unsupported_certificate, reason: `${role} uses unsupported algorithm ${subject.signatureAlgorithm.oid}` };
    }
    if (issuer.publicKey === undefined || !keyFitsScheme(scheme, issuer.publicKey)) {
      return { alert: CertificateAlert.unsupported_certificate, reason: `${role} (${scheme}) cannot be checked with the key of "${issuer.subject.text}"` };
    }
    signatureChecks++;
    if (!provider.verify(scheme, issuer.publicKey, subject.tbs, subject.signature)) {
      return { alert: CertificateAlert.bad_certificate, reason: `${role} does not verify with the key of "${issuer.subject.text}"` };
    }
    return checkIssuer(issuer, trust.isTrusted(issuer), path, request);
  };

  const extend = (): boolean => {
    const subject = path[path.length - 1]!;
    if (trust.isTrusted(subject)) {
      const refusal = trust.refusePath(path);
      if (refusal === undefined) return true;
      note(refusal, path.length);
      return false;
    }
    if (path.length >= PATH_LIMITS.maxPathLength) {
      note({ alert: CertificateAlert.bad_certificate, reason: `no trusted issuer within ${PATH_LIMITS.maxPathLength} certificates` }, path.length);
      return false;
    }
    for (const issuer of candidates(subject.issuer.canonical)) {
      if (!keyIdentifiersAgree(issuer, subject) || path.some((certificate) => sameIdentity(certificate, issuer))) continue;
      if (signatureChecks >= PATH_LIMITS.maxSignatureChecks) {
        note({ alert: CertificateAlert.certificate_unknown, reason: `path building gave up after ${signatureChecks} signature checks` }, Number.POSITIVE_INFINITY);
        return false;
      }
      const failure = checkLink(subject, issuer);
      if (failure !== undefined) {
        note(failure, path.length + 1);
        continue;
      }
      path.push(issuer);
      if (extend()) return true;
      path.pop();
    }
    note({ alert: CertificateAlert.unknown_ca, reason: `no trusted issuer found for "${subject.subject.text}" (issuer "${subject.issuer.text}")` }, path.length);
    return false;
  };

  return extend() ? undefined : deepest.failure;
}

/** The relying party's trust anchors as a {@link TrustPolicy}; `pinned`, when given, must hold for some certificate in the path. */
export function anchorTrust(anchors: readonly Certificate[], pinned?: (certificate: Certificate) => boolean): TrustPolicy {
  const groups = anchorsBySubject(anchors);
  return {
    anchors,
    isTrusted: (certificate) => groups.get(certificate.subject.canonical)?.some((anchor) => sameIdentity(anchor, certificate)) ?? false,
    refusePath: (path) =>
      pinned === undefined || path.some(pinned) ? undefined : { alert: CertificateAlert.certificate_unknown, reason: "no certificate in the path carries a pinned key" },
  };
}

/** Trust in whatever certificate `pinned` accepts, reached from the leaf through valid signatures. */
export function pinTrust(pinned: (certificate: Certificate) => boolean): TrustPolicy {
  return { anchors: [], isTrusted: pinned, refusePath: () => undefined };
}
