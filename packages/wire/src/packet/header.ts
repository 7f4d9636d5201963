/**
 * Reading any packet header of QUIC v1 or v2 before header protection is
 * removed, so the transport can split coalesced packets (RFC 9000 §12.2).
 *
 * @module
 */
import { TransportError, WireError } from "../errors.js";
import { MAX_CONNECTION_ID_LENGTH } from "../limits.js";
import { isLongHeader } from "./first-byte.js";
import { packetReader, readLongHeaderPrefix } from "./invariant.js";
import { readLongHeaderBody, type LongHeaderPacket } from "./long-header.js";
import { readRetryBody, type RetryPacket } from "./retry.js";
import { readShortHeader, type ShortHeaderPacket } from "./short-header.js";
import { readVersionNegotiationBody, type VersionNegotiationPacket } from "./version-negotiation.js";
import { VERSION_NEGOTIATION, longPacketTypeOf } from "./version.js";

/** Every packet a QUIC v1 or v2 endpoint can receive, on `packetType` (qlog's names). */
export type PacketHeader = LongHeaderPacket | RetryPacket | ShortHeaderPacket | VersionNegotiationPacket;

/** The `packetType` tag of a {@link PacketHeader}. */
export type PacketType = PacketHeader["packetType"];

/**
 * Reads the header of the packet starting at `offset` in `datagram`. Long
 * headers give `packetEnd` from their Length field, so the next coalesced
 * packet starts there; short headers, Retry and Version Negotiation fill the
 * datagram. `shortDcidLength` is the length of the connection IDs this
 * endpoint issues. Throws {@link WireError} (PROTOCOL_VIOLATION: drop the
 * packet) for truncation, an over-long connection ID, or a version other than
 * v1, v2 or Version Negotiation (read those with `readInvariantHeader`).
 */
export function readPacketHeader(datagram: Uint8Array, offset: number, shortDcidLength: number): PacketHeader {
  const reader = packetReader(datagram, offset);
  if (!isLongHeader(reader.peekU8())) return readShortHeader(datagram, offset, shortDcidLength);
  const prefix = readLongHeaderPrefix(reader);
  if (prefix.version === VERSION_NEGOTIATION) return readVersionNegotiationBody(reader, prefix, offset);
  const packetType = longPacketTypeOf(prefix.version, prefix.firstByte);
  if (packetType === undefined) {
    throw new WireError(`version 0x${prefix.version.toString(16).padStart(8, "0")} is not QUIC v1 or v2`, TransportError.PROTOCOL_VIOLATION);
  }
  // RFC 9000 §17.2 (and RFC 9369 §3): a long header with a connection ID over 20 bytes MUST be dropped.
  if (prefix.dcid.length > MAX_CONNECTION_ID_LENGTH || prefix.scid.length > MAX_CONNECTION_ID_LENGTH) {
    throw new WireError(`connection ID longer than ${MAX_CONNECTION_ID_LENGTH} bytes in a QUIC v1 or v2 header`, TransportError.PROTOCOL_VIOLATION);
  }
  return packetType === "retry" ? readRetryBody(reader, prefix, offset) : readLongHeaderBody(reader, prefix, packetType, offset);
}
