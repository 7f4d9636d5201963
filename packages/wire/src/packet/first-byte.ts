/**
 * The bits of a packet's first byte. Header protection (RFC 9001 §5.4) hides the
 * low four bits of a long header and the low five of a short header, so the
 * reserved, key phase and packet number length bits mean something only after
 * it has been removed; the form, fixed and spin bits are never protected.
 *
 * @module
 */

/** RFC 8999 §5.1: the Header Form bit (0x80) is set for a long header. */
export function isLongHeader(firstByte: number): boolean {
  return (firstByte & 0x80) !== 0;
}

/**
 * RFC 9000 §17.2, §17.3.1: the Fixed Bit (0x40). Version 1 packets with it clear
 * are dropped unless the peer was told it may grease it (RFC 9287 §3); the
 * transport decides.
 */
export function fixedBit(firstByte: number): boolean {
  return (firstByte & 0x40) !== 0;
}

/** RFC 9000 §17.3.1: the latency Spin Bit (0x20) of a short header. */
export function spinBit(firstByte: number): boolean {
  return (firstByte & 0x20) !== 0;
}

/** RFC 9000 §17.3.1: the Key Phase bit (0x04) of a short header, once header protection is removed. */
export function keyPhaseBit(firstByte: number): boolean {
  return (firstByte & 0x04) !== 0;
}

/**
 * RFC 9000 §17.2, §17.3.1: the Reserved Bits (0x0c in a long header, 0x18 in a
 * short one), once header protection is removed. Non-zero after packet
 * protection is removed too is a PROTOCOL_VIOLATION.
 */
export function reservedBits(firstByte: number): number {
  return firstByte & (isLongHeader(firstByte) ? 0x0c : 0x18);
}
