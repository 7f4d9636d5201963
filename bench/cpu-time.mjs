// Interleaved CPU-time measurement for benchmarks whose ratios matter more than
// their absolute figures on a machine other work shares.

/**
 * Microseconds of this process's CPU time per call of each task in `named`
 * ({ name: fn }): rounds alternate between the tasks, so a burst of load
 * elsewhere on the machine skews every task of a round alike, and the order
 * rotates each round so no task always pays for the garbage of the one before.
 * Returns { name: { min, p25, median, p75 } } over the rounds; the minimum
 * comes closest to the cost on an otherwise idle machine.
 */
export function interleavedMicroseconds(named, { rounds = 24, iterations = 2000 } = {}) {
  const entries = Object.entries(named);
  const samples = Object.fromEntries(entries.map(([name]) => [name, []]));
  for (let round = 0; round < rounds; round++) {
    for (let k = 0; k < entries.length; k++) {
      const [name, fn] = entries[(round + k) % entries.length];
      for (let i = 0; i < Math.max(1, iterations / 10); i++) fn();
      const start = process.cpuUsage();
      for (let i = 0; i < iterations; i++) fn();
      const used = process.cpuUsage(start);
      samples[name].push((used.user + used.system) / iterations);
    }
  }
  const quantile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  return Object.fromEntries(
    Object.entries(samples).map(([name, values]) => {
      const sorted = values.sort((a, b) => a - b);
      return [name, { min: sorted[0], p25: quantile(sorted, 0.25), median: quantile(sorted, 0.5), p75: quantile(sorted, 0.75) }];
    }),
  );
}
