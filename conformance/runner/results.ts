/**
 * RESULTS.md: the matrix of cases × pairs, as the interop runner publishes
 * it, with the run's date, the peers' versions, goodput in Mbit/s, and the
 * reason behind every cell that did not pass.
 *
 * @module
 */
import type { TestCase } from "../cases.js";
import type { RunResult, Status } from "./execute.js";
import type { Peer } from "../peers/peer.js";

/** The outcome of one case for one pair, over its repetitions. */
export interface Cell {
  readonly testCase: TestCase;
  readonly pair: string;
  readonly runs: readonly RunResult[];
}

/** Everything the report shows. */
export interface Report {
  readonly date: Date;
  readonly versions: readonly string[];
  readonly pairs: readonly string[];
  readonly cases: readonly TestCase[];
  readonly cells: readonly Cell[];
  readonly notes: readonly string[];
}

const SYMBOL: Record<Status, string> = { pass: "✅ pass", fail: "❌ fail", unsupported: "➖ unsupported" };

/** A cell's status: pass only when every run passed; unsupported when any run was. */
export function cellStatus(cell: Cell): Status {
  if (cell.runs.some((run) => run.status === "unsupported")) return "unsupported";
  return cell.runs.length > 0 && cell.runs.every((run) => run.status === "pass") ? "pass" : "fail";
}

/** Mean and sample standard deviation of the runs' measurements, if any. */
export function measurement(cell: Cell): { mean: number; deviation: number; count: number } | undefined {
  const values = cell.runs.flatMap((run) => (run.status === "pass" && run.value !== undefined ? [run.value] : []));
  if (values.length === 0) return undefined;
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const deviation = values.length < 2 ? 0 : Math.sqrt(values.reduce((sum, v) => sum + (v - mean) ** 2, 0) / (values.length - 1));
  return { mean, deviation, count: values.length };
}

function cellText(cell: Cell | undefined): string {
  if (cell === undefined) return "";
  const status = cellStatus(cell);
  const value = measurement(cell);
  return value === undefined || status !== "pass" ? SYMBOL[status] : `${SYMBOL[status]} ${value.mean.toFixed(2)} ± ${value.deviation.toFixed(2)} Mbit/s`;
}

function escape(text: string): string {
  return text.replaceAll("|", "\\|").replaceAll("\n", " ");
}

/** The report as Markdown. */
export function renderReport(report: Report): string {
  const find = (testCase: TestCase, pair: string) => report.cells.find((c) => c.testCase === testCase && c.pair === pair);
  const lines = [
    "# zquic conformance results",
    "",
    `Run ${report.date.toISOString()} by \`npm run conformance\` (conformance/run.ts). Peers: ${report.versions.join("; ")}.`,
    "Pairs are client → server. ngtcp2 speaks only HTTP/3, so every pair with it runs over `h3`; zquic ↔ zquic runs `hq-interop` (HTTP/3 for `http3`).",
    ...(report.notes.length === 0 ? [] : ["", ...report.notes]),
    "",
    `| case | ${report.pairs.join(" | ")} |`,
    `| --- | ${report.pairs.map(() => "---").join(" | ")} |`,
    ...report.cases.map((testCase) => `| ${testCase.name} (${testCase.abbreviation}) | ${report.pairs.map((pair) => cellText(find(testCase, pair))).join(" | ")} |`),
    "",
    "## Details",
    "",
  ];
  for (const cell of report.cells) {
    for (const [index, run] of cell.runs.entries()) {
      const title = `${cell.testCase.name}, ${cell.pair}${cell.runs.length > 1 ? ` (run ${index + 1})` : ""}`;
      lines.push(`- **${title}**: ${run.status}${run.reason === "" ? "" : ` — ${escape(run.reason)}`} (${(run.durationMs / 1000).toFixed(1)} s; logs \`${run.directory}\`)`);
      for (const check of run.checks) lines.push(`  - ${check.outcome.pass ? "✓" : "✗"} ${check.check}: ${escape(check.outcome.detail)}`);
    }
  }
  return `${lines.join("\n")}\n`;
}

/** What the peers in `pairs` are known to get wrong in `cases`, once per peer, case and role. */
export function deviationNotes(pairs: readonly { readonly client: Peer; readonly server: Peer }[], cases: readonly TestCase[]): string[] {
  const notes = new Set<string>();
  for (const pair of pairs) {
    for (const [role, peer] of [["client", pair.client], ["server", pair.server]] as const) {
      for (const deviation of peer.deviations ?? []) {
        if (deviation.role === role && cases.some((c) => c.name === deviation.case)) notes.add(`- \`${deviation.case}\` with ${peer.name} as the ${role}: ${deviation.note}.`);
      }
    }
  }
  return [...notes];
}
