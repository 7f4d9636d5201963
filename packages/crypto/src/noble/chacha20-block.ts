/**
 * The ChaCha20 block function (RFC 8439 §2.3), for QUIC header protection.
 * `@noble/ciphers` refuses a block counter of 0xffffffff (PLATFORM trap 2),
 * but RFC 9001 §5.4.4 takes the counter from the packet sample, so any value
 * must work; one block is all header protection needs.
 *
 * @module
 */

/** RFC 8439 §2.3: the constants "expand 32-byte k" as four little-endian words. */
const SIGMA = [0x61707865, 0x3320646e, 0x79622d32, 0x6b206574] as const;

function readLe32(bytes: Uint8Array, offset: number): number {
  return (bytes[offset]! | (bytes[offset + 1]! << 8) | (bytes[offset + 2]! << 16) | (bytes[offset + 3]! << 24)) >>> 0;
}

/** RFC 8439 §2.1: the quarter round on state words a, b, c, d. */
function quarterRound(x: Uint32Array, a: number, b: number, c: number, d: number): void {
  let va = x[a]!, vb = x[b]!, vc = x[c]!, vd = x[d]!;
  va = (va + vb) | 0; vd ^= va; vd = (vd << 16) | (vd >>> 16);
  vc = (vc + vd) | 0; vb ^= vc; vb = (vb << 12) | (vb >>> 20);
  va = (va + vb) | 0; vd ^= va; vd = (vd << 8) | (vd >>> 24);
  vc = (vc + vd) | 0; vb ^= vc; vb = (vb << 7) | (vb >>> 25);
  x[a] = va; x[b] = vb; x[c] = vc; x[d] = vd;
}

/**
 * Writes the first `length` (at most 64) bytes of one keystream block into
 * `out`. `counterAndNonce` holds 16 bytes: the 32-bit block counter
 * (little-endian) then the 12-byte nonce, the layout of state words 12–15.
 */
export type Chacha20Block = (counterAndNonce: Uint8Array, out: Uint8Array, length: number) => void;

/** The block function for a 32-byte `key`. */
export function chacha20Block(key: Uint8Array): Chacha20Block {
  // RFC 8439 §2.3: the state is constants ‖ key ‖ counter ‖ nonce, as little-endian words.
  const state = new Uint32Array(16);
  state.set(SIGMA, 0);
  for (let i = 0; i < 8; i++) state[4 + i] = readLe32(key, 4 * i);
  const working = new Uint32Array(16);
  return (counterAndNonce, out, length) => {
    for (let i = 0; i < 4; i++) state[12 + i] = readLe32(counterAndNonce, 4 * i);
    working.set(state);
    for (let round = 0; round < 10; round++) {
      quarterRound(working, 0, 4, 8, 12);
      quarterRound(working, 1, 5, 9, 13);
      quarterRound(working, 2, 6, 10, 14);
      quarterRound(working, 3, 7, 11, 15);
      quarterRound(working, 0, 5, 10, 15);
      quarterRound(working, 1, 6, 11, 12);
      quarterRound(working, 2, 7, 8, 13);
      quarterRound(working, 3, 4, 9, 14);
    }
    // RFC 8439 §2.3: add the original state, serialize little-endian.
    for (let i = 0; i < length; i++) {
      const word = (working[i >>> 2]! + state[i >>> 2]!) >>> 0;
      out[i] = word >>> (8 * (i & 3));
    }
  };
}
