import { describe, expect, it } from "vitest";
import * as zquic from "@zquic/node";
import { runHttp3Scenario } from "../../io/test/scenario/http3-scenario.mjs";

describe("the shared HTTP/3 scenario on node:dgram", () => {
  it("serves and fetches with Node's own Request and Response: GET, streamed POST, 20 in parallel, trailers, abort", async () => {
    const lines: string[] = [];
    await runHttp3Scenario(zquic, { log: (line) => lines.push(line) });
    expect(lines).toEqual(["get ok: 1000000 bytes", "streamed post ok", "parallel ok: 20 requests on one connection", "trailers ok", "abort ok"]);
  });
});
