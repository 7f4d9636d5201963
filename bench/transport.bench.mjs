// Transport cost on the simulator, both endpoints in this process on one core,
// native crypto, no loss: goodput of one bulk stream, CPU time per MB, and an
// estimate of bytes allocated per packet.
// Run: npx tsc -b && node --expose-gc --max-semi-space-size=256 bench/run.mjs transport
import { PerformanceObserver } from "node:perf_hooks";
import { getHeapStatistics } from "node:v8";
import { connectedPair, uploads } from "@zquic/testkit";
import { machine } from "./lib.mjs";

const SIZE = Number(process.env.ZQUIC_BENCH_BYTES ?? 32 << 20);
const RUNS = Number(process.env.ZQUIC_BENCH_RUNS ?? 3);

let gcCount = 0;
new PerformanceObserver((list) => (gcCount += list.getEntries().length)).observe({ entryTypes: ["gc"] });

function transfer(seed) {
  const pair = connectedPair({ seed, link: { latency: 1, bandwidth: 20e9 } });
  pair.run(() => pair.connection.handshake.confirmed && pair.accepted[0]?.handshake.confirmed === true);
  const run = uploads(pair, [SIZE]);
  const cpu = process.cpuUsage();
  const start = performance.now();
  const outcome = pair.run(run.done, 600_000);
  const wall = performance.now() - start;
  const used = process.cpuUsage(cpu);
  if (outcome !== "until") throw new Error(`transfer did not finish: ${outcome}`);
  const packets = pair.connection.stats.packetsSent["1RTT"] + pair.accepted[0].stats.packetsSent["1RTT"];
  return { wall, cpuMs: (used.user + used.system) / 1000, packets, simulated: pair.net.now };
}

/**
 * Bytes allocated per packet sent (both endpoints, the simulator and the upload
 * driver included): heap growth across bursts of ~200 packets that start right
 * after a full GC and during which no GC ran. Needs --expose-gc and a young
 * generation large enough for a burst.
 */
async function allocationPerPacket(seed) {
  if (typeof globalThis.gc !== "function") return NaN;
  const pair = connectedPair({ seed, link: { latency: 1, bandwidth: 20e9 } });
  pair.run(() => pair.connection.handshake.confirmed && pair.accepted[0]?.handshake.confirmed === true);
  const run = uploads(pair, [16 << 20]);
  const sent = () => pair.connection.stats.packetsSent["1RTT"] + pair.accepted[0].stats.packetsSent["1RTT"];
  pair.run(() => (run.done(), sent() > 500), 60_000);
  const samples = [];
  for (let attempt = 0; attempt < 10 && samples.length < 5; attempt++) {
    globalThis.gc();
    await new Promise((resolve) => setTimeout(resolve, 5));
    const gcBefore = gcCount;
    const packetsBefore = sent();
    const heapBefore = getHeapStatistics().used_heap_size;
    pair.run(() => (run.done(), sent() >= packetsBefore + 400), 60_000);
    const heapAfter = getHeapStatistics().used_heap_size;
    if (gcCount === gcBefore) samples.push((heapAfter - heapBefore) / (sent() - packetsBefore));
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)] ?? NaN;
}

const results = [];
for (let i = 0; i < RUNS; i++) results.push(transfer(100 + i));
const mb = SIZE / (1 << 20);
const goodput = results.map((r) => mb / (r.wall / 1000)).sort((a, b) => a - b);
const cpuPerMb = results.map((r) => r.cpuMs / mb).sort((a, b) => a - b);
const median = (xs) => xs[Math.floor(xs.length / 2)];
console.log(`\n## transport (simulator, ${mb} MiB, ${RUNS} runs)\n${machine()}`);
console.table({
  "goodput MB/s": { median: median(goodput).toFixed(1), min: goodput[0].toFixed(1), max: goodput.at(-1).toFixed(1) },
  "CPU ms per MB": { median: median(cpuPerMb).toFixed(1), min: cpuPerMb[0].toFixed(1), max: cpuPerMb.at(-1).toFixed(1) },
  "packets (both sides)": { median: median(results.map((r) => r.packets)), min: "", max: "" },
});
console.log(`bytes allocated per packet (both endpoints, crypto, simulator and driver included; median of bursts): ${(await allocationPerPacket(200)).toFixed(0)}`);
