/**
 * A platform CSPRNG behind a small pool. A TLS handshake draws a handful of
 * 32-byte values, and each call into the platform costs microseconds (mostly
 * the crossing into native code); copying out of a pool filled 4 KiB at a
 * time costs nanoseconds. Every byte is handed out once, as a copy, and wiped
 * from the pool as it goes.
 *
 * @module
 */
import type { RandomSource } from "./provider.js";

/** Bytes drawn from the platform per refill (well under the 65536 `crypto.getRandomValues` allows per call). */
export const RANDOM_POOL_SIZE = 4096;

/** A random source over `fill` (which overwrites a buffer with random bytes); requests larger than the pool go straight to `fill`. */
export function pooledRandom(fill: (buffer: Uint8Array<ArrayBuffer>) => void): RandomSource {
  const pool = new Uint8Array(RANDOM_POOL_SIZE);
  let offset = RANDOM_POOL_SIZE;
  return (length) => {
    if (length > RANDOM_POOL_SIZE) {
      const out = new Uint8Array(length);
      fill(out);
      return out;
    }
    if (offset + length > RANDOM_POOL_SIZE) {
      fill(pool);
      offset = 0;
    }
    const out = pool.slice(offset, offset + length);
    pool.fill(0, offset, offset + length);
    offset += length;
    return out;
  };
}
