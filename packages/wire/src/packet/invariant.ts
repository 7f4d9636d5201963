/**
 * RFC 8999: the properties every QUIC version shares, enough to route a packet
 * by connection ID or to answer an unknown version with Version Negotiation.
 *
 * @module
 */
import { TransportError } from "../errors.js";
import { Reader } from "../reader.js";
import type { Writer } from "../writer.js";
import { isLongHeader } from "./first-byte.js";

/** RFC 8999 §5.3: in the version-independent view a connection ID has 0–255 bytes. */
export const MAX_INVARIANT_CONNECTION_ID_LENGTH = 255;

/** RFC 8999 §5.1: the fields every long header starts with. */
export interface LongHeaderPrefix {
  /** The first byte as received; all but the form bit are version specific (and possibly protected). */
  readonly firstByte: number;
  readonly version: number;
  readonly dcid: Uint8Array;
  readonly scid: Uint8Array;
}

/** The version-independent header of a packet (RFC 8999 §5.1, §5.2). */
export type InvariantHeader =
  | ({ readonly form: "long" } & LongHeaderPrefix)
  | {
      readonly form: "short";
      readonly firstByte: number;
      /** The Destination Connection ID, of the length the caller chose for its own connection IDs. */
      readonly dcid: Uint8Array;
    };

/** A reader over a datagram whose failures map to PROTOCOL_VIOLATION (the packet is dropped). */
export function packetReader(datagram: Uint8Array, offset: number): Reader {
  return new Reader(datagram, offset, datagram.length, TransportError.PROTOCOL_VIOLATION);
}

/** Reads the long header prefix (RFC 8999 §5.1), with connection IDs of up to 255 bytes. */
export function readLongHeaderPrefix(reader: Reader): LongHeaderPrefix {
  const firstByte = reader.u8();
  const version = reader.u32();
  const dcid = reader.prefixedBytes(1);
  const scid = reader.prefixedBytes(1);
  return { firstByte, version, dcid, scid };
}

/** Writes the long header prefix (RFC 8999 §5.1). */
export function writeLongHeaderPrefix(writer: Writer, prefix: LongHeaderPrefix): void {
  writer.u8(prefix.firstByte).u32(prefix.version).prefixedBytes(1, prefix.dcid).prefixedBytes(1, prefix.scid);
}

/**
 * RFC 8999: the version-independent header of the packet at `offset` (0 for the
 * packet a datagram is routed by, RFC 9000 §12.2). A short header does not say
 * how long its Destination Connection ID is, so the caller passes the length of
 * the connection IDs it issues (`shortDcidLength`). Throws {@link WireError}
 * (PROTOCOL_VIOLATION) when the bytes are too short.
 */
export function readInvariantHeader(datagram: Uint8Array, offset: number, shortDcidLength: number): InvariantHeader {
  const reader = packetReader(datagram, offset);
  const firstByte = reader.peekU8();
  if (isLongHeader(firstByte)) return { form: "long", ...readLongHeaderPrefix(reader) };
  reader.skip(1);
  return { form: "short", firstByte, dcid: reader.bytesView(shortDcidLength) };
}
