/**
 * RFC 9000 §17.2.2–§17.2.4 (and RFC 9369 §3.2 for version 2): Initial, 0-RTT
 * and Handshake packets, whose Length field lets several share a datagram.
 *
 * @module
 */
import { TransportError, WireError, ZquicError } from "../errors.js";
import { checkConnectionIdLength } from "../limits.js";
import type { Reader } from "../reader.js";
import type { Writer } from "../writer.js";
import { writeLongHeaderPrefix, type LongHeaderPrefix } from "./invariant.js";
import { truncatePacketNumber, type PacketNumberLength } from "./packet-number.js";
import { longPacketTypeBits, type LongPacketType } from "./version.js";

/** The long header packet types that carry a packet number and frames. */
export type ProtectedLongPacketType = Exclude<LongPacketType, "retry">;

/** An Initial, 0-RTT or Handshake packet as read before header protection is removed. */
export interface LongHeaderPacket {
  readonly packetType: ProtectedLongPacketType;
  /** The first byte as received: its low four bits are still header-protected. */
  readonly firstByte: number;
  readonly version: number;
  readonly dcid: Uint8Array;
  readonly scid: Uint8Array;
  /** RFC 9000 §17.2.2: the Token of an Initial packet; empty when absent and for other types. */
  readonly token: Uint8Array;
  /** Index in the datagram of this packet's first byte. */
  readonly packetStart: number;
  /** Index where the (protected) Packet Number field starts. */
  readonly packetNumberOffset: number;
  /** Index one past this packet's last byte, from its Length field: where a coalesced packet would start (RFC 9000 §12.2). */
  readonly packetEnd: number;
}

/** What {@link writeLongHeader} needs. */
export interface LongHeaderFields {
  readonly packetType: ProtectedLongPacketType;
  readonly version: number;
  readonly dcid: Uint8Array;
  readonly scid: Uint8Array;
  /** Initial packets only: the token from a Retry or NEW_TOKEN frame (RFC 9000 §17.2.2). */
  readonly token?: Uint8Array;
  /** The full packet number; its low `packetNumberLength` bytes are written. */
  readonly packetNumber: number;
  readonly packetNumberLength: PacketNumberLength;
  /** RFC 9287 §3.1: clear the QUIC Bit only once the peer has sent grease_quic_bit. Default true. */
  readonly fixedBit?: boolean;
}

/** Where {@link writeLongHeader} put the fields the transport fills in or protects later. */
export interface LongHeaderLayout {
  /** Index of the 2-byte Length placeholder; see {@link writePacketLength}. */
  readonly lengthOffset: number;
  /** Index of the Packet Number field. */
  readonly packetNumberOffset: number;
}

const NO_TOKEN = new Uint8Array(0);

/** RFC 9000 §16: the Length placeholder is a 2-byte varint, so a packet body is at most 16383 bytes. */
export const MAX_LONG_PACKET_LENGTH = 0x3fff;

/** Reads the rest of an Initial, 0-RTT or Handshake packet after its prefix. */
export function readLongHeaderBody(
  reader: Reader,
  prefix: LongHeaderPrefix,
  packetType: ProtectedLongPacketType,
  packetStart: number,
): LongHeaderPacket {
  const token = packetType === "initial" ? reader.varintBytes() : NO_TOKEN;
  const length = reader.varint();
  const packetNumberOffset = reader.offset;
  if (length > reader.remaining) {
    throw new WireError(`Length ${length} runs past the datagram (${reader.remaining} bytes left)`, TransportError.PROTOCOL_VIOLATION);
  }
  return { ...prefix, packetType, token, packetStart, packetNumberOffset, packetEnd: packetNumberOffset + length };
}

/** The first byte of a long header of `type` in `version`, before header protection. */
export function longHeaderFirstByte(version: number, type: LongPacketType, lowBits: number, fixedBit = true): number {
  const typeBits = longPacketTypeBits(version, type);
  if (typeBits === undefined) throw new ZquicError("VERSION", `version 0x${version.toString(16)} has no long header zquic can write`);
  return 0x80 | (fixedBit ? 0x40 : 0) | (typeBits << 4) | lowBits;
}

/**
 * RFC 9000 §17.2: writes an Initial, 0-RTT or Handshake header through the
 * Packet Number, leaving a 2-byte Length placeholder; the Reserved Bits are 0.
 * Once the payload (and AEAD tag) are written, call {@link writePacketLength}.
 */
export function writeLongHeader(writer: Writer, fields: LongHeaderFields): LongHeaderLayout {
  const { packetType, version, dcid, scid, token, packetNumber, packetNumberLength } = fields;
  checkConnectionIdLength(dcid, "Destination Connection ID");
  checkConnectionIdLength(scid, "Source Connection ID");
  if (token !== undefined && token.length > 0 && packetType !== "initial") {
    throw new ZquicError("TOKEN", `only Initial packets carry a token, not ${packetType} packets`);
  }
  const firstByte = longHeaderFirstByte(version, packetType, packetNumberLength - 1, fields.fixedBit);
  writeLongHeaderPrefix(writer, { firstByte, version, dcid, scid });
  if (packetType === "initial") writer.varintBytes(token ?? NO_TOKEN);
  const lengthOffset = writer.offset;
  writer.varint(0, 2);
  const packetNumberOffset = writer.offset;
  writer.uint(truncatePacketNumber(packetNumber, packetNumberLength), packetNumberLength);
  return { lengthOffset, packetNumberOffset };
}

/**
 * Fills in the Length field {@link writeLongHeader} left: the packet number and
 * payload, from `layout.packetNumberOffset` up to `packetEnd` (exclusive).
 * `bytes` is where the packet now is (a `Writer`'s current `buffer`, which may
 * have been reallocated since the header was written).
 */
export function writePacketLength(bytes: Uint8Array, layout: LongHeaderLayout, packetEnd: number): void {
  const length = packetEnd - layout.packetNumberOffset;
  if (length < 0 || length > MAX_LONG_PACKET_LENGTH) {
    throw new ZquicError("PACKET_LENGTH", `packet body of ${length} bytes does not fit the 2-byte Length field (0..${MAX_LONG_PACKET_LENGTH})`);
  }
  bytes[layout.lengthOffset] = 0x40 | (length >> 8);
  bytes[layout.lengthOffset + 1] = length & 0xff;
}
