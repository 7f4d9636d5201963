/**
 * TLS alerts (RFC 8446 §6) and the one error type every decoder and handshake
 * state in this package throws for bad peer input.
 *
 * @module
 */
import { CRYPTO_ERROR_BASE, WireError, cryptoError, isCryptoError } from "@zquic/wire";

/** RFC 8446 §6.2: AlertDescription values. */
export const AlertDescription = {
  close_notify: 0,
  unexpected_message: 10,
  bad_record_mac: 20,
  record_overflow: 22,
  handshake_failure: 40,
  bad_certificate: 42,
  unsupported_certificate: 43,
  certificate_revoked: 44,
  certificate_expired: 45,
  certificate_unknown: 46,
  illegal_parameter: 47,
  unknown_ca: 48,
  access_denied: 49,
  decode_error: 50,
  decrypt_error: 51,
  protocol_version: 70,
  insufficient_security: 71,
  internal_error: 80,
  inappropriate_fallback: 86,
  user_canceled: 90,
  missing_extension: 109,
  unsupported_extension: 110,
  unrecognized_name: 112,
  bad_certificate_status_response: 113,
  unknown_psk_identity: 115,
  certificate_required: 116,
  no_application_protocol: 120,
} as const;

/** A name from {@link AlertDescription}. */
export type AlertName = keyof typeof AlertDescription;

const alertNames = new Map<number, string>(Object.entries(AlertDescription).map(([name, code]) => [code, name]));

/** A readable name for an alert code, e.g. `decode_error`, or its number when unknown. */
export function alertName(alert: number): string {
  return alertNames.get(alert) ?? `alert(${alert})`;
}

/**
 * A fatal TLS alert raised by bad peer input. It is a {@link WireError} whose
 * `transportCode` is what QUIC closes the connection with: CRYPTO_ERROR + alert
 * (RFC 9001 §4.8), or a QUIC transport error where RFC 9001 names one instead
 * (e.g. PROTOCOL_VIOLATION for a post-handshake CertificateRequest, §4.4).
 */
export class TlsAlert extends WireError {
  override name = "TlsAlert";
  constructor(
    readonly alert: number,
    message: string,
    transportCode: number = cryptoError(alert),
  ) {
    super(`${alertName(alert)}: ${message}`, transportCode);
  }
}

/** Shorthand for the alerts thrown most: `throw alert("illegal_parameter", "…")`. */
export function alert(name: AlertName, message: string, transportCode?: number): TlsAlert {
  return new TlsAlert(AlertDescription[name], message, transportCode);
}

/**
 * The alert an error stands for: a {@link TlsAlert}'s own; decode_error for a
 * truncated read (RFC 8446 §6: a message that cannot be parsed); internal_error
 * for anything else (a bug or a provider failure, never the peer's fault).
 */
export function toTlsAlert(error: unknown): TlsAlert {
  if (error instanceof TlsAlert) return error;
  if (error instanceof WireError) {
    const code = isCryptoError(error.transportCode) ? error.transportCode - CRYPTO_ERROR_BASE : AlertDescription.decode_error;
    return new TlsAlert(code, error.message);
  }
  const message = error instanceof Error ? error.message : String(error);
  return new TlsAlert(AlertDescription.internal_error, message);
}
