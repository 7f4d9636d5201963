// Full QUIC handshakes on the simulator, client and server endpoints in this
// process on one core, native crypto, X25519 + P-256: CPU time per handshake
// (both sides, to confirmation, then a close). The transport's share of a
// handshake beside bench tls, which runs the TLS handshake alone.
// Run: npx tsc -b && node bench/run.mjs quic-handshake
import { connectedPair } from "@zquic/testkit";
import { NamedGroup } from "@zquic/tls";
import { machine } from "./lib.mjs";

const HANDSHAKES = Number(process.env.ZQUIC_BENCH_HANDSHAKES ?? 500);
const ROUNDS = Number(process.env.ZQUIC_BENCH_RUNS ?? 5);

/** Endpoints that stay up; each call connects once more, waits for both sides to confirm, and closes. */
function handshaker() {
  const pair = connectedPair({ seed: 1, link: { latency: 1 }, clientTls: { groups: [NamedGroup.x25519] } });
  const { net, server } = pair;
  return () => {
    const client = pair.reconnect();
    let accepted;
    net.runUntil({
      until: () => {
        for (let e = server.pollEvent(); e !== null; e = server.pollEvent()) if (e.type === "connection") accepted = e.connection;
        while (client.pollEvent() !== null);
        if (accepted !== undefined) while (accepted.pollEvent() !== null);
        return client.handshake.confirmed && accepted?.handshake.confirmed === true;
      },
      deadline: net.now + 10_000,
    });
    if (!client.handshake.confirmed || accepted?.handshake.confirmed !== true) throw new Error("a handshake did not complete on the simulator");
    client.close(net.now, { code: 0, reason: "" });
    net.runUntil({ until: () => false, deadline: net.now + 5 });
  };
}

const handshake = handshaker();
for (let i = 0; i < 50; i++) handshake();
const rounds = [];
for (let round = 0; round < ROUNDS; round++) {
  const cpu = process.cpuUsage();
  for (let i = 0; i < HANDSHAKES / ROUNDS; i++) handshake();
  const used = process.cpuUsage(cpu);
  rounds.push((used.user + used.system) / (HANDSHAKES / ROUNDS));
}
rounds.sort((a, b) => a - b);
const row = {
  "CPU µs per handshake (median)": rounds[Math.floor(rounds.length / 2)].toFixed(0),
  "fastest round": rounds[0].toFixed(0),
  "slowest round": rounds[rounds.length - 1].toFixed(0),
};
console.log(`\n## QUIC handshakes on the simulator, client + server on one core, X25519 + P-256, ${HANDSHAKES} in ${ROUNDS} rounds\n${machine()}`);
console.table({ "native provider": row });
