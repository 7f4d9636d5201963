/**
 * QUIC streams as WHATWG streams. Backpressure is the transport's: a
 * `write()` settles when the send buffer took the chunk, and the readable
 * pulls from the receive buffer only while its consumer keeps up, so an idle
 * reader holds back the peer through flow control (RFC 9000 §4).
 *
 * @module
 */
import { ZquicError } from "@zquic/wire";
import { errorCodeOf } from "./errors.js";
import type { LiveConnection } from "./live-connection.js";

/** Bytes a readable queues ahead of its reader before it stops pulling. */
const READ_AHEAD_BYTES = 256 * 1024;

/** A bidirectional stream, shaped like WebTransport's. */
export interface QuicBidirectionalStream {
  /** The QUIC stream ID (RFC 9000 §2.1). */
  readonly id: number;
  readonly readable: ReadableStream<Uint8Array>;
  readonly writable: WritableStream<Uint8Array>;
}

const readAhead = { highWaterMark: READ_AHEAD_BYTES, size: (chunk: Uint8Array) => chunk.byteLength };

/**
 * The receiving part of `streamId`. `cancel(reason)` sends STOP_SENDING with
 * `reason.streamErrorCode` (0 without one); a peer reset errors the stream
 * with a `QuicStreamError`.
 */
export function receiveStream(live: LiveConnection, streamId: number): ReadableStream<Uint8Array> {
  let ended = false;
  /** Moves what is readable now into the queue; true when it made progress. */
  const drain = (controller: ReadableStreamDefaultController<Uint8Array>): boolean => {
    let progressed = false;
    while ((controller.desiredSize ?? 0) > 0) {
      const result = live.tryRead(streamId);
      if (result === undefined) return progressed;
      progressed = true;
      if (result.data.length > 0) controller.enqueue(result.data);
      if (result.fin) {
        ended = true;
        controller.close();
        return true;
      }
    }
    return progressed;
  };
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        while (!drain(controller)) await live.readable(streamId);
      },
      cancel(reason) {
        if (!ended) live.stopSending(streamId, errorCodeOf(reason));
      },
    },
    readAhead,
  );
}

/**
 * The sending part of `streamId`. `close()` sends FIN; `abort(reason)` sends
 * RESET_STREAM with `reason.streamErrorCode` (0 without one); the peer's
 * STOP_SENDING errors the stream with a `QuicStreamError`.
 */
export function sendStream(live: LiveConnection, streamId: number): WritableStream<Uint8Array> {
  return new WritableStream<Uint8Array>({
    start(controller) {
      live.onStopSending(streamId, (error) => controller.error(error));
    },
    write(chunk) {
      if (!(chunk instanceof Uint8Array)) throw new ZquicError("STREAM_CHUNK", "QUIC streams carry bytes: write Uint8Array chunks (encode text with TextEncoder)");
      return live.write(streamId, chunk);
    },
    close() {
      live.finish(streamId);
    },
    abort(reason) {
      live.reset(streamId, errorCodeOf(reason));
    },
  });
}

/** Both parts of `streamId` as a WebTransport-shaped pair. */
export function bidirectionalStream(live: LiveConnection, streamId: number): QuicBidirectionalStream {
  return { id: streamId, readable: receiveStream(live, streamId), writable: sendStream(live, streamId) };
}
