/** Test helpers for checking random outcomes against their distributions. */

/**
 * How far a binomial count may stray from its mean `n·p` before we call the
 * implementation wrong: `sigmas` standard deviations (5σ: a false alarm about
 * once in 3.5 million runs; runs are seeded, so a pass is reproducible).
 */
export function binomialTolerance(n: number, p: number, sigmas = 5): number {
  return sigmas * Math.sqrt(n * p * (1 - p));
}

/** The χ² statistic of `counts` against equal expected counts. */
export function chiSquareUniform(counts: readonly number[]): number {
  const total = counts.reduce((a, b) => a + b, 0);
  const expected = total / counts.length;
  return counts.reduce((sum, observed) => sum + (observed - expected) ** 2 / expected, 0);
}

/** Number of differing bits between two equal-length byte arrays. */
export function hammingDistance(a: Uint8Array, b: Uint8Array): number {
  let bits = 0;
  for (let i = 0; i < a.length; i++) {
    let x = a[i]! ^ b[i]!;
    for (; x !== 0; x &= x - 1) bits++;
  }
  return bits;
}
