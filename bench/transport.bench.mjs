// Transport cost on the simulator, both endpoints in this process on one core,
// native crypto, no loss: goodput of one bulk stream, CPU time per MB, and an
// estimate of bytes allocated per packet.
// Run: npx tsc -b && node --max-semi-space-size=128 bench/run.mjs transport
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

/** Bytes allocated per packet: heap growth across a short burst in which no GC ran. */
function allocationPerPacket(seed) {
  const pair = connectedPair({ seed, link: { latency: 1, bandwidth: 20e9 } });
  pair.run(() => pair.connection.handshake.confirmed && pair.accepted[0]?.handshake.confirmed === true);
  const run = uploads(pair, [4 << 20]);
  pair.run(() => pair.connection.stats.packetsSent["1RTT"] > 200, 60_000);
  for (let attempt = 0; attempt < 5; attempt++) {
    const gcBefore = gcCount;
    const packetsBefore = pair.connection.stats.packetsSent["1RTT"] + pair.accepted[0].stats.packetsSent["1RTT"];
    const heapBefore = getHeapStatistics().used_heap_size;
    const target = pair.connection.stats.packetsSent["1RTT"] + 300;
    pair.run(() => pair.connection.stats.packetsSent["1RTT"] >= target || run.done(), 60_000);
    const heapAfter = getHeapStatistics().used_heap_size;
    const packets = pair.connection.stats.packetsSent["1RTT"] + pair.accepted[0].stats.packetsSent["1RTT"] - packetsBefore;
    if (gcCount === gcBefore && packets > 0) return (heapAfter - heapBefore) / packets;
  }
  return NaN;
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
console.log(`bytes allocated per packet (both endpoints, crypto included): ${allocationPerPacket(200).toFixed(0)}`);
