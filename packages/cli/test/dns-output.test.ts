// What `zquic dns` prints and parses, without the network: dig's layout, the metrics line, --upstream.
import { describe, expect, it } from "vitest";
import { Name, RRClass, Rcode, loadZone, makeQuery, type DnsMessage } from "@zquic/doq";
import { formatDig } from "../src/dns/dig-format.js";
import { metricsLine } from "../src/dns/metrics-line.js";
import { parseUpstream } from "../src/dns/upstream-address.js";

const zone = loadZone(`$ORIGIN out.zns.
@ 300 IN SOA ns admin 5 3600 600 86400 60
@ 300 IN A 198.51.100.1
ns 300 IN A 198.51.100.53
`);

const context = { arguments: "@127.0.0.1:853 out.zns A", server: "127.0.0.1#853", queryTimeMs: 12.4, when: new Date(Date.UTC(2026, 10, 22, 1, 2, 3)), size: 468, transport: "DoQ" };

describe("formatDig", () => {
  it("prints header, flags with counts (OPT counted as additional), the OPT pseudosection and the non-empty sections", () => {
    const response: DnsMessage = {
      ...makeQuery("out.zns", 1),
      qr: true,
      aa: true,
      ra: true,
      answer: [zone.records[1]!],
      additional: [zone.records[2]!],
      edns: { udpPayloadSize: 1232, version: 0, dnssecOk: true, options: [{ code: 12, data: new Uint8Array(40) }, { code: 65_001, data: new Uint8Array([0xab, 0x01]) }] },
    };
    expect(formatDig(response, context)).toEqual([
      "; <<>> zquic dns query <<>> @127.0.0.1:853 out.zns A",
      ";; Got answer:",
      ";; ->>HEADER<<- opcode: QUERY, status: NOERROR, id: 0",
      ";; flags: qr aa rd ra; QUERY: 1, ANSWER: 1, AUTHORITY: 0, ADDITIONAL: 2",
      "",
      ";; OPT PSEUDOSECTION:",
      "; EDNS: version: 0, flags: do; udp: 1232",
      "; PAD: (40 bytes)",
      "; OPT=65001: ab 01",
      "",
      ";; QUESTION SECTION:",
      ";out.zns.\t\tIN\tA",
      "",
      ";; ANSWER SECTION:",
      "out.zns.\t300\tIN\tA\t198.51.100.1",
      "",
      ";; ADDITIONAL SECTION:",
      "ns.out.zns.\t300\tIN\tA\t198.51.100.53",
      "",
      ";; Query time: 12 msec",
      ";; SERVER: 127.0.0.1#853 (DoQ)",
      ";; WHEN: Sun, 22 Nov 2026 01:02:03 GMT",
      ";; MSG SIZE  rcvd: 468",
    ]);
  });

  it("names the RCODE and leaves out the OPT pseudosection without EDNS", () => {
    const response: DnsMessage = { ...makeQuery(Name.parse("gone.out.zns"), 28, { class: RRClass.IN }), qr: true, rcode: Rcode.NXDOMAIN, authority: [zone.soa] };
    const lines = formatDig(response, context);
    expect(lines[2]).toBe(";; ->>HEADER<<- opcode: QUERY, status: NXDOMAIN, id: 0");
    expect(lines[3]).toBe(";; flags: qr rd; QUERY: 1, ANSWER: 0, AUTHORITY: 1, ADDITIONAL: 0");
    expect(lines).not.toContain(";; OPT PSEUDOSECTION:");
    expect(lines).toContain(";; AUTHORITY SECTION:");
    expect(lines).not.toContain(";; ANSWER SECTION:");
  });
});

describe("metricsLine", () => {
  it("puts every counter on one line of key=value pairs", () => {
    const line = metricsLine(
      {
        queries: 7,
        responses: { NOERROR: 5, NXDOMAIN: 2 },
        backendAnswers: 3,
        cacheHits: 1,
        cacheMisses: 3,
        cacheHitRatio: 0.25,
        upstreamQueries: 3,
        upstreamFailures: 1,
        upstreamTimeouts: 1,
        upstreamLatency: { count: 2, meanMs: 1.25, maxMs: 2 },
      },
      { connections: 2, excessiveLoad: 4, cancelled: 1 },
    );
    expect(line).toBe(
      "metrics queries=7 responses=NOERROR:5,NXDOMAIN:2 backend_answers=3 cache_hits=1 cache_misses=3 cache_hit_ratio=0.25 upstream_queries=3 upstream_failures=1 upstream_timeouts=1 upstream_latency_ms=mean:1.3,max:2.0 connections=2 excessive_load=4 cancelled=1",
    );
  });
});

describe("parseUpstream", () => {
  it("reads classic HOST:PORT and doq://HOST:PORT", () => {
    expect(parseUpstream("127.0.0.1:53")).toEqual({ kind: "classic", host: "127.0.0.1", port: 53 });
    expect(parseUpstream("doq://[::1]:853")).toEqual({ kind: "doq", host: "::1", port: 853 });
  });

  it("refuses names, other schemes and missing ports", () => {
    for (const text of ["localhost:53", "https://127.0.0.1:443", "127.0.0.1", "doq://127.0.0.1"]) expect(() => parseUpstream(text), text).toThrow();
  });
});
