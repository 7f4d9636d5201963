/**
 * Seeded randomness: xoshiro128** (Blackman and Vigna, 2018) with its state
 * expanded from a numeric seed by a SplitMix-style mixer.
 *
 * @module
 */
import { ZquicError } from "@zquic/wire";

/** A source of random bytes, `(n) => n bytes`, the shape the crypto layer injects. */
export type RandomSource = (length: number) => Uint8Array;

const GOLDEN_GAMMA = 0x9e3779b9;
const TWO_POW_32 = 0x1_0000_0000;

/** The murmur3 32-bit finalizer: a bijection that avalanches every input bit. */
function fmix32(x: number): number {
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return (x ^ (x >>> 16)) >>> 0;
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/**
 * Four state words from any number of 32-bit input words: each lane runs its
 * own Weyl sequence through {@link fmix32}, absorbing every word.
 */
function expandState(words: readonly number[]): Uint32Array {
  const state = new Uint32Array(4);
  for (let lane = 0; lane < 4; lane++) {
    let h = Math.imul(lane + 1, GOLDEN_GAMMA);
    for (const word of words) h = fmix32((h ^ word) + GOLDEN_GAMMA);
    state[lane] = h;
  }
  // xoshiro's one forbidden state is all zeros.
  if (state.every((word) => word === 0)) state[0] = GOLDEN_GAMMA;
  return state;
}

/** The low and high 32-bit words of a safe integer (two's complement for negatives). */
function seedWords(seed: number): [number, number] {
  if (!Number.isSafeInteger(seed)) {
    throw new ZquicError("SIM_BAD_SEED", `seed must be a safe integer, got ${seed}: pass a whole number such as 42`);
  }
  return [seed >>> 0, Math.floor(seed / TWO_POW_32) >>> 0];
}

/**
 * A deterministic pseudo-random generator (xoshiro128**): fast, 2^128 − 1
 * period, not cryptographic. The same seed always yields the same sequence.
 *
 * Use {@link SeededRandom.fork} to give each consumer (a link, an endpoint)
 * its own stream: a fork depends only on the seed and the label, so adding
 * a consumer or drawing more numbers elsewhere never shifts another's stream.
 */
export class SeededRandom {
  /** The state this generator started from; forks derive from it, not from the current state. */
  private origin: Uint32Array;
  private state: Uint32Array;

  /**
   * Random bytes, already bound to this generator so it can be passed as a
   * {@link RandomSource}: `new Endpoint(config, crypto, random.fork("client").bytes)`.
   */
  readonly bytes: RandomSource = (length) => this.fillBytes(length);

  /** A generator from `seed`, any safe integer. */
  constructor(seed: number) {
    this.origin = expandState(seedWords(seed));
    this.state = this.origin.slice();
  }

  /** The next 32 random bits as an unsigned integer. */
  nextUint32(): number {
    const s = this.state;
    const s0 = s[0]!;
    const s1 = s[1]!;
    const result = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
    const t = s1 << 9;
    s[2]! ^= s0;
    s[3]! ^= s1;
    s[1]! ^= s[2]!;
    s[0]! ^= s[3]!;
    s[2]! ^= t;
    s[3] = rotl(s[3]!, 11);
    return result;
  }

  /** A float uniform in [0, 1). */
  next(): number {
    return this.nextUint32() / TWO_POW_32;
  }

  /** An integer uniform in [0, n), without modulo bias; `n` is an integer in [1, 2^32]. */
  int(n: number): number {
    if (!Number.isInteger(n) || n < 1 || n > TWO_POW_32) {
      throw new ZquicError("SIM_BAD_RANGE", `int(n) needs an integer n in [1, 2^32], got ${n}`);
    }
    // Reject the top partial block of the 2^32 outcomes so every residue is equally likely.
    const limit = TWO_POW_32 - (TWO_POW_32 % n);
    let x = this.nextUint32();
    while (x >= limit) x = this.nextUint32();
    return x % n;
  }

  /**
   * True with probability `p`. A certain outcome (`p` ≤ 0 or ≥ 1) draws
   * nothing, so a disabled impairment consumes no randomness.
   */
  bool(p: number): boolean {
    if (p <= 0) return false;
    if (p >= 1) return true;
    return this.next() < p;
  }

  /**
   * An independent generator named `label`. It depends only on this
   * generator's seed (or parent fork) and `label`, never on how many numbers
   * were drawn or which other forks exist.
   */
  fork(label: string): SeededRandom {
    const words = Array.from(this.origin);
    for (let i = 0; i < label.length; i++) words.push(label.charCodeAt(i));
    words.push(label.length);
    const child = new SeededRandom(0);
    child.origin = expandState(words);
    child.state = child.origin.slice();
    return child;
  }

  private fillBytes(length: number): Uint8Array {
    if (!Number.isInteger(length) || length < 0) {
      throw new ZquicError("SIM_BAD_RANGE", `bytes(n) needs a non-negative integer n, got ${length}`);
    }
    const out = new Uint8Array(length);
    for (let i = 0; i < length; i += 4) {
      let word = this.nextUint32();
      for (let j = i; j < Math.min(i + 4, length); j++, word >>>= 8) out[j] = word & 0xff;
    }
    return out;
  }
}
