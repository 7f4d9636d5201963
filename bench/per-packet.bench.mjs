// Per-packet cost of the transport itself: one bulk stream between two
// Endpoints in this process, joined by a minimal in-memory pipe (a virtual
// clock, a one-way latency, an optional bottleneck), with no simulator and no
// test harness in the loop. Each received datagram is followed by a flush
// (pollTransmit until null), as @zquic/io does, so ACK frequency is the
// transport's own. Reports, per side: CPU µs per data packet and JS heap
// bytes allocated per data packet; packets per ACK; and optionally profiles.
//
// Run: npx tsc -b && node --expose-gc --max-semi-space-size=64 bench/per-packet.bench.mjs
// Env: ZQUIC_BENCH_BYTES (default 32 MiB), ZQUIC_BENCH_RUNS (3),
//      ZQUIC_BENCH_WARMUP (bytes moved before measuring, 8 MiB),
//      ZQUIC_PIPE_LATENCY (one-way ms, 1), ZQUIC_PIPE_MBPS (bottleneck Mbit/s, 1000; 0 = none),
//      ZQUIC_PIPE_QUEUE (bottleneck drop-tail queue in datagrams, 256),
//      ZQUIC_DIRECTION (download | upload),
//      ZQUIC_PROFILE=1 for a CPU profile summary, ZQUIC_PROFILE=alloc for an allocation profile,
//      ZQUIC_COMPARE=A,B to compare two builds of @zquic/quic (paths to their
//      dist/index.js) in this one process: transfers alternate between them
//      round by round (ZQUIC_BENCH_RUNS rounds, default 12, of ZQUIC_BENCH_BYTES,
//      default 4 MiB), so load elsewhere on the machine hits both alike.
import { Session } from "node:inspector/promises";
import { createRequire } from "node:module";
import { getHeapStatistics, GCProfiler } from "node:v8";
import { loadProvider } from "@zquic/crypto";
import { Endpoint } from "@zquic/quic";
import { generateSelfSigned, insecureVerifier } from "@zquic/tls";
import { machine } from "./lib.mjs";

const COMPARE = process.env.ZQUIC_COMPARE?.split(",");
const SIZE = Number(process.env.ZQUIC_BENCH_BYTES ?? (COMPARE ? 4 << 20 : 32 << 20));
const RUNS = Number(process.env.ZQUIC_BENCH_RUNS ?? (COMPARE ? 12 : 3));
const WARMUP = Number(process.env.ZQUIC_BENCH_WARMUP ?? 8 << 20);
const LATENCY = Number(process.env.ZQUIC_PIPE_LATENCY ?? 1);
const MBPS = Number(process.env.ZQUIC_PIPE_MBPS ?? 1000);
const QUEUE = Number(process.env.ZQUIC_PIPE_QUEUE ?? 256);
const DOWNLOAD = (process.env.ZQUIC_DIRECTION ?? "download") === "download";
const PROFILE = process.env.ZQUIC_PROFILE;

const provider = await loadProvider("native");
const thisBuild = { Endpoint, provider };

/** A deterministic random source, so runs repeat (CIDs, tokens, key shares). */
function seededRandom(seed) {
  let x = seed >>> 0 || 1;
  return (n) => {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      out[i] = x & 0xff;
    }
    return out;
  };
}

const certificate = generateSelfSigned({
  keyType: "p256",
  hosts: ["localhost"],
  notBefore: Date.UTC(2025, 0, 1),
  notAfter: Date.UTC(2030, 0, 1),
  provider,
  random: seededRandom(7),
});
const CLIENT = { address: "10.0.0.1", port: 50_000 };
const SERVER = { address: "10.0.0.2", port: 443 };
const wallClock = () => Date.UTC(2026, 0, 1);

/**
 * One direction of the pipe: a FIFO with a constant latency and, optionally,
 * a bottleneck that serializes datagrams at `mbps` behind a drop-tail queue.
 */
class Lane {
  queue = [];
  head = 0;
  /** When the bottleneck finishes serializing what it holds. */
  busyUntil = 0;

  push(now, transmit) {
    let departs = now;
    if (MBPS > 0) {
      const waiting = this.queue.length - this.head;
      if (waiting > QUEUE && this.queue[this.queue.length - 1 - QUEUE].at - LATENCY > now) {
        return;
      }
      departs = Math.max(now, this.busyUntil) + (transmit.data.length * 8) / (MBPS * 1000);
      this.busyUntil = departs;
    }
    this.queue.push({ at: departs + LATENCY, data: transmit.data, ecn: transmit.ecn ?? 0, path: transmit.path });
  }

  get next() {
    return this.queue[this.head]?.at;
  }

  shift() {
    const item = this.queue[this.head++];
    if (this.head > 4096 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
    return item;
  }
}

/** One endpoint and what the driver keeps for it: a timer like @zquic/io's, CPU and heap accounts. */
class Side {
  timerAt = undefined;
  cpu = 0;
  heap = 0;
  calls = 0;
  constructor(name, endpoint, out) {
    this.name = name;
    this.endpoint = endpoint;
    this.out = out;
  }
}

/** The pair of endpoints (of a build's `Endpoint` class and crypto provider), the pipe between them and the measurement hooks. */
function createPair(seed, { Endpoint, provider }) {
  const server = new Endpoint({
    provider,
    random: seededRandom(seed),
    server: { tls: { alpn: ["bench"], certificateChain: [certificate.certificate.der], privateKey: certificate.privateKey, now: wallClock } },
  });
  const client = new Endpoint({ provider, random: seededRandom(seed + 1) });
  const toServer = new Lane();
  const toClient = new Lane();
  const clientSide = new Side("client", client, toServer);
  const serverSide = new Side("server", server, toClient);
  let now = 0;
  let accepted;
  let measuring = false;
  let heapPerCall = false;

  /** Runs `work` on `side`, charging its CPU time (or, in heap mode, its heap growth) to that side. */
  const charge = (side, work) => {
    if (heapPerCall) {
      const before = allocated();
      const result = work();
      side.heap += allocated() - before;
      side.calls++;
      return result;
    }
    if (!measuring) return work();
    const start = process.cpuUsage();
    const result = work();
    const used = process.cpuUsage(start);
    side.cpu += used.user + used.system;
    side.calls++;
    return result;
  };

  /** @zquic/io's flush: send everything ready, then re-arm the timer (ms resolution, never earlier than 1 ms ahead). */
  const flush = (side) => {
    const deadline = charge(side, () => {
      for (let t = side.endpoint.pollTransmit(now); t !== null; t = side.endpoint.pollTransmit(now)) side.out.push(now, t);
      return side.endpoint.pollTimeout();
    });
    if (deadline !== undefined && (side.timerAt === undefined || deadline < side.timerAt.deadline)) {
      side.timerAt = { deadline, fires: now + Math.max(1, Math.ceil(deadline - now)) };
    }
  };

  const connection = client.connect(now, {
    local: CLIENT,
    remote: SERVER,
    tls: { alpn: ["bench"], serverName: "localhost", verifier: insecureVerifier(), now: wallClock },
  });

  /** Advances to the next event (a delivery or a timer) and handles it. False when nothing is left. */
  const step = () => {
    const candidates = [
      [toServer.next, "deliver", serverSide, toServer],
      [toClient.next, "deliver", clientSide, toClient],
      [clientSide.timerAt?.fires, "timer", clientSide],
      [serverSide.timerAt?.fires, "timer", serverSide],
    ];
    let best;
    for (const c of candidates) if (c[0] !== undefined && (best === undefined || c[0] < best[0])) best = c;
    if (best === undefined) return false;
    const [at, kind, side, lane] = best;
    now = Math.max(now, at);
    if (kind === "deliver") {
      const item = lane.shift();
      charge(side, () => side.endpoint.handleDatagram(now, item.data, { local: item.path.remote, remote: item.path.local }, item.ecn));
    } else {
      side.timerAt = undefined;
      charge(side, () => side.endpoint.handleTimeout(now));
    }
    if (accepted === undefined) {
      for (let e = server.pollEvent(); e !== null; e = server.pollEvent()) if (e.type === "connection") accepted = e.connection;
    }
    flush(side);
    return true;
  };

  const run = (until, limit = 1e9) => {
    for (let i = 0; i < limit && !until(); i++) if (!step()) throw new Error("the pipe ran dry before the transfer finished");
  };

  for (const side of [clientSide, serverSide]) flush(side);
  run(() => connection.handshake.confirmed && accepted?.handshake.confirmed === true);
  const sender = DOWNLOAD ? accepted : connection;
  const receiver = DOWNLOAD ? connection : accepted;
  const senderSide = DOWNLOAD ? serverSide : clientSide;
  const receiverSide = DOWNLOAD ? clientSide : serverSide;

  // The stream: the client opens it (a request); the sender writes as backpressure allows, the receiver reads as data arrives.
  const streamId = connection.openStream(true);
  if (DOWNLOAD) connection.streamWrite(streamId, new Uint8Array(16), true);
  const chunk = new Uint8Array(65536).fill(0x5a);
  /** Starts a transfer of `bytes` and returns a predicate that holds once it all arrived. */
  const transfer = (bytes) => {
    let written = 0;
    let received = 0;
    // Like an application woken by stream events: write or read, then flush if that did anything.
    const pump = () => {
      if (written < bytes && sender.streams.get(streamId) !== undefined && sender.streamWritable(streamId) > 0) {
        charge(senderSide, () => {
          while (written < bytes) {
            const n = sender.streamWrite(streamId, chunk.subarray(0, Math.min(chunk.length, bytes - written)));
            written += n;
            if (n === 0) break;
          }
        });
        flush(senderSide);
      }
      if (receiver.streams.get(streamId)?.recv?.readable > 0) {
        charge(receiverSide, () => {
          for (let r = receiver.streamRead(streamId); r !== undefined && r.data.length > 0; r = receiver.streamRead(streamId)) received += r.data.length;
        });
        flush(receiverSide);
      }
      return received >= bytes;
    };
    return pump;
  };
  const dataPackets = () => sender.stats.packetsSent["1RTT"];
  const ackPackets = () => receiver.stats.packetsSent["1RTT"];
  return {
    dataPackets,
    ackPackets,
    get now() {
      return now;
    },
    /** Moves `bytes` and returns what it cost; `measure` charges CPU to each side, `heap` also heap growth per call. */
    move(bytes, { measure = false, heap = false } = {}) {
      const done = transfer(bytes);
      measuring = measure;
      heapPerCall = heap;
      for (const side of [senderSide, receiverSide]) (side.cpu = 0), (side.heap = 0), (side.calls = 0);
      const before = { data: dataPackets(), acks: ackPackets(), lost: sender.stats.packetsLost, at: now };
      const cpu = process.cpuUsage();
      while (!done()) if (!step()) throw new Error("the pipe ran dry before the transfer finished");
      const total = process.cpuUsage(cpu);
      measuring = false;
      heapPerCall = false;
      return {
        data: dataPackets() - before.data,
        acks: ackPackets() - before.acks,
        lost: sender.stats.packetsLost - before.lost,
        virtualMs: now - before.at,
        cwnd: sender.recovery.congestion.window,
        srtt: sender.recovery.rtt.smoothedRtt,
        senderCpu: senderSide.cpu,
        receiverCpu: receiverSide.cpu,
        senderCalls: senderSide.calls,
        receiverCalls: receiverSide.calls,
        totalCpu: total.user + total.system,
        senderHeap: senderSide.heap,
        receiverHeap: receiverSide.heap,
      };
    },
  };
}

/** µs of CPU one `process.cpuUsage()` pair costs (the fastest of ten batches), subtracted from the per-call charges. */
function cpuUsageCost() {
  let best = Infinity;
  for (let batch = 0; batch < 10; batch++) {
    const rounds = 2000;
    const start = process.cpuUsage();
    for (let i = 0; i < rounds; i++) process.cpuUsage(process.cpuUsage());
    const used = process.cpuUsage(start);
    best = Math.min(best, (used.user + used.system) / rounds);
  }
  return best;
}

/**
 * Bytes in use on the JS heap. Typed arrays over 64 bytes keep their data
 * outside it, where V8 accounts for it too lazily to measure per call; those
 * backing stores are not counted.
 */
function allocated() {
  return getHeapStatistics().used_heap_size;
}

/** What the two allocated() calls around a charged call allocate themselves. */
function heapProbeCost() {
  let probe = 0;
  for (let i = 0; i < 1000; i++) {
    const before = allocated();
    probe += allocated() - before;
  }
  return probe / 1000;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const range = (xs) => `${Math.min(...xs).toFixed(1)}–${Math.max(...xs).toFixed(1)}`;
const callCost = cpuUsageCost();
const probeCost = heapProbeCost();
/** CPU µs per data packet charged to `side`, less the driver's process.cpuUsage() pairs. */
const sideCost = (r, side) => (r[`${side}Cpu`] - callCost * r[`${side}Calls`]) / r.data;
const setting = `in-memory pipe, ${DOWNLOAD ? "download" : "upload"}, one-way ${LATENCY} ms${MBPS > 0 ? `, ${MBPS} Mbit/s bottleneck, queue ${QUEUE}` : ", no bottleneck"}`;

/**
 * Bytes allocated per data packet on the JS heap, per side: growth around
 * every call into each endpoint over a 1 MiB burst during which no GC ran (v8.GCProfiler
 * says); undefined when a GC did run. Needs --expose-gc and a young generation
 * large enough for a burst (--max-semi-space-size=64).
 */
async function allocationBurst(pair) {
  globalThis.gc();
  // Let the GC's background work finish before the burst.
  await new Promise((resolve) => setTimeout(resolve, 20));
  const profiler = new GCProfiler();
  profiler.start();
  const result = pair.move(1 << 20, { heap: true });
  if (profiler.stop().statistics.length > 0) return undefined;
  const net = (side) => (result[`${side}Heap`] - probeCost * result[`${side}Calls`]) / result.data;
  return { sender: net("sender"), receiver: net("receiver") };
}

/** Transfers of SIZE bytes on fresh pairs, then GC-free bursts for allocation. */
async function report() {
  console.log(`\n## per-packet transport cost (${setting}, ${SIZE >> 20} MiB, ${RUNS} runs)\n${machine()}`);
  const rows = [];
  for (let run = 0; run < RUNS; run++) {
    const pair = createPair(100 + run, thisBuild);
    pair.move(WARMUP); // JIT, windows opened
    rows.push(pair.move(SIZE, { measure: true }));
  }
  const table = {
    "sender CPU µs / data packet": rows.map((r) => sideCost(r, "sender")),
    "receiver CPU µs / data packet": rows.map((r) => sideCost(r, "receiver")),
    "whole process CPU µs / data packet": rows.map((r) => r.totalCpu / r.data),
    "CPU ms per MiB (whole process)": rows.map((r) => r.totalCpu / 1000 / (SIZE / (1 << 20))),
    "data packets per ACK-carrying packet": rows.map((r) => r.data / r.acks),
    "data packets": rows.map((r) => r.data),
    "payload bytes per data packet": rows.map((r) => SIZE / r.data),
    "packets lost": rows.map((r) => r.lost),
    "virtual ms": rows.map((r) => r.virtualMs),
    "final cwnd (packets of 1452)": rows.map((r) => r.cwnd / 1452),
    "final smoothed RTT ms": rows.map((r) => r.srtt),
  };
  console.table(Object.fromEntries(Object.entries(table).map(([k, xs]) => [k, { median: Number(median(xs).toFixed(2)), range: range(xs) }])));
  console.log(
    `(per-side figures exclude the driver's process.cpuUsage() pairs, ${callCost.toFixed(2)} µs each, ${median(rows.map((r) => (r.senderCalls + r.receiverCalls) / r.data)).toFixed(1)} per data packet; the whole-process figure includes them and the driver)`,
  );
  if (typeof globalThis.gc !== "function") {
    console.log("bytes allocated per data packet: run with --expose-gc to measure");
    return;
  }
  const pair = createPair(200, thisBuild);
  pair.move(WARMUP);
  const samples = [];
  for (let attempt = 0; attempt < 12 && samples.length < 5; attempt++) {
    const sample = await allocationBurst(pair);
    if (sample !== undefined) samples.push(sample);
  }
  if (samples.length === 0) console.log("bytes allocated per data packet: no GC-free burst of 1 MiB (raise --max-semi-space-size)");
  else console.log(`JS heap bytes allocated per data packet (median of ${samples.length} GC-free 1 MiB bursts): sender ${median(samples.map((x) => x.sender)).toFixed(0)}, receiver ${median(samples.map((x) => x.receiver)).toFixed(0)}`);
}

/**
 * Two builds in one process: after a warm-up each, rounds alternate which
 * build goes first; each round moves SIZE bytes per build and charges CPU per
 * side, then takes a GC-free allocation burst per build. Prints medians and
 * minimums over the rounds and the ratios B / A.
 */
async function compare(paths) {
  // Each build uses the @zquic/crypto its quic resolves to, so two self-contained builds share no code.
  const load = async (path) => {
    const crypto = await import(createRequire(path).resolve("@zquic/crypto"));
    return { path, Endpoint: (await import(path)).Endpoint, provider: await crypto.loadProvider("native"), rows: [], allocation: [] };
  };
  const builds = [await load(paths[0]), await load(paths[1])];
  console.log(`\n## per-packet transport cost, two builds compared (${setting}, ${RUNS} rounds of ${(SIZE / (1 << 20)).toFixed(0)} MiB each)\n${machine()}`);
  const pairs = builds.map((build) => createPair(100, build));
  for (const pair of pairs) pair.move(WARMUP);
  for (let round = 0; round < RUNS; round++) {
    const order = round % 2 === 0 ? [0, 1] : [1, 0];
    // A collection first, so each transfer pays for the collections its own garbage causes and no other.
    for (const i of order) {
      globalThis.gc?.();
      builds[i].rows.push(pairs[i].move(SIZE, { measure: true }));
    }
    if (typeof globalThis.gc !== "function") continue;
    for (const i of order) {
      const sample = await allocationBurst(pairs[i]);
      if (sample !== undefined) builds[i].allocation.push(sample);
    }
  }
  const figures = {
    "sender CPU µs / data packet": (b) => b.rows.map((r) => sideCost(r, "sender")),
    "receiver CPU µs / data packet": (b) => b.rows.map((r) => sideCost(r, "receiver")),
    "whole process CPU µs / data packet": (b) => b.rows.map((r) => r.totalCpu / r.data),
    "whole process CPU ms / MiB": (b) => b.rows.map((r) => r.totalCpu / 1000 / (SIZE / (1 << 20))),
    "data packets per ACK-carrying packet": (b) => b.rows.map((r) => r.data / r.acks),
    "data packets": (b) => b.rows.map((r) => r.data),
    "sender JS heap bytes / data packet": (b) => b.allocation.map((x) => x.sender),
    "receiver JS heap bytes / data packet": (b) => b.allocation.map((x) => x.receiver),
  };
  const [a, b] = builds;
  console.log(`A = ${a.path}\nB = ${b.path}`);
  const rows = {};
  for (const [name, get] of Object.entries(figures)) {
    const [xa, xb] = [get(a), get(b)];
    if (xa.length === 0 || xb.length === 0) continue;
    const [ma, mb, lowA, lowB] = [median(xa), median(xb), Math.min(...xa), Math.min(...xb)];
    // The minimum is the round least disturbed by other work on the machine.
    rows[name] = { "A median": Number(ma.toFixed(2)), "B median": Number(mb.toFixed(2)), "B / A": Number((mb / ma).toFixed(3)), "A min": Number(lowA.toFixed(2)), "B min": Number(lowB.toFixed(2)), "B / A (min)": Number((lowB / lowA).toFixed(3)) };
  }
  console.table(rows);
}

if (COMPARE === undefined) await report();
else await compare(COMPARE);

/** A CPU profile of one transfer, summarized: self time by function and by package, inclusive time of the transport's entry points. */
async function profileSummary() {
  const pair = createPair(300, thisBuild);
  pair.move(WARMUP);
  const session = new Session();
  session.connect();
  await session.post("Profiler.enable");
  await session.post("Profiler.setSamplingInterval", { interval: 100 });
  await session.post("Profiler.start");
  pair.move(SIZE);
  const { profile } = await session.post("Profiler.stop");
  session.disconnect();

  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const key = (n) => {
    const { functionName, url, lineNumber } = n.callFrame;
    const file = url.replace(/^.*\/packages\//, "").replace(/^file:\/\/.*\/node_modules\//, "");
    return `${functionName || "(anonymous)"} ${file ? `${file}:${lineNumber + 1}` : ""}`.trim();
  };
  const area = (n) => {
    const url = n.callFrame.url;
    const pkg = /\/packages\/([^/]+)\//.exec(url);
    if (pkg) return `@zquic/${pkg[1]}`;
    if (url.startsWith("node:")) return "node internals";
    if (url === "") return n.callFrame.functionName.startsWith("(") ? n.callFrame.functionName : "native / builtins";
    return "bench driver";
  };
  const self = new Map();
  const areas = new Map();
  const inclusive = new Map();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const dt = profile.timeDeltas[i] ?? 0;
    const node = byId.get(id);
    total += dt;
    self.set(key(node), (self.get(key(node)) ?? 0) + dt);
    areas.set(area(node), (areas.get(area(node)) ?? 0) + dt);
    const seen = new Set();
    for (let n = node; n !== undefined; n = byId.get(parent.get(n.id))) {
      const name = n.callFrame.functionName;
      if (name && !seen.has(name)) {
        seen.add(name);
        inclusive.set(name, (inclusive.get(name) ?? 0) + dt);
      }
    }
  });
  const pct = (v) => `${((100 * v) / total).toFixed(1)}%`;
  console.log(`\n### CPU profile of one ${SIZE >> 20} MiB transfer (both endpoints; ${profile.samples.length} samples)`);
  console.log("self time by area:");
  console.table(Object.fromEntries([...areas].sort((a, b) => b[1] - a[1]).map(([k, v]) => [k, pct(v)])));
  console.log("self time, top 30 functions:");
  console.table(Object.fromEntries([...self].sort((a, b) => b[1] - a[1]).slice(0, 30).map(([k, v]) => [k, pct(v)])));
  const entryPoints = [
    "handleDatagram", "receiveDatagram", "processPacket", "readFrames", "handleFrame", "onAckReceived", "onAckOutcome", "onPacketsAcknowledged",
    "removeAcknowledged", "detectLostPackets", "onStreamFrame", "openPayload", "removeHeaderProtection",
    "pollTransmit", "transmitDatagram", "buildPacket", "writeApplicationFrames", "writeStreams", "writeAck", "finish", "seal", "protectInPlace",
    "onPacketSent", "nextSendable", "pollTimeout", "handleTimeout", "streamRead", "streamWrite", "(garbage collector)",
  ];
  console.log("inclusive time of entry points:");
  console.table(Object.fromEntries(entryPoints.filter((n) => inclusive.has(n)).map((n) => [n, pct(inclusive.get(n))])));
}

/** A sampling heap profile of one transfer: bytes allocated per data packet, by allocating function (both endpoints). */
async function allocationProfile() {
  const pair = createPair(400, thisBuild);
  pair.move(WARMUP);
  const session = new Session();
  session.connect();
  await session.post("HeapProfiler.enable");
  // Every allocation is sampled with probability size / interval; GC'd objects stay in the profile (includeObjectsCollectedBy*).
  await session.post("HeapProfiler.startSampling", { samplingInterval: 256, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
  const before = pair.dataPackets();
  pair.move(4 << 20);
  const packets = pair.dataPackets() - before;
  const { profile } = await session.post("HeapProfiler.stopSampling");
  session.disconnect();
  const bySite = new Map();
  const walk = (node, stack) => {
    const frame = node.callFrame;
    const file = frame.url.replace(/^.*\/packages\//, "");
    const name = `${frame.functionName || "(anonymous)"} ${file ? `${file}:${frame.lineNumber + 1}` : ""}`.trim();
    const self = node.selfSize;
    if (self > 0) {
      const site = `${name}  ← ${stack.slice(-2).reverse().join(" ← ")}`;
      bySite.set(site, (bySite.get(site) ?? 0) + self);
    }
    for (const child of node.children) walk(child, [...stack, frame.functionName || "(anonymous)"]);
  };
  walk(profile.head, []);
  const total = [...bySite.values()].reduce((a, b) => a + b, 0);
  console.log(`\n### allocation profile of a 4 MiB transfer: ${(total / packets).toFixed(0)} bytes per data packet sampled (both endpoints)`);
  console.table(Object.fromEntries([...bySite].sort((a, b) => b[1] - a[1]).slice(0, 40).map(([k, v]) => [k.slice(0, 150), { "B / data packet": Math.round(v / packets) }])));
}
if (PROFILE === "1") await profileSummary();
if (PROFILE === "alloc") await allocationProfile();
