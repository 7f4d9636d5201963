/**
 * Bit corruption: what a noisy link does to a datagram that survives.
 *
 * @module
 */
import type { SeededRandom } from "./random.js";

/**
 * A copy of `data` with `bits` distinct bits flipped at random positions
 * (every bit when `bits` exceeds the datagram). The length never changes.
 */
export function flipBits(data: Uint8Array, bits: number, random: SeededRandom): Uint8Array {
  const out = data.slice();
  const total = data.length * 8;
  const flips = Math.min(bits, total);
  const chosen = new Set<number>();
  while (chosen.size < flips) chosen.add(random.int(total));
  for (const bit of chosen) out[bit >> 3]! ^= 1 << (bit & 7);
  return out;
}
