/**
 * HTTP/3 application error codes and the errors this package throws.
 *
 * @module
 */
import { ZquicError } from "@zquic/wire";
import { isReservedCodepoint } from "./reserved.js";

/**
 * The "HTTP/3 Error Codes" registry as far as this package uses it: RFC 9114 §8.1,
 * RFC 9204 §6 (QPACK) and RFC 9297 §5.2 (HTTP Datagrams).
 */
export const H3ErrorCode = {
  H3_NO_ERROR: 0x0100,
  H3_GENERAL_PROTOCOL_ERROR: 0x0101,
  H3_INTERNAL_ERROR: 0x0102,
  H3_STREAM_CREATION_ERROR: 0x0103,
  H3_CLOSED_CRITICAL_STREAM: 0x0104,
  H3_FRAME_UNEXPECTED: 0x0105,
  H3_FRAME_ERROR: 0x0106,
  H3_EXCESSIVE_LOAD: 0x0107,
  H3_ID_ERROR: 0x0108,
  H3_SETTINGS_ERROR: 0x0109,
  H3_MISSING_SETTINGS: 0x010a,
  H3_REQUEST_REJECTED: 0x010b,
  H3_REQUEST_CANCELLED: 0x010c,
  H3_REQUEST_INCOMPLETE: 0x010d,
  H3_MESSAGE_ERROR: 0x010e,
  H3_CONNECT_ERROR: 0x010f,
  H3_VERSION_FALLBACK: 0x0110,
  QPACK_DECOMPRESSION_FAILED: 0x0200,
  QPACK_ENCODER_STREAM_ERROR: 0x0201,
  QPACK_DECODER_STREAM_ERROR: 0x0202,
  H3_DATAGRAM_ERROR: 0x33,
} as const;

/** A name from {@link H3ErrorCode}. */
export type H3ErrorName = keyof typeof H3ErrorCode;

/** A code from {@link H3ErrorCode}. */
export type H3ErrorCodeValue = (typeof H3ErrorCode)[H3ErrorName];

const errorNames = new Map<number, string>(Object.entries(H3ErrorCode).map(([name, code]) => [code, name]));

/**
 * A readable name for an HTTP/3 error code: its registry name, `H3_RESERVED(0x…)` for a
 * GREASE code (RFC 9114 §8.1: 0x1f * N + 0x21), or the hex value.
 */
export function h3ErrorName(code: number): string {
  const name = errorNames.get(code);
  if (name !== undefined) return name;
  const hex = `0x${code.toString(16)}`;
  return isReservedCodepoint(code) ? `H3_RESERVED(${hex})` : hex;
}

/**
 * RFC 9114 §8: a peer violated HTTP/3. `errorCode` is the application error code to close
 * the connection (or reset the stream) with; `code` is its registry name.
 */
export class H3Error extends ZquicError {
  override name = "H3Error";
  constructor(
    readonly errorCode: number,
    message: string,
  ) {
    super(h3ErrorName(errorCode), message);
  }
}

/**
 * RFC 9204 §6: a QPACK failure — QPACK_DECOMPRESSION_FAILED, QPACK_ENCODER_STREAM_ERROR or
 * QPACK_DECODER_STREAM_ERROR. All three are connection errors.
 */
export class QpackError extends H3Error {
  override name = "QpackError";
}

/**
 * RFC 9114 §8: a stream error — the peer broke a rule that concerns one request or push
 * stream only (a malformed message, §4.1.2; an incomplete request, §4.1). The stream is
 * aborted with `errorCode`; the connection carries on.
 */
export class H3StreamError extends H3Error {
  override name = "H3StreamError";
}
