import { describe, expect, it } from "vitest";
import { seedsToRun, withSeed } from "@zquic/sim";
import { connectedPair } from "@zquic/testkit";

describe("handshake through the simulator", () => {
  it("completes on a clean link", () =>
    withSeed(1, () => {
      const pair = connectedPair({ seed: 1, link: { latency: 10 } });
      const outcome = pair.net.runUntil({
        until: () => {
          pair.pump();
          return pair.connection.handshake.confirmed && pair.accepted[0]?.handshake.confirmed === true;
        },
        deadline: 10_000,
      });
      expect(outcome.reason).toBe("until");
      expect(pair.connection.alpn).toBe("zquic-test");
      expect(pair.clientEvents.map((e) => e.type)).toContain("handshake_completed");
      expect(pair.serverEvents.map((e) => e.type)).toContain("handshake_confirmed");
    }));

  for (const seed of seedsToRun(process.env.ZQUIC_SEED, [11, 12, 13])) {
    it(`completes with 30% loss each way (seed ${seed})`, () =>
      withSeed(seed, () => {
        const pair = connectedPair({ seed, link: { latency: 15, loss: 0.3 } });
        const outcome = pair.net.runUntil({
          until: () => {
            pair.pump();
            return pair.connection.handshake.confirmed && pair.accepted[0]?.handshake.confirmed === true;
          },
          deadline: 60_000,
        });
        expect(outcome.reason).toBe("until");
      }));
  }

  for (const seed of seedsToRun(process.env.ZQUIC_SEED, [14, 15])) {
    it(`completes when 10% of datagrams are corrupted each way (seed ${seed})`, () =>
      withSeed(seed, () => {
        const pair = connectedPair({ seed, link: { latency: 15, corrupt: 0.1, corruptBits: 3 } });
        const outcome = pair.net.runUntil({
          until: () => {
            pair.pump();
            return pair.connection.handshake.confirmed && pair.accepted[0]?.handshake.confirmed === true;
          },
          deadline: 60_000,
        });
        expect(outcome.reason).toBe("until");
        // Corrupted packets fail authentication and are dropped; none may close the connection.
        expect(pair.connection.closeReason).toBeUndefined();
        expect(pair.accepted[0]!.closeReason).toBeUndefined();
      }));
  }
});
