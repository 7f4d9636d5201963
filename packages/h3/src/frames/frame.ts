/**
 * RFC 9114 §7.2 (and RFC 9218 §7.2): HTTP/3 frames as plain data, a union on `type`.
 * Numbers are varint values (exact up to 2^53 − 1).
 *
 * @module
 */
import type { Settings } from "./settings.js";

/** RFC 9114 §7.2.1: request or response content. */
export interface DataFrame {
  readonly type: "data";
  readonly data: Uint8Array;
}
/** RFC 9114 §7.2.2: a QPACK-encoded field section. */
export interface HeadersFrame {
  readonly type: "headers";
  readonly fieldSection: Uint8Array;
}
/** RFC 9114 §7.2.3: cancels a server push. */
export interface CancelPushFrame {
  readonly type: "cancel_push";
  readonly pushId: number;
}
/** RFC 9114 §7.2.4: the sender's settings, first on its control stream. */
export interface SettingsFrame {
  readonly type: "settings";
  readonly settings: Settings;
}
/** RFC 9114 §7.2.5: a promised request's field section. */
export interface PushPromiseFrame {
  readonly type: "push_promise";
  readonly pushId: number;
  readonly fieldSection: Uint8Array;
}
/** RFC 9114 §7.2.6: graceful shutdown; a stream ID from a server, a push ID from a client. */
export interface GoawayFrame {
  readonly type: "goaway";
  readonly id: number;
}
/** RFC 9114 §7.2.7: the largest push ID the server may use. */
export interface MaxPushIdFrame {
  readonly type: "max_push_id";
  readonly pushId: number;
}
/**
 * RFC 9218 §7.2: a new priority for a request stream (type 0xF0700) or a push (0xF0701);
 * `priority` is the Priority Field Value text (see `parsePriority`).
 */
export interface PriorityUpdateFrame {
  readonly type: "priority_update";
  readonly element: "request" | "push";
  readonly elementId: number;
  readonly priority: string;
}
/** Any other frame type, e.g. a reserved one sent as GREASE (RFC 9114 §7.2.8). */
export interface UnknownFrame {
  readonly type: "unknown";
  readonly frameType: number;
  readonly payload: Uint8Array;
}

/** Every frame that can be encoded. */
export type Frame =
  | DataFrame
  | HeadersFrame
  | CancelPushFrame
  | SettingsFrame
  | PushPromiseFrame
  | GoawayFrame
  | MaxPushIdFrame
  | PriorityUpdateFrame
  | UnknownFrame;

/** Frames a parser delivers whole: all but DATA (streamed) and unknown types (skipped). */
export type BufferedFrame = Exclude<Frame, DataFrame | UnknownFrame>;
