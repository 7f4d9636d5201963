/**
 * RFC 9250 §4.3: the DoQ error codes, carried in RESET_STREAM, STOP_SENDING
 * and application CONNECTION_CLOSE frames.
 *
 * @module
 */

/** No error: the connection or stream closes with nothing to signal. */
export const DOQ_NO_ERROR = 0x0;
/** The implementation cannot pursue the transaction or the connection. */
export const DOQ_INTERNAL_ERROR = 0x1;
/** The peer broke the protocol; the connection is aborted (RFC 9250 §4.3.3). */
export const DOQ_PROTOCOL_ERROR = 0x2;
/** A client cancels an outstanding transaction (RFC 9250 §4.3.1). */
export const DOQ_REQUEST_CANCELLED = 0x3;
/** Refused because of excessive load. */
export const DOQ_EXCESSIVE_LOAD = 0x4;
/** No more specific code applies. */
export const DOQ_UNSPECIFIED_ERROR = 0x5;
/** RFC 9250 §4.3.4: an alternative code for testing the extension mechanism. */
export const DOQ_ERROR_RESERVED = 0xd098ea5e;

const NAMES: ReadonlyMap<number, string> = new Map([
  [DOQ_NO_ERROR, "DOQ_NO_ERROR"],
  [DOQ_INTERNAL_ERROR, "DOQ_INTERNAL_ERROR"],
  [DOQ_PROTOCOL_ERROR, "DOQ_PROTOCOL_ERROR"],
  [DOQ_REQUEST_CANCELLED, "DOQ_REQUEST_CANCELLED"],
  [DOQ_EXCESSIVE_LOAD, "DOQ_EXCESSIVE_LOAD"],
  [DOQ_UNSPECIFIED_ERROR, "DOQ_UNSPECIFIED_ERROR"],
  [DOQ_ERROR_RESERVED, "DOQ_ERROR_RESERVED"],
]);

/** The registered name of a DoQ error code, or `0x…` for an unknown one. */
export function doqErrorName(code: number): string {
  return NAMES.get(code) ?? `0x${code.toString(16)}`;
}

/**
 * RFC 9250 §4.3.4: the code a receiver acts on. An unknown code counts as
 * DOQ_UNSPECIFIED_ERROR.
 */
export function interpretDoqError(code: number): number {
  return NAMES.has(code) ? code : DOQ_UNSPECIFIED_ERROR;
}
