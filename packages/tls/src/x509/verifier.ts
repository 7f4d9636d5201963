/**
 * The contract between the TLS handshake and certificate checking: the
 * handshake hands over the peer's chain as sent and gets back either success
 * or the RFC 8446 §6.2 alert to close the connection with.
 *
 * @module
 */
import type { Certificate } from "./certificate.js";

/**
 * RFC 8446 §6.2 alerts a certificate check ends in, and when this package uses each:
 *
 * | alert | value | when |
 * | --- | --- | --- |
 * | `bad_certificate` | 42 | a signature in the path does not verify; an issuer is not a CA (basicConstraints), may not sign certificates (keyUsage) or its pathLenConstraint is exceeded; the name does not match; the chain is too long |
 * | `unsupported_certificate` | 43 | a key or signature algorithm is not supported; an unknown critical extension; extendedKeyUsage or keyUsage does not allow the purpose |
 * | `certificate_expired` | 45 | a certificate in the path is expired or not yet valid ("has expired or is not currently valid") |
 * | `certificate_unknown` | 46 | no validated path carries a pinned key (`chainVerifier` with pins); path building ran out of its work budget |
 * | `unknown_ca` | 48 | no path leads to a trust anchor (for `pinnedVerifier`: to a pinned key) |
 * | `decode_error` | 50 | a certificate does not decode (DER); a server sent no certificate (RFC 8446 §4.4.2.4) |
 * | `certificate_required` | 116 | a client sent no certificate (RFC 8446 §4.4.2.4) |
 */
export const CertificateAlert = {
  bad_certificate: 42,
  unsupported_certificate: 43,
  certificate_expired: 45,
  certificate_unknown: 46,
  unknown_ca: 48,
  decode_error: 50,
  certificate_required: 116,
} as const;

/** What the handshake asks a {@link CertificateVerifier} to check. */
export interface VerifyRequest {
  /** DER certificates as the peer sent them, leaf first. */
  readonly chain: readonly Uint8Array[];
  /**
   * `chain[0]` already decoded (the handshake needs the leaf's key anyway),
   * so a verifier need not parse it again. Verifiers may ignore it.
   */
  readonly leaf?: Certificate;
  /** The DNS name or IP literal the leaf must be valid for; absent means no name check. */
  readonly serverName?: string;
  /** The current time, Unix milliseconds, supplied by the caller. */
  readonly now: number;
  /** `"server"` when checking a server's certificate (serverAuth), `"client"` for a client's (clientAuth). */
  readonly purpose: "server" | "client";
}

/** Success, or the alert that ends the handshake and a reason for logs. */
export type VerifyOutcome = { readonly ok: true } | { readonly ok: false; readonly alert: number; readonly reason: string };

/** Decides whether a peer's certificate chain is acceptable. */
export interface CertificateVerifier {
  verify(request: VerifyRequest): VerifyOutcome | Promise<VerifyOutcome>;
}
