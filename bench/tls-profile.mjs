// Where a TLS handshake's time goes (after `npx tsc -b`):
//
//   node --cpu-prof bench/tls-profile.mjs [native|noble] [x25519|X25519MLKEM768] [count]
//     runs `count` full handshakes for the profiler and prints the CPU time per handshake;
//   node bench/tls-profile.mjs ablate
//     times full native handshakes against ones with one group of primitives
//     replaced by a stand-in, interleaved in CPU time: each difference is what
//     that group costs inside a handshake, and the all-stand-in row is the
//     protocol code.
import { loadProvider, nobleProvider } from "@zquic/crypto";
import { NamedGroup } from "@zquic/tls";
import { interleavedMicroseconds } from "./cpu-time.mjs";
import { handshake, standIns, stubProvider } from "./tls-handshake.mjs";

const [mode = "native", groupName = "x25519", countText = "2000"] = process.argv.slice(2);

if (mode === "ablate") {
  const native = await loadProvider("native");
  const tasks = { "full native handshake": handshake(native, NamedGroup.x25519) };
  for (const [name, replacement] of Object.entries(standIns)) tasks[`without ${name}`] = handshake({ ...native, ...replacement }, NamedGroup.x25519);
  tasks["without any (protocol code)"] = handshake(stubProvider(native), NamedGroup.x25519);
  const cpu = interleavedMicroseconds(tasks, { rounds: 25, iterations: 40 });
  const full = cpu["full native handshake"];
  // The fastest round of each comes closest to an idle machine; the medians show how much load moved them.
  console.log("CPU µs per X25519 + P-256 handshake, native provider (interleaved rounds):");
  console.table(
    Object.entries(cpu).map(([task, { min, median }]) => ({
      task,
      "µs (min)": min.toFixed(0),
      "µs (median)": median.toFixed(0),
      "cost in context (µs, from min)": task === "full native handshake" ? "" : (full.min - min).toFixed(0),
      "cost in context (µs, from median)": task === "full native handshake" ? "" : (full.median - median).toFixed(0),
    })),
  );
} else {
  const provider = mode === "noble" ? nobleProvider : await loadProvider("native");
  const run = handshake(provider, NamedGroup[groupName]);
  const count = Number(countText);
  // CPU time of this process, so other load on the machine skews the figure less than wall time would.
  const cpuMicroseconds = () => {
    const { user, system } = process.cpuUsage();
    return user + system;
  };
  for (let i = 0; i < count / 10; i++) run();
  const start = cpuMicroseconds();
  for (let i = 0; i < count; i++) run();
  const us = (cpuMicroseconds() - start) / count;
  console.log(`${provider.name} ${groupName}: ${us.toFixed(0)} µs of CPU per handshake, ${Math.round(1e6 / us)}/s`);
}
