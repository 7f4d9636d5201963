import { describe, expect, it } from "vitest";
import { RANDOM_POOL_SIZE, pooledRandom } from "../src/random-pool.js";

/** A stand-in for the platform: fills with a running byte counter and counts its calls. */
function countingFill(): { fill: (buffer: Uint8Array) => void; calls: number[] } {
  let next = 0;
  const calls: number[] = [];
  return {
    calls,
    fill(buffer) {
      calls.push(buffer.length);
      for (let i = 0; i < buffer.length; i++) buffer[i] = next++ & 0xff;
    },
  };
}

describe("pooledRandom", () => {
  it("hands out the platform's bytes in order, each once, refilling when the pool runs out", () => {
    const platform = countingFill();
    const random = pooledRandom(platform.fill);
    const drawn: number[] = [];
    for (let total = 0; total < 3 * RANDOM_POOL_SIZE; total += 32) drawn.push(...random(32));
    // A draw that does not fit what is left starts a fresh pool: with 32-byte draws nothing is skipped.
    expect(drawn).toEqual(Array.from({ length: 3 * RANDOM_POOL_SIZE }, (_, i) => i & 0xff));
    expect(platform.calls).toEqual([RANDOM_POOL_SIZE, RANDOM_POOL_SIZE, RANDOM_POOL_SIZE]);
  });

  it("never hands out a byte twice when a draw does not fit the rest of the pool", () => {
    const platform = countingFill();
    const random = pooledRandom(platform.fill);
    const first = random(RANDOM_POOL_SIZE - 10);
    const second = random(20); // from a fresh pool, not the 10 bytes left over
    expect(first[first.length - 1]).toBe((RANDOM_POOL_SIZE - 11) & 0xff);
    expect([...second]).toEqual(Array.from({ length: 20 }, (_, i) => (RANDOM_POOL_SIZE + i) & 0xff));
  });

  it("gives copies: changing one draw changes no other", () => {
    const random = pooledRandom(countingFill().fill);
    const a = random(16);
    a.fill(0xee);
    expect([...random(16)]).toEqual(Array.from({ length: 16 }, (_, i) => 16 + i));
    expect(a.buffer.byteLength).toBe(16);
  });

  it("sends draws larger than the pool straight to the platform", () => {
    const platform = countingFill();
    const random = pooledRandom(platform.fill);
    expect(random(RANDOM_POOL_SIZE + 1)).toHaveLength(RANDOM_POOL_SIZE + 1);
    expect(platform.calls).toEqual([RANDOM_POOL_SIZE + 1]);
    expect(random(0)).toHaveLength(0);
  });
});
