/** Statistical bounds for tests of random behaviour, computed from the configuration under test. */

/**
 * How far a binomial count may stray from its mean `n·p`: `sigmas` standard
 * deviations (5σ: a false alarm about once in 3.5 million runs).
 */
export function binomialTolerance(n: number, p: number, sigmas = 5): number {
  return sigmas * Math.sqrt(n * p * (1 - p));
}

/** The longest run of `true` in `values`. */
export function longestRun(values: readonly boolean[]): number {
  let longest = 0;
  let current = 0;
  for (const value of values) {
    current = value ? current + 1 : 0;
    longest = Math.max(longest, current);
  }
  return longest;
}
