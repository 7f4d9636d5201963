/**
 * What a DoQ query rejects with besides a connection's end
 * (`QuicConnectionError`) or an abort (the signal's reason).
 *
 * @module
 */
import { doqErrorName, interpretDoqError } from "@zquic/doq";
import { ZquicError } from "@zquic/wire";

/** No response came within the query's time limit; the query was cancelled (RFC 9250 §4.3.1). */
export class DnsTimeoutError extends ZquicError {
  override name = "DnsTimeoutError";
  constructor(
    /** The time limit that passed, in ms. */
    readonly timeoutMs: number,
    server: string,
  ) {
    super("DNS_TIMEOUT", `no response from ${server} within ${timeoutMs} ms`);
  }
}

/**
 * The server abandoned the query with RESET_STREAM (RFC 9250 §4.3.2), e.g.
 * DOQ_EXCESSIVE_LOAD when the client is over its limits.
 */
export class DoqQueryError extends ZquicError {
  override name = "DoqQueryError";
  /** The DoQ error code as acted on: unknown codes read as DOQ_UNSPECIFIED_ERROR (RFC 9250 §4.3.4). */
  readonly doqErrorCode: number;

  constructor(
    /** The code the server sent. */
    readonly streamErrorCode: number,
  ) {
    super("DOQ_QUERY_RESET", `the server abandoned the query with ${doqErrorName(streamErrorCode)}`);
    this.doqErrorCode = interpretDoqError(streamErrorCode);
  }
}

/** The response is no answer to the question asked (RFC 5452 §4.1 asks clients to check). */
export class DnsResponseMismatchError extends ZquicError {
  override name = "DnsResponseMismatchError";
  constructor(detail: string) {
    super("DNS_RESPONSE_MISMATCH", `the response does not answer the query: ${detail}`);
  }
}
