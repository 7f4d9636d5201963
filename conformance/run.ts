/**
 * `npm run conformance [-- CASE…] [options]`: runs the interop test cases
 * for each pair of peers through the impairment relay, checks each run on
 * the wire, and writes the matrix to `conformance/RESULTS.md`.
 *
 * ```
 * node conformance/dist/run.js [CASE…] [--pairs zquic-ngtcp2,ngtcp2-zquic,zquic-zquic]
 *      [--out DIR] [--results FILE] [--repetitions N] [--keep]
 * ```
 * Pairs are `<client>-<server>`; peers are `zquic` and `ngtcp2`
 * (`ngtcp2-ngtcp2` validates the infrastructure itself).
 *
 * @module
 */
import { mkdir, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { TEST_CASES, findCase, type TestCase } from "./cases.js";
import { CONFORMANCE_DIR } from "./paths.js";
import { ngtcp2 } from "./peers/ngtcp2.js";
import type { Peer } from "./peers/peer.js";
import { zquic } from "./peers/zquic.js";
import { output } from "./process.js";
import { CertificateCache } from "./runner/certs.js";
import { executeCase, type Pair, type RunResult } from "./runner/execute.js";
import { cellStatus, deviationNotes, renderReport, type Cell } from "./runner/results.js";

/** The peers by name. */
const PEERS: Readonly<Record<string, Peer>> = { zquic, ngtcp2 };

/** The issue's three pairs: zquic client → ngtcp2 server, ngtcp2 client → zquic server, zquic ↔ zquic. */
const DEFAULT_PAIRS = ["zquic-ngtcp2", "ngtcp2-zquic", "zquic-zquic"];

/** Tools every run needs; a missing one fails the run rather than skipping it. */
const TOOLS = ["dumpcap", "tshark", "openssl"];

const USAGE = `usage: npm run conformance -- [CASE…] [--pairs ${DEFAULT_PAIRS.join(",")}] [--out DIR] [--results FILE] [--repetitions N] [--keep]
cases: ${TEST_CASES.map((c) => c.name).join(" ")}`;

function parsePair(name: string): Pair {
  const [client, server] = name.split("-").map((peer) => PEERS[peer]);
  if (client === undefined || server === undefined) throw new RangeError(`pair "${name}" is not <client>-<server> with peers ${Object.keys(PEERS).join(", ")}`);
  return { client, server };
}

async function missingTools(): Promise<string[]> {
  const missing: string[] = [];
  for (const tool of TOOLS) if ((await output({ command: tool, args: ["-v"] })).finished.error !== undefined) missing.push(tool);
  return missing;
}

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      pairs: { type: "string", default: DEFAULT_PAIRS.join(",") },
      out: { type: "string" },
      results: { type: "string", default: join(CONFORMANCE_DIR, "RESULTS.md") },
      repetitions: { type: "string" },
      keep: { type: "boolean", default: false },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help === true) {
    console.log(USAGE);
    return 0;
  }
  const cases: TestCase[] = positionals.length === 0 ? [...TEST_CASES] : positionals.map((name) => findCase(name) ?? name).filter((c): c is TestCase => typeof c !== "string");
  const unknown = positionals.filter((name) => findCase(name) === undefined);
  if (unknown.length > 0) {
    console.error(`unknown case(s): ${unknown.join(", ")}\n${USAGE}`);
    return 2;
  }
  const pairNames = values.pairs.split(",").filter((name) => name !== "");
  const pairs = pairNames.map(parsePair);
  const missing = await missingTools();
  if (missing.length > 0) {
    console.error(`conformance: missing ${missing.join(", ")} (install wireshark-common, tshark, openssl)`);
    return 1;
  }
  const out = values.out ?? join(tmpdir(), `zquic-conformance-${new Date().toISOString().replaceAll(":", "-")}`);
  await mkdir(out, { recursive: true });
  const environment = { certificates: new CertificateCache(out), keep: values.keep, log: (line: string) => console.log(`    relay ${line}`) };
  const versions = await Promise.all([...new Set(pairs.flatMap((pair) => [pair.client, pair.server]))].map((peer) => peer.version()));
  console.log(`conformance: ${cases.length} case(s) × ${pairs.length} pair(s); logs in ${out}`);

  const cells: Cell[] = [];
  for (const testCase of cases) {
    for (const [index, pair] of pairs.entries()) {
      const pairName = pairNames[index]!;
      const runs: RunResult[] = [];
      const repetitions = Number(values.repetitions ?? testCase.repetitions);
      for (let run = 1; run <= repetitions; run++) {
        const directory = join(out, testCase.name, pairName, ...(repetitions > 1 ? [`run-${run}`] : []));
        const result = await executeCase(testCase, pair, directory, environment).catch(
          (error: unknown): RunResult => ({ status: "fail", reason: `the runner failed: ${(error as Error).message}`, checks: [], durationMs: 0, directory }),
        );
        runs.push(result);
        console.log(`${testCase.name.padEnd(20)} ${pairName.padEnd(14)} ${result.status}${result.reason === "" ? "" : `: ${result.reason}`}${result.value === undefined ? "" : ` (${result.value.toFixed(2)} Mbit/s)`}`);
        if (result.status === "unsupported") break;
      }
      cells.push({ testCase, pair: `${pair.client.name} → ${pair.server.name}`, runs });
    }
  }
  const report = renderReport({
    date: new Date(),
    versions,
    pairs: pairs.map((pair) => `${pair.client.name} → ${pair.server.name}`),
    cases,
    cells,
    notes: [
      ...cases.flatMap((c) => (c.path.kind === "direct" ? [`- \`${c.name}\` runs without the relay: ${c.path.reason}.`] : [])),
      ...deviationNotes(pairs, cases),
    ],
  });
  await writeFile(values.results, report);
  await writeFile(join(out, "results.json"), JSON.stringify(cells.map((cell) => ({ case: cell.testCase.name, pair: cell.pair, runs: cell.runs })), null, 2));
  console.log(`results: ${values.results}`);
  return cells.some((cell) => cellStatus(cell) === "fail") ? 1 : 0;
}

main().then(
  (status) => {
    process.exitCode = status;
  },
  (error: unknown) => {
    console.error(`conformance: ${(error as Error).stack ?? String(error)}`);
    process.exitCode = 1;
  },
);
