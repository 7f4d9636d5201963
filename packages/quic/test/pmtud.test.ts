import { describe, expect, it } from "vitest";
import { withSeed } from "@zquic/sim";
import { MtuDiscovery } from "../src/pmtud.js";
import { connectedPair, sha256Hex, uploads } from "@zquic/testkit";

describe("DPLPMTUD (RFC 8899, RFC 9000 §14.3)", () => {
  it("bisects between what got through and what did not", () => {
    const mtu = new MtuDiscovery(1500);
    const path = 1380;
    for (let now = 0, probes = 0; probes < 40; now += 100, probes++) {
      const size = mtu.probeSize(now);
      if (size === undefined) break;
      mtu.onProbeSent(size);
      if (size <= path) mtu.onProbeAcknowledged(size, now);
      else mtu.onProbeLost(size, now);
    }
    expect(mtu.current).toBeLessThanOrEqual(path);
    expect(mtu.current).toBeGreaterThan(path - 16);
    expect(mtu.probeSize(1000)).toBeUndefined();
  });

  it("grows datagrams to the largest size the path carries, and no further", () =>
    withSeed(75, () => {
      const pair = connectedPair({ seed: 75, link: { latency: 10, bandwidth: 50e6, mtu: 1350 } });
      const run = uploads(pair, [1 << 20]);
      expect(pair.run(run.done, 60_000)).toBe("until");
      for (const [id, data] of run.sent) expect(sha256Hex(run.received.get(id) ?? [])).toBe(sha256Hex([data]));
      expect(pair.run(() => !pair.connection.mtu.searching, 60_000)).toBe("until");
      expect(pair.connection.maxDatagramSize).toBeLessThanOrEqual(1350);
      expect(pair.connection.maxDatagramSize).toBeGreaterThan(1350 - 16);
      // Lost probes are not congestion: the window was never cut for them.
      expect(pair.connection.stats.packetsLost).toBeGreaterThan(0);
    }));

  it("uses the configured maximum when the path allows it", () =>
    withSeed(76, () => {
      const pair = connectedPair({ seed: 76, link: { latency: 10 }, transport: { maxDatagramSize: 1452 } });
      expect(pair.run(() => pair.connection.maxDatagramSize === 1452 && pair.accepted[0]?.maxDatagramSize === 1452, 10_000)).toBe("until");
    }));
});
