import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { compareDownloads, downloadsComplete } from "../capture/downloads.js";
import { findCase } from "../cases.js";
import type { RunResult } from "../runner/execute.js";
import { ngtcp2 } from "../peers/ngtcp2.js";
import { zquic } from "../peers/zquic.js";
import { cellStatus, deviationNotes, measurement, renderReport } from "../runner/results.js";

const run = (status: RunResult["status"], extra: Partial<RunResult> = {}): RunResult => ({ status, reason: "", checks: [], durationMs: 1000, directory: "/tmp/x", ...extra });

describe("RESULTS.md", () => {
  const handshake = findCase("handshake")!;
  const goodput = findCase("goodput")!;

  it("summarises repetitions: pass only when all pass, unsupported wins", () => {
    expect(cellStatus({ testCase: handshake, pair: "a → b", runs: [run("pass"), run("pass")] })).toBe("pass");
    expect(cellStatus({ testCase: handshake, pair: "a → b", runs: [run("pass"), run("fail")] })).toBe("fail");
    expect(cellStatus({ testCase: handshake, pair: "a → b", runs: [run("unsupported")] })).toBe("unsupported");
  });

  it("averages goodput over passing runs", () => {
    expect(measurement({ testCase: goodput, pair: "a → b", runs: [run("pass", { value: 9 }), run("pass", { value: 11 }), run("fail")] })).toEqual({ mean: 10, deviation: Math.SQRT2, count: 2 });
  });

  it("renders the matrix, the versions, goodput and the reasons", () => {
    const text = renderReport({
      date: new Date("2026-11-22T00:00:00Z"),
      versions: ["ngtcp2 0.12.1", "zquic 0.1.0"],
      pairs: ["zquic → ngtcp2"],
      cases: [handshake, goodput],
      cells: [
        { testCase: handshake, pair: "zquic → ngtcp2", runs: [run("unsupported", { reason: "zquic client exited 127" })] },
        { testCase: goodput, pair: "zquic → ngtcp2", runs: [run("pass", { value: 9.5 })] },
      ],
      notes: [],
    });
    expect(text).toContain("2026-11-22T00:00:00.000Z");
    expect(text).toContain("ngtcp2 0.12.1; zquic 0.1.0");
    expect(text).toContain("| handshake (H) | ➖ unsupported |");
    expect(text).toContain("| goodput (G) | ✅ pass 9.50 ± 0.00 Mbit/s |");
    expect(text).toContain("zquic client exited 127");
  });
});

describe("download comparison", () => {
  const directories: string[] = [];
  afterAll(async () => {
    for (const directory of directories) await rm(directory, { recursive: true, force: true });
  });

  it("finds missing, different and unexpected files", async () => {
    const root = await mkdtemp(join(tmpdir(), "zquic-downloads-"));
    directories.push(root);
    const www = join(root, "www");
    const downloads = join(root, "downloads");
    await mkdir(www);
    await mkdir(downloads);
    for (const name of ["same", "changed", "absent"]) await writeFile(join(www, name), `content of ${name}`);
    await writeFile(join(downloads, "same"), "content of same");
    await writeFile(join(downloads, "changed"), "content of chang3d");
    await writeFile(join(downloads, "extra"), "?");
    const report = await compareDownloads(www, downloads, ["same", "changed", "absent"]);
    expect(report).toEqual({ expected: ["same", "changed", "absent"], missing: ["absent"], unexpected: ["extra"], mismatched: ["changed"] });
    expect(downloadsComplete(report)).toBe(false);
    expect(downloadsComplete(await compareDownloads(www, downloads, ["same"]))).toBe(false);
  });

  it("notes a peer's known deviation only where that peer plays that role in a case that ran", () => {
    const migration = findCase("connectionmigration")!;
    const ngtcp2Server = deviationNotes([{ client: zquic, server: ngtcp2 }], [migration]);
    expect(ngtcp2Server).toHaveLength(1);
    expect(ngtcp2Server[0]).toContain("`connectionmigration` with ngtcp2 as the server");
    expect(deviationNotes([{ client: ngtcp2, server: zquic }], [migration])).toEqual([]);
    expect(deviationNotes([{ client: zquic, server: ngtcp2 }], [findCase("handshake")!])).toEqual([]);
  });
});
