import { describe, expect, it } from "vitest";
import { ZquicError } from "@zquic/wire";
import { SEED_ENV, parseSeed, seedsToRun, withSeed } from "@zquic/sim";

describe("seeds for tests", () => {
  it("parses decimal and hex seeds and rejects anything else", () => {
    expect(parseSeed("42")).toBe(42);
    expect(parseSeed(" -7 ")).toBe(-7);
    expect(parseSeed("0x2A")).toBe(42);
    for (const bad of ["", "abc", "1.5", "1e3", "0x", "99999999999999999999"]) expect(() => parseSeed(bad)).toThrow(ZquicError);
  });

  it("runs the default seeds unless one is named", () => {
    expect(seedsToRun(undefined, [1, 2, 3])).toEqual([1, 2, 3]);
    expect(seedsToRun("", [1, 2, 3])).toEqual([1, 2, 3]);
    expect(seedsToRun("17", [1, 2, 3])).toEqual([17]);
    expect(() => seedsToRun("x", [1])).toThrow(/ZQUIC_SEED="x" is not a seed/);
  });

  it("returns what the test returns", async () => {
    expect(withSeed(3, (seed) => seed * 2)).toBe(6);
    await expect(withSeed(3, async (seed) => seed + 1)).resolves.toBe(4);
  });

  it("adds the seed and how to rerun it to a failing assertion, keeping its details", () => {
    let caught: unknown;
    try {
      withSeed(1234, () => expect(1 + 1).toBe(3));
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(Error);
    const error = caught as Error & { expected?: unknown; actual?: unknown };
    expect(error.message).toContain("expected 2 to be 3");
    expect(error.message).toContain(`[seed 1234: rerun with ${SEED_ENV}=1234]`);
    expect([error.expected, error.actual]).toEqual([3, 2]);
  });

  it("adds the seed to a rejected promise and to a thrown non-error", async () => {
    await expect(withSeed(5, () => Promise.reject(new Error("boom")))).rejects.toThrow(/boom\n\[seed 5: rerun with ZQUIC_SEED=5\]/);
    expect(() =>
      withSeed(6, () => {
        throw "plain string";
      }),
    ).toThrow(/plain string\n\[seed 6/);
  });
});
