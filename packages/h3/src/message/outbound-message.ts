/**
 * RFC 9114 §4.1: the frame sequence of one outgoing HTTP message, kept by its sender — the
 * header section (after any interim 1xx responses), content, an optional trailer section —
 * so that this side never sends what its peer must treat as malformed (§4.1.2, §4.4).
 * Mistakes throw a `ZquicError` naming what to do instead.
 *
 * @module
 */
import { ZquicError } from "@zquic/wire";
import type { RequestHead, ResponseHead } from "./control-data.js";
import { requestFraming, responseFraming, type Framing } from "./message-framing.js";

/** What may be sent next: a header section, content (and trailers), or nothing. */
export type OutboundPhase = "head" | "content" | "ended";

/** One outgoing HTTP message. */
export class OutboundMessage {
  private framing: Framing = "content";
  private contentLength: number | undefined;
  private sent = 0;

  /** A request starts at its header section; so does a response, after the request arrived. */
  constructor(
    private readonly streamId: number,
    private phaseNow: OutboundPhase = "head",
  ) {}

  /** What may be sent next. */
  get phase(): OutboundPhase {
    return this.phaseNow;
  }

  /** The request header section goes out. */
  request(head: RequestHead): void {
    this.begin(requestFraming(head.method), head.contentLength);
  }

  /** A response header section goes out: interim ones keep the phase; the final one starts the content. */
  response(head: ResponseHead, requestMethod: string): void {
    if (this.phaseNow !== "head") throw new ZquicError("RESPONSE_ALREADY_SENT", `stream ${this.streamId} already has its final response; send content or trailers`);
    if (head.status >= 200) this.begin(responseFraming(requestMethod, head.status), head.contentLength);
  }

  private begin(framing: Framing, contentLength: number | undefined): void {
    this.phaseNow = "content";
    this.framing = framing;
    this.contentLength = contentLength;
  }

  /** Throws unless `length` more octets of content may follow now. */
  checkContent(length: number): void {
    this.checkPhase("sendData");
    if (length > 0 && this.framing === "no_content") {
      throw new ZquicError("CONTENT_NOT_ALLOWED", `stream ${this.streamId}: this response never has content (a HEAD request, 204 or 304)`);
    }
    if (this.counted && this.sent + length > this.contentLength!) {
      throw new ZquicError("CONTENT_LENGTH_MISMATCH", `stream ${this.streamId}: ${this.sent + length} octets exceed the content-length of ${this.contentLength}`);
    }
  }

  /** `length` octets of content went out. */
  contentSent(length: number): void {
    this.sent += length;
  }

  /** The trailer section goes out, ending the message. */
  trailers(): void {
    this.checkPhase("sendTrailers");
    if (this.framing === "tunnel") throw new ZquicError("INVALID_STATE", `stream ${this.streamId} is a CONNECT tunnel: only DATA may follow (RFC 9114 §4.4)`);
    this.end();
  }

  /** The message ends (FIN). Throws if the content falls short of its Content-Length. */
  end(): void {
    if (this.counted && this.sent !== this.contentLength) {
      throw new ZquicError("CONTENT_LENGTH_MISMATCH", `stream ${this.streamId}: ${this.sent} octets sent, not the content-length of ${this.contentLength}`);
    }
    this.phaseNow = "ended";
  }

  /** True for a CONNECT tunnel. */
  get tunnel(): boolean {
    return this.framing === "tunnel";
  }

  private get counted(): boolean {
    return this.framing === "content" && this.contentLength !== undefined;
  }

  private checkPhase(method: string): void {
    if (this.phaseNow === "head") throw new ZquicError("HEADERS_FIRST", `${method}: send the header section of stream ${this.streamId} first`);
    if (this.phaseNow === "ended") throw new ZquicError("STREAM_FINISHED", `${method}: stream ${this.streamId} has ended`);
  }
}
