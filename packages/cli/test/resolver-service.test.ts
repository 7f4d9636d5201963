// The resolver service in process: a name backend of its own plugged in beside the zone files.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RRClass, RRType, Rcode, emptyAnswer, formatRecord, type NameBackend } from "@zquic/doq";
import { doqClient } from "@zquic/node";
import { main } from "../src/index.js";
import { ResolverService } from "../src/dns/resolver-service.js";

const zones = new URL("../../doq/test/fixtures/zones/", import.meta.url).pathname;
const work = mkdtempSync(join(tmpdir(), "zquic-service-"));
const quiet = { out: () => undefined, err: () => undefined, progress: undefined };

/** Stands in for an on-chain registry: `<label>.eth` owns a TXT record naming its address. */
const registry: NameBackend = {
  zones: ["eth."],
  lookup: async (question) => {
    const label = question.name.labels[0];
    if (question.name.labels.length !== 2 || label === undefined) return emptyAnswer(Rcode.NXDOMAIN, true);
    if (question.type !== RRType.TXT) return emptyAnswer(Rcode.NOERROR, true);
    const text = new TextEncoder().encode(`owner=0x${Buffer.from(label).toString("hex")}`);
    return { rcode: Rcode.NOERROR, answer: [{ name: question.name, class: RRClass.IN, ttl: 30, data: { type: "TXT", txtData: [text] } }], authority: [], additional: [], authoritative: true };
  },
};

describe("ResolverService with a NameBackend beside its zones", () => {
  let service: ResolverService;
  beforeAll(async () => {
    expect(await main(["cert", "--out", work], quiet)).toBe(0);
    service = await ResolverService.start({
      host: "127.0.0.1",
      port: 0,
      certFile: join(work, "cert.pem"),
      keyFile: join(work, "priv.key"),
      zoneFiles: [join(zones, "example.ghost")],
      backends: [registry],
      upstreamTimeoutMs: 1000,
      limits: {},
      cacheEntries: 100,
      log: () => undefined,
    });
  });
  afterAll(async () => {
    await service.close();
    rmSync(work, { recursive: true, force: true });
  });

  it("answers the backend's names and the zone's over DoQ, and counts them", async () => {
    const client = doqClient({ caFile: join(work, "cert.pem"), sessionStore: null });
    const server = `127.0.0.1:${service.address.port}`;
    try {
      const eth = await client.ask(server, "vitalik.eth", "TXT");
      expect(eth.message.answer.map(formatRecord)).toEqual(['vitalik.eth. 30 IN TXT "owner=0x766974616c696b"']);
      expect(eth.message.aa).toBe(true);
      expect((await client.ask(server, "a.b.eth", "TXT")).message.rcode).toBe(Rcode.NXDOMAIN);
      expect((await client.ask(server, "www.example.ghost", "A")).message.answer.map(formatRecord)).toEqual([
        "www.example.ghost. 3600 IN CNAME example.ghost.",
        "example.ghost. 3600 IN A 192.0.2.10",
      ]);
      // Without an upstream, other names are refused.
      expect((await client.ask(server, "example.org", "A")).message.rcode).toBe(Rcode.REFUSED);
      expect(service.metricsLine()).toMatch(/^metrics queries=4 responses=NOERROR:2,NXDOMAIN:1,REFUSED:1 backend_answers=3 .* connections=1 excessive_load=0 cancelled=0$/);
    } finally {
      await client.close();
    }
  });
});
