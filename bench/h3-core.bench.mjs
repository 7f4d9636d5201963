// HTTP/3 request rate of the sans-I/O core alone: an `H3Connection` client and
// server over the simulator, both in this process on one core, native crypto,
// no sockets and no fetch-style objects. 1 KiB responses, 100 requests in
// flight on one connection; CPU time per request for both sides together.
// The reference for what the io layer and the event loop add (bench h3).
// Run: npx tsc -b && node bench/run.mjs h3-core
import { H3Connection } from "@zquic/h3";
import { NamedGroup } from "@zquic/tls";
import { connectedPair } from "@zquic/testkit";
import { machine } from "./lib.mjs";

const REQUESTS = Number(process.env.ZQUIC_BENCH_REQUESTS ?? 5000);
const RUNS = Number(process.env.ZQUIC_BENCH_RUNS ?? 3);
const IN_FLIGHT = 100;
const WARM_UP = 500;
const REQUEST = [[":method", "GET"], [":scheme", "https"], [":authority", "localhost"], [":path", "/k1"]];
const RESPONSE = [[":status", "200"], ["content-length", "1024"]];
const BODY = new Uint8Array(1024).fill(0x5a);

/** One connection: `run(count)` completes `count` more requests; resolves to CPU µs per request and packets per request. */
function h3Connection(seed) {
  const quic = connectedPair({ seed, alpn: ["h3"], link: { latency: 0.05, bandwidth: 10e9 }, clientTls: { groups: [NamedGroup.x25519] } });
  let byte = seed;
  const random = (length) => new Uint8Array(length).fill(byte++ & 0xff); // GREASE choices only
  const client = new H3Connection(quic.connection, { random });
  let server;
  let sent = 0;
  let completed = 0;
  const pump = () => {
    for (let e = quic.server.pollEvent(); e !== null; e = quic.server.pollEvent()) {
      if (e.type === "connection" && server === undefined) server = { transport: e.connection, h3: new H3Connection(e.connection, { random }) };
    }
    for (let e = quic.connection.pollEvent(); e !== null; e = quic.connection.pollEvent()) client.handleEvent(e);
    for (let e = client.pollEvent(); e !== null; e = client.pollEvent()) if (e.type === "end") completed++;
    if (server === undefined) return;
    for (let e = server.transport.pollEvent(); e !== null; e = server.transport.pollEvent()) server.h3.handleEvent(e);
    for (let e = server.h3.pollEvent(); e !== null; e = server.h3.pollEvent()) {
      if (e.type !== "request") continue;
      server.h3.sendResponse(e.streamId, RESPONSE);
      server.h3.sendData(e.streamId, BODY, { endStream: true });
    }
  };
  const runUntil = (done) => {
    let flushedAt = -1;
    const outcome = quic.net.runUntil({
      until: () => {
        pump();
        while (server !== undefined && sent - completed < IN_FLIGHT && client.sendRequest(REQUEST, { endStream: true }) !== undefined) sent++;
        // What the handlers wrote goes out at once: an event now makes the network poll the endpoints.
        if (flushedAt !== quic.net.now) {
          flushedAt = quic.net.now;
          quic.net.at(quic.net.now, () => {});
        }
        return done();
      },
      deadline: quic.net.now + 600_000,
    });
    if (!done()) throw new Error(`the simulation stopped (${outcome.reason}) after ${completed} requests (seed ${seed})`);
  };
  return {
    run(count) {
      const target = completed + count;
      const packets = () => quic.connection.stats.packetsSent["1RTT"] + (server?.transport.stats.packetsSent["1RTT"] ?? 0);
      const before = packets();
      const cpu = process.cpuUsage();
      runUntil(() => completed >= target);
      const used = process.cpuUsage(cpu);
      return { microseconds: (used.user + used.system) / count, packets: (packets() - before) / count };
    },
  };
}

console.log(`\n## h3 core on the simulator: ${REQUESTS} requests of 1 KiB, ${IN_FLIGHT} in flight, one connection, ${RUNS} runs\n${machine()}`);
const rows = [];
for (let run = 0; run < RUNS; run++) {
  const connection = h3Connection(run + 1);
  connection.run(WARM_UP);
  rows.push(connection.run(REQUESTS));
}
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const us = median(rows.map((row) => row.microseconds));
console.table({
  "client + server, one core": {
    "CPU µs per request (median)": us.toFixed(0),
    "range": `${Math.min(...rows.map((r) => r.microseconds)).toFixed(0)}–${Math.max(...rows.map((r) => r.microseconds)).toFixed(0)}`,
    "requests per CPU-second": Math.round(1e6 / us),
    "1-RTT packets per request": median(rows.map((row) => row.packets)).toFixed(2),
  },
});
