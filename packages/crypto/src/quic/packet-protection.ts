/**
 * Applying and removing QUIC packet protection (RFC 9001 §5.3, §5.4), shaped
 * for the transport's hot path: packets protected in place in the datagram
 * buffer, header protection removed in place, and `null` rather than a throw
 * for anything a peer can send.
 *
 * @module
 */
import { ZquicError, packetNumberLengthOf, type PacketNumberLength } from "@zquic/wire";
import { AEAD_NONCE_LENGTH, AEAD_TAG_LENGTH, HEADER_PROTECTION_MASK_LENGTH, HEADER_PROTECTION_SAMPLE_LENGTH } from "../algorithms.js";
import type { HeaderProtector } from "../provider.js";
import type { PacketKeys } from "./packet-keys.js";

/** RFC 9001 §5.4.2: the sample starts 4 bytes after the start of the Packet Number field. */
const SAMPLE_OFFSET = 4;

/** RFC 9000 §17.2: the Header Form bit; set for long headers. */
const LONG_HEADER_FORM = 0x80;

/** RFC 9001 §5.4.1: the bits of the first byte header protection covers, by header form. */
function firstByteMask(firstByte: number): number {
  return (firstByte & LONG_HEADER_FORM) !== 0 ? 0x0f : 0x1f;
}

const nonce = new Uint8Array(AEAD_NONCE_LENGTH);

/**
 * RFC 9001 §5.3: the nonce is the IV XORed with the packet number, left-padded
 * to the IV's length in network byte order. Computed into a scratch array the
 * AEAD reads before returning.
 */
function packetNonce(iv: Uint8Array, pn: number): Uint8Array {
  nonce.set(iv);
  let low = pn >>> 0;
  let high = Math.floor(pn / 0x1_0000_0000);
  for (let i = AEAD_NONCE_LENGTH - 1; i >= AEAD_NONCE_LENGTH - 4; i--, low >>>= 8) nonce[i]! ^= low & 0xff;
  for (let i = AEAD_NONCE_LENGTH - 5; i >= AEAD_NONCE_LENGTH - 8; i--, high >>>= 8) nonce[i]! ^= high & 0xff;
  return nonce;
}

const mask = new Uint8Array(HEADER_PROTECTION_MASK_LENGTH);

/** RFC 9001 §5.4.2: computes into `mask` the mask of the sample 4 bytes after `pnOffset`. */
function computeMask(hp: HeaderProtector, buffer: Uint8Array, pnOffset: number): void {
  const sampleStart = pnOffset + SAMPLE_OFFSET;
  hp.mask(buffer.subarray(sampleStart, sampleStart + HEADER_PROTECTION_SAMPLE_LENGTH), mask);
}

/**
 * Protects, in place, the packet at `buffer[packetStart, payloadEnd + 16)`: its
 * header (`[packetStart, payloadStart)`, ending with the truncated packet
 * number, whose length is in the low two bits of the first byte) and plaintext
 * payload (`[payloadStart, payloadEnd)`) are written, and 16 bytes after the
 * payload are left for the tag. The payload is sealed with nonce = iv ⊕ `pn`
 * and the header as associated data (RFC 9001 §5.3), then header protection
 * is applied (§5.4). Returns the end of the packet. This is the transport's
 * hot path: it assembles datagrams in one buffer and protects each packet there.
 *
 * The payload must be long enough for a sample: pn length + payload length ≥ 4
 * (§5.4.2); the transport pads to ensure it.
 */
export function protectInPlace(keys: PacketKeys, buffer: Uint8Array, packetStart: number, payloadStart: number, payloadEnd: number, pn: number): number {
  const firstByte = buffer[packetStart]!;
  const pnLength = packetNumberLengthOf(firstByte);
  const pnOffset = payloadStart - pnLength;
  const packetEnd = payloadEnd + AEAD_TAG_LENGTH;
  if (pnOffset <= packetStart || pnLength + payloadEnd - payloadStart < SAMPLE_OFFSET || packetEnd > buffer.length) {
    throw new ZquicError(
      "CRYPTO_PACKET_TOO_SHORT",
      `a protected packet needs at least ${SAMPLE_OFFSET - pnLength} payload bytes with a ${pnLength}-byte packet number (pad it: RFC 9001 §5.4.2) and ${AEAD_TAG_LENGTH} bytes after the payload for the tag`,
    );
  }
  const header = buffer.subarray(packetStart, payloadStart);
  keys.aead.sealInto(packetNonce(keys.iv, pn), header, buffer.subarray(payloadStart, payloadEnd), buffer, payloadStart);
  // §5.4.1 Figure 6
  computeMask(keys.headerProtection, buffer, pnOffset);
  buffer[packetStart] = firstByte ^ (mask[0]! & firstByteMask(firstByte));
  for (let i = 0; i < pnLength; i++) buffer[pnOffset + i]! ^= mask[1 + i]!;
  return packetEnd;
}

/**
 * Protects one packet into a new array: `header` (ending with the truncated
 * packet number) ‖ sealed `payload` ‖ tag, with header protection applied.
 * `pn` is the full packet number. See {@link protectInPlace}.
 */
export function protect(keys: PacketKeys, header: Uint8Array, payload: Uint8Array, pn: number): Uint8Array {
  const packet = new Uint8Array(header.length + payload.length + AEAD_TAG_LENGTH);
  packet.set(header);
  packet.set(payload, header.length);
  protectInPlace(keys, packet, 0, header.length, header.length + payload.length, pn);
  return packet;
}

/** The unprotected first byte and packet number field of a received packet. */
export interface UnprotectedHeader {
  /** The first byte with header protection removed (Key Phase, Packet Number Length visible). */
  readonly firstByte: number;
  /** Length of the Packet Number field in bytes. */
  readonly pnLength: PacketNumberLength;
  /** The truncated packet number as sent; decode it against the largest one received (RFC 9000 §A.3). */
  readonly truncatedPn: number;
}

/**
 * RFC 9001 §5.4: removes header protection from `packet` (which starts at the
 * packet's first byte) in place, given the offset of its Packet Number field.
 * `null` when the packet is too short to hold a sample (§5.4.2: discard it).
 */
export function removeHeaderProtection(hp: HeaderProtector, packet: Uint8Array, pnOffset: number): UnprotectedHeader | null {
  if (pnOffset < 1 || packet.length < pnOffset + SAMPLE_OFFSET + HEADER_PROTECTION_SAMPLE_LENGTH) return null;
  computeMask(hp, packet, pnOffset);
  // §5.4.1: unmask the first byte before reading the packet number length from it.
  const firstByte = packet[0]! ^ (mask[0]! & firstByteMask(packet[0]!));
  packet[0] = firstByte;
  const pnLength = packetNumberLengthOf(firstByte);
  let truncatedPn = 0;
  for (let i = 0; i < pnLength; i++) {
    const byte = packet[pnOffset + i]! ^ mask[1 + i]!;
    packet[pnOffset + i] = byte;
    truncatedPn = truncatedPn * 256 + byte;
  }
  return { firstByte, pnLength, truncatedPn };
}

/**
 * RFC 9001 §5.3: opens the payload of a packet whose header protection is
 * already removed: the header (`packet[0..payloadOffset)`) is the associated
 * data, `fullPn` the decoded packet number. The plaintext, or `null` when the
 * packet does not authenticate (or is too short to hold a tag).
 */
export function openPayload(keys: PacketKeys, packet: Uint8Array, payloadOffset: number, fullPn: number): Uint8Array | null {
  if (payloadOffset < 1 || packet.length < payloadOffset + AEAD_TAG_LENGTH) return null;
  return keys.aead.open(packetNonce(keys.iv, fullPn), packet.subarray(0, payloadOffset), packet.subarray(payloadOffset));
}
