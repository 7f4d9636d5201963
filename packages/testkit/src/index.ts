/**
 * `@zquic/testkit`: what zquic's own tests share — a client and a server endpoint
 * on a simulated network, deterministic payloads, hashing, upload drivers.
 *
 * @packageDocumentation
 */
import { loadProvider, nobleProvider, protect } from "@zquic/crypto";
import { TransportError, Writer, isCryptoError, writeShortHeader } from "@zquic/wire";
import { Network, SeededRandom, type LinkConfig, type SimNode, type TraceEvent } from "@zquic/sim";
import { generateSelfSigned, insecureVerifier, type GeneratedCertificate } from "@zquic/tls";
import { Endpoint, type ClientTlsOptions, type Connection, type ConnectionEvent, type EndpointOptions, type ServerOptions, type ServerTlsOptions, type TransportConfig } from "@zquic/quic";

/** The provider simulated endpoints use: native for speed unless ZQUIC_PROVIDER=noble. */
export const provider = await loadProvider(process.env.ZQUIC_PROVIDER === "noble" ? "noble" : "native");

/** A fixed wall clock for certificate validity checks in simulated runs. */
export const WALL_CLOCK_START = Date.UTC(2026, 0, 1);

const certificateCache = new Map<string, GeneratedCertificate>();

/** A self-signed P-256 certificate for `localhost` (made once per process, deterministically). */
export function testCertificate(): GeneratedCertificate {
  const key = "p256";
  let cert = certificateCache.get(key);
  if (cert === undefined) {
    const random = new SeededRandom(7);
    cert = generateSelfSigned({
      keyType: "p256",
      hosts: ["localhost", "10.0.0.2"],
      notBefore: WALL_CLOCK_START - 86_400_000,
      notAfter: WALL_CLOCK_START + 365 * 86_400_000,
      provider: nobleProvider,
      random: (n) => random.bytes(n),
    });
    certificateCache.set(key, cert);
  }
  return cert;
}

export const CLIENT_ADDRESS = { address: "10.0.0.1", port: 50_000 };
export const SERVER_ADDRESS = { address: "10.0.0.2", port: 443 };

export interface Pair {
  readonly net: Network;
  readonly client: Endpoint;
  readonly server: Endpoint;
  readonly clientNode: SimNode<Endpoint>;
  readonly serverNode: SimNode<Endpoint>;
  readonly connection: Connection;
  /** Server-side connections, as they are accepted. */
  readonly accepted: Connection[];
  /** Every event per side, for assertions. */
  readonly clientEvents: ConnectionEvent[];
  readonly serverEvents: ConnectionEvent[];
  /** Drains events into the arrays above (call from `until`). */
  pump(): void;
  /** Opens another client connection to the same server (to resume, say). */
  reconnect(options?: { resumption?: Uint8Array; token?: Uint8Array; earlyData?: boolean }): Connection;
  /** Runs until `until()` holds (pumping events first) or `deadline` ms of virtual time pass. */
  run(until: () => boolean, deadline?: number): string;
}

export interface PairOptions {
  readonly seed: number;
  readonly link?: LinkConfig;
  readonly transport?: Partial<TransportConfig>;
  readonly server?: Partial<ServerOptions>;
  readonly clientOptions?: Partial<EndpointOptions>;
  readonly serverOptions?: Partial<EndpointOptions>;
  readonly alpn?: readonly string[];
  readonly resumption?: Uint8Array;
  readonly token?: Uint8Array;
  readonly version?: number;
  readonly trace?: (event: TraceEvent) => void;
  readonly clientTls?: Partial<ClientTlsOptions>;
  readonly serverTls?: Partial<ServerTlsOptions>;
}

/** A client and a server endpoint on a simulated network, the client connecting. */
export function connectedPair(options: PairOptions): Pair {
  const net = new Network({ seed: options.seed, ...(options.link ? { link: options.link } : {}), ...(options.trace ? { trace: options.trace } : {}) });
  const cert = testCertificate();
  const clock = () => WALL_CLOCK_START + net.now;
  const serverRandom = net.random.fork("server");
  const clientRandom = net.random.fork("client");
  const server = new Endpoint({
    provider,
    random: serverRandom.bytes,
    ...(options.transport ? { transport: options.transport } : {}),
    ...options.serverOptions,
    server: {
      tls: {
        alpn: options.alpn ?? ["zquic-test"],
        certificateChain: [cert.certificate.der],
        privateKey: cert.privateKey,
        now: clock,
        ...options.serverTls,
      },
      ...options.server,
    },
  });
  const client = new Endpoint({ provider, random: clientRandom.bytes, ...(options.transport ? { transport: options.transport } : {}), ...options.clientOptions });
  const clientNode = net.addNode(client, CLIENT_ADDRESS);
  const serverNode = net.addNode(server, SERVER_ADDRESS);
  const connectClient = (extra: { resumption?: Uint8Array; token?: Uint8Array; earlyData?: boolean }) =>
    client.connect(net.now, {
      local: CLIENT_ADDRESS,
      remote: SERVER_ADDRESS,
      tls: {
        alpn: options.alpn ?? ["zquic-test"],
        serverName: "localhost",
        verifier: insecureVerifier(),
        now: clock,
        ...options.clientTls,
        ...(extra.earlyData !== undefined ? { earlyData: extra.earlyData } : {}),
      },
      ...(extra.resumption ? { resumption: extra.resumption } : {}),
      ...(extra.token ? { token: extra.token } : {}),
      ...(options.version ? { version: options.version } : {}),
    });
  const connection = connectClient({
    ...(options.resumption ? { resumption: options.resumption } : {}),
    ...(options.token ? { token: options.token } : {}),
  });
  const accepted: Connection[] = [];
  const clientEvents: ConnectionEvent[] = [];
  const serverEvents: ConnectionEvent[] = [];
  const pump = () => {
    for (let e = server.pollEvent(); e !== null; e = server.pollEvent()) if (e.type === "connection") accepted.push(e.connection);
    for (let e = connection.pollEvent(); e !== null; e = connection.pollEvent()) clientEvents.push(e);
    for (const c of accepted) for (let e = c.pollEvent(); e !== null; e = c.pollEvent()) serverEvents.push(e);
  };
  const run = (until: () => boolean, deadline = 30_000) =>
    net.runUntil({
      until: () => {
        pump();
        return until();
      },
      deadline: net.now + deadline,
    }).reason;
  return { net, client, server, clientNode, serverNode, connection, accepted, clientEvents, serverEvents, pump, reconnect: (extra = {}) => connectClient(extra), run };
}

/** A deterministic payload of `size` bytes, different per `seed`. */
export function payload(size: number, seed: number): Uint8Array {
  const out = new Uint8Array(size);
  let x = (seed * 2654435761) >>> 0 || 1;
  for (let i = 0; i < size; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

/** SHA-256 hex of the concatenated chunks. */
export function sha256Hex(chunks: readonly Uint8Array[]): string {
  const hasher = nobleProvider.hasher("sha256");
  for (const chunk of chunks) hasher.update(chunk);
  return Array.from(hasher.digest(), (b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * Client → server uploads on bidirectional streams, one per entry of `sizes`,
 * written as backpressure allows and read by the server as data arrives.
 * Returns a predicate for `runUntil` that is true once every stream arrived
 * complete, and the received chunks per stream.
 */
export function uploads(pair: Pair, sizes: readonly number[]): { done: () => boolean; received: Map<number, Uint8Array[]>; sent: Map<number, Uint8Array> } {
  const sent = new Map<number, Uint8Array>();
  const progress = new Map<number, number>();
  const received = new Map<number, Uint8Array[]>();
  const finished = new Set<number>();
  let opened = 0;
  const done = () => {
    pair.pump();
    const client = pair.connection;
    // Streams open as the peer's limit allows (RFC 9000 §4.6).
    while (opened < sizes.length && client.isEstablished) {
      const id = client.openStream(true);
      if (id === undefined) break;
      sent.set(id, payload(sizes[opened]!, opened + 1));
      progress.set(id, 0);
      opened++;
    }
    if (client.lifecycle.state === "open") {
      for (const [id, data] of sent) {
        let at = progress.get(id)!;
        if (at > data.length) continue;
        while (at < data.length) {
          const taken = client.streamWrite(id, data.subarray(at, at + 65536), at + 65536 >= data.length);
          at += taken;
          if (taken === 0) break;
        }
        if (at >= data.length) {
          if (data.length === 0) client.streamFinish(id);
          at = data.length + 1;
        }
        progress.set(id, at);
      }
    }
    for (const server of pair.accepted) {
      if (server.lifecycle.state !== "open") continue;
      for (const id of sent.keys()) {
        if (finished.has(id) || server.streams.get(id) === undefined) continue;
        for (let r = server.streamRead(id); r !== undefined; r = finished.has(id) ? undefined : server.streamRead(id)) {
          if (r.data.length > 0) {
            const list = received.get(id) ?? [];
            list.push(r.data.slice());
            received.set(id, list);
          }
          if (r.fin) {
            finished.add(id);
            // An empty answer closes the stream, returning its credit (RFC 9000 §4.6).
            server.streamFinish(id);
          }
        }
      }
    }
    return finished.size === sizes.length;
  };
  return { done, received, sent };
}
export * from "./wire-arbitraries.js";
export * from "./unbound.js";

/**
 * An established pair and a forger of authenticated 1-RTT packets from the
 * client to the server, carrying any payload: for feeding hostile frame
 * sequences to a server connection past packet protection.
 */
export function forgingPair(seed: number): { pair: Pair; server: Connection; forge: (payload: Uint8Array) => Uint8Array } {
  const pair = connectedPair({ seed, link: { latency: 5 } });
  const outcome = pair.run(() => pair.connection.handshake.confirmed && pair.accepted[0]?.handshake.confirmed === true);
  if (outcome !== "until") throw new Error(`handshake did not complete (${outcome})`);
  const client = pair.connection;
  const forge = (payload: Uint8Array): Uint8Array => {
    const pn = client.spaces[2].takePn();
    const keys = client.oneRtt!.writeKeys(pn);
    const header = new Writer(32);
    writeShortHeader(header, { dcid: client.cids.activePeerCid, packetNumber: pn, packetNumberLength: 4, spinBit: false, keyPhase: client.oneRtt!.keyPhase });
    // RFC 9001 §5.4.2: at least 4 bytes after the packet number start for the header protection sample.
    return protect(keys, header.toBytes(), payload, pn);
  };
  return { pair, server: pair.accepted[0]!, forge };
}

const KNOWN_TRANSPORT_CODES = new Set<number>(Object.values(TransportError));

/**
 * Drives `connection` through output, timers and events at `now` and returns
 * the invariants that failed: output must run dry, no timer may be due after
 * `handleTimeout` (a driver would spin), and a local transport close must carry
 * a code RFC 9000 defines.
 */
export function exerciseConnection(connection: Connection, now: number): string[] {
  const problems: string[] = [];
  const drain = () => {
    for (let i = 0; i < 64 && connection.pollTransmit(now) !== null; i++);
    if (connection.pollTransmit(now) !== null) problems.push("pollTransmit does not run dry");
  };
  drain();
  connection.handleTimeout(now);
  drain();
  const timeout = connection.pollTimeout();
  if (timeout !== undefined && timeout <= now) problems.push(`timer due at ${timeout} after handleTimeout(${now})`);
  for (let e = connection.pollEvent(); e !== null; e = connection.pollEvent());
  const reason = connection.closeReason;
  if (reason !== undefined && reason.initiator === "local" && !reason.application && !KNOWN_TRANSPORT_CODES.has(reason.code) && !isCryptoError(reason.code)) {
    problems.push(`closed with undefined transport error 0x${reason.code.toString(16)}`);
  }
  return problems;
}
