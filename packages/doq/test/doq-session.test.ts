import { describe, expect, it } from "vitest";
import { withSeed } from "@zquic/sim";
import { RRType, Rcode, formatRecord, makeQuery } from "@zquic/doq";
import { DoqPair, zoneHandler } from "./doq-harness.js";

describe("DoQ client ↔ server", () => {
  it("answers an A query", () =>
    withSeed(1, async () => {
      const doq = new DoqPair({ seed: 1, link: { latency: 10 }, server: { handler: zoneHandler() } });
      const t0 = performance.now();
      const outcome = await doq.ask(makeQuery("example.ghost.", RRType.A));
      console.log(performance.now() - t0, doq.net.now);
      expect(outcome.type).toBe("response");
      if (outcome.type !== "response") return;
      expect(outcome.response.rcode).toBe(Rcode.NOERROR);
      expect(outcome.response.answer.map(formatRecord)).toEqual(["example.ghost. 3600 IN A 192.0.2.10"]);
    }));
});
