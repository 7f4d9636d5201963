// Shared set-up for io's tests: a certificate, a server and clients on a MemoryNetwork.
import { nobleProvider } from "@zquic/crypto";
import { generateSelfSigned, type GeneratedCertificate } from "@zquic/tls";
import { connect, listen, type ConnectOptions, type ListenOptions, type QuicConnection, type QuicServer } from "@zquic/io";
import { MemoryNetwork } from "./memory-runtime.js";

export const ALPN = "io-test";

let cached: GeneratedCertificate | undefined;

/** A self-signed P-256 certificate for "localhost", valid around now. */
export function certificate(): GeneratedCertificate {
  const now = Date.now();
  cached ??= generateSelfSigned({ keyType: "p256", hosts: ["localhost"], notBefore: now - 86_400_000, notAfter: now + 30 * 86_400_000, provider: nobleProvider, random: nobleProvider.random });
  return cached;
}

/** A network and a server on it. */
export async function serve(options: Partial<ListenOptions> = {}, onConnection?: (connection: QuicConnection) => void): Promise<{ net: MemoryNetwork; server: QuicServer }> {
  const net = new MemoryNetwork();
  const cert = certificate();
  const server = await listen(net, { alpn: [ALPN], port: 0, certificate: cert.certificatePem, privateKey: cert.privateKeyPem, ...options }, onConnection);
  return { net, server };
}

/** A client of `server`, trusting its certificate, with resumption off unless asked for. */
export function client(net: MemoryNetwork, server: QuicServer, options: Partial<ConnectOptions> = {}): QuicConnection {
  const trust = options.verifier !== undefined || options.insecure !== undefined ? {} : { trustAnchors: certificate().certificatePem };
  return connect(net, `https://localhost:${server.address.port}/`, { alpn: [ALPN], sessionStore: null, ...trust, ...options });
}

/** The next connection the server accepts. */
export async function accepted(server: QuicServer): Promise<QuicConnection> {
  const reader = server.connections.getReader();
  try {
    const { value, done } = await reader.read();
    if (done) throw new Error("the server closed before a connection arrived");
    return value;
  } finally {
    reader.releaseLock();
  }
}

/** Everything a readable yields, concatenated. */
export async function readAll(readable: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  const reader = readable.getReader();
  for (let next = await reader.read(); !next.done; next = await reader.read()) chunks.push(next.value);
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}

/** Resolves after `ms`. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Whether `promise` is still pending after `ms`. */
export async function pendingAfter(promise: Promise<unknown>, ms: number): Promise<boolean> {
  const marker = Symbol("pending");
  const winner = await Promise.race([promise.then(() => undefined, () => undefined), sleep(ms).then(() => marker)]);
  return winner === marker;
}

/** Resolves once `condition` holds, checking every few ms; rejects after `ms`. */
export async function until(condition: () => boolean, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${ms} ms: ${condition.toString()}`);
    await sleep(5);
  }
}
