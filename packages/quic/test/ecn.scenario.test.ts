import { describe, expect, it } from "vitest";
import { withSeed } from "@zquic/sim";
import { connectedPair, uploads } from "@zquic/testkit";

describe("ECN on a path (RFC 9000 §13.4, RFC 9002 §7.1)", () => {
  it("validates ECN on a path that carries the marks, and keeps marking", () =>
    withSeed(71, () => {
      const pair = connectedPair({ seed: 71, link: { latency: 10, bandwidth: 50e6 } });
      const run = uploads(pair, [256 << 10]);
      expect(pair.run(run.done)).toBe("until");
      expect(pair.connection.recovery.ecn.state).toBe("capable");
      expect(pair.connection.recovery.ecn.codepoint).toBe(2);
    }));

  it("stops marking on a path that bleaches ECN", () =>
    withSeed(72, () => {
      const pair = connectedPair({ seed: 72, link: { latency: 10, bandwidth: 50e6, bleachEcn: true } });
      const run = uploads(pair, [256 << 10]);
      expect(pair.run(run.done)).toBe("until");
      expect(pair.connection.recovery.ecn.state).toBe("failed");
      expect(pair.connection.recovery.ecn.codepoint).toBe(0);
    }));

  it("treats CE marks as congestion without losing data", () =>
    withSeed(73, () => {
      const pair = connectedPair({ seed: 73, link: { latency: 10, bandwidth: 10e6, queue: 50, ecnThreshold: 5 } });
      const run = uploads(pair, [1 << 20]);
      expect(pair.run(run.done, 60_000)).toBe("until");
      expect(pair.connection.recovery.ecn.state).toBe("capable");
      // CE feedback keeps the window near the path's capacity: no queue overflow losses.
      expect(pair.connection.stats.packetsLost).toBe(0);
    }));
});
