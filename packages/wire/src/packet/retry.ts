/**
 * RFC 9000 §17.2.5: the Retry packet, and RFC 9001 §5.8: the pseudo-packet its
 * integrity tag is computed over (the tag itself is the crypto package's job).
 *
 * @module
 */
import { TransportError, WireError, ZquicError } from "../errors.js";
import type { Reader } from "../reader.js";
import type { Writer } from "../writer.js";
import { writeLongHeaderPrefix, type LongHeaderPrefix } from "./invariant.js";
import { checkConnectionIdLength } from "../limits.js";
import { longHeaderFirstByte } from "./long-header.js";

/** RFC 9001 §5.8: the Retry Integrity Tag is 128 bits. */
export const RETRY_INTEGRITY_TAG_LENGTH = 16;

/** A Retry packet as read. */
export interface RetryPacket {
  readonly packetType: "retry";
  /** The first byte; its four low bits are unused and must be ignored. */
  readonly firstByte: number;
  readonly version: number;
  readonly dcid: Uint8Array;
  readonly scid: Uint8Array;
  /** The Retry Token; RFC 9000 §17.2.5.2: a client discards a Retry whose token is empty. */
  readonly token: Uint8Array;
  readonly integrityTag: Uint8Array;
  /** The whole packet minus its tag, for {@link retryPseudoPacket}. */
  readonly withoutIntegrityTag: Uint8Array;
  readonly packetStart: number;
  /** A Retry fills the rest of its datagram (RFC 9000 §12.2). */
  readonly packetEnd: number;
}

/** What {@link writeRetry} needs. */
export interface RetryFields {
  readonly version: number;
  readonly dcid: Uint8Array;
  readonly scid: Uint8Array;
  readonly token: Uint8Array;
  /** The four Unused bits (RFC 9000 §17.2.5: arbitrary). Default 0. */
  readonly unusedBits?: number;
  /** RFC 9287 §3.1: clear the QUIC Bit only once the peer has sent grease_quic_bit. Default true. */
  readonly fixedBit?: boolean;
}

/** Reads the rest of a Retry packet after its prefix; the reader must end where the datagram ends. */
export function readRetryBody(reader: Reader, prefix: LongHeaderPrefix, packetStart: number): RetryPacket {
  if (reader.remaining < RETRY_INTEGRITY_TAG_LENGTH) {
    throw new WireError(`Retry packet too short for its integrity tag`, TransportError.PROTOCOL_VIOLATION);
  }
  const token = reader.bytesView(reader.remaining - RETRY_INTEGRITY_TAG_LENGTH);
  const tagOffset = reader.offset;
  const integrityTag = reader.rest();
  const withoutIntegrityTag = reader.bytes.subarray(packetStart, tagOffset);
  return { ...prefix, packetType: "retry", token, integrityTag, withoutIntegrityTag, packetStart, packetEnd: reader.offset };
}

/**
 * RFC 9000 §17.2.5: writes a Retry packet up to, not including, its Retry
 * Integrity Tag. Compute the tag over {@link retryPseudoPacket} of these bytes,
 * then append it.
 */
export function writeRetry(writer: Writer, fields: RetryFields): void {
  const { version, dcid, scid, token } = fields;
  checkConnectionIdLength(dcid, "Destination Connection ID");
  checkConnectionIdLength(scid, "Source Connection ID");
  const unusedBits = fields.unusedBits ?? 0;
  if (unusedBits !== (unusedBits & 0x0f)) throw new ZquicError("RETRY", `Retry unused bits must be 0..15, not ${unusedBits}`);
  writeLongHeaderPrefix(writer, { firstByte: longHeaderFirstByte(version, "retry", unusedBits, fields.fixedBit), version, dcid, scid });
  writer.bytes(token);
}

/**
 * RFC 9001 §5.8 Figure 8: the Retry Pseudo-Packet, the associated data of the
 * Retry Integrity Tag: the Original Destination Connection ID with its length,
 * then the Retry packet without its tag.
 */
export function retryPseudoPacket(originalDcid: Uint8Array, retryWithoutTag: Uint8Array): Uint8Array {
  checkConnectionIdLength(originalDcid, "Original Destination Connection ID");
  const pseudo = new Uint8Array(1 + originalDcid.length + retryWithoutTag.length);
  pseudo[0] = originalDcid.length;
  pseudo.set(originalDcid, 1);
  pseudo.set(retryWithoutTag, 1 + originalDcid.length);
  return pseudo;
}
