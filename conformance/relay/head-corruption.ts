/**
 * The network simulator's corruption: one byte among the first 51 of the UDP
 * payload is replaced by a different random value, so the QUIC header is hit
 * often. Version Negotiation packets are never corrupted (a client ignores a
 * VN listing its own version, so a corrupted Initial may legitimately draw one).
 *
 * @module
 */
import type { SeededRandom } from "@zquic/sim";

/** Bytes from the start of the payload the corrupted byte is chosen among, minus one (the simulator's bound). */
export const CORRUPTION_WINDOW = 50;

/** True for a QUIC Version Negotiation packet: long header form, version 0 (RFC 8999 §6). */
export function isVersionNegotiation(data: Uint8Array): boolean {
  return data.length >= 5 && (data[0]! & 0x80) !== 0 && data[1] === 0 && data[2] === 0 && data[3] === 0 && data[4] === 0;
}

/** A copy of `data` with one byte in [0, min(50, length − 1)] replaced by a different value. */
export function corruptHeadByte(data: Uint8Array, random: SeededRandom): Uint8Array {
  const out = data.slice();
  if (out.length === 0) return out;
  const position = random.int(Math.min(CORRUPTION_WINDOW, out.length - 1) + 1);
  // Adding 1..255 modulo 256 always gives a different value, each equally likely.
  out[position] = (out[position]! + 1 + random.int(255)) & 0xff;
  return out;
}
