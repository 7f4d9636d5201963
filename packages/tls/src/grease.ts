/**
 * GREASE (RFC 8701): reserved values a client sprinkles into its ClientHello so
 * that servers keep ignoring what they do not know. The 16-bit values are
 * 0x0A0A, 0x1A1A, …, 0xFAFA, for cipher suites, extensions, groups, signature
 * algorithms and versions; ALPN uses the two-byte names {0x0A,0x0A} … {0xFA,0xFA}.
 *
 * @module
 */

/** True when `value` is a 16-bit GREASE value (0x?A?A with both nibbles equal). */
export function isGrease(value: number): boolean {
  return (value & 0x0f0f) === 0x0a0a && value >> 12 === ((value >> 4) & 0x0f);
}

/**
 * The GREASE value picked by the high nibble of the random byte `seed` (16
 * possible values; RFC 8701 §3.1 asks for two distinct ones when two are sent).
 */
export function greaseValue(seed: number): number {
  const high = seed & 0xf0;
  return ((high | 0x0a) << 8) | high | 0x0a;
}

/** A GREASE ALPN protocol name (RFC 8701 §2): two equal bytes of the form 0x?A. */
export function greaseProtocol(seed: number): Uint8Array {
  const byte = (seed & 0xf0) | 0x0a;
  return Uint8Array.of(byte, byte);
}
