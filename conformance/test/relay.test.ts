/**
 * The relay measured on loopback: every bound below is computed from the
 * configuration under test, with slack only for Node's 1 ms timers.
 */
import { afterEach, describe, expect, it } from "vitest";
import { performance } from "node:perf_hooks";
import { DEFAULT_SCENARIO, Relay, type RelayOptions } from "../relay/relay.js";
import { parseScenario, type Impairments } from "../relay/scenario.js";
import { binomialTolerance, longestRun } from "./helpers/statistics.js";
import { endpoint, median, probe, send, sendProbes, sleep, type Endpoint } from "./helpers/udp.js";

/** How early the relay may deliver (its agenda runs what is due within 0.5 ms) plus clock jitter. */
const EARLY_MS = 0.6;
/** How late a timer may typically fire on a busy 2-core machine (the median, not the worst case). */
const LATE_MS = 5;

const open: { close(): Promise<unknown> }[] = [];

afterEach(async () => {
  while (open.length > 0) await open.pop()!.close();
});

/** A relay from a client socket to a server socket on `host`; the server echoes when `echo` is set. */
async function setUp(impairments: Impairments, options: { host?: string; echo?: boolean; extra?: Partial<RelayOptions> } = {}) {
  const host = options.host ?? "127.0.0.1";
  const server = await endpoint(host, options.echo === true ? (self, data, from) => void send(self, from, data) : undefined);
  const client = await endpoint(host);
  const relay = await Relay.start({ routes: [{ listen: { address: host, port: 0 }, target: server.address }], impairments, seed: 7, ...options.extra });
  open.push(client, server, { close: () => relay.stop() });
  return { server, client, relay, front: relay.listening[0]! };
}

/** Waits until the relay has taken `sent` datagrams towards the server and the server has all it delivered (at most 3 s). */
async function settled(relay: Relay, server: Endpoint, sent: number): Promise<void> {
  const deadline = performance.now() + 3000;
  const done = () => relay.stats.toServer.sent.datagrams >= sent && server.received.length >= relay.stats.toServer.delivered.datagrams && relay.stats.toServer.delivered.datagrams > 0;
  while (!done() && performance.now() < deadline) await sleep(10);
}

/** Waits until `endpoint` has `count` datagrams or `timeoutMs` passes. */
async function receivedAtLeast(target: Endpoint, count: number, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (target.received.length < count && performance.now() < deadline) await sleep(5);
}

const both = (link: NonNullable<Impairments["toServer"]["link"]>): Impairments => ({ toServer: { link }, toClient: { link } });

describe("relay on loopback", () => {
  it("delays each datagram by the configured one-way delay", async () => {
    const latency = 20;
    const { client, server, front } = await setUp(both({ latency }));
    await sendProbes(client, front, 60, 5);
    await receivedAtLeast(server, 60, 1000);
    const delays = server.received.map((r) => r.receivedAt - r.sentAt);
    expect(delays).toHaveLength(60);
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(latency - EARLY_MS);
    expect(Math.min(...delays)).toBeLessThanOrEqual(latency + LATE_MS);
    expect(median(delays)).toBeLessThanOrEqual(latency + 3 * LATE_MS);
  });

  it("delays both ways: a round trip takes twice the delay", async () => {
    const { client, front } = await setUp(both({ latency: 15 }), { echo: true });
    await sendProbes(client, front, 10, 10);
    await receivedAtLeast(client, 10, 1000);
    const rtts = client.received.map((r) => r.receivedAt - r.sentAt);
    expect(Math.min(...rtts)).toBeGreaterThanOrEqual(30 - 2 * EARLY_MS);
    expect(Math.min(...rtts)).toBeLessThanOrEqual(30 + 2 * LATE_MS);
    expect(median(rtts)).toBeLessThanOrEqual(30 + 6 * LATE_MS);
  });

  it("loses the configured share of datagrams, and only those", async () => {
    const n = 2000;
    const loss = 0.25;
    const { client, server, relay, front } = await setUp({ toServer: { link: { loss } }, toClient: {} });
    await sendProbes(client, front, n, 0);
    await settled(relay, server, n);
    const { toServer } = relay.stats;
    expect(toServer.sent.datagrams).toBe(n);
    expect(server.received.length).toBe(toServer.delivered.datagrams);
    expect(Math.abs(server.received.length - n * (1 - loss))).toBeLessThanOrEqual(binomialTolerance(n, loss));
  });

  it("caps runs of losses as the simulator's drop-rate does", async () => {
    const n = 1000;
    const { client, server, relay, front } = await setUp(parseScenario("drop-rate --delay=1ms --bandwidth=1000Mbps --queue=10000 --rate_to_server=60 --rate_to_client=0 --burst_to_server=2"));
    await sendProbes(client, front, n, 0);
    await settled(relay, server, n);
    expect(relay.stats.toServer.sent.datagrams).toBe(n);
    const arrived = new Set(server.received.map((r) => r.sequence));
    const lost = Array.from({ length: n }, (_, i) => !arrived.has(i));
    expect(longestRun(lost)).toBeLessThanOrEqual(3);
    expect(lost.filter(Boolean).length).toBeGreaterThan(n * 0.3);
  });

  it("limits the rate to the configured bandwidth", async () => {
    const bandwidth = 10_000_000;
    const size = 1250;
    const n = 400;
    const { client, server, relay, front } = await setUp(both({ bandwidth, queue: n }));
    await sendProbes(client, front, n, 0, size);
    await receivedAtLeast(server, n, 2000);
    expect(relay.stats.toServer.dropped.queue.datagrams).toBe(0);
    const span = server.received[n - 1]!.receivedAt - server.received[0]!.receivedAt;
    const expected = ((n - 1) * size * 8 * 1000) / bandwidth;
    expect(span).toBeGreaterThanOrEqual(expected * 0.95);
    expect(span).toBeLessThanOrEqual(expected * 1.1);
  });

  it("drops at the tail of a full queue", async () => {
    const queue = 25;
    const n = 100;
    // 1250 bytes at 1 Mbit/s: 10 ms each, long against the burst, so few places free up while it arrives.
    const serialization = 10;
    const { client, server, relay, front } = await setUp(both({ bandwidth: 1_000_000, queue }));
    const started = performance.now();
    await sendProbes(client, front, n, 0, 1250);
    while (relay.stats.toServer.sent.datagrams < n && performance.now() - started < 3000) await sleep(1);
    // The relay took the burst within this window (it may read a little after the sender sent).
    const window = performance.now() - started;
    const accepted = n - relay.stats.toServer.dropped.queue.datagrams;
    // One datagram in service and `queue` waiting; each serialization time of the window frees one more place.
    expect(accepted).toBeGreaterThanOrEqual(queue + 1);
    expect(accepted).toBeLessThanOrEqual(queue + 1 + Math.ceil(window / serialization));
    await receivedAtLeast(server, accepted, (accepted + 5) * serialization);
    expect(server.received.length).toBe(accepted);
  });

  it("drops everything during a blackhole and nothing around it", async () => {
    const from = 300;
    const until = 600;
    const { client, server, relay, front } = await setUp({ toServer: { link: { blackholes: [{ from, until }] } }, toClient: {} });
    const sentAt = new Map<number, number>();
    for (let i = 0; relay.now() < 900; i++) {
      sentAt.set(i, relay.now());
      await send(client, front, probe(i));
      await sleep(4);
    }
    await sleep(50);
    const arrived = new Set(server.received.map((r) => r.sequence));
    for (const [sequence, at] of sentAt) {
      // The relay reads a datagram a little after it is sent: a margin of 10 ms either side of the edges.
      if (at > from + 10 && at < until - 10) expect(arrived.has(sequence), `sent at ${at.toFixed(1)} ms`).toBe(false);
      if (at < from - 10 || at > until + 10) expect(arrived.has(sequence), `sent at ${at.toFixed(1)} ms`).toBe(true);
    }
    expect(relay.stats.toServer.dropped.blackhole.datagrams).toBeGreaterThan(40);
  });

  it("rebinds the client's port on schedule and keeps relaying", async () => {
    const { client, server, relay, front } = await setUp({ toServer: {}, toClient: {}, rebind: { first: 150, every: 200, address: false } }, { echo: true });
    for (let i = 0; relay.now() < 700; i++) {
      await send(client, front, probe(i));
      await sleep(10);
    }
    const { rebinds } = relay.stats;
    await sleep(30);
    const ports = new Set(server.received.map((r) => r.from.port));
    // Each rebind is scheduled on the relay's clock (never early), so lateness does not accumulate.
    expect(rebinds).toHaveLength(3);
    rebinds.forEach((event, i) => {
      expect(event.at).toBeGreaterThanOrEqual(150 + 200 * i);
      expect(event.at).toBeLessThanOrEqual(150 + 200 * i + 8 * LATE_MS);
    });
    expect(ports.size).toBe(4);
    expect(new Set(server.received.map((r) => r.from.address))).toEqual(new Set(["127.0.0.1"]));
    expect(client.received.length).toBeGreaterThanOrEqual(server.received.length - 3);
  });

  it("forgets the old binding: answers to a port the NAT left are dropped", async () => {
    const { client, server, relay, front } = await setUp({ toServer: {}, toClient: {} });
    await send(client, front, probe(0));
    await receivedAtLeast(server, 1, 500);
    const old = server.received[0]!.from;
    await relay.rebindNow();
    await send(server, old, probe(1));
    await sleep(50);
    expect(client.received).toHaveLength(0);
    expect(relay.stats.unbound.datagrams).toBe(1);
  });

  it("moves the client to a new 127.0.0.x address when rebinding addresses", async () => {
    const { client, server, relay, front } = await setUp({ toServer: {}, toClient: {}, rebind: { first: 100, every: 100, address: true } });
    for (let i = 0; relay.now() < 450; i++) {
      await send(client, front, probe(i));
      await sleep(10);
    }
    await sleep(20);
    const addresses = [...new Set(server.received.map((r) => r.from.address))];
    expect(addresses.length).toBeGreaterThanOrEqual(4);
    for (const address of addresses) expect(address).toMatch(/^127\.\d+\.\d+\.\d+$/);
  });

  it("relays IPv6 on ::1 with the runner's default link", async () => {
    const { client, front } = await setUp(parseScenario(DEFAULT_SCENARIO), { host: "::1", echo: true });
    await sendProbes(client, front, 5, 5);
    await receivedAtLeast(client, 5, 1000);
    expect(client.received).toHaveLength(5);
    expect(Math.min(...client.received.map((r) => r.receivedAt - r.sentAt))).toBeGreaterThanOrEqual(30 - 2 * EARLY_MS);
  });

  it("drops datagrams larger than a 1500-byte link carries", async () => {
    const { client, server, relay, front } = await setUp({ toServer: {}, toClient: {} });
    await send(client, front, probe(0, 1473));
    await send(client, front, probe(1, 1472));
    await receivedAtLeast(server, 1, 500);
    await sleep(20);
    expect(server.received.map((r) => r.sequence)).toEqual([1]);
    expect(relay.stats.toServer.dropped.mtu.datagrams).toBe(1);
  });

  it("refuses address rebinding on IPv6, where loopback has one address", async () => {
    await expect(Relay.start({ routes: [{ listen: { address: "::1", port: 0 }, target: { address: "::1", port: 9 } }], impairments: { toServer: {}, toClient: {}, rebind: { first: 0, address: true } } })).rejects.toThrow(/IPv4 loopback/);
  });

  it("refuses a bad configuration before opening any socket", async () => {
    const listen = { address: "127.0.0.1", port: 0 };
    const probeSocket = await endpoint("127.0.0.1");
    const port = probeSocket.address.port;
    await probeSocket.close();
    await expect(Relay.start({ routes: [{ listen: { ...listen, port }, target: { address: "127.0.0.1", port: 9 } }], impairments: { toServer: { dropRate: { percent: 120, burst: 3 } }, toClient: {} } })).rejects.toThrow(/dropRate/);
    const again = await Relay.start({ routes: [{ listen: { ...listen, port }, target: { address: "127.0.0.1", port: 9 } }] });
    await again.stop();
  });

  it("closes every socket on stop", async () => {
    const { client, relay, front } = await setUp({ toServer: {}, toClient: {} });
    await send(client, front, probe(0));
    await sleep(20);
    const stats = await relay.stop();
    expect(stats.bindings).toBe(1);
    const again = await Relay.start({ routes: [{ listen: front, target: { address: "127.0.0.1", port: 9 } }] });
    await again.stop();
  });
});
