// Bulk download over real loopback UDP through @zquic/node, client and server
// in separate processes: goodput and CPU per MB on each side.
//
// Run: npx tsc -b && node bench/loopback-driver.mjs [MiB] [runs]
// The parent is the client; it starts the server as a child process
// (`node bench/loopback-driver.mjs --server PORT`), which answers each stream
// with the number of bytes the request asks for and reports its CPU time.
import { fork } from "node:child_process";
import { once } from "node:events";
import { connect, listen } from "@zquic/node";
import { loadProvider } from "@zquic/crypto";
import { generateSelfSigned } from "@zquic/tls";
import { machine } from "./lib.mjs";

const ALPN = ["zquic-bench"];

if (process.argv[2] === "--server") {
  const { certificatePem, privateKeyPem } = JSON.parse(process.argv[3]);
  const chunk = new Uint8Array(64 * 1024).fill(0x5a);
  let cpuAtStart;
  const server = await listen({ host: "127.0.0.1", port: 0, alpn: ALPN, certificate: certificatePem, privateKey: privateKeyPem }, async (connection) => {
    for await (const stream of connection.incomingBidirectionalStreams) {
      void (async () => {
        let request = "";
        for await (const part of stream.readable) request += new TextDecoder().decode(part);
        const size = Number(request);
        cpuAtStart = process.cpuUsage();
        const writer = stream.writable.getWriter();
        for (let sent = 0; sent < size; sent += chunk.length) await writer.write(chunk.subarray(0, Math.min(chunk.length, size - sent)));
        await writer.close();
      })();
    }
  });
  process.send({ port: server.address.port });
  // The client says when its download finished: report the CPU spent since the request arrived.
  process.on("message", async (message) => {
    if (message !== "report") return;
    const used = process.cpuUsage(cpuAtStart);
    process.send({ cpuMs: (used.user + used.system) / 1000 });
    await server.close();
    process.exit(0);
  });
} else {
  const mib = Number(process.argv[2] ?? 50);
  const runs = Number(process.argv[3] ?? 3);
  const provider = await loadProvider("native");
  let seed = 11;
  const certificate = generateSelfSigned({
    keyType: "p256",
    hosts: ["localhost", "127.0.0.1"],
    notBefore: Date.now() - 86_400_000,
    notAfter: Date.now() + 86_400_000,
    provider,
    random: (n) => Uint8Array.from({ length: n }, () => (seed = (seed * 1103515245 + 12345) >>> 0) >>> 24),
  });
  const pem = JSON.stringify({ certificatePem: certificate.certificatePem, privateKeyPem: certificate.privateKeyPem });
  console.log(`\n## loopback download through @zquic/node (client and server processes, ${mib} MiB, ${runs} runs)\n${machine()}`);
  const rows = [];
  for (let run = 0; run < runs; run++) {
    const child = fork(new URL(import.meta.url).pathname, ["--server", pem], { stdio: ["ignore", "inherit", "inherit", "ipc"] });
    const [{ port }] = await once(child, "message");
    // The server process must not outlive a failed run.
    process.once("exit", () => child.kill());
    const connection = connect({ host: "127.0.0.1", port }, { alpn: ALPN, trustAnchors: certificate.certificatePem, serverName: "localhost" });
    await connection.ready;
    const stream = await connection.createBidirectionalStream();
    const writer = stream.writable.getWriter();
    const cpu = process.cpuUsage();
    const start = performance.now();
    await writer.write(new TextEncoder().encode(String(mib << 20)));
    await writer.close();
    let received = 0;
    // The RTT the client sees while the download runs: queueing in the socket buffers shows here.
    let maxRtt = 0;
    const sampler = setInterval(() => (maxRtt = Math.max(maxRtt, connection.rtt.smoothed)), 50);
    for await (const part of stream.readable) received += part.length;
    clearInterval(sampler);
    const seconds = (performance.now() - start) / 1000;
    const used = process.cpuUsage(cpu);
    child.send("report");
    const [{ cpuMs: serverCpuMs }] = await once(child, "message");
    connection.close();
    await once(child, "exit");
    if (received !== mib << 20) throw new Error(`received ${received} of ${mib << 20} bytes`);
    const clientCpuMs = (used.user + used.system) / 1000;
    rows.push({ "Mbit/s": (received * 8) / seconds / 1e6, "client CPU ms/MiB": clientCpuMs / mib, "server CPU ms/MiB": serverCpuMs / mib, seconds, "max smoothed RTT ms": maxRtt, "min RTT ms": connection.rtt.min });
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  console.table(rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, Number(v.toFixed(1))]))));
  console.log(`median: ${median(rows.map((r) => r["Mbit/s"])).toFixed(1)} Mbit/s; client ${median(rows.map((r) => r["client CPU ms/MiB"])).toFixed(1)} ms CPU/MiB; server ${median(rows.map((r) => r["server CPU ms/MiB"])).toFixed(1)} ms CPU/MiB`);
}
