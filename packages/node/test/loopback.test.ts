import { describe, expect, it } from "vitest";
import * as zquic from "@zquic/node";
import { runLoopbackScenario } from "../../io/test/scenario/loopback-scenario.mjs";

describe("the shared loopback scenario on node:dgram", () => {
  it("passes over IPv4 with a 10 MB download", async () => {
    const lines: string[] = [];
    const results = await runLoopbackScenario(zquic, { host: "127.0.0.1", log: (line) => lines.push(line) });
    console.log(`[node ipv4] ${lines.join("; ")}`);
    expect(lines).toHaveLength(6);
    expect(results.downloadMBps).toBeGreaterThan(0);
  });

  it("passes over IPv6", async () => {
    const lines: string[] = [];
    await runLoopbackScenario(zquic, { host: "::1", downloadBytes: 1 << 20, parallelStreams: 20, log: (line) => lines.push(line) });
    expect(lines).toHaveLength(6);
  });
});
