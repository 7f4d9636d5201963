// Classic DNS over UDP and TCP (RFC 1035 §4.2) against a real unbound on loopback,
// and the Resolver forwarding to it through its cache.
import { createSocket, type Socket } from "node:dgram";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_UDP_PAYLOAD_SIZE, Rcode, Resolver, UpstreamTimeoutError, decodeMessage, encodeMessage, formatRecord, makeQuery, type DnsMessage } from "@zquic/doq";
import { DnsTimeoutError, classicUpstream, monotonicNow, tcpExchange, udpExchange } from "@zquic/node";
import { startUnbound, type UnboundServer } from "@zquic/testkit";
import { BIG_TXT_RECORDS, UNBOUND_ZONE } from "./unbound-zone.js";

/** A query as a resolver sends it upstream: EDNS with a 1232-octet payload size. */
const query = (name: string, type: number, id = 0x1234): Uint8Array =>
  encodeMessage(makeQuery(name, type, { id, edns: { udpPayloadSize: DEFAULT_UDP_PAYLOAD_SIZE, version: 0, dnssecOk: false, options: [] } }));

/** A UDP socket on a free loopback port that never answers. */
async function silentServer(): Promise<{ socket: Socket; port: number }> {
  const socket = createSocket("udp4");
  await new Promise<void>((resolve) => socket.bind(0, "127.0.0.1", resolve));
  return { socket, port: socket.address().port };
}

/** A loopback port nothing listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const { socket, port } = await silentServer();
  await new Promise<void>((resolve) => socket.close(resolve));
  return port;
}

describe("UDP and TCP exchanges with unbound", () => {
  let unbound: UnboundServer;
  beforeAll(async () => {
    unbound = await startUnbound([UNBOUND_ZONE]);
  });
  afterAll(() => unbound.stop());

  it("gets an answer over UDP, matched by Message ID", async () => {
    const reply = decodeMessage(await udpExchange(unbound, query("www.zquic.test", 1, 0xbeef), 2000));
    expect(reply.id).toBe(0xbeef);
    expect(reply.answer.map(formatRecord)).toEqual(["www.zquic.test. 120 IN A 192.0.2.1"]);
  });

  it("gets a response too large for UDP truncated (TC), and whole over TCP with its length field (RFC 1035 §4.2.2)", async () => {
    const udp = decodeMessage(await udpExchange(unbound, query("big.zquic.test", 16), 2000));
    expect(udp.tc).toBe(true);
    expect(udp.answer.length).toBeLessThan(BIG_TXT_RECORDS);
    const tcp = decodeMessage(await tcpExchange(unbound, query("big.zquic.test", 16), 2000));
    expect(tcp.tc).toBe(false);
    expect(tcp.answer).toHaveLength(BIG_TXT_RECORDS);
  });

  it("forwards over UDP and falls back to TCP when the answer is truncated", async () => {
    const upstream = classicUpstream(unbound);
    const small = await upstream(makeQuery("txt.zquic.test", 16), monotonicNow() + 2000);
    expect(small.response.answer.map(formatRecord)).toEqual(['txt.zquic.test. 120 IN TXT "forwarded by unbound"']);
    const big = await upstream(makeQuery("big.zquic.test", 16, { edns: { udpPayloadSize: DEFAULT_UDP_PAYLOAD_SIZE, version: 0, dnssecOk: false, options: [] } }), monotonicNow() + 2000);
    expect(big.response.tc).toBe(false);
    expect(big.response.answer).toHaveLength(BIG_TXT_RECORDS);
  });

  it("rejects at once when nothing listens on the port (ICMP port unreachable)", async () => {
    const started = performance.now();
    await expect(udpExchange({ host: "127.0.0.1", port: await closedPort() }, query("www.zquic.test", 1), 5000)).rejects.toMatchObject({ code: "ECONNREFUSED" });
    await expect(tcpExchange({ host: "127.0.0.1", port: await closedPort() }, query("www.zquic.test", 1), 5000)).rejects.toMatchObject({ code: "ECONNREFUSED" });
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it("gives up after the time limit on a server that never answers", async () => {
    const silent = await silentServer();
    try {
      const started = performance.now();
      await expect(udpExchange({ host: "127.0.0.1", port: silent.port }, query("www.zquic.test", 1), 300)).rejects.toBeInstanceOf(DnsTimeoutError);
      expect(performance.now() - started).toBeGreaterThanOrEqual(290);
      await expect(classicUpstream({ host: "127.0.0.1", port: silent.port })(makeQuery("www.zquic.test", 1), monotonicNow() + 200)).rejects.toBeInstanceOf(UpstreamTimeoutError);
    } finally {
      silent.socket.close();
    }
  });
});

describe("a Resolver forwarding to unbound", () => {
  const ask = async (resolver: Resolver, name: string, type: number): Promise<DnsMessage> => {
    const bytes = await resolver.handleQuery(encodeMessage(makeQuery(name, type)), monotonicNow());
    return decodeMessage(bytes!);
  };

  it("caches answers with their TTLs and NXDOMAIN with the SOA's negative TTL (RFC 2308), then SERVFAILs once unbound is gone", async () => {
    const unbound = await startUnbound([UNBOUND_ZONE]);
    const resolver = new Resolver({ upstream: classicUpstream(unbound), upstreamTimeoutMs: 1000 });
    try {
      const first = await ask(resolver, "www.zquic.test", 28);
      expect(first.rcode).toBe(Rcode.NOERROR);
      expect(first.ra).toBe(true);
      expect(first.aa).toBe(false);
      expect(first.answer.map(formatRecord)).toEqual(["www.zquic.test. 120 IN AAAA 2001:db8::1"]);
      const missing = await ask(resolver, "nothing.zquic.test", 1);
      expect(missing.rcode).toBe(Rcode.NXDOMAIN);
      expect(missing.authority.map((rr) => rr.data.type)).toEqual(["SOA"]);
      expect(resolver.metrics).toMatchObject({ cacheHits: 0, cacheMisses: 2, upstreamQueries: 2 });
      await unbound.stop();
      // Both come from the cache now: unbound is not asked.
      expect((await ask(resolver, "www.zquic.test", 28)).answer).toHaveLength(1);
      expect((await ask(resolver, "nothing.zquic.test", 1)).rcode).toBe(Rcode.NXDOMAIN);
      expect(resolver.metrics).toMatchObject({ cacheHits: 2, upstreamQueries: 2 });
      // A name not cached needs the upstream, which is gone.
      const failed = await ask(resolver, "txt.zquic.test", 16);
      expect(failed.rcode).toBe(Rcode.SERVFAIL);
      expect(resolver.metrics).toMatchObject({ upstreamQueries: 3, upstreamFailures: 1 });
    } finally {
      await unbound.stop();
    }
  });
});
