// What the TLS benchmarks and the profiling driver share: a full in-memory
// handshake, stand-ins for the primitives, and the bare node:crypto calls a
// native handshake makes.
import { createECDH, createHash, createHmac, createPrivateKey, createPublicKey, diffieHellman, randomFillSync, sign, verify } from "node:crypto";
import { nobleProvider } from "@zquic/crypto";
import { TlsClient, TlsServer, chainVerifier, generateSelfSigned } from "@zquic/tls";

const now = () => Date.UTC(2030, 0, 1);

/** The server's self-signed P-256 certificate, which the client trusts as its anchor. */
export const certificate = generateSelfSigned({
  keyType: "p256",
  hosts: ["localhost"],
  notBefore: Date.UTC(2025, 0, 1),
  notAfter: Date.UTC(2040, 0, 1),
  provider: nobleProvider,
  random: nobleProvider.random,
});

/**
 * A function that runs one full handshake, ClientHello to both Finished
 * messages, with `provider`, key exchange `group` and the client's `verifier`
 * (a chain verifier by default), moving CRYPTO bytes between the two sessions.
 */
export function handshake(provider, group, verifier = chainVerifier({ trustAnchors: [certificate.certificate], provider })) {
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

const digest = (...parts) => {
  const out = new Uint8Array(32);
  let length = 0;
  for (const part of parts) out[(length += part.length) & 31] ^= part[0] ?? 0;
  out[0] = length & 0xff;
  return out;
};
const hasher = (parts = []) => ({ update: (data) => void parts.push(data), digest: () => digest(...parts), clone: () => hasher([...parts]) });
const shared = new Uint8Array(32);

/** Stand-ins (not cryptography!) for each group of primitives, which keep both sides agreeing. */
export const standIns = {
  "key exchange": {
    generateKeyShare: (group, random) => ({ group, publicKey: random(32), complete: () => shared }),
    respondKeyShare: (_, __, random) => ({ publicKey: random(32), sharedSecret: shared }),
  },
  signatures: { sign: (_, __, data) => digest(data), verify: () => true },
  "HMAC and HKDF": {
    hmac: (_, key, data) => digest(key, data),
    hkdfExtract: (_, salt, ikm) => digest(salt, ikm),
    hkdfExpand: (_, prk, info, length) => digest(prk, info).slice(0, length),
  },
  hashing: { hash: (_, data) => digest(data), hasher: () => hasher() },
};

/** `provider` with every primitive a stand-in: what the protocol code alone costs. */
export function stubProvider(provider = nobleProvider) {
  return Object.assign({ ...provider, name: "stub" }, ...Object.values(standIns));
}

/**
 * The node:crypto calls of one native X25519 + P-256 handshake and nothing
 * else, as the native provider makes them: per side an X25519 key pair (JWK
 * import, which derives the public key, and its export), the peer's share
 * imported and one X25519; one ECDSA signature and one verification with keys
 * already imported; 25 HMACs (the key schedule's HKDF, both Finished); and the
 * transcripts (2 hashes, 14 updates, 9 running digests).
 */
export function nodeCryptoFloor() {
  const base64url = (bytes) => Buffer.from(bytes).toString("base64url");
  const placeholder = base64url(new Uint8Array(32));
  const ecdh = createECDH("prime256v1");
  ecdh.generateKeys();
  const point = ecdh.getPublicKey();
  const jwk = { kty: "EC", crv: "P-256", x: base64url(point.subarray(1, 33)), y: base64url(point.subarray(33)) };
  const signingKey = createPrivateKey({ key: { ...jwk, d: base64url(ecdh.getPrivateKey()) }, format: "jwk" });
  const verifyingKey = createPublicKey({ key: jwk, format: "jwk" });
  const content = new Uint8Array(130).fill(0x20);
  const signature = sign("sha256", content, { key: signingKey, dsaEncoding: "der" });
  const [secret, info, message] = [new Uint8Array(32).fill(1), new Uint8Array(50).fill(2), new Uint8Array(150).fill(3)];
  const keyPair = () => {
    const privateKey = createPrivateKey({ key: { kty: "OKP", crv: "X25519", d: base64url(randomFillSync(new Uint8Array(32))), x: placeholder }, format: "jwk" });
    return { privateKey, x: privateKey.export({ format: "jwk" }).x };
  };
  const agree = (own, peer) => diffieHellman({ privateKey: own.privateKey, publicKey: createPublicKey({ key: { kty: "OKP", crv: "X25519", x: peer.x }, format: "jwk" }) });
  return () => {
    const [client, server] = [keyPair(), keyPair()];
    agree(server, client);
    agree(client, server);
    sign("sha256", content, { key: signingKey, dsaEncoding: "der" });
    if (!verify("sha256", content, { key: verifyingKey, dsaEncoding: "der" }, signature)) throw new Error("the floor's signature does not verify");
    for (let i = 0; i < 25; i++) createHmac("sha256", secret).update(info).digest();
    for (let side = 0; side < 2; side++) {
      const transcript = createHash("sha256");
      for (let i = 0; i < 7; i++) transcript.update(message);
      for (let i = 0; i < (side === 0 ? 5 : 4); i++) transcript.copy().digest();
    }
  };
}
