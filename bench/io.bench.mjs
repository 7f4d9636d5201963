// io end to end on loopback (issue [io]), servers in their own processes:
//   - bulk download, zquic client (io streams, hq-interop) ← `zquic server`, in Mbit/s, median of
//     ZQUIC_BENCH_RUNS, beside gtlsclient ← gtlsserver (ngtcp2, HTTP/3) measured in the same run,
//     the runs interleaved;
//   - full handshakes per second against `zquic server`, from a load client on one socket;
//   - resident memory of a zquic server holding ZQUIC_BENCH_CONNECTIONS idle connections.
// Run: npx tsc -b && node bench/run.mjs io
// Tunables: ZQUIC_BENCH_RUNS (5), ZQUIC_BENCH_BYTES (50 MiB), ZQUIC_BENCH_HANDSHAKE_MS (10000),
// ZQUIC_BENCH_CONNECTIONS (10000), ZQUIC_BENCH_PARTS (bulk,handshakes,memory), ZQUIC_BENCH_LIMIT_S (180: bound of each part).
import { join } from "node:path";
import { connect } from "@zquic/node";
import { machine } from "./lib.mjs";
import { fixed, load, rssOf, scratch, spread, startGtlsServer, startNodeServer, startZquicServer, timeGtlsClient } from "./loopback.mjs";
import { GROUPS, bounded, openLoadClient } from "./quic-load.mjs";

const RUNS = Number(process.env.ZQUIC_BENCH_RUNS ?? 5);
const SIZE = Number(process.env.ZQUIC_BENCH_BYTES ?? 50 << 20);
const HANDSHAKE_MS = Number(process.env.ZQUIC_BENCH_HANDSHAKE_MS ?? 10_000);
const CONNECTIONS = Number(process.env.ZQUIC_BENCH_CONNECTIONS ?? 10_000);
/** No single measurement may run longer than this. */
const LIMIT_MS = Number(process.env.ZQUIC_BENCH_LIMIT_S ?? 180) * 1000;

const ws = scratch("io-bench");
ws.publish("bulk.bin", SIZE);
const mbit = (bytes, ms) => (bytes * 8) / (ms * 1000);

/** One zquic download of bulk.bin over an io stream (hq-interop), timed from the request to the last byte. */
async function zquicDownload(port) {
  const connection = connect(`https://127.0.0.1:${port}/`, { alpn: ["hq-interop"], caFile: ws.certFile, sessionStore: null });
  await connection.ready;
  const cpu = process.cpuUsage();
  const started = performance.now();
  const stream = await connection.createBidirectionalStream();
  const writer = stream.writable.getWriter();
  await writer.write(new TextEncoder().encode("GET /bulk.bin\r\n"));
  await writer.close();
  let bytes = 0;
  for await (const chunk of stream.readable) bytes += chunk.length;
  const ms = performance.now() - started;
  const used = process.cpuUsage(cpu);
  connection.close({ closeCode: 0 });
  await connection.closed.catch(() => undefined);
  if (bytes !== SIZE) throw new Error(`zquic download got ${bytes} of ${SIZE} bytes`);
  return { mbps: mbit(bytes, ms), clientCpuMsPerMB: (used.user + used.system) / 1000 / (bytes / 1e6) };
}

async function bulk() {
  const zserver = await startZquicServer(ws, ["--alpn", "hq-interop"]);
  const gserver = await startGtlsServer(ws);
  const zquic = [];
  const ngtcp2 = [];
  try {
    for (let run = 0; run < RUNS; run++) {
      zquic.push(await zquicDownload(zserver.port));
      const ms = await timeGtlsClient([`--download=${ws.dir}`, "127.0.0.1", String(gserver.port), `https://127.0.0.1:${gserver.port}/bulk.bin`], LIMIT_MS);
      ngtcp2.push(mbit(SIZE, ms));
    }
  } finally {
    await zserver.stop();
    await gserver.stop();
  }
  const z = spread(zquic.map((r) => r.mbps));
  const n = spread(ngtcp2);
  console.log(`\n## io bulk download, ${fixed(SIZE / 2 ** 20, 0)} MiB, ${RUNS} runs interleaved (load ${load()})\n${machine()}`);
  console.table({
    "zquic client ← zquic server (io stream, hq-interop)": { "Mbit/s median": fixed(z.median), min: fixed(z.min), max: fixed(z.max) },
    "gtlsclient ← gtlsserver (ngtcp2, HTTP/3)": { "Mbit/s median": fixed(n.median), min: fixed(n.min), max: fixed(n.max) },
  });
  console.log(`ratio zquic / ngtcp2 (medians): ${fixed(z.median / n.median, 3)}; zquic client CPU per MB: ${fixed(spread(zquic.map((r) => r.clientCpuMsPerMB)).median)} ms`);
  console.log("(ngtcp2 times include its process start and handshake, about 10–20 ms; zquic's start at the request)");
}

async function handshakes() {
  const server = await startZquicServer(ws, ["--alpn", "hq-interop"]);
  try {
    console.log(`\n## handshakes per second against zquic server, ${HANDSHAKE_MS / 1000} s each (load ${load()})\n${machine()}`);
    const rows = {};
    for (const [name, groups] of Object.entries({ "X25519 + P-256 certificate": GROUPS.x25519, "X25519MLKEM768 + P-256 certificate": GROUPS.hybrid })) {
      for (const inFlight of [1, 16]) {
        const client = await openLoadClient({ port: server.port, alpn: ["hq-interop"], groups });
        await bounded(50, 8, LIMIT_MS, async () => client.close(await client.connect())); // warm-up
        const { done, failed, ms } = await bounded(Infinity, inFlight, HANDSHAKE_MS, async () => client.close(await client.connect()));
        rows[`${name}, ${inFlight} in flight`] = { "handshakes/s": fixed((done * 1000) / ms, 0), handshakes: done, failed, "server RSS MB": fixed(rssOf(server.pid) / 1e6, 0) };
        await client.shutdown();
      }
    }
    console.table(rows);
  } finally {
    await server.stop();
  }
}

async function memory() {
  const server = await startNodeServer("./idle-server.mjs", [ws.certFile, ws.keyFile], ["--expose-gc"]);
  const lines = [];
  server.proc.stdout.on("data", (chunk) => lines.push(...String(chunk).split("\n").filter((line) => line.startsWith("measure"))));
  const measure = async () => {
    const seen = lines.length;
    server.proc.stdin.write("measure\n");
    while (lines.length === seen) await new Promise((resolve) => setTimeout(resolve, 20));
    const [, rss, heap, open] = lines.at(-1).split(" ").map(Number);
    return { rss, heap, open };
  };
  // Several client endpoints, so the clients' own per-connection costs stay small.
  const clients = await Promise.all(Array.from({ length: 4 }, () => openLoadClient({ port: server.port, alpn: ["bench"], transport: { maxIdleTimeout: 600_000 } })));
  let next = 0;
  const connect = () => clients[next++ % clients.length].connect(30_000);
  try {
    // Warm up (code paths compiled, pools allocated), then let those connections go.
    const warm = [];
    await bounded(200, 16, LIMIT_MS, async () => warm.push(await connect()));
    for (const connection of warm) clients[0].close(connection);
    await new Promise((resolve) => setTimeout(resolve, 3000));
    const before = await measure();
    const held = [];
    const { done, failed, ms } = await bounded(CONNECTIONS, 16, LIMIT_MS, async () => held.push(await connect()));
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const after = await measure();
    console.log(`\n## memory of a zquic server holding idle connections (load ${load()})\n${machine()}`);
    console.table({
      "before (after 200 warm-up connections closed)": { connections: before.open, "RSS MB": fixed(before.rss / 1e6), "JS heap MB": fixed(before.heap / 1e6) },
      [`holding ${done} (${failed} failed; established in ${fixed(ms / 1000)} s)`]: { connections: after.open, "RSS MB": fixed(after.rss / 1e6), "JS heap MB": fixed(after.heap / 1e6) },
    });
    console.log(`per connection: ${fixed((after.rss - before.rss) / after.open, 0)} bytes RSS, ${fixed((after.heap - before.heap) / after.open, 0)} bytes of JS heap`);
  } finally {
    for (const client of clients) await client.shutdown();
    await server.stop();
  }
}

const parts = { bulk, handshakes, memory };
const wanted = (process.env.ZQUIC_BENCH_PARTS ?? Object.keys(parts).join(",")).split(",");
try {
  for (const name of wanted) await parts[name]();
} finally {
  ws.remove();
}
