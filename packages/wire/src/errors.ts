/**
 * Error types shared by every zquic package.
 *
 * @module
 */

/** RFC 9000 §20.1: transport error codes carried in CONNECTION_CLOSE (type 0x1c). */
export const TransportError = {
  NO_ERROR: 0x00,
  INTERNAL_ERROR: 0x01,
  CONNECTION_REFUSED: 0x02,
  FLOW_CONTROL_ERROR: 0x03,
  STREAM_LIMIT_ERROR: 0x04,
  STREAM_STATE_ERROR: 0x05,
  FINAL_SIZE_ERROR: 0x06,
  FRAME_ENCODING_ERROR: 0x07,
  TRANSPORT_PARAMETER_ERROR: 0x08,
  CONNECTION_ID_LIMIT_ERROR: 0x09,
  PROTOCOL_VIOLATION: 0x0a,
  INVALID_TOKEN: 0x0b,
  APPLICATION_ERROR: 0x0c,
  CRYPTO_BUFFER_EXCEEDED: 0x0d,
  KEY_UPDATE_ERROR: 0x0e,
  AEAD_LIMIT_REACHED: 0x0f,
  NO_VIABLE_PATH: 0x10,
  /** RFC 9368 §4: version negotiation failed. */
  VERSION_NEGOTIATION_ERROR: 0x11,
} as const;

/** A name from {@link TransportError}. */
export type TransportErrorName = keyof typeof TransportError;

/** RFC 9000 §20.1: CRYPTO_ERROR is the range 0x0100–0x01ff; RFC 9001 §4.8 puts the TLS alert in the low byte. */
export const CRYPTO_ERROR_BASE = 0x100;

/** The transport error code that carries TLS alert `alert` (RFC 9001 §4.8). */
export function cryptoError(alert: number): number {
  return CRYPTO_ERROR_BASE + (alert & 0xff);
}

/** True when `code` lies in the CRYPTO_ERROR range. */
export function isCryptoError(code: number): boolean {
  return code >= CRYPTO_ERROR_BASE && code <= CRYPTO_ERROR_BASE + 0xff;
}

const transportErrorNames = new Map<number, string>(
  Object.entries(TransportError).map(([name, code]) => [code, name]),
);

/** A readable name for a transport error code, e.g. `FLOW_CONTROL_ERROR` or `CRYPTO_ERROR(0x28)`. */
export function transportErrorName(code: number): string {
  if (isCryptoError(code)) return `CRYPTO_ERROR(0x${(code - CRYPTO_ERROR_BASE).toString(16).padStart(2, "0")})`;
  return transportErrorNames.get(code) ?? `0x${code.toString(16)}`;
}

/**
 * The base of every error zquic throws on purpose. `code` is a stable,
 * machine-readable string; the message says what happened and what to do.
 */
export class ZquicError extends Error {
  override name = "ZquicError";
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Bytes from the network that do not decode. `transportCode` is the RFC error
 * code the condition maps to (FRAME_ENCODING_ERROR unless the context says otherwise);
 * `frameType`, when known, is the type of the frame that failed, for the Frame Type
 * field of CONNECTION_CLOSE (RFC 9000 §19.19).
 */
export class WireError extends ZquicError {
  override name = "WireError";
  constructor(
    message: string,
    readonly transportCode: number = TransportError.FRAME_ENCODING_ERROR,
    readonly frameType?: number,
  ) {
    super("WIRE", message);
  }
}
