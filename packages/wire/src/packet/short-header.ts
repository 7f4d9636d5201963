/**
 * RFC 9000 §17.3.1: the 1-RTT packet and its short header.
 *
 * @module
 */
import { TransportError, WireError } from "../errors.js";
import { checkConnectionIdLength } from "../limits.js";
import type { Writer } from "../writer.js";
import { packetReader } from "./invariant.js";
import { truncatePacketNumber, type PacketNumberLength } from "./packet-number.js";

/** A 1-RTT packet as read before header protection is removed. */
export interface ShortHeaderPacket {
  readonly packetType: "1RTT";
  /** The first byte as received: its low five bits are still header-protected. */
  readonly firstByte: number;
  readonly dcid: Uint8Array;
  readonly packetStart: number;
  /** Index where the (protected) Packet Number field starts. */
  readonly packetNumberOffset: number;
  /** A short header packet fills the rest of its datagram (RFC 9000 §12.2). */
  readonly packetEnd: number;
}

/** What {@link writeShortHeader} needs. */
export interface ShortHeaderFields {
  readonly dcid: Uint8Array;
  /** The full packet number; its low `packetNumberLength` bytes are written. */
  readonly packetNumber: number;
  readonly packetNumberLength: PacketNumberLength;
  /** RFC 9000 §17.4: the latency spin bit. */
  readonly spinBit: boolean;
  /** RFC 9001 §6: the key phase of the keys protecting this packet. */
  readonly keyPhase: boolean;
  /** RFC 9287 §3.1: clear the QUIC Bit only once the peer has sent grease_quic_bit. Default true. */
  readonly fixedBit?: boolean;
}

/** Reads a 1-RTT header at `packetStart` whose Destination Connection ID has `dcidLength` bytes. */
export function readShortHeader(datagram: Uint8Array, packetStart: number, dcidLength: number): ShortHeaderPacket {
  const reader = packetReader(datagram, packetStart);
  const firstByte = reader.u8();
  const dcid = reader.bytesView(dcidLength);
  if (reader.done) throw new WireError("1-RTT packet ends before its packet number", TransportError.PROTOCOL_VIOLATION);
  return { packetType: "1RTT", firstByte, dcid, packetStart, packetNumberOffset: reader.offset, packetEnd: datagram.length };
}

/**
 * RFC 9000 §17.3.1: writes a 1-RTT header through the Packet Number, Reserved
 * Bits 0. Returns the index of the Packet Number field.
 */
export function writeShortHeader(writer: Writer, fields: ShortHeaderFields): number {
  const { dcid, packetNumber, packetNumberLength } = fields;
  checkConnectionIdLength(dcid, "Destination Connection ID");
  const firstByte =
    ((fields.fixedBit ?? true) ? 0x40 : 0) | (fields.spinBit ? 0x20 : 0) | (fields.keyPhase ? 0x04 : 0) | (packetNumberLength - 1);
  writer.u8(firstByte).bytes(dcid);
  const packetNumberOffset = writer.offset;
  writer.uint(truncatePacketNumber(packetNumber, packetNumberLength), packetNumberLength);
  return packetNumberOffset;
}
