/**
 * RFC 9000 §19 and RFC 9221 §4: reading frames from a decrypted packet payload,
 * applying every encoding rule of §19 with the RFC's error code. Byte fields
 * are views into the payload, valid as long as it is.
 *
 * @module
 */
import { TransportError, WireError } from "../errors.js";
import { MAX_CONNECTION_ID_LENGTH, MAX_STREAM_COUNT, PATH_DATA_LENGTH, STATELESS_RESET_TOKEN_LENGTH } from "../limits.js";
import { Reader } from "../reader.js";
import { MAX_VARINT, varintSize } from "../varint.js";
import { readAckBody } from "./ack.js";
import { checkFrameAllowedIn, type FramePacketType } from "./rules.js";
import { FrameType, StreamFrameBits, type Frame } from "./types.js";

/** Reads a frame's fields after its type value `type`. */
type FrameBodyDecoder = (reader: Reader, type: number) => Frame;

/**
 * RFC 9000 §19.6, §19.8: the end of CRYPTO or STREAM data (offset + length)
 * cannot exceed 2^62 − 1. Sums above 2^53 − 1 are recomputed exactly from the
 * Offset field at `offsetAt`.
 */
function checkDataEnd(reader: Reader, offsetAt: number, offset: number, length: number): void {
  if (offset + length <= Number.MAX_SAFE_INTEGER) return;
  if (new Reader(reader.bytes, offsetAt).varintBig() + BigInt(length) > MAX_VARINT) {
    throw new WireError(`data at offset ${offset} of length ${length} ends beyond 2^62 − 1`);
  }
}

/** RFC 9000 §19.11, §19.14: a stream count above 2^60 is a FRAME_ENCODING_ERROR. */
function readStreamCount(reader: Reader): number {
  const count = reader.varintBig();
  if (count > BigInt(MAX_STREAM_COUNT)) throw new WireError(`stream count ${count} exceeds 2^60`);
  return Number(count);
}

/** RFC 9000 §19.1: consecutive PADDING bytes become one frame. */
const readPadding: FrameBodyDecoder = (reader) => {
  const { bytes, end } = reader;
  let offset = reader.offset;
  while (offset < end && bytes[offset] === 0) offset++;
  const length = offset - reader.offset + 1;
  reader.offset = offset;
  return { type: "padding", length };
};

/** RFC 9000 §19.8: the OFF, LEN and FIN bits of the type say which fields are present. */
const readStream: FrameBodyDecoder = (reader, type) => {
  const streamId = reader.varint();
  const offsetAt = reader.offset;
  const offset = type & StreamFrameBits.OFF ? reader.varint() : 0;
  const length = type & StreamFrameBits.LEN ? reader.varint() : reader.remaining;
  const data = reader.bytesView(length);
  checkDataEnd(reader, offsetAt, offset, length);
  return { type: "stream", streamId, offset, data, fin: (type & StreamFrameBits.FIN) !== 0 };
};

const readCrypto: FrameBodyDecoder = (reader) => {
  const offsetAt = reader.offset;
  const offset = reader.varint();
  const data = reader.varintBytes();
  checkDataEnd(reader, offsetAt, offset, data.length);
  return { type: "crypto", offset, data };
};

const readNewToken: FrameBodyDecoder = (reader) => {
  const token = reader.varintBytes();
  // RFC 9000 §19.7: an empty token is a FRAME_ENCODING_ERROR.
  if (token.length === 0) throw new WireError("NEW_TOKEN with an empty token");
  return { type: "new_token", token };
};

const readNewConnectionId: FrameBodyDecoder = (reader) => {
  const sequenceNumber = reader.varintBig();
  const retirePriorTo = reader.varintBig();
  // RFC 9000 §19.15: Retire Prior To above the Sequence Number, or a length outside 1..20, is a FRAME_ENCODING_ERROR.
  if (retirePriorTo > sequenceNumber) throw new WireError(`Retire Prior To ${retirePriorTo} exceeds Sequence Number ${sequenceNumber}`);
  const length = reader.u8();
  if (length < 1 || length > MAX_CONNECTION_ID_LENGTH) throw new WireError(`NEW_CONNECTION_ID length ${length} is outside 1..20`);
  return {
    type: "new_connection_id",
    sequenceNumber: Number(sequenceNumber),
    retirePriorTo: Number(retirePriorTo),
    connectionId: reader.bytesView(length),
    statelessResetToken: reader.bytesView(STATELESS_RESET_TOKEN_LENGTH),
  };
};

const readConnectionClose: FrameBodyDecoder = (reader, type) => {
  const errorCode = reader.varint();
  if (type === FrameType.CONNECTION_CLOSE_APPLICATION) return { type: "connection_close", application: true, errorCode, reason: reader.varintBytes() };
  const frameType = reader.varint();
  return { type: "connection_close", application: false, errorCode, frameType, reason: reader.varintBytes() };
};

/** Frame type values and how to read what follows them. */
const decoderTable: readonly [first: number, last: number, decode: FrameBodyDecoder][] = [
  [FrameType.PADDING, FrameType.PADDING, readPadding],
  [FrameType.PING, FrameType.PING, () => ({ type: "ping" })],
  [FrameType.ACK, FrameType.ACK_ECN, (r, type) => readAckBody(r, type === FrameType.ACK_ECN)],
  [FrameType.RESET_STREAM, FrameType.RESET_STREAM, (r) => ({ type: "reset_stream", streamId: r.varint(), errorCode: r.varint(), finalSize: r.varint() })],
  [FrameType.STOP_SENDING, FrameType.STOP_SENDING, (r) => ({ type: "stop_sending", streamId: r.varint(), errorCode: r.varint() })],
  [FrameType.CRYPTO, FrameType.CRYPTO, readCrypto],
  [FrameType.NEW_TOKEN, FrameType.NEW_TOKEN, readNewToken],
  [FrameType.STREAM, FrameType.STREAM | 0x07, readStream],
  [FrameType.MAX_DATA, FrameType.MAX_DATA, (r) => ({ type: "max_data", maximum: r.varint() })],
  [FrameType.MAX_STREAM_DATA, FrameType.MAX_STREAM_DATA, (r) => ({ type: "max_stream_data", streamId: r.varint(), maximum: r.varint() })],
  [
    FrameType.MAX_STREAMS_BIDI,
    FrameType.MAX_STREAMS_UNI,
    (r, type) => ({ type: "max_streams", bidirectional: type === FrameType.MAX_STREAMS_BIDI, maximum: readStreamCount(r) }),
  ],
  [FrameType.DATA_BLOCKED, FrameType.DATA_BLOCKED, (r) => ({ type: "data_blocked", limit: r.varint() })],
  [FrameType.STREAM_DATA_BLOCKED, FrameType.STREAM_DATA_BLOCKED, (r) => ({ type: "stream_data_blocked", streamId: r.varint(), limit: r.varint() })],
  [
    FrameType.STREAMS_BLOCKED_BIDI,
    FrameType.STREAMS_BLOCKED_UNI,
    (r, type) => ({ type: "streams_blocked", bidirectional: type === FrameType.STREAMS_BLOCKED_BIDI, limit: readStreamCount(r) }),
  ],
  [FrameType.NEW_CONNECTION_ID, FrameType.NEW_CONNECTION_ID, readNewConnectionId],
  [FrameType.RETIRE_CONNECTION_ID, FrameType.RETIRE_CONNECTION_ID, (r) => ({ type: "retire_connection_id", sequenceNumber: r.varint() })],
  [FrameType.PATH_CHALLENGE, FrameType.PATH_CHALLENGE, (r) => ({ type: "path_challenge", data: r.bytesView(PATH_DATA_LENGTH) })],
  [FrameType.PATH_RESPONSE, FrameType.PATH_RESPONSE, (r) => ({ type: "path_response", data: r.bytesView(PATH_DATA_LENGTH) })],
  [FrameType.CONNECTION_CLOSE, FrameType.CONNECTION_CLOSE_APPLICATION, readConnectionClose],
  [FrameType.HANDSHAKE_DONE, FrameType.HANDSHAKE_DONE, () => ({ type: "handshake_done" })],
  // RFC 9221 §4: without the LEN bit (type 0x30) the data runs to the end of the packet.
  [FrameType.DATAGRAM, FrameType.DATAGRAM_WITH_LENGTH, (r, type) => ({ type: "datagram", data: type === FrameType.DATAGRAM_WITH_LENGTH ? r.varintBytes() : r.rest() })],
];

/** {@link decoderTable} indexed by frame type value. */
const decoders: (FrameBodyDecoder | undefined)[] = [];
for (const [first, last, decode] of decoderTable) for (let type = first; type <= last; type++) decoders[type] = decode;

/**
 * Reads one frame at the reader's position; the reader must end where the
 * packet payload ends (STREAM and DATAGRAM frames without a Length field take
 * the rest). Throws {@link WireError} carrying the frame type: FRAME_ENCODING_ERROR
 * for an unknown type, truncation or a field §19 forbids; PROTOCOL_VIOLATION
 * for a type not in its shortest encoding (§12.4).
 */
export function readFrame(reader: Reader): Frame {
  const typeAt = reader.offset;
  const type = reader.varint();
  if (reader.offset - typeAt !== varintSize(type)) {
    throw new WireError(`frame type 0x${type.toString(16)} is not in its shortest encoding`, TransportError.PROTOCOL_VIOLATION, type);
  }
  const decode = decoders[type];
  if (decode === undefined) throw new WireError(`unknown frame type 0x${type.toString(16)}`, TransportError.FRAME_ENCODING_ERROR, type);
  try {
    return decode(reader, type);
  } catch (error) {
    if (error instanceof WireError && error.frameType === undefined) throw new WireError(error.message, error.transportCode, type);
    throw error;
  }
}

/**
 * RFC 9000 §12.4: every frame of a decrypted payload from a packet of
 * `packetType`. A payload without frames, or a frame the packet type may not
 * carry (§12.4 Table 3, §12.5), is a PROTOCOL_VIOLATION; see {@link readFrame}
 * for the rest.
 */
export function readFrames(payload: Uint8Array, packetType: FramePacketType): Frame[] {
  if (payload.length === 0) throw new WireError("a packet must carry at least one frame", TransportError.PROTOCOL_VIOLATION);
  const reader = new Reader(payload);
  const frames: Frame[] = [];
  while (!reader.done) {
    const frame = readFrame(reader);
    checkFrameAllowedIn(frame, packetType);
    frames.push(frame);
  }
  return frames;
}
