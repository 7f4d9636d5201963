import { describe, expect, it } from "vitest";
import { seedsToRun, withSeed } from "@zquic/sim";
import { connectedPair, sha256Hex, uploads } from "@zquic/testkit";

describe("bulk transfer through the simulator", () => {
  it("moves 1 MB on a clean link, byte for byte", () =>
    withSeed(21, () => {
      const pair = connectedPair({ seed: 21, link: { latency: 10, bandwidth: 100e6 } });
      const run = uploads(pair, [1 << 20]);
      const outcome = pair.net.runUntil({ until: run.done, deadline: 30_000 });
      expect(outcome.reason).toBe("until");
      for (const [id, data] of run.sent) expect(sha256Hex(run.received.get(id) ?? [])).toBe(sha256Hex([data]));
    }));

  for (const seed of seedsToRun(process.env.ZQUIC_SEED, [31, 32])) {
    it(`moves 2+3+5 MB on three streams through 2% loss, reordering and duplication (seed ${seed})`, () =>
      withSeed(seed, () => {
        const pair = connectedPair({ seed, link: { latency: 20, bandwidth: 200e6, loss: 0.02, reorder: 0.02, duplicate: 0.01 } });
        const run = uploads(pair, [2 << 20, 3 << 20, 5 << 20]);
        const outcome = pair.net.runUntil({ until: run.done, deadline: 120_000 });
        expect(outcome.reason).toBe("until");
        for (const [id, data] of run.sent) expect(sha256Hex(run.received.get(id) ?? [])).toBe(sha256Hex([data]));
      }));
  }

  for (const seed of seedsToRun(process.env.ZQUIC_SEED, [33])) {
    it(`moves 10 MB on one stream through 2% loss, reordering and duplication (seed ${seed})`, () =>
      withSeed(seed, () => {
        const pair = connectedPair({ seed, link: { latency: 20, bandwidth: 200e6, loss: 0.02, reorder: 0.02, duplicate: 0.01 } });
        const run = uploads(pair, [10 << 20]);
        const outcome = pair.net.runUntil({ until: run.done, deadline: 300_000 });
        expect(outcome.reason).toBe("until");
        for (const [id, data] of run.sent) expect(sha256Hex(run.received.get(id) ?? [])).toBe(sha256Hex([data]));
      }));
  }
});
