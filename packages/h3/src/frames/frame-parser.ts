/**
 * An incremental parser for the frames on one HTTP/3 stream (RFC 9114 §7). Bytes may arrive
 * split anywhere. DATA payloads are passed on in pieces as they arrive, never buffered;
 * other known frames are buffered up to a limit and delivered whole; unknown and reserved
 * types are skipped (§7.2.8, §9).
 *
 * It enforces the per-stream framing rules: Table 1 (which frames each stream may carry),
 * HTTP/2-only types (§7.2.8), SETTINGS first and only once on a control stream (§6.2.1,
 * §7.2.4), exact payload lengths (§7.1, §10.8), and no truncated frame at the end (§7.1).
 * Rules that depend on the endpoint's role or on message state (e.g. a client receiving
 * MAX_PUSH_ID, DATA before HEADERS) belong to the connection.
 *
 * @module
 */
import { ZquicError } from "@zquic/wire";
import { H3Error, H3ErrorCode } from "../errors.js";
import { TlvReader, type ValueHandling } from "../tlv-reader.js";
import type { BufferedFrame } from "./frame.js";
import { decodeFramePayload } from "./frame-codec.js";
import { FRAME_RULES, FrameType, HTTP2_ONLY_FRAME_TYPES, type FrameStream } from "./frame-type.js";

/** How a {@link FrameParser} is configured. */
export interface FrameParserOptions {
  /** The stream the frames arrive on. */
  readonly stream: FrameStream;
  /**
   * The largest payload of a buffered frame (HEADERS, PUSH_PROMISE, SETTINGS,
   * PRIORITY_UPDATE); a larger one is H3_EXCESSIVE_LOAD. Default 64 KiB.
   */
  readonly maxFramePayload?: number;
}

/**
 * What a {@link FrameParser} reports:
 * - `frame`: a whole frame other than DATA;
 * - `data_frame`: a DATA frame's header; its payload follows as `data` events;
 * - `data`: a piece of DATA payload (a view into the pushed bytes);
 * - `unknown_frame`: an unknown or reserved frame, whose payload is skipped.
 */
export type FrameEvent =
  | { readonly kind: "frame"; readonly frame: BufferedFrame }
  | { readonly kind: "data_frame"; readonly length: number }
  | { readonly kind: "data"; readonly chunk: Uint8Array }
  | { readonly kind: "unknown_frame"; readonly frameType: number; readonly length: number };

/** RFC 9000 §16: one varint is at most 8 octets. */
const MAX_VARINT_PAYLOAD = 8;

/** The frame parser of one stream. */
export class FrameParser {
  private readonly stream: FrameStream;
  private readonly maxFramePayload: number;
  private readonly reader = new TlvReader((type, length) => this.handling(type, length));
  private framesSeen = 0;

  constructor(options: FrameParserOptions) {
    this.stream = options.stream;
    this.maxFramePayload = options.maxFramePayload ?? 65536;
    if (!Number.isSafeInteger(this.maxFramePayload) || this.maxFramePayload < 0) {
      throw new ZquicError("INVALID_OPTION", `FrameParser: maxFramePayload must be a non-negative integer (got ${this.maxFramePayload})`);
    }
  }

  /** Queues stream bytes; DATA chunks are views into them, so keep them intact until polled. */
  push(bytes: Uint8Array): void {
    this.reader.push(bytes);
  }

  /**
   * The next event, or `null` when more bytes are needed. Throws an {@link H3Error} with
   * the RFC 9114 error code when the stream breaks a framing rule.
   */
  poll(): FrameEvent | null {
    for (;;) {
      const event = this.reader.poll();
      if (event === null) return null;
      switch (event.kind) {
        case "start":
          if (event.handling === "stream") return { kind: "data_frame", length: event.length };
          if (event.handling === "skip") return { kind: "unknown_frame", frameType: event.type, length: event.length };
          continue;
        case "chunk":
          return { kind: "data", chunk: event.data };
        case "value":
          return { kind: "frame", frame: decodeFramePayload(event.type, event.value) };
      }
    }
  }

  /**
   * The stream ended cleanly (FIN). Throws an H3_FRAME_ERROR {@link H3Error} if it ended
   * inside a frame (RFC 9114 §7.1). Call after polling everything pushed.
   */
  end(): void {
    if (!this.reader.atBoundary) throw new H3Error(H3ErrorCode.H3_FRAME_ERROR, "stream ended inside a frame");
  }

  private handling(type: number, length: number): ValueHandling {
    const first = this.framesSeen++ === 0;
    // RFC 9114 §6.2.1, §7.2.4, §9: SETTINGS first, and only then, on a control stream.
    if (this.stream === "control" && first && type !== FrameType.SETTINGS) {
      throw new H3Error(H3ErrorCode.H3_MISSING_SETTINGS, `control stream starts with frame 0x${type.toString(16)}, not SETTINGS`);
    }
    if (this.stream === "control" && !first && type === FrameType.SETTINGS) {
      throw new H3Error(H3ErrorCode.H3_FRAME_UNEXPECTED, "second SETTINGS frame on the control stream");
    }
    if (HTTP2_ONLY_FRAME_TYPES.has(type)) throw new H3Error(H3ErrorCode.H3_FRAME_UNEXPECTED, `HTTP/2 frame type 0x${type.toString(16)} received`);
    const rule = FRAME_RULES.get(type);
    if (rule === undefined) return "skip";
    if (!rule.streams.includes(this.stream)) {
      throw new H3Error(H3ErrorCode.H3_FRAME_UNEXPECTED, `frame 0x${type.toString(16)} is not allowed on a ${this.stream} stream`);
    }
    switch (rule.payload) {
      case "stream":
        return "stream";
      case "varint":
        if (length > MAX_VARINT_PAYLOAD) throw new H3Error(H3ErrorCode.H3_FRAME_ERROR, `frame 0x${type.toString(16)} of ${length} octets holds one varint`);
        return "buffer";
      case "buffer":
        if (length > this.maxFramePayload) {
          throw new H3Error(H3ErrorCode.H3_EXCESSIVE_LOAD, `frame 0x${type.toString(16)} of ${length} octets exceeds the ${this.maxFramePayload}-octet limit`);
        }
        return "buffer";
    }
  }
}
