/**
 * RFC 9114 §7.2 and §11.2.1: HTTP/3 frame types, and where each may appear.
 *
 * @module
 */

/** Frame type codes (RFC 9114 §7.2; PRIORITY_UPDATE from RFC 9218 §7.2). */
export const FrameType = {
  DATA: 0x00,
  HEADERS: 0x01,
  CANCEL_PUSH: 0x03,
  SETTINGS: 0x04,
  PUSH_PROMISE: 0x05,
  GOAWAY: 0x07,
  MAX_PUSH_ID: 0x0d,
  PRIORITY_UPDATE_REQUEST: 0xf0700,
  PRIORITY_UPDATE_PUSH: 0xf0701,
} as const;

/**
 * RFC 9114 §7.2.8, §11.2.1: HTTP/2 frame types with no HTTP/3 counterpart (PRIORITY,
 * PING, WINDOW_UPDATE, CONTINUATION). Receipt is H3_FRAME_UNEXPECTED.
 */
export const HTTP2_ONLY_FRAME_TYPES: ReadonlySet<number> = new Set([0x02, 0x06, 0x08, 0x09]);

/** The kinds of stream that carry frames (RFC 9114 §6). */
export type FrameStream = "control" | "request" | "push";

/**
 * How a frame's payload is read: streamed out (DATA), a single varint (so at most 8
 * octets), or buffered whole up to a configured limit.
 */
export type FramePayload = "stream" | "varint" | "buffer";

/** What RFC 9114 Table 1 (and RFC 9218 §7.2) say about a known frame type. */
export interface FrameRule {
  readonly streams: readonly FrameStream[];
  readonly payload: FramePayload;
}

/** RFC 9114 §7, Table 1: the streams each known frame may appear on, and its payload. */
export const FRAME_RULES: ReadonlyMap<number, FrameRule> = new Map<number, FrameRule>([
  [FrameType.DATA, { streams: ["request", "push"], payload: "stream" }],
  [FrameType.HEADERS, { streams: ["request", "push"], payload: "buffer" }],
  [FrameType.CANCEL_PUSH, { streams: ["control"], payload: "varint" }],
  [FrameType.SETTINGS, { streams: ["control"], payload: "buffer" }],
  [FrameType.PUSH_PROMISE, { streams: ["request"], payload: "buffer" }],
  [FrameType.GOAWAY, { streams: ["control"], payload: "varint" }],
  [FrameType.MAX_PUSH_ID, { streams: ["control"], payload: "varint" }],
  [FrameType.PRIORITY_UPDATE_REQUEST, { streams: ["control"], payload: "buffer" }],
  [FrameType.PRIORITY_UPDATE_PUSH, { streams: ["control"], payload: "buffer" }],
]);
