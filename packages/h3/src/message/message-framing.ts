/**
 * RFC 9114 §4.1: the frame sequence of one incoming HTTP message — a header section
 * (after any interim 1xx responses), content in DATA frames, an optional trailer section —
 * and the checks on it: the frame order (§4.1, §4.4), the control data (§4.3) and the
 * Content-Length against the DATA received (§4.1.2).
 *
 * @module
 */
import { H3Error, H3ErrorCode, H3StreamError } from "../errors.js";
import type { Field } from "../qpack/field.js";
import { checkRequest, checkResponse, checkTrailers, type RequestHead, type RequestRules, type ResponseHead } from "./control-data.js";
import { malformed } from "./http-fields.js";

/** What a HEADERS frame turned out to be, in its message. */
export type HeaderSection =
  | { readonly kind: "request"; readonly head: RequestHead }
  | { readonly kind: "informational"; readonly head: ResponseHead }
  | { readonly kind: "response"; readonly head: ResponseHead }
  | { readonly kind: "trailers" };

/**
 * The message a stream carries to this endpoint: a request (on a server's request stream),
 * or the response to a request with method `requestMethod` (on a client's request stream,
 * or a push stream).
 */
export type ExpectedMessage =
  | { readonly kind: "request"; readonly rules: RequestRules }
  | { readonly kind: "response"; readonly requestMethod: string };

/**
 * Where the message is: awaiting its header section, in its content, a CONNECT tunnel
 * (§4.4: DATA only), or past its trailers.
 */
type Phase = "header" | "content" | "tunnel" | "trailers";

/** RFC 9110 §6.4.1: responses that never have content, whatever Content-Length says. */
function hasNoContent(requestMethod: string, status: number): boolean {
  return requestMethod === "HEAD" || status === 204 || status === 304;
}

/** One incoming HTTP message, checked frame by frame. */
export class InboundMessage {
  private phase: Phase = "header";
  private contentLength: number | undefined;
  private contentAllowed = true;
  private received = 0;

  constructor(private readonly expected: ExpectedMessage) {}

  /** True once the request, or the final response, header section has arrived. */
  get started(): boolean {
    return this.phase !== "header";
  }

  /** A HEADERS frame is next. Throws an H3_FRAME_UNEXPECTED {@link H3Error} where none may be. */
  headersFrame(): void {
    if (this.phase === "trailers" || this.phase === "tunnel") throw unexpected(`HEADERS frame ${this.phase === "tunnel" ? "on a CONNECT stream" : "after the trailer section"}`);
  }

  /** A PUSH_PROMISE frame is next: §4.1 allows it anywhere in a response, §4.4 nowhere in a tunnel. */
  pushPromiseFrame(): void {
    if (this.phase === "tunnel") throw unexpected("PUSH_PROMISE frame on a CONNECT stream");
  }

  /**
   * The decoded field section of the HEADERS frame. Throws an H3_MESSAGE_ERROR
   * {@link H3StreamError} when it is malformed.
   */
  headers(fields: readonly Field[]): HeaderSection {
    if (this.phase === "content") {
      checkTrailers(fields);
      this.phase = "trailers";
      return { kind: "trailers" };
    }
    if (this.expected.kind === "request") {
      const head = checkRequest(fields, this.expected.rules);
      this.begin(head.method === "CONNECT", head.contentLength, true);
      return { kind: "request", head };
    }
    const head = checkResponse(fields);
    if (head.status < 200) return { kind: "informational", head };
    const { requestMethod } = this.expected;
    this.begin(requestMethod === "CONNECT" && head.status < 300, head.contentLength, !hasNoContent(requestMethod, head.status));
    return { kind: "response", head };
  }

  private begin(tunnel: boolean, contentLength: number | undefined, contentAllowed: boolean): void {
    this.phase = tunnel ? "tunnel" : "content";
    this.contentLength = contentLength;
    this.contentAllowed = contentAllowed;
  }

  /**
   * A DATA frame of `length` octets is next. Throws an H3_FRAME_UNEXPECTED {@link H3Error}
   * before the header section or after the trailers (§4.1), and an H3_MESSAGE_ERROR
   * {@link H3StreamError} for content beyond Content-Length or where none may be.
   */
  dataFrame(length: number): void {
    if (this.phase === "header") throw unexpected("DATA frame before the HEADERS frame");
    if (this.phase === "trailers") throw unexpected("DATA frame after the trailer section");
    if (this.phase === "tunnel") return;
    this.received += length;
    if (!this.contentAllowed && length > 0) throw malformed("content in a response that never has any");
    if (this.contentLength !== undefined && this.received > this.contentLength) {
      throw malformed(`more content than the content-length of ${this.contentLength}`);
    }
  }

  /**
   * The stream ended cleanly. Throws an {@link H3StreamError}: H3_REQUEST_INCOMPLETE for a
   * request without its header section (§4.1), H3_MESSAGE_ERROR for a response without a
   * final one or content shorter than its Content-Length (§4.1.2).
   */
  end(): void {
    if (this.phase === "header") {
      if (this.expected.kind === "request") throw new H3StreamError(H3ErrorCode.H3_REQUEST_INCOMPLETE, "request stream ended before the request header section");
      throw malformed("stream ended before a final response");
    }
    const counted = this.phase !== "tunnel" && this.contentAllowed;
    if (counted && this.contentLength !== undefined && this.received !== this.contentLength) {
      throw malformed(`${this.received} octets of content, not the content-length of ${this.contentLength}`);
    }
  }
}

function unexpected(what: string): H3Error {
  return new H3Error(H3ErrorCode.H3_FRAME_UNEXPECTED, what);
}
