/**
 * RFC 9297 §2.1: an HTTP/3 Datagram — the payload of a QUIC DATAGRAM frame, prefixed with
 * the Quarter Stream ID of the request stream it belongs to.
 *
 * @module
 */
import { Reader, WireError, Writer, ZquicError } from "@zquic/wire";
import { H3Error, H3ErrorCode } from "../errors.js";

/** A datagram and the client-initiated bidirectional stream it is associated with. */
export interface HttpDatagram {
  readonly streamId: number;
  readonly payload: Uint8Array;
}

/** RFC 9297 §2.1: stream IDs are below 2^62, so Quarter Stream IDs below 2^60. */
const MAX_QUARTER_STREAM_ID = (1n << 60n) - 1n;

/**
 * The QUIC DATAGRAM payload for `datagram`. Throws a `ZquicError` unless `streamId` is a
 * client-initiated bidirectional stream (divisible by 4).
 */
export function encodeHttpDatagram(datagram: HttpDatagram): Uint8Array {
  const { streamId, payload } = datagram;
  if (!Number.isSafeInteger(streamId) || streamId < 0 || streamId % 4 !== 0) {
    throw new ZquicError("INVALID_ARGUMENT", `HTTP datagrams belong to client-initiated bidirectional streams (ID divisible by 4); got ${streamId}`);
  }
  const w = new Writer(payload.length + 8);
  w.varint(streamId / 4).bytes(payload);
  return w.toBytes();
}

/**
 * The HTTP/3 Datagram in a QUIC DATAGRAM payload; `payload` is a view. Throws an
 * H3_DATAGRAM_ERROR {@link H3Error} when the Quarter Stream ID is missing or 2^60 or more.
 */
export function decodeHttpDatagram(data: Uint8Array): HttpDatagram {
  const r = new Reader(data);
  let quarter: bigint;
  try {
    quarter = r.varintBig();
  } catch (e) {
    if (e instanceof WireError) throw new H3Error(H3ErrorCode.H3_DATAGRAM_ERROR, "datagram too short for a Quarter Stream ID");
    throw e;
  }
  if (quarter > MAX_QUARTER_STREAM_ID) throw new H3Error(H3ErrorCode.H3_DATAGRAM_ERROR, `Quarter Stream ID ${quarter} is 2^60 or more`);
  return { streamId: Number(quarter) * 4, payload: r.rest() };
}
