// Full TLS 1.3 handshakes in memory, client and server together on one core:
// a ClientHello to both Finished messages, CRYPTO bytes moved by a tiny pump,
// the server's P-256 certificate checked by a chain verifier.
// `node bench/run.mjs tls` (after `npx tsc -b`).
import { loadProvider, nobleProvider } from "@zquic/crypto";
import { NamedGroup, TlsClient, TlsServer, chainVerifier, generateSelfSigned } from "@zquic/tls";
import { runSuite } from "./lib.mjs";

const providers = { native: await loadProvider("native"), noble: nobleProvider };
const now = () => Date.UTC(2030, 0, 1);
const certificate = generateSelfSigned({
  keyType: "p256",
  hosts: ["localhost"],
  notBefore: Date.UTC(2025, 0, 1),
  notAfter: Date.UTC(2040, 0, 1),
  provider: nobleProvider,
  random: nobleProvider.random,
});

/** A handshake function for `provider` and key exchange `group`. */
function handshake(provider, group) {
  const verifier = chainVerifier({ trustAnchors: [certificate.certificate], provider });
  const common = { provider, random: provider.random, now, alpn: ["h3"], groups: [group] };
  const client = { ...common, transportParameters: new Uint8Array(40), serverName: "localhost", verifier };
  const server = { ...common, transportParameters: new Uint8Array(60), certificateChain: [certificate.certificate.der], privateKey: certificate.privateKey };
  return () => {
    const sessions = [new TlsClient(client), new TlsServer(server)];
    sessions[0].start();
    for (let moved = true; moved; ) {
      moved = false;
      for (const [self, peer] of [sessions, [sessions[1], sessions[0]]]) {
        for (let output = self.poll(); output !== null; output = self.poll()) {
          moved = true;
          if (output.kind === "handshake_data") peer.receive(output.level, output.data);
          else if (output.kind === "alert") throw new Error(output.reason);
        }
      }
    }
    if (!sessions[0].handshakeComplete || !sessions[1].handshakeComplete) throw new Error("the handshake did not complete");
  };
}

const tasks = {};
for (const [name, provider] of Object.entries(providers)) {
  tasks[`${name}: X25519 + P-256 certificate`] = handshake(provider, NamedGroup.x25519);
  tasks[`${name}: X25519MLKEM768 + P-256 certificate`] = handshake(provider, NamedGroup.X25519MLKEM768);
}
await runSuite("TLS 1.3 full handshakes (client + server, in memory)", tasks);
