/**
 * RFC 9114 §6.1, §6.2.2: request streams and push streams as an HTTP/3 connection keeps
 * them — the message each direction carries, and how far it got.
 *
 * @module
 */
import type { CapsuleParser } from "../datagram/capsule.js";
import type { FrameParser } from "../frames/frame-parser.js";
import type { InboundMessage } from "../message/message-framing.js";
import type { OutboundMessage } from "../message/outbound-message.js";
import type { SendQueue } from "./send-queue.js";

/** A field section that waits for encoder-stream inserts (RFC 9204 §2.2.1), by the frame that carried it. */
export type BlockedSection = { readonly frame: "headers" } | { readonly frame: "push_promise"; readonly pushId: number };

/** The receiving side of a request or push stream. */
export interface Inbound {
  readonly parser: FrameParser;
  readonly message: InboundMessage;
  blocked: BlockedSection | undefined;
  /** The application paused reading (`pauseReading`). */
  paused: boolean;
  /** The FIN was read: the message ends once the parser is drained. */
  finRead: boolean;
  /** RFC 9297 §3.2: the data stream carries capsules. */
  capsules: CapsuleParser | undefined;
  /** Nothing more is processed: the message ended, or the stream was reset or aborted. */
  done: boolean;
}

/** The sending side of a request or push stream. */
export interface Outbound {
  readonly queue: SendQueue;
  readonly message: OutboundMessage;
  /** `sendData` took less than offered: a `writable` event is owed once the queue drains. */
  wantsWritable: boolean;
  /** Reset by this side, or stopped by the peer. */
  stopped: boolean;
  /** The peer's STOP_SENDING code, held back (server) until the application has seen the request. */
  heldStopSending: number | undefined;
}

/** A request stream, or a push stream. */
export interface MessageStream {
  readonly id: number;
  /** The push this stream fulfils (push streams only). */
  readonly pushId: number | undefined;
  /** The request's method, once known. */
  requestMethod: string | undefined;
  /** RFC 9220: an extended CONNECT request — the one kind that gives HTTP Datagrams meaning here (RFC 9297 §2). */
  extendedConnect: boolean;
  /** RFC 9297 §3.4: the request asked for the Capsule Protocol. */
  capsuleProtocol: boolean;
  readonly inbound: Inbound | undefined;
  readonly outbound: Outbound | undefined;
  /** The transport is done with the stream while HTTP/3 still holds some of what it read (a field section waiting for QPACK inserts). */
  transportClosed: boolean;
}

/** Whether reading the stream's transport data may go on. */
export function readingAllowed(inbound: Inbound): boolean {
  return !inbound.done && !inbound.paused && inbound.blocked === undefined && !inbound.finRead;
}
