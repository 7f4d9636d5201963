/**
 * The CI subset of the conformance matrix (issue: handshake, transfer, retry,
 * resumption, zerortt, keyupdate, chacha20, v2, http3, transferloss), zquic in
 * both roles against ngtcp2 and against itself, through the relay, judged by
 * the runner's checks on the packet capture. Needs gtlsclient, gtlsserver,
 * dumpcap and tshark (`.ci/run` installs them); a missing one fails, never
 * skips. The whole matrix is `npm run conformance`.
 */
import { execFileSync } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findCase } from "../cases.js";
import { REPOSITORY_DIR } from "../paths.js";
import { ngtcp2 } from "../peers/ngtcp2.js";
import { zquic } from "../peers/zquic.js";
import { CertificateCache } from "../runner/certs.js";
import { executeCase, type Pair, type Status } from "../runner/execute.js";

const SUBSET = ["handshake", "transfer", "retry", "resumption", "zerortt", "keyupdate", "chacha20", "v2", "http3", "transferloss"];

const PAIRS: Readonly<Record<string, Pair>> = {
  "zquic-ngtcp2": { client: zquic, server: ngtcp2 },
  "ngtcp2-zquic": { client: ngtcp2, server: zquic },
  "zquic-zquic": { client: zquic, server: zquic },
};

/**
 * Cells that must not pass, and why: ngtcp2 0.12.1 knows only a draft of v2
 * (the v2-first fallback through its Version Negotiation is tested in
 * packages/node/test/ngtcp2-handshake.test.ts).
 */
const EXPECTED: Readonly<Record<string, Status>> = {
  "v2 zquic-ngtcp2": "unsupported",
  "v2 ngtcp2-zquic": "unsupported",
};

let root: string;
let environment: { certificates: CertificateCache; keep: boolean; log: (line: string) => void };

beforeAll(async () => {
  // The endpoint runs from conformance/dist: bring it up to date with the sources under test.
  execFileSync(process.execPath, [join(REPOSITORY_DIR, "node_modules", "typescript", "bin", "tsc"), "-b", join(REPOSITORY_DIR, "conformance")], { stdio: "inherit" });
  root = await mkdtemp(join(tmpdir(), "zquic-conformance-subset-"));
  environment = { certificates: new CertificateCache(root), keep: false, log: () => {} };
}, 180_000);

afterAll(async () => {
  if (root !== undefined) await rm(root, { recursive: true, force: true });
});

describe.sequential("conformance subset: zquic against ngtcp2 in both roles, and against itself", () => {
  for (const name of SUBSET) {
    for (const [pairName, pair] of Object.entries(PAIRS)) {
      const cell = `${name} ${pairName}`;
      it(cell, { timeout: 300_000 }, async () => {
        const testCase = findCase(name);
        if (testCase === undefined) throw new Error(`no case ${name}`);
        const result = await executeCase(testCase, pair, join(root, `${name}-${pairName}`), environment);
        const failedChecks = result.checks.filter((check) => !check.outcome.pass);
        expect(result.status, `${cell}: ${result.reason}\n${JSON.stringify(failedChecks, null, 1)}\nlogs: ${result.directory}`).toBe(EXPECTED[cell] ?? "pass");
      });
    }
  }
});
