import fc from "fast-check";

/** Milliseconds each campaign may run (ZQUIC_FUZZ_SECONDS, default 60). */
export const CAMPAIGN_MS = 1000 * Number(process.env.ZQUIC_FUZZ_SECONDS ?? 60);

/**
 * Runs `property` until the time budget is spent (or it fails). Reports how many
 * inputs were tried so a campaign that ran nothing is visible.
 */
export function campaign<T>(name: string, arbitrary: fc.Arbitrary<T>, check: (value: T) => void): number {
  let runs = 0;
  fc.assert(
    fc.property(arbitrary, (value) => {
      runs++;
      check(value);
    }),
    { numRuns: Number.MAX_SAFE_INTEGER, interruptAfterTimeLimit: CAMPAIGN_MS, markInterruptAsFailure: false },
  );
  console.log(`${name}: ${runs} inputs in ${CAMPAIGN_MS / 1000} s`);
  return runs;
}
