// DNS over QUIC end to end on loopback: `zquic dns serve` in its own process,
// a real unbound (Debian's) as its upstream, the DoQ client in this process.
// Reports queries/s and latency percentiles for:
//   - DoQ, one connection, QUERIES_IN_FLIGHT queries in flight;
//   - DoQ, one connection per query (full handshake), and resumed with 0-RTT;
//   - plain UDP to the same unbound, the same number in flight, in the same run.
// Run: npx tsc -b && node bench/run.mjs doq
// Tunables: ZQUIC_BENCH_RUNS (3), ZQUIC_BENCH_QUERIES (3000), ZQUIC_BENCH_HANDSHAKES (200).
import { spawn } from "node:child_process";
import { createSocket } from "node:dgram";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { DEFAULT_UDP_PAYLOAD_SIZE, decodeMessage, encodeMessage, makeQuery } from "@zquic/doq";
import { MemorySessionStore, doqClient } from "@zquic/node";
import { startUnbound } from "@zquic/testkit";
import { machine } from "./lib.mjs";

const RUNS = Number(process.env.ZQUIC_BENCH_RUNS ?? 3);
const QUERIES = Number(process.env.ZQUIC_BENCH_QUERIES ?? 3000);
const HANDSHAKES = Number(process.env.ZQUIC_BENCH_HANDSHAKES ?? 200);
const QUERIES_IN_FLIGHT = 100;
/** Connections opened at once in the connection-per-query runs. */
const CONNECTIONS_IN_FLIGHT = 4;
/** No single measurement may run longer than this. */
const RUN_LIMIT_MS = 120_000;

const bin = fileURLToPath(new URL("../packages/cli/bin/zquic.mjs", import.meta.url));
const fixtureZone = fileURLToPath(new URL("../packages/doq/test/fixtures/zones/example.ghost", import.meta.url));
const work = mkdtempSync(join(tmpdir(), "zquic-doq-bench-"));

/** Runs `zquic args` to its end. */
function zquic(args) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], { stdio: "ignore" });
    child.on("error", reject);
    child.on("exit", (status) => (status === 0 ? resolve() : reject(new Error(`zquic ${args[0]} exited with ${status}`))));
  });
}

/** Starts `zquic dns serve`; resolves with its address and a stop function. */
function startService(args) {
  const child = spawn(process.execPath, [bin, "dns", "serve", "--listen", "127.0.0.1:0", ...args], { stdio: ["ignore", "pipe", "inherit"] });
  return new Promise((resolve, reject) => {
    let out = "";
    child.on("exit", (status) => reject(new Error(`dns serve exited with ${status}`)));
    child.stdout.on("data", (chunk) => {
      out += chunk;
      const match = /listening on (\S+) \(doq\)/.exec(out);
      if (match === null) return;
      child.removeAllListeners("exit");
      resolve({ address: match[1], stop: () => new Promise((done) => (child.once("exit", done), child.kill("SIGTERM"))) });
    });
  });
}

/**
 * Runs `total` calls of `one(worker)` from `inFlight` workers (numbered from 0) at a time;
 * returns per-call latencies (ms) and the wall time.
 */
async function load(total, inFlight, one) {
  const latencies = [];
  let next = 0;
  const started = performance.now();
  const deadline = started + RUN_LIMIT_MS;
  async function worker(index) {
    while (next < total && performance.now() < deadline) {
      next++;
      const t0 = performance.now();
      await one(index);
      latencies.push(performance.now() - t0);
    }
  }
  await Promise.all(Array.from({ length: Math.min(inFlight, total) }, (_, index) => worker(index)));
  return { latencies, wallMs: performance.now() - started };
}

/** Plain UDP to `port`: one socket, Message IDs matched, `inFlight` outstanding. */
async function udpClient(port) {
  const socket = createSocket("udp4");
  await new Promise((resolve) => socket.connect(port, "127.0.0.1", resolve));
  const waiting = new Map();
  socket.on("message", (message) => {
    const id = message.readUInt16BE(0);
    const done = waiting.get(id);
    waiting.delete(id);
    done?.(decodeMessage(new Uint8Array(message.buffer, message.byteOffset, message.byteLength)));
  });
  let nextId = 0;
  const edns = { udpPayloadSize: DEFAULT_UDP_PAYLOAD_SIZE, version: 0, dnssecOk: false, options: [] };
  return {
    query(name, type) {
      const id = (nextId = (nextId + 1) & 0xffff);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => (waiting.delete(id), reject(new Error("UDP query timed out"))), 5000);
        waiting.set(id, (response) => (clearTimeout(timer), resolve(response)));
        socket.send(encodeMessage(makeQuery(name, type, { id, edns })));
      });
    },
    close: () => socket.close(),
  };
}

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

/** Median, min and max of the runs' rates, and latency percentiles over all runs. */
function summarise(runs) {
  const rates = runs.map((run) => (run.latencies.length / run.wallMs) * 1000).sort((a, b) => a - b);
  const latencies = runs.flatMap((run) => run.latencies).sort((a, b) => a - b);
  return {
    "queries/s (median)": Math.round(rates[Math.floor(rates.length / 2)]),
    "range over runs": `${Math.round(rates[0])}–${Math.round(rates.at(-1))}`,
    "p50 ms": percentile(latencies, 50).toFixed(2),
    "p99 ms": percentile(latencies, 99).toFixed(2),
    queries: latencies.length,
  };
}

async function repeat(measure) {
  const runs = [];
  for (let i = 0; i < RUNS; i++) runs.push(await measure());
  return summarise(runs);
}

const unbound = await startUnbound([
  {
    name: "bench.test.",
    records: ["bench.test. 300 IN SOA ns.bench.test. admin.bench.test. 1 3600 600 86400 60", "www.bench.test. 3600 IN A 192.0.2.1"],
  },
]);
let service;
try {
  await zquic(["cert", "--out", work]);
  const cert = join(work, "cert.pem");
  service = await startService(["--cert", cert, "--key", join(work, "priv.key"), "--zone", fixtureZone, "--upstream", `127.0.0.1:${unbound.port}`, "--metrics", "0", "--max-streams", "1000", "--qps", "1000000", "--burst", "1000000"]);
  const trust = { caFile: cert, timeoutMs: 10_000 };

  const results = {};
  const oneConnection = (name) => async () => {
    const client = doqClient({ ...trust, sessionStore: null });
    await client.ask(service.address, name, "A"); // the handshake, outside the measurement
    try {
      return await load(QUERIES, QUERIES_IN_FLIGHT, () => client.ask(service.address, name, "A"));
    } finally {
      await client.close();
    }
  };
  await oneConnection("example.ghost")(); // warm-up: both processes' JIT, unmeasured
  results[`DoQ, 1 connection, ${QUERIES_IN_FLIGHT} in flight, zone answer`] = await repeat(oneConnection("example.ghost"));
  results[`DoQ, 1 connection, ${QUERIES_IN_FLIGHT} in flight, forwarded (cached)`] = await repeat(oneConnection("www.bench.test"));
  results["DoQ, 1 connection, 1 in flight, zone answer"] = await repeat(async () => {
    const client = doqClient({ ...trust, sessionStore: null });
    await client.ask(service.address, "example.ghost", "A");
    try {
      return await load(Math.min(QUERIES, 1000), 1, () => client.ask(service.address, "example.ghost", "A"));
    } finally {
      await client.close();
    }
  });
  // Measured until the answer; the connection's closing period (RFC 9000 §10.2) runs on in the background.
  let earlyData = 0;
  const perQuery = (stores) => async () => {
    const closing = [];
    const run = await load(HANDSHAKES, CONNECTIONS_IN_FLIGHT, async (worker) => {
      const client = doqClient({ ...trust, sessionStore: stores?.[worker] ?? null });
      try {
        if ((await client.ask(service.address, "example.ghost", "A")).earlyDataAccepted === true) earlyData++;
      } finally {
        closing.push(client.close());
      }
    });
    await Promise.all(closing);
    return run;
  };
  results[`DoQ, 1 connection per query (full handshake), ${CONNECTIONS_IN_FLIGHT} at once`] = await repeat(perQuery(undefined));
  // A ticket is used once (RFC 8446 §C.4): each worker keeps its own store, and every resumed
  // connection leaves the ticket its server sent for the worker's next one.
  const stores = Array.from({ length: CONNECTIONS_IN_FLIGHT }, () => new MemorySessionStore());
  for (const store of stores) {
    const first = doqClient({ ...trust, sessionStore: store });
    await first.ask(service.address, "example.ghost", "A");
    await first.close();
  }
  results[`DoQ, 1 connection per query (resumed, 0-RTT), ${CONNECTIONS_IN_FLIGHT} at once`] = await repeat(perQuery(stores));
  if (earlyData < RUNS * HANDSHAKES * 0.9) console.warn(`only ${earlyData} of ${RUNS * HANDSHAKES} resumed connections had their 0-RTT accepted`);

  const udp = await udpClient(unbound.port);
  try {
    results[`UDP to unbound, ${QUERIES_IN_FLIGHT} in flight`] = await repeat(() => load(QUERIES, QUERIES_IN_FLIGHT, () => udp.query("www.bench.test", 1)));
    results["UDP to unbound, 1 in flight"] = await repeat(() => load(Math.min(QUERIES, 1000), 1, () => udp.query("www.bench.test", 1)));
  } finally {
    udp.close();
  }
  console.log(`\n## doq (loopback: zquic dns serve + unbound ${unbound.port}, ${RUNS} runs)\n${machine()}`);
  console.table(results);
} finally {
  await service?.stop();
  await unbound.stop();
  rmSync(work, { recursive: true, force: true });
}
