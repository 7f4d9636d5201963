// Full TLS 1.3 handshakes in memory, client and server together on one core:
// a ClientHello to both Finished messages, CRYPTO bytes moved by a tiny pump,
// the server's P-256 certificate checked by a chain verifier. Two reference
// rows: every primitive swapped for a cheap stand-in (what the protocol code
// alone costs), and the bare node:crypto calls one native handshake cannot
// avoid (the floor). Then the native rows again, interleaved in CPU time, for
// ratios that hold on a machine other work shares.
// `node bench/run.mjs tls` (after `npx tsc -b`).
import { loadProvider, nobleProvider } from "@zquic/crypto";
import { NamedGroup, insecureVerifier } from "@zquic/tls";
import { interleavedMicroseconds } from "./cpu-time.mjs";
import { runSuite } from "./lib.mjs";
import { handshake, nodeCryptoFloor, stubProvider } from "./tls-handshake.mjs";

const providers = { native: await loadProvider("native"), noble: nobleProvider };
const FLOOR = "node:crypto floor of a native X25519 + P-256 handshake";
const STUB = "stub crypto, no chain check: protocol code only";

const tasks = {};
for (const [name, provider] of Object.entries(providers)) {
  tasks[`${name}: X25519 + P-256 certificate`] = handshake(provider, NamedGroup.x25519);
  tasks[`${name}: X25519MLKEM768 + P-256 certificate`] = handshake(provider, NamedGroup.X25519MLKEM768);
}
tasks[STUB] = handshake(stubProvider(), NamedGroup.x25519, insecureVerifier());
tasks[FLOOR] = nodeCryptoFloor();
await runSuite("TLS 1.3 full handshakes (client + server, in memory)", tasks);

const interleaved = ["native: X25519 + P-256 certificate", "native: X25519MLKEM768 + P-256 certificate", STUB, FLOOR];
const cpu = interleavedMicroseconds(Object.fromEntries(interleaved.map((name) => [name, tasks[name]])), { rounds: 20, iterations: 40 });
const floor = cpu[FLOOR];
// The fastest round comes closest to an idle machine; the median and quartiles show how much load moved the rest.
console.log("\nInterleaved CPU time per handshake (fastest round; median and p25–p75 of the rounds), handshakes per CPU-second, and × the node:crypto floor:");
console.table(
  Object.entries(cpu).map(([task, { min, p25, median, p75 }]) => ({
    task,
    "µs (min)": min.toFixed(0),
    "µs (median)": median.toFixed(0),
    "µs (p25–p75)": `${p25.toFixed(0)}–${p75.toFixed(0)}`,
    "per CPU-s (min)": Math.round(1e6 / min),
    "per CPU-s (median)": Math.round(1e6 / median),
    "× floor (min)": (min / floor.min).toFixed(2),
    "× floor (median)": (median / floor.median).toFixed(2),
  })),
);
