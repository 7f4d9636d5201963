/**
 * Reading one DoQ message from a stream (RFC 9250 §4.2): the message, its
 * length field and the FIN that must follow it.
 *
 * @module
 */
import type { Connection } from "@zquic/quic";
import { ZquicError } from "@zquic/wire";
import type { MessageAssembler } from "./message-framing.js";

/** What a stream has delivered so far. */
export type StreamReadOutcome =
  /** More data (or the FIN) is still to come. */
  | { readonly kind: "pending" }
  /** The whole message, followed by the FIN. */
  | { readonly kind: "message"; readonly message: Uint8Array }
  /** RFC 9250 §4.3.3: the stream broke the framing. */
  | { readonly kind: "protocol_error"; readonly reason: string }
  /** The peer reset the stream; its `stream_reset` event tells the rest. */
  | { readonly kind: "reset" };

const PENDING: StreamReadOutcome = { kind: "pending" };
const RESET: StreamReadOutcome = { kind: "reset" };

/**
 * Moves what `streamId` holds into `assembler`, never more than one octet
 * past the message (so a peer cannot make it buffer more than the message).
 */
export function readStreamMessage(connection: Connection, streamId: number, assembler: MessageAssembler): StreamReadOutcome {
  for (;;) {
    let chunk;
    try {
      chunk = connection.streamRead(streamId, Math.max(1, assembler.room));
    } catch (error) {
      if (error instanceof ZquicError) return RESET;
      throw error;
    }
    if (chunk === undefined) return PENDING;
    // RFC 9250 §4.3.3: one message per stream.
    if (!assembler.push(chunk.data)) return { kind: "protocol_error", reason: `stream ${streamId} carries data after its message` };
    if (!chunk.fin) continue;
    // RFC 9250 §4.3.3: a FIN before all the octets the length field announced.
    if (!assembler.complete) return { kind: "protocol_error", reason: `stream ${streamId} ended ${assembler.room} octets short of its message` };
    return { kind: "message", message: assembler.message() };
  }
}
