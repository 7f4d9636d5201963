/**
 * RFC 9000 §19 and RFC 9221 §4: writing frames, and their exact sizes for
 * packet assembly. Frames that are invalid to send throw {@link ZquicError}.
 *
 * @module
 */
import { ZquicError } from "../errors.js";
import { MAX_CONNECTION_ID_LENGTH, MAX_STREAM_COUNT, PATH_DATA_LENGTH, STATELESS_RESET_TOKEN_LENGTH } from "../limits.js";
import { varintSize } from "../varint.js";
import type { Writer } from "../writer.js";
import { ackBodySize, writeAckBody } from "./ack.js";
import { frameTypeOf } from "./rules.js";
import { FrameType, StreamFrameBits, type Frame, type FrameKind } from "./types.js";

/** How one kind of frame is written after its type byte, and how many bytes that takes. */
interface FrameBodyCodec<F extends Frame> {
  write(writer: Writer, frame: F): void;
  size(frame: F): number;
}

/** Every frame type value this package writes fits one byte (RFC 9000 §12.4: shortest encoding). */
const TYPE_SIZE = 1;

function invalid(message: string): never {
  throw new ZquicError("FRAME_INVALID", message);
}

/** RFC 9000 §19.8: a STREAM frame header, always with a Length field and with an Offset field only when `offset` > 0. */
export function writeStreamFrameHeader(writer: Writer, streamId: number, offset: number, length: number, fin: boolean): void {
  const type = FrameType.STREAM | (offset > 0 ? StreamFrameBits.OFF : 0) | StreamFrameBits.LEN | (fin ? StreamFrameBits.FIN : 0);
  writer.u8(type).varint(streamId);
  if (offset > 0) writer.varint(offset);
  writer.varint(length);
}

/** The size of the header {@link writeStreamFrameHeader} writes. */
export function streamFrameHeaderSize(streamId: number, offset: number, length: number): number {
  return TYPE_SIZE + varintSize(streamId) + (offset > 0 ? varintSize(offset) : 0) + varintSize(length);
}

/** RFC 9000 §19.6: a CRYPTO frame header; `length` data bytes follow. */
export function writeCryptoFrameHeader(writer: Writer, offset: number, length: number): void {
  writer.u8(FrameType.CRYPTO).varint(offset).varint(length);
}

/** The size of the header {@link writeCryptoFrameHeader} writes. */
export function cryptoFrameHeaderSize(offset: number, length: number): number {
  return TYPE_SIZE + varintSize(offset) + varintSize(length);
}

/** RFC 9221 §4: a DATAGRAM frame header, always with a Length field (type 0x31); `length` data bytes follow. */
export function writeDatagramFrameHeader(writer: Writer, length: number): void {
  writer.u8(FrameType.DATAGRAM_WITH_LENGTH).varint(length);
}

/** The size of the header {@link writeDatagramFrameHeader} writes. */
export function datagramFrameHeaderSize(length: number): number {
  return TYPE_SIZE + varintSize(length);
}

function checkLength(bytes: Uint8Array, expected: number, field: string): void {
  if (bytes.length !== expected) invalid(`${field} must be ${expected} bytes, not ${bytes.length}`);
}

function checkStreamCount(count: number): void {
  if (count > MAX_STREAM_COUNT) invalid(`a stream count of ${count} exceeds 2^60 (RFC 9000 §19.11)`);
}

const noBody: FrameBodyCodec<Frame> = { write: () => {}, size: () => 0 };

/** Frames written as their {@link frameTypeOf} byte and a body; {@link writeFrame} handles PADDING and the data-carrying frames itself. */
type TypedFrameKind = Exclude<FrameKind, "padding" | "crypto" | "stream" | "datagram">;

const codecs: { readonly [K in TypedFrameKind]: FrameBodyCodec<Extract<Frame, { type: K }>> } = {
  ping: noBody,
  ack: { write: writeAckBody, size: ackBodySize },
  reset_stream: {
    write: (w, f) => w.varint(f.streamId).varint(f.errorCode).varint(f.finalSize),
    size: (f) => varintSize(f.streamId) + varintSize(f.errorCode) + varintSize(f.finalSize),
  },
  stop_sending: {
    write: (w, f) => w.varint(f.streamId).varint(f.errorCode),
    size: (f) => varintSize(f.streamId) + varintSize(f.errorCode),
  },
  new_token: {
    write: (w, f) => {
      // RFC 9000 §19.7: the token MUST NOT be empty.
      if (f.token.length === 0) invalid("a NEW_TOKEN frame needs a non-empty token");
      w.varintBytes(f.token);
    },
    size: (f) => varintSize(f.token.length) + f.token.length,
  },
  max_data: { write: (w, f) => w.varint(f.maximum), size: (f) => varintSize(f.maximum) },
  max_stream_data: {
    write: (w, f) => w.varint(f.streamId).varint(f.maximum),
    size: (f) => varintSize(f.streamId) + varintSize(f.maximum),
  },
  max_streams: {
    write: (w, f) => {
      checkStreamCount(f.maximum);
      w.varint(f.maximum);
    },
    size: (f) => varintSize(f.maximum),
  },
  data_blocked: { write: (w, f) => w.varint(f.limit), size: (f) => varintSize(f.limit) },
  stream_data_blocked: {
    write: (w, f) => w.varint(f.streamId).varint(f.limit),
    size: (f) => varintSize(f.streamId) + varintSize(f.limit),
  },
  streams_blocked: {
    write: (w, f) => {
      checkStreamCount(f.limit);
      w.varint(f.limit);
    },
    size: (f) => varintSize(f.limit),
  },
  new_connection_id: {
    write: (w, f) => {
      const length = f.connectionId.length;
      if (length < 1 || length > MAX_CONNECTION_ID_LENGTH) invalid(`a NEW_CONNECTION_ID connection ID has 1..20 bytes, not ${length}`);
      if (f.retirePriorTo > f.sequenceNumber) invalid(`Retire Prior To ${f.retirePriorTo} exceeds the sequence number ${f.sequenceNumber}`);
      checkLength(f.statelessResetToken, STATELESS_RESET_TOKEN_LENGTH, "Stateless Reset Token");
      w.varint(f.sequenceNumber).varint(f.retirePriorTo).prefixedBytes(1, f.connectionId).bytes(f.statelessResetToken);
    },
    size: (f) => varintSize(f.sequenceNumber) + varintSize(f.retirePriorTo) + 1 + f.connectionId.length + STATELESS_RESET_TOKEN_LENGTH,
  },
  retire_connection_id: { write: (w, f) => w.varint(f.sequenceNumber), size: (f) => varintSize(f.sequenceNumber) },
  path_challenge: {
    write: (w, f) => {
      checkLength(f.data, PATH_DATA_LENGTH, "PATH_CHALLENGE data");
      w.bytes(f.data);
    },
    size: () => PATH_DATA_LENGTH,
  },
  path_response: {
    write: (w, f) => {
      checkLength(f.data, PATH_DATA_LENGTH, "PATH_RESPONSE data");
      w.bytes(f.data);
    },
    size: () => PATH_DATA_LENGTH,
  },
  connection_close: {
    write: (w, f) => {
      w.varint(f.errorCode);
      // RFC 9000 §19.19: only type 0x1c carries the triggering Frame Type (0 when unknown).
      if (!f.application) w.varint(f.frameType ?? 0);
      else if (f.frameType !== undefined) invalid("an application CONNECTION_CLOSE (0x1d) has no Frame Type field");
      w.varintBytes(f.reason);
    },
    size: (f) => varintSize(f.errorCode) + (f.application ? 0 : varintSize(f.frameType ?? 0)) + varintSize(f.reason.length) + f.reason.length,
  },
  handshake_done: noBody,
};

/**
 * Writes `frame`. STREAM and DATAGRAM frames always carry a Length field (so
 * any frame may follow); PADDING writes `length` zero bytes. Throws
 * {@link ZquicError} for a frame that would be invalid on the wire.
 */
export function writeFrame(writer: Writer, frame: Frame): void {
  switch (frame.type) {
    case "padding":
      if (!(frame.length >= 1)) invalid(`PADDING length must be at least 1, not ${frame.length}`);
      writer.zeros(frame.length);
      return;
    case "crypto":
      writeCryptoFrameHeader(writer, frame.offset, frame.data.length);
      writer.bytes(frame.data);
      return;
    case "stream":
      writeStreamFrameHeader(writer, frame.streamId, frame.offset, frame.data.length, frame.fin);
      writer.bytes(frame.data);
      return;
    case "datagram":
      writeDatagramFrameHeader(writer, frame.data.length);
      writer.bytes(frame.data);
      return;
    default:
      writer.u8(frameTypeOf(frame));
      (codecs[frame.type] as FrameBodyCodec<Frame>).write(writer, frame);
  }
}

/** The exact number of bytes {@link writeFrame} writes for `frame`. */
export function frameSize(frame: Frame): number {
  switch (frame.type) {
    case "padding":
      return frame.length;
    case "crypto":
      return cryptoFrameHeaderSize(frame.offset, frame.data.length) + frame.data.length;
    case "stream":
      return streamFrameHeaderSize(frame.streamId, frame.offset, frame.data.length) + frame.data.length;
    case "datagram":
      return datagramFrameHeaderSize(frame.data.length) + frame.data.length;
    default:
      return TYPE_SIZE + (codecs[frame.type] as FrameBodyCodec<Frame>).size(frame);
  }
}
