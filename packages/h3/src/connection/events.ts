/**
 * What an `H3Connection` tells its application, drained with `pollEvent()`.
 *
 * @module
 */
import type { CloseReason } from "@zquic/quic";
import type { Capsule } from "../datagram/capsule.js";
import type { Settings } from "../frames/settings.js";
import type { Field } from "../qpack/field.js";

/**
 * An HTTP/3 event, a union on `type`. Field lines are byte strings (see `byte-string.ts`).
 * Stream IDs are QUIC stream IDs: a request stream, or (client) a push stream.
 *
 * Per message, the order is: `request` (server) or any `informational` then `response`
 * (client; on a push stream after `push_stream`), then `data` and/or `capsule`/`datagram`,
 * then `trailers` if any, then `end` — unless the stream ends early with `stream_reset`,
 * `stream_error` or `request_rejected`.
 */
export type H3Event =
  /** The peer's SETTINGS frame arrived (RFC 9114 §7.2.4); they apply from now on. */
  | { readonly type: "settings"; readonly settings: Settings }
  /** Server: a request's header section, checked (RFC 9114 §4.1.2, §4.3.1). */
  | { readonly type: "request"; readonly streamId: number; readonly headers: readonly Field[] }
  /** Client: an interim 1xx response (RFC 9114 §4.1). */
  | { readonly type: "informational"; readonly streamId: number; readonly headers: readonly Field[] }
  /** Client: the final response's header section. */
  | { readonly type: "response"; readonly streamId: number; readonly headers: readonly Field[] }
  /** A piece of content (DATA frame payload): a view, valid until the application drops it. */
  | { readonly type: "data"; readonly streamId: number; readonly data: Uint8Array }
  /** RFC 9297 §3: a capsule of a type other than DATAGRAM, on a stream that uses the Capsule Protocol. */
  | { readonly type: "capsule"; readonly streamId: number; readonly capsule: Capsule }
  /** The trailer section. */
  | { readonly type: "trailers"; readonly streamId: number; readonly headers: readonly Field[] }
  /** The message ended cleanly and complete (FIN). */
  | { readonly type: "end"; readonly streamId: number }
  /** The peer abandoned sending its message (RESET_STREAM with `errorCode`). */
  | { readonly type: "stream_reset"; readonly streamId: number; readonly errorCode: number }
  /** The peer no longer reads what this side sends (STOP_SENDING); the transport reset the sending part. */
  | { readonly type: "stop_sending"; readonly streamId: number; readonly errorCode: number }
  /**
   * This side aborted the stream because the peer's message broke a rule of one stream
   * (e.g. H3_MESSAGE_ERROR, H3_REQUEST_INCOMPLETE, H3_DATAGRAM_ERROR); `errorCode` was sent.
   */
  | { readonly type: "stream_error"; readonly streamId: number; readonly errorCode: number; readonly reason: string }
  /**
   * Client: the server did not process this request (RFC 9114 §4.1.1: reset with
   * H3_REQUEST_REJECTED; §5.2: at or above a GOAWAY's ID). It may be retried elsewhere.
   */
  | { readonly type: "request_rejected"; readonly streamId: number }
  /** `sendData` took less than offered on this stream earlier; more fits now. */
  | { readonly type: "writable"; readonly streamId: number }
  /** The transport allows opening streams of this kind again (a `sendRequest` or `openPushStream` that returned `undefined`). */
  | { readonly type: "streams_available"; readonly bidirectional: boolean }
  /** Client: a server push was promised on request stream `streamId` (RFC 9114 §4.6). */
  | { readonly type: "push_promise"; readonly streamId: number; readonly pushId: number; readonly headers: readonly Field[] }
  /** Client: the push stream for `pushId` opened; its response follows as events on `streamId`. */
  | { readonly type: "push_stream"; readonly streamId: number; readonly pushId: number }
  /** The peer cancelled push `pushId` (CANCEL_PUSH, RFC 9114 §7.2.3). */
  | { readonly type: "push_cancelled"; readonly pushId: number }
  /**
   * The peer is shutting down (RFC 9114 §5.2): from a server, requests on streams at or
   * above `id` are not processed and new ones may not be sent; from a client, pushes at or
   * above push ID `id` are refused.
   */
  | { readonly type: "goaway"; readonly id: number }
  /** RFC 9297: an HTTP Datagram for an extended CONNECT stream (QUIC DATAGRAM or DATAGRAM capsule). */
  | { readonly type: "datagram"; readonly streamId: number; readonly data: Uint8Array }
  /** This side closed the connection with `errorCode` because the peer broke an HTTP/3 rule. */
  | { readonly type: "connection_error"; readonly errorCode: number; readonly reason: string }
  /** The transport connection is over. The last event. */
  | { readonly type: "closed"; readonly reason: CloseReason };
