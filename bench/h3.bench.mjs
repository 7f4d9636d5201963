// HTTP/3 end to end on loopback (issue [h3]), servers in their own processes, zquic beside ngtcp2
// (Debian's gtlsclient/gtlsserver) in the same run, runs interleaved:
//   - requests per second on one connection, 1 KiB responses, 100 requests in flight;
//   - goodput of one 100 MB response;
// each for zquic client ← `zquic server`, gtlsclient ← gtlsserver, and the two mixed pairs.
// Run: npx tsc -b && node bench/run.mjs h3
// Tunables: ZQUIC_BENCH_RUNS (3), ZQUIC_BENCH_REQUESTS (5000), ZQUIC_BENCH_BYTES (100 MB).
import { join } from "node:path";
import { createHttp3Client } from "@zquic/node";
import { machine } from "./lib.mjs";
import { fixed, load, scratch, spread, startGtlsServer, startZquicServer, timeGtlsClient } from "./loopback.mjs";
import { bounded } from "./quic-load.mjs";

const RUNS = Number(process.env.ZQUIC_BENCH_RUNS ?? 3);
const REQUESTS = Number(process.env.ZQUIC_BENCH_REQUESTS ?? 5000);
const SIZE = Number(process.env.ZQUIC_BENCH_BYTES ?? 100_000_000);
const IN_FLIGHT = 100;
/** No single measurement may run longer than this. */
const LIMIT_MS = 180_000;

const ws = scratch("h3-bench");
ws.publish("k1", 1024);
ws.publish("bulk.bin", SIZE);

/** Requests per second of a zquic client on one connection to `port`. */
async function zquicRequests(port) {
  const client = createHttp3Client({ caFile: ws.certFile, sessionStore: null });
  const url = `https://127.0.0.1:${port}/k1`;
  const one = async () => {
    const response = await client.fetch(url);
    if ((await response.arrayBuffer()).byteLength !== 1024) throw new Error("short response");
  };
  try {
    await bounded(200, IN_FLIGHT, LIMIT_MS, one); // the handshake, and warm code
    const { done, failed, ms } = await bounded(REQUESTS, IN_FLIGHT, LIMIT_MS, one);
    if (failed > 0 || client.connections.length !== 1) throw new Error(`${failed} requests failed, ${client.connections.length} connections`);
    return (done * 1000) / ms;
  } finally {
    await client.close();
  }
}

/** Requests per second of gtlsclient on one connection: `-n REQUESTS` less a one-request run (start-up and handshake). */
async function gtlsRequests(port) {
  const url = `https://127.0.0.1:${port}/k1`;
  const base = await timeGtlsClient(["-n", "1", "127.0.0.1", String(port), url], LIMIT_MS);
  const all = await timeGtlsClient(["-n", String(REQUESTS), "127.0.0.1", String(port), url], LIMIT_MS);
  return ((REQUESTS - 1) * 1000) / Math.max(1, all - base);
}

/** Mbit/s of one download of bulk.bin by a zquic client (the connection set up beforehand). */
async function zquicBulk(port) {
  const client = createHttp3Client({ caFile: ws.certFile, sessionStore: null });
  try {
    await (await client.fetch(`https://127.0.0.1:${port}/k1`)).arrayBuffer();
    const started = performance.now();
    const response = await client.fetch(`https://127.0.0.1:${port}/bulk.bin`);
    let bytes = 0;
    for await (const chunk of response.body) bytes += chunk.length;
    if (bytes !== SIZE) throw new Error(`got ${bytes} of ${SIZE} bytes`);
    return (bytes * 8) / ((performance.now() - started) * 1000);
  } finally {
    await client.close();
  }
}

/** Mbit/s of one download of bulk.bin by gtlsclient (its start-up and handshake included, ~10–20 ms). */
async function gtlsBulk(port) {
  const ms = await timeGtlsClient([`--download=${ws.dir}`, "127.0.0.1", String(port), `https://127.0.0.1:${port}/bulk.bin`], LIMIT_MS);
  return (SIZE * 8) / (ms * 1000);
}

const zserver = await startZquicServer(ws, ["--alpn", "h3"]);
const gserver = await startGtlsServer(ws);
const pairs = {
  "zquic client ← zquic server": { requests: () => zquicRequests(zserver.port), bulk: () => zquicBulk(zserver.port) },
  "gtlsclient ← gtlsserver (ngtcp2)": { requests: () => gtlsRequests(gserver.port), bulk: () => gtlsBulk(gserver.port) },
  "zquic client ← gtlsserver": { requests: () => zquicRequests(gserver.port), bulk: () => zquicBulk(gserver.port) },
  "gtlsclient ← zquic server": { requests: () => gtlsRequests(zserver.port), bulk: () => gtlsBulk(zserver.port) },
};
try {
  for (const measure of ["requests", "bulk"]) {
    const results = Object.fromEntries(Object.keys(pairs).map((name) => [name, []]));
    for (let run = 0; run < RUNS; run++) for (const [name, pair] of Object.entries(pairs)) results[name].push(await pair[measure]());
    const unit = measure === "requests" ? "requests/s" : "Mbit/s";
    const title = measure === "requests" ? `requests per second, one connection, 1 KiB responses, ${REQUESTS} requests, ${IN_FLIGHT} in flight` : `goodput of one ${fixed(SIZE / 1e6, 0)} MB response`;
    console.log(`\n## h3 ${title}, ${RUNS} runs interleaved (load ${load()})\n${machine()}`);
    const reference = spread(results["gtlsclient ← gtlsserver (ngtcp2)"]).median;
    console.table(
      Object.fromEntries(
        Object.entries(results).map(([name, values]) => {
          const s = spread(values);
          return [name, { [`${unit} median`]: fixed(s.median, measure === "requests" ? 0 : 1), min: fixed(s.min, 1), max: fixed(s.max, 1), "÷ ngtcp2": fixed(s.median / reference, 3) }];
        }),
      ),
    );
  }
} finally {
  await zserver.stop();
  await gserver.stop();
  ws.remove();
}
