// Shared helpers for zquic benchmarks: run a tinybench suite, print ops/s with
// the spread, and describe the machine so results in RESULTS.md are comparable.
import { Bench } from "tinybench";
import { cpus } from "node:os";

/** One line describing where the numbers came from. */
export function machine() {
  const cpu = cpus()[0]?.model ?? "unknown cpu";
  return `${cpus().length} cores (${cpu}), node ${process.version}, ${process.platform}/${process.arch}`;
}

/**
 * Runs `tasks` ({ name: fn }) and prints a table: median ops/s, p25–p75 of the
 * per-sample throughput, and the relative margin of error. Returns the rows.
 */
export async function runSuite(title, tasks, { time = Number(process.env.ZQUIC_BENCH_MS ?? 1000), warmupTime = 200 } = {}) {
  const bench = new Bench({ name: title, time, warmupTime });
  for (const [name, fn] of Object.entries(tasks)) bench.add(name, fn);
  await bench.run();
  const rows = bench.tasks.map((task) => {
    const r = task.result;
    const t = r?.throughput;
    return {
      task: task.name,
      "ops/s (median)": t ? Math.round(t.p50) : NaN,
      "ops/s (mean ± rme)": t ? `${Math.round(t.mean)} ± ${t.rme.toFixed(1)}%` : "error",
      "µs/op (median)": r?.latency ? (r.latency.p50 * 1000).toFixed(2) : "",
      samples: r?.latency?.samplesCount ?? r?.latency?.samples?.length ?? "",
    };
  });
  console.log(`\n## ${title}\n${machine()}`);
  console.table(rows);
  return rows;
}
