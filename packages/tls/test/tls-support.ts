// Shared helpers for the TLS handshake tests: a seeded random source, test
// credentials, and a pump that moves CRYPTO bytes between two sessions.
import { readFileSync } from "node:fs";
import type { CryptoProvider, PrivateKey, RandomSource } from "@zquic/crypto";
import {
  type CertificateVerifier,
  type EncryptionLevel,
  type SessionTicket,
  type TlsClientConfig,
  type TlsOutput,
  type TlsServerConfig,
  TlsClient,
  TlsServer,
  chainVerifier,
  generateSelfSigned,
  parseCertificate,
  parsePem,
  parsePrivateKey,
} from "@zquic/tls";
import { utf8 } from "@zquic/wire";

/** 2030-01-01, inside every test certificate's validity. */
export const NOW = Date.UTC(2030, 0, 1);

/** A deterministic random source (xorshift128+), so a seed reproduces a handshake. */
export function seededRandom(seed: number): RandomSource {
  let a = BigInt(seed) * 0x9e3779b97f4a7c15n + 1n;
  let b = (a ^ 0xdeadbeefcafebaben) * 0xbf58476d1ce4e5b9n + 7n;
  const mask = (1n << 64n) - 1n;
  a &= mask;
  b &= mask;
  return (length) => {
    const out = new Uint8Array(length);
    for (let i = 0; i < length; i += 8) {
      let x = a;
      const y = b;
      a = y;
      x ^= (x << 23n) & mask;
      b = x ^ y ^ (x >> 17n) ^ (y >> 26n);
      let value = (b + y) & mask;
      for (let j = i; j < Math.min(i + 8, length); j++) {
        out[j] = Number(value & 0xffn);
        value >>= 8n;
      }
    }
    return out;
  };
}

/** A certificate chain with its key. */
export interface Credentials {
  readonly chain: Uint8Array[];
  readonly privateKey: PrivateKey;
}

/** The kinds of leaf key the tests use. */
export type KeyKind = "p256" | "ed25519" | "p384" | "rsa";

const fixture = (name: string) => readFileSync(new URL(`./fixtures/tls/${name}`, import.meta.url), "utf8");
const cache = new Map<string, Credentials>();

/** A self-signed leaf for localhost (P-256 and Ed25519 generated, P-384 and RSA-2048 from fixtures). */
export function credentials(kind: KeyKind, provider: CryptoProvider): Credentials {
  const cached = cache.get(kind);
  if (cached !== undefined) return cached;
  let made: Credentials;
  if (kind === "p256" || kind === "ed25519") {
    const generated = generateSelfSigned({
      keyType: kind,
      hosts: ["localhost", "example.test"],
      notBefore: Date.UTC(2025, 0, 1),
      notAfter: Date.UTC(2040, 0, 1),
      provider,
      random: seededRandom(kind === "p256" ? 256 : 25519),
    });
    made = { chain: [generated.certificate.der], privateKey: generated.privateKey };
  } else {
    made = { chain: [parsePem(fixture(`${kind}.cert.pem`))[0]!.der], privateKey: parsePrivateKey(fixture(`${kind}.key.pem`)) };
  }
  cache.set(kind, made);
  return made;
}

/** A verifier that trusts exactly `anchor`'s leaf (as its own trust anchor). */
export function trusting(anchor: Credentials, provider: CryptoProvider): CertificateVerifier {
  return chainVerifier({ trustAnchors: [parseCertificate(anchor.chain[0]!)], provider });
}

/** Default options for a client/server pair; override per test. */
export function pair(
  provider: CryptoProvider,
  server: Credentials,
  overrides: { client?: Partial<TlsClientConfig>; server?: Partial<TlsServerConfig>; seed?: number } = {},
): { client: TlsClientConfig; server: TlsServerConfig } {
  const seed = overrides.seed ?? 1;
  return {
    client: {
      provider,
      random: seededRandom(seed),
      now: () => NOW,
      alpn: ["h3"],
      transportParameters: utf8("client-params"),
      serverName: "localhost",
      verifier: trusting(server, provider),
      ...overrides.client,
    },
    server: {
      provider,
      random: seededRandom(seed + 1000),
      now: () => NOW,
      alpn: ["h3"],
      transportParameters: utf8("server-params"),
      certificateChain: server.chain,
      privateKey: server.privateKey,
      ...overrides.server,
    },
  };
}

/** Everything one side produced, in order. */
export interface Log {
  readonly outputs: TlsOutput[];
}

/** The outputs of `log` of one kind. */
export function outputsOf<K extends TlsOutput["kind"]>(log: Log, kind: K): Extract<TlsOutput, { kind: K }>[] {
  return log.outputs.filter((output): output is Extract<TlsOutput, { kind: K }> => output.kind === kind);
}

/** The part of a session the pump drives. */
export interface SessionLike {
  start(): void;
  receive(level: EncryptionLevel, data: Uint8Array): void;
  poll(): TlsOutput | null;
  readonly waiting: Promise<void> | undefined;
}

/**
 * Runs a handshake between `client` and `server` in memory: drains each side's
 * outputs, feeds handshake_data to the other, waits for `waiting` when stuck.
 * `tamper` may rewrite (or drop, returning null) CRYPTO bytes in flight.
 */
export async function runHandshake(
  client: SessionLike,
  server: SessionLike,
  tamper?: (from: "client" | "server", level: EncryptionLevel, data: Uint8Array) => Uint8Array | null,
): Promise<{ client: Log; server: Log }> {
  const logs = { client: { outputs: [] as TlsOutput[] }, server: { outputs: [] as TlsOutput[] } };
  client.start();
  for (let round = 0; round < 100; round++) {
    let moved = false;
    for (const [from, self, peer] of [
      ["client", client, server],
      ["server", server, client],
    ] as const) {
      for (let output = self.poll(); output !== null; output = self.poll()) {
        moved = true;
        logs[from].outputs.push(output);
        if (output.kind !== "handshake_data") continue;
        const data = tamper ? tamper(from, output.level, output.data) : output.data;
        if (data !== null) peer.receive(output.level, data);
      }
    }
    if (moved) continue;
    const pending = client.waiting ?? server.waiting;
    if (pending === undefined) break;
    await pending;
  }
  return logs;
}

/** Runs a full handshake from configurations. */
export async function handshake(config: { client: TlsClientConfig; server: TlsServerConfig }) {
  const client = new TlsClient(config.client);
  const server = new TlsServer(config.server);
  const logs = await runHandshake(client, server);
  return { client, server, clientLog: logs.client, serverLog: logs.server };
}

/** The first session ticket the client received in `log`. */
export function ticketOf(log: Log): SessionTicket {
  const ticket = outputsOf(log, "session_ticket")[0];
  if (ticket === undefined) throw new Error("no session ticket was issued");
  return ticket.ticket;
}
