/**
 * What HTTP/3 requests and responses fail with: the connection ended (with an
 * HTTP/3 error code, RFC 9114 §8.1), or one request stream did.
 *
 * @module
 */
import { h3ErrorName } from "@zquic/h3";
import type { CloseReason } from "@zquic/quic";
import { ZquicError } from "@zquic/wire";
import { QuicConnectionError } from "../errors.js";

/**
 * The HTTP/3 connection ended: requests on it fail with this. Application
 * close codes are HTTP/3 error codes, named in the message (e.g.
 * H3_GENERAL_PROTOCOL_ERROR); `closeCode` holds the number.
 */
export class Http3ConnectionError extends QuicConnectionError {
  override name = "Http3ConnectionError";

  constructor(close: CloseReason) {
    super(close, h3ErrorName);
  }
}

/**
 * How a request stream ended early:
 * - `reset`: the peer abandoned sending its message (RESET_STREAM);
 * - `stopped`: the peer no longer reads what this side sends (STOP_SENDING);
 * - `malformed`: the peer's message broke HTTP/3's rules, so this side aborted the stream;
 * - `rejected`: the server did not process the request (RFC 9114 §4.1.1 H3_REQUEST_REJECTED,
 *   or above its GOAWAY, §5.2), so it may be retried.
 */
export type Http3StreamErrorKind = "reset" | "stopped" | "malformed" | "rejected";

const codes: Record<Http3StreamErrorKind, string> = {
  reset: "H3_STREAM_RESET",
  stopped: "H3_STREAM_STOPPED",
  malformed: "H3_MALFORMED_MESSAGE",
  rejected: "H3_REQUEST_REJECTED",
};

/** One request stream failed; the connection carries on. `errorCode` is the HTTP/3 error code on the wire. */
export class Http3StreamError extends ZquicError {
  override name = "Http3StreamError";

  constructor(
    readonly kind: Http3StreamErrorKind,
    readonly streamId: number,
    readonly errorCode: number,
    detail = "",
  ) {
    super(codes[kind], describe(kind, streamId, errorCode, detail));
  }
}

function describe(kind: Http3StreamErrorKind, streamId: number, errorCode: number, detail: string): string {
  const name = h3ErrorName(errorCode);
  switch (kind) {
    case "reset":
      return `the peer reset request stream ${streamId} (${name}); the rest of its message is lost`;
    case "stopped":
      return `the peer stopped reading request stream ${streamId} (${name}); what was not sent is dropped`;
    case "malformed":
      return `the peer's message on stream ${streamId} is malformed, so the stream was aborted (${name}): ${detail}`;
    case "rejected":
      return `the server did not process the request on stream ${streamId} (${name}); it is safe to retry`;
  }
}
