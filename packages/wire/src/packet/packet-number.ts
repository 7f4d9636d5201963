/**
 * RFC 9000 §17.1: packet numbers are sent truncated to 1–4 bytes and recovered
 * from the largest packet number seen.
 *
 * @module
 */
import { ZquicError } from "../errors.js";

/** The size of an encoded packet number in bytes. */
export type PacketNumberLength = 1 | 2 | 3 | 4;

/**
 * RFC 9000 §17.1, Appendix A.2: the fewest bytes that represent more than twice
 * the range between `largestAcked` and `fullPn`; `largestAcked` is `undefined`
 * before anything in the space was acknowledged, when the whole number counts.
 */
export function packetNumberLength(fullPn: number, largestAcked: number | undefined): PacketNumberLength {
  const unacked = largestAcked === undefined ? fullPn + 1 : fullPn - largestAcked;
  if (!(unacked > 0)) {
    throw new ZquicError("PACKET_NUMBER", `packet number ${fullPn} is not above the largest acknowledged ${largestAcked}; packet numbers must increase`);
  }
  // min_bits = log2(num_unacked) + 1, so the encoding must span 2 * num_unacked values.
  for (let length = 1; length <= 4; length++) {
    if (2 * unacked <= 2 ** (8 * length)) return length as PacketNumberLength;
  }
  throw new ZquicError("PACKET_NUMBER", `${unacked} packets are unacknowledged, more than a 4-byte packet number can cover; wait for acknowledgments`);
}

/** The low `length` bytes of `fullPn`, as sent in the Packet Number field. */
export function truncatePacketNumber(fullPn: number, length: PacketNumberLength): number {
  return fullPn % 2 ** (8 * length);
}

/**
 * RFC 9000 §17.1, Appendix A.3: the full packet number closest to `largestPn + 1`
 * whose low `length` bytes are `truncatedPn`. `largestPn` is the largest packet
 * number successfully processed in the space, or −1 when there is none yet.
 */
export function decodePacketNumber(largestPn: number, truncatedPn: number, length: PacketNumberLength): number {
  const expected = largestPn + 1;
  const window = 2 ** (8 * length);
  const halfWindow = window / 2;
  const candidate = expected - (expected % window) + truncatedPn;
  if (candidate <= expected - halfWindow && candidate < 2 ** 62 - window) return candidate + window;
  if (candidate > expected + halfWindow && candidate >= window) return candidate - window;
  return candidate;
}

/**
 * RFC 9000 §17.2, §17.3.1: the Packet Number Length bits (mask 0x03) of a first
 * byte whose header protection has been removed.
 */
export function packetNumberLengthOf(firstByte: number): PacketNumberLength {
  return ((firstByte & 0x03) + 1) as PacketNumberLength;
}
