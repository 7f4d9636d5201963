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

/** Where an incoming message is: awaiting its header section, in its content, or past its trailers. */
type Phase = "header" | "content" | "trailers";

/**
 * How a message's content is framed once its header section is out: counted against its
 * Content-Length; absent, whatever Content-Length says (RFC 9110 §6.4.1: a response to
 * HEAD, a 204 or a 304); or a CONNECT tunnel (RFC 9114 §4.4: DATA frames only, no trailers).
 */
export type Framing = "content" | "no_content" | "tunnel";

/** The framing of a request's content: a CONNECT request opens a tunnel. */
export function requestFraming(method: string): Framing {
  return method === "CONNECT" ? "tunnel" : "content";
}

/** The framing of a final response's content, given the request's method. */
export function responseFraming(requestMethod: string, status: number): Framing {
  if (requestMethod === "CONNECT" && status < 300) return "tunnel";
  return requestMethod === "HEAD" || status === 204 || status === 304 ? "no_content" : "content";
}

/** One incoming HTTP message, checked frame by frame. */
export class InboundMessage {
  private phase: Phase = "header";
  private framing: Framing = "content";
  private contentLength: number | undefined;
  private received = 0;

  constructor(private readonly expected: ExpectedMessage) {}

  /** True once the request, or the final response, header section has arrived. */
  get started(): boolean {
    return this.phase !== "header";
  }

  /** A HEADERS frame is next. Throws an H3_FRAME_UNEXPECTED {@link H3Error} where none may be. */
  headersFrame(): void {
    if (this.phase === "trailers") throw unexpected("HEADERS frame after the trailer section");
    if (this.phase === "content" && this.framing === "tunnel") throw unexpected("HEADERS frame on a CONNECT stream");
  }

  /** A PUSH_PROMISE frame is next: §4.1 allows it anywhere in a response, §4.4 nowhere in a tunnel. */
  pushPromiseFrame(): void {
    if (this.framing === "tunnel") throw unexpected("PUSH_PROMISE frame on a CONNECT stream");
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
      this.begin(requestFraming(head.method), head.contentLength);
      return { kind: "request", head };
    }
    const head = checkResponse(fields);
    if (head.status < 200) return { kind: "informational", head };
    this.begin(responseFraming(this.expected.requestMethod, head.status), head.contentLength);
    return { kind: "response", head };
  }

  private begin(framing: Framing, contentLength: number | undefined): void {
    this.phase = "content";
    this.framing = framing;
    this.contentLength = contentLength;
  }

  /**
   * A DATA frame of `length` octets is next. Throws an H3_FRAME_UNEXPECTED {@link H3Error}
   * before the header section or after the trailers (§4.1), and an H3_MESSAGE_ERROR
   * {@link H3StreamError} for content beyond Content-Length or where none may be.
   */
  dataFrame(length: number): void {
    if (this.phase === "header") throw unexpected("DATA frame before the HEADERS frame");
    if (this.phase === "trailers") throw unexpected("DATA frame after the trailer section");
    if (this.framing === "tunnel") return;
    this.received += length;
    if (this.framing === "no_content" && length > 0) throw malformed("content in a response that never has any");
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
    if (this.framing === "content" && this.contentLength !== undefined && this.received !== this.contentLength) {
      throw malformed(`${this.received} octets of content, not the content-length of ${this.contentLength}`);
    }
  }
}

function unexpected(what: string): H3Error {
  return new H3Error(H3ErrorCode.H3_FRAME_UNEXPECTED, what);
}
