// TLS protocol code only: every provider primitive replaced by a cheap stand-in.
import { nobleProvider } from "@zquic/crypto";
import { NamedGroup, TlsClient, TlsServer, insecureVerifier, generateSelfSigned } from "@zquic/tls";
const mix = (...parts) => { const out = new Uint8Array(32); let n = 0; for (const p of parts) { n += p.length; out[n & 31] ^= p[0] ?? 0; } out[0] = n & 255; return out; };
const hasher = () => { let parts = []; return { update: (d) => { parts.push(d); }, digest: () => mix(...parts), clone() { const h = hasher(); for (const p of parts) h.update(p); return h; } }; };
let counter = 0;
const random = (n) => { const out = new Uint8Array(n); for (let i = 0; i < n; i++) out[i] = (counter++ * 131) & 255; return out; };
const provider = { ...nobleProvider, hashLength: () => 32, hash: (a, d) => mix(d), hasher, hmac: (a, k, d) => mix(k, d), hkdfExtract: (a, s, i) => mix(s, i), hkdfExpand: (a, p, i, l) => mix(p, i).slice(0, l),
  generateKeyShare: (group, r) => { const pub = r(32); return { group, publicKey: pub, complete: () => new Uint8Array(32) }; },
  respondKeyShare: (group, peer, r) => ({ publicKey: r(32), sharedSecret: new Uint8Array(32) }),
  sign: (alg, key, data) => mix(data), verify: () => true, random };
const now = () => Date.UTC(2030, 0, 1);
const certificate = generateSelfSigned({ keyType: "p256", hosts: ["localhost"], notBefore: Date.UTC(2025, 0, 1), notAfter: Date.UTC(2040, 0, 1), provider: nobleProvider, random: nobleProvider.random });
const common = { provider, random, now, alpn: ["h3"], groups: [NamedGroup.x25519] };
const client = { ...common, transportParameters: new Uint8Array(40), serverName: "localhost", verifier: insecureVerifier() };
const server = { ...common, transportParameters: new Uint8Array(60), certificateChain: [certificate.certificate.der], privateKey: certificate.privateKey };
function once() {
  const sessions = [new TlsClient(client), new TlsServer(server)];
  sessions[0].start();
  for (let moved = true; moved; ) { moved = false;
    for (const [self, peer] of [sessions, [sessions[1], sessions[0]]]) for (let o = self.poll(); o !== null; o = self.poll()) { moved = true; if (o.kind === "handshake_data") peer.receive(o.level, o.data); else if (o.kind === "alert") throw new Error(o.reason); } }
  if (!sessions[1].handshakeComplete) throw new Error("incomplete");
}
for (let i = 0; i < 1000; i++) once();
const N = 5000; const t0 = performance.now();
for (let i = 0; i < N; i++) once();
console.log("µs per handshake, protocol code only:", ((performance.now() - t0) / N * 1000).toFixed(1));
