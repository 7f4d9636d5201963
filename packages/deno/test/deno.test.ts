// The shared loopback scenario under Deno against the built dist/ (run `npx tsc -b` first).
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";

const root = new URL("../../../", import.meta.url).pathname;
const runner = new URL("./run-scenario.mjs", import.meta.url).pathname;

describe("the shared loopback scenario under Deno", () => {
  it("passes over IPv4 and IPv6: handshake, 10 MB download, 100 streams, datagrams, reset, close codes", () => {
    const run = spawnSync(`${root}node_modules/.bin/deno`, ["run", "--unstable-net", "--allow-net", "--allow-read", runner], { cwd: root, encoding: "utf8", timeout: 120_000 });
    // A missing runtime is a failure here, never a skip.
    expect(run.error).toBeUndefined();
    console.log(run.stdout.trim());
    // On failure the diff shows the runtime's stderr.
    expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: "" });
    expect(run.stdout).toContain(`${"deno"} [127.0.0.1]: download ok: 10485760 bytes`);
    expect(run.stdout).toContain(`${"deno"} [::1]: close codes ok`);
    expect(run.stdout.trim().split("\n").at(-1)).toBe("deno: SCENARIO PASSED");
  });
});

describe("the shared HTTP/3 scenario under Deno", () => {
  const http3Runner = new URL("./run-http3-scenario.mjs", import.meta.url).pathname;

  it("serves and fetches with Deno's own Request and Response: GET, streamed POST, 20 in parallel, trailers, abort", () => {
    const run = spawnSync(`${root}node_modules/.bin/deno`, ["run", "--unstable-net", "--allow-net", "--allow-read", http3Runner], { cwd: root, encoding: "utf8", timeout: 120_000 });
    expect(run.error).toBeUndefined();
    console.log(run.stdout.trim());
    expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: "" });
    expect(run.stdout.trim().split("\n").at(-1)).toBe("deno: HTTP/3 SCENARIO PASSED");
  });
});
