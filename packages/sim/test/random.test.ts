import { describe, expect, it } from "vitest";
import { ZquicError } from "@zquic/wire";
import { SeededRandom } from "@zquic/sim";
import { chiSquareUniform } from "./helpers/statistics.js";

function draws(random: SeededRandom, n: number): number[] {
  return Array.from({ length: n }, () => random.nextUint32());
}

describe("SeededRandom", () => {
  it("is xoshiro128**: matches the reference C code from state {1, 2, 3, 4}", () => {
    const random = new SeededRandom(0);
    (Reflect.get(random, "state") as Uint32Array).set([1, 2, 3, 4]);
    // Output of the public-domain reference xoshiro128starstar.c, compiled and run with s = {1, 2, 3, 4}.
    expect(draws(random, 8)).toEqual([11520, 0, 5927040, 70819200, 2031721883, 1637235492, 1287239034, 3734860849]);
  });

  it("replays the same sequence from the same seed and a different one from another", () => {
    expect(draws(new SeededRandom(42), 100)).toEqual(draws(new SeededRandom(42), 100));
    expect(draws(new SeededRandom(42), 100)).not.toEqual(draws(new SeededRandom(43), 100));
  });

  it("uses every bit of a safe-integer seed, negatives included", () => {
    const seeds = [1, 2 ** 32 + 1, 2 ** 52 + 1, -1, 2 ** 32 - 1, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER];
    const firsts = seeds.map((seed) => draws(new SeededRandom(seed), 4).join(","));
    expect(new Set(firsts).size).toBe(seeds.length);
  });

  it("rejects a seed that is not a safe integer", () => {
    for (const seed of [1.5, NaN, Infinity, 2 ** 53]) {
      expect(() => new SeededRandom(seed)).toThrow(ZquicError);
    }
  });

  it("forks depend only on the parent's seed and the label", () => {
    const quiet = new SeededRandom(7);
    const busy = new SeededRandom(7);
    draws(busy, 1000);
    busy.fork("other");
    expect(draws(busy.fork("link a"), 50)).toEqual(draws(quiet.fork("link a"), 50));
    expect(draws(quiet.fork("link a"), 50)).not.toEqual(draws(quiet.fork("link b"), 50));
    expect(draws(quiet.fork("link a"), 50)).not.toEqual(draws(new SeededRandom(8).fork("link a"), 50));
    expect(draws(quiet.fork("a").fork("b"), 50)).toEqual(draws(busy.fork("a").fork("b"), 50));
    expect(draws(quiet.fork("a").fork("b"), 50)).not.toEqual(draws(quiet.fork("ab"), 50));
  });

  it("does not hand a fork its parent's stream", () => {
    const parent = new SeededRandom(9);
    expect(draws(parent.fork(""), 20)).not.toEqual(draws(new SeededRandom(9), 20));
  });

  it("next() is in [0, 1) with mean ≈ 1/2", () => {
    const random = new SeededRandom(1);
    let sum = 0;
    let outside = 0;
    const n = 100_000;
    for (let i = 0; i < n; i++) {
      const x = random.next();
      if (!(x >= 0 && x < 1)) outside++;
      sum += x;
    }
    expect(outside).toBe(0);
    // The mean of n uniforms has standard deviation 1/sqrt(12n); allow 5 of them.
    expect(Math.abs(sum / n - 0.5)).toBeLessThan(5 / Math.sqrt(12 * n));
  });

  it("int(n) is uniform over [0, n)", () => {
    const random = new SeededRandom(2);
    for (const n of [1, 2, 10, 1000, 3 * 2 ** 30]) {
      const outside = Array.from({ length: 1000 }, () => random.int(n)).filter((x) => !(Number.isInteger(x) && x >= 0 && x < n));
      expect(outside).toEqual([]);
    }
    const counts = new Array<number>(10).fill(0);
    for (let i = 0; i < 100_000; i++) counts[random.int(10)]!++;
    // χ² with 9 degrees of freedom: 27.88 is its 0.1% critical value.
    expect(chiSquareUniform(counts)).toBeLessThan(27.88);
  });

  it("int(n) rejects a range it cannot draw from", () => {
    const random = new SeededRandom(3);
    for (const n of [0, -1, 1.5, 2 ** 32 + 1, NaN]) expect(() => random.int(n)).toThrow(ZquicError);
  });

  it("bool(p) is true with probability p and draws nothing when the outcome is certain", () => {
    const random = new SeededRandom(4);
    const n = 50_000;
    let hits = 0;
    for (let i = 0; i < n; i++) if (random.bool(0.3)) hits++;
    expect(Math.abs(hits - 0.3 * n)).toBeLessThan(5 * Math.sqrt(n * 0.3 * 0.7));

    const a = new SeededRandom(5);
    const b = new SeededRandom(5);
    expect([a.bool(0), a.bool(1), a.bool(-1), a.bool(2)]).toEqual([false, true, false, true]);
    expect(draws(a, 10)).toEqual(draws(b, 10));
  });

  it("bytes is a bound RandomSource of the requested length", () => {
    const { bytes } = new SeededRandom(6);
    const again = new SeededRandom(6).bytes;
    for (const n of [0, 1, 3, 4, 5, 33]) {
      const out = bytes(n);
      expect(out).toBeInstanceOf(Uint8Array);
      expect(out.length).toBe(n);
      expect(again(n)).toEqual(out);
    }
    const counts = new Array<number>(256).fill(0);
    for (const byte of bytes(256 * 400)) counts[byte]!++;
    // χ² with 255 degrees of freedom: 330.5 is its 0.1% critical value.
    expect(chiSquareUniform(counts)).toBeLessThan(330.5);
    expect(() => bytes(-1)).toThrow(ZquicError);
  });
});
