// Shared set-up for the DoQ tests on loopback: a certificate, the fixture
// zones behind a Resolver, a DoQ server on a free port, clients of it.
import { readFileSync } from "node:fs";
import { nobleProvider } from "@zquic/crypto";
import { Resolver, ZoneBackend, loadZone, type DoqHandler, type DoqServerEvent, type Zone } from "@zquic/doq";
import { doqClient, listenDoq, type DoqServer, type NodeDoqClientOptions, type NodeDoqListenOptions } from "@zquic/node";
import type { DoqClient } from "@zquic/io";
import { generateSelfSigned, type GeneratedCertificate } from "@zquic/tls";

/** The zone files the repository's tests share. */
export const FIXTURE_ZONES = new URL("../../doq/test/fixtures/zones/", import.meta.url);

let cached: GeneratedCertificate | undefined;

/** A self-signed P-256 certificate for localhost and 127.0.0.1, valid around now. */
export function certificate(): GeneratedCertificate {
  const now = Date.now();
  cached ??= generateSelfSigned({ keyType: "p256", hosts: ["localhost", "127.0.0.1"], notBefore: now - 86_400_000, notAfter: now + 30 * 86_400_000, provider: nobleProvider, random: nobleProvider.random });
  return cached;
}

/** A fixture zone (`example.ghost`, `example.zns`). */
export function fixtureZone(name: string): Zone {
  return loadZone(readFileSync(new URL(name, FIXTURE_ZONES), "utf8"), { fileName: name });
}

/** A resolver answering from both fixture zones, as a DoQ handler. */
export function zoneHandler(): DoqHandler {
  const resolver = new Resolver({ backends: [new ZoneBackend([fixtureZone("example.ghost"), fixtureZone("example.zns")])], padResponses: true });
  return (request) => resolver.handleQuery(request.bytes, request.now);
}

/** A DoQ server on a free loopback port, and what it reported. */
export interface TestServer {
  readonly server: DoqServer;
  /** `127.0.0.1:PORT`. */
  readonly address: string;
  readonly events: DoqServerEvent[];
}

/** Starts a DoQ server answering with `handler` (the fixture zones by default). */
export async function startServer(handler: DoqHandler = zoneHandler(), options: Partial<NodeDoqListenOptions> = {}): Promise<TestServer> {
  const events: DoqServerEvent[] = [];
  const cert = certificate();
  const server = await listenDoq({ host: "127.0.0.1", port: 0, certificate: cert.certificatePem, privateKey: cert.privateKeyPem, onEvent: (event) => events.push(event), ...options }, handler);
  return { server, address: `127.0.0.1:${server.address.port}`, events };
}

/** A client trusting the test certificate, without resumption unless asked for. */
export function client(options: Partial<NodeDoqClientOptions> = {}): DoqClient {
  return doqClient({ trustAnchors: certificate().certificatePem, sessionStore: null, ...options });
}

/** Resolves once `condition` holds, checking every 10 ms; rejects after `ms`. */
export async function eventually(condition: () => boolean, ms = 5000): Promise<void> {
  const deadline = performance.now() + ms;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error(`condition not met within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
