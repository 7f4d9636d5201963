/**
 * Seeds for tests: run a test over several seeds, rerun exactly one, and
 * put the seed in every failure so it can be replayed.
 *
 * ```ts
 * for (const seed of seedsToRun(process.env.ZQUIC_SEED, [1, 2, 3])) {
 *   it(`survives 20% loss (seed ${seed})`, () => withSeed(seed, () => {
 *     const net = new Network({ seed, link: { loss: 0.2 } });
 *     // …
 *   }));
 * }
 * ```
 * A failure then reads `… [seed 2: rerun with ZQUIC_SEED=2]`.
 *
 * @module
 */
import { ZquicError } from "@zquic/wire";

/** The environment variable that names the one seed to rerun. */
export const SEED_ENV = "ZQUIC_SEED";

/** A seed from decimal (`"42"`, `"-7"`) or hex (`"0x2a"`) text. Throws `ZquicError` `SIM_BAD_SEED` otherwise. */
export function parseSeed(text: string): number {
  const trimmed = text.trim();
  const seed = /^0x[0-9a-f]+$/i.test(trimmed) ? parseInt(trimmed, 16) : /^-?\d+$/.test(trimmed) ? Number(trimmed) : NaN;
  if (!Number.isSafeInteger(seed)) {
    throw new ZquicError("SIM_BAD_SEED", `${SEED_ENV}=${JSON.stringify(text)} is not a seed: use a whole number such as 42 or 0x2a`);
  }
  return seed;
}

/** The seeds to run: only the one in `override` when it is set (pass `process.env.ZQUIC_SEED`), else `defaults`. */
export function seedsToRun(override: string | undefined, defaults: readonly number[]): readonly number[] {
  return override === undefined || override.trim() === "" ? defaults : [parseSeed(override)];
}

/** `error` with the seed and how to rerun it appended to its message. */
function withSeedNote(error: unknown, seed: number): Error {
  const note = `[seed ${seed}: rerun with ${SEED_ENV}=${seed}]`;
  if (error instanceof Error) {
    error.message = `${error.message}\n${note}`;
    return error;
  }
  return new Error(`${String(error)}\n${note}`, { cause: error });
}

/**
 * Runs `fn(seed)`. If it throws, or the promise it returns rejects, the
 * error's message gains the seed and the {@link SEED_ENV} setting that
 * replays it; assertion details are kept.
 */
export function withSeed<T>(seed: number, fn: (seed: number) => T): T {
  let result: T;
  try {
    result = fn(seed);
  } catch (error) {
    throw withSeedNote(error, seed);
  }
  if (result instanceof Promise) {
    return result.catch((error: unknown) => {
      throw withSeedNote(error, seed);
    }) as T;
  }
  return result;
}
