/**
 * The certificate verifiers the handshake can be given: a chain to trust
 * anchors, SPKI pins, or (for tests only) nothing at all.
 *
 * @module
 */
import type { CryptoProvider } from "@zquic/crypto";
import { toHex } from "@zquic/wire";
import { parseCertificatesPem, type Certificate } from "./certificate.js";
import { X509Error } from "./errors.js";
import { anchorTrust, pinTrust, validateChain } from "./path-validation.js";
import type { CertificateVerifier } from "./verifier.js";

/** Options of {@link chainVerifier}. */
export interface ChainVerifierOptions {
  /** The trust anchors: parsed certificates, or PEM text with `CERTIFICATE` blocks (a CA bundle). */
  readonly trustAnchors: readonly Certificate[] | string;
  /** Checks the signatures and hashes the pins. */
  readonly provider: CryptoProvider;
  /** SHA-256 digests of SubjectPublicKeyInfo DER; when given, some certificate in the validated path must match one. */
  readonly pinnedSpkiSha256?: readonly Uint8Array[];
}

/**
 * A verifier that accepts a chain only when a path leads from the leaf,
 * through the peer's certificates in any order, to one of `trustAnchors`, with
 * every signature, validity period and CA constraint checked and the leaf
 * valid for the purpose and the server name (see `CertificateAlert` for the
 * alert each failure gives). A certificate equal in name and key to an anchor
 * is trusted as it is, so a self-signed certificate can be its own anchor; an
 * anchor that issues certificates must be a CA like any issuer (v1 anchors
 * count as CAs) and its pathLenConstraint applies.
 */
export function chainVerifier(options: ChainVerifierOptions): CertificateVerifier {
  const anchors = typeof options.trustAnchors === "string" ? parseCertificatesPem(options.trustAnchors) : [...options.trustAnchors];
  if (anchors.length === 0) throw new X509Error("chainVerifier needs at least one trust anchor (a CERTIFICATE in PEM, or a parsed Certificate)");
  const pinned = options.pinnedSpkiSha256 === undefined ? undefined : pinMatcher(options.pinnedSpkiSha256, options.provider);
  const trust = anchorTrust(anchors, pinned);
  return { verify: (request) => validateChain(request, trust, options.provider) };
}

/**
 * A verifier that trusts a certificate whose SubjectPublicKeyInfo hashes
 * (SHA-256) to one of `spkiSha256`: the leaf itself, or a certificate the leaf
 * chains to through valid signatures in the peer's chain (as HPKP pins did).
 * Validity periods, CA constraints, purpose and server name are checked as in
 * {@link chainVerifier}; when nothing pinned is reached the alert is unknown_ca.
 */
export function pinnedVerifier(spkiSha256: readonly Uint8Array[], provider: CryptoProvider): CertificateVerifier {
  const trust = pinTrust(pinMatcher(spkiSha256, provider));
  return { verify: (request) => validateChain(request, trust, provider) };
}

/** The SHA-256 digest of `certificate`'s SubjectPublicKeyInfo: the value pins hold (RFC 7469 §2.4). */
export function spkiSha256(certificate: Certificate, provider: CryptoProvider): Uint8Array {
  return provider.hash("sha256", certificate.spkiDer);
}

function pinMatcher(pins: readonly Uint8Array[], provider: CryptoProvider): (certificate: Certificate) => boolean {
  if (pins.length === 0) throw new X509Error("no SPKI pins given; pass SHA-256 digests of SubjectPublicKeyInfo (see spkiSha256)");
  for (const pin of pins) if (pin.length !== 32) throw new X509Error(`an SPKI pin is ${pin.length} bytes; SHA-256 pins are 32`);
  const set = new Set(pins.map(toHex));
  return (certificate) => set.has(toHex(spkiSha256(certificate, provider)));
}

/** A verifier that accepts every chain without looking at it. Only for tests and local experiments. */
export function insecureVerifier(): CertificateVerifier {
  return { verify: () => ({ ok: true }) };
}
