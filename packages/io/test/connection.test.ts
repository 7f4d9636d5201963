import { describe, it } from "vitest";
import { generateSelfSigned } from "@zquic/tls";
import { nobleProvider } from "@zquic/crypto";
import { CipherSuite, MemorySessionStore, NamedGroup, QUIC_V1, QUIC_V2, QuicConnectionError, connect, type QuicConnection } from "@zquic/io";
import { ALPN, accepted, certificate, client, readAll, serve, until } from "./fixture.js";
import { MemoryNetwork } from "./memory-runtime.js";

const text = (s: string) => new TextEncoder().encode(s);
const str = (b: Uint8Array) => new TextDecoder().decode(b);

describe.concurrent("connect() options", () => {
  const net = new MemoryNetwork();
  const base = { alpn: [ALPN], insecure: true };

  it("throws typed errors for misuse, before any packet", ({ expect }) => {
    expect(() => connect(net, "https://localhost:4433/", { ...base, alpn: [] })).toThrow(expect.objectContaining({ code: "ALPN_REQUIRED" }));
    expect(() => connect(net, "https://localhost:4433/", { alpn: [ALPN] })).toThrow(expect.objectContaining({ code: "TLS_TRUST" }));
    expect(() => connect(net, "https://localhost:4433/", { ...base, trustAnchors: certificate().certificatePem })).toThrow(expect.objectContaining({ code: "TLS_TRUST" }));
    expect(() => connect(net, "https://localhost:4433/", { alpn: [ALPN], trustAnchors: "no PEM here" })).toThrow(expect.objectContaining({ code: "TLS_TRUST" }));
    expect(() => connect(net, "not a url", base)).toThrow(expect.objectContaining({ code: "BAD_TARGET" }));
    expect(() => connect(net, { host: "localhost", port: 70000 }, base)).toThrow(expect.objectContaining({ code: "BAD_TARGET" }));
    expect(net.sockets.size).toBe(0);
  });

  it("rejects ready and closed when the name does not resolve", async ({ expect }) => {
    const connection = connect(net, "https://nowhere.test/", base);
    await expect(connection.ready).rejects.toThrow("unknown host nowhere.test");
    await expect(connection.closed).rejects.toThrow("unknown host nowhere.test");
  });
});

describe.concurrent("a connection's life", () => {
  it("completes the handshake, reports the protocol, and closes with a code both sides see", async ({ expect }) => {
    const { net, server } = await serve();
    const connection = client(net, server);
    await connection.ready;
    expect(connection.protocol).toBe(ALPN);
    expect(connection.remoteAddress).toEqual({ address: "127.0.0.1", port: server.address.port });
    const peer = await accepted(server);
    connection.close({ closeCode: 0x1234, reason: "done here" });
    expect(await connection.closed).toEqual({ closeCode: 0x1234, reason: "done here", application: true, initiator: "local" });
    expect(await peer.closed).toEqual({ closeCode: 0x1234, reason: "done here", application: true, initiator: "remote" });
    await server.close();
    // The client's socket goes once its closing period (RFC 9000 §10.2) is over.
    await until(() => net.openPorts.length === 0);
  });

  it("fails the handshake against an untrusted certificate with the TLS alert's transport code", async ({ expect }) => {
    const { net, server } = await serve();
    const now = Date.now();
    const stranger = generateSelfSigned({ keyType: "p256", hosts: ["localhost"], notBefore: now - 1000, notAfter: now + 86_400_000, provider: nobleProvider, random: nobleProvider.random });
    const connection = client(net, server, { trustAnchors: stranger.certificatePem });
    const error = await connection.ready.then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(QuicConnectionError);
    const closeError = error as QuicConnectionError;
    expect(closeError.application).toBe(false);
    expect(closeError.closeCode).toBe(0x100 + 48); // CRYPTO_ERROR(unknown_ca), RFC 9001 §4.8
    await expect(connection.closed).rejects.toBe(error);
    await server.close();
  });

  it("fails when no ALPN protocol is shared (RFC 9001 §8.1)", async ({ expect }) => {
    const { net, server } = await serve();
    const connection = client(net, server, { alpn: ["something-else"] });
    await expect(connection.ready).rejects.toMatchObject({ closeCode: 0x100 + 120, application: false });
    await server.close();
  });

  it("times out against a silent server and releases its socket", async ({ expect }) => {
    const { net, server } = await serve();
    net.drop = () => true;
    const connection = client(net, server, { transport: { maxIdleTimeout: 300, initialRtt: 50 } });
    await expect(connection.ready).rejects.toMatchObject({ initiator: "idle", name: "QuicConnectionError" });
    await expect(connection.closed).rejects.toMatchObject({ initiator: "idle" });
    await server.close();
    await until(() => net.openPorts.length === 0);
  });

  it("waits for an asynchronous certificate verifier", async ({ expect }) => {
    const { net, server } = await serve();
    let asked = 0;
    const connection = client(net, server, {
      verifier: { verify: async () => (asked++, await new Promise((resolve) => setTimeout(resolve, 30)), { ok: true as const }) },
    });
    await connection.ready;
    expect(asked).toBe(1);
    connection.close();
    await server.close();
  });

  it("validates the client's address with a Retry when asked to", async ({ expect }) => {
    const { net, server } = await serve({ retry: true });
    const packets: number[] = [];
    net.drop = (datagram, from) => (from === server.address.port && packets.push(datagram.data[0]!), false);
    const connection = client(net, server);
    await connection.ready;
    // RFC 9000 §17.2.5: the server's first datagram is a Retry (long header, type 0b11 in v1).
    expect((packets[0]! & 0xf0) >> 4).toBe(0b1111);
    connection.close();
    await server.close();
  });

  it("aborts through an AbortSignal, before and after the handshake", async ({ expect }) => {
    const { net, server } = await serve();
    const early = new AbortController();
    early.abort(new Error("changed my mind"));
    await expect(client(net, server, { signal: early.signal }).ready).rejects.toThrow("changed my mind");
    const late = new AbortController();
    const connection = client(net, server, { signal: late.signal });
    await connection.ready;
    late.abort();
    expect(await connection.closed).toMatchObject({ closeCode: 0, reason: "aborted", initiator: "local" });
    await server.close();
  });

  it("can be closed before it is ready", async ({ expect }) => {
    const { net, server } = await serve();
    const connection = client(net, server);
    connection.close({ closeCode: 3 });
    await expect(connection.ready).rejects.toMatchObject({ closeCode: 3, initiator: "local" });
    expect(await connection.closed).toMatchObject({ closeCode: 3 });
    expect(() => connection.close({ closeCode: -1 })).toThrow(expect.objectContaining({ code: "CLOSE_CODE" }));
    await server.close();
  });

  it("logs TLS secrets through keyLog on both sides", async ({ expect }) => {
    const serverLines: string[] = [];
    const clientLines: string[] = [];
    const { net, server } = await serve({ keyLog: (line) => serverLines.push(line) });
    const connection = client(net, server, { keyLog: (line) => clientLines.push(line) });
    await connection.ready;
    await accepted(server);
    for (const lines of [clientLines, serverLines]) {
      expect(lines.map((line) => line.split(" ")[0])).toEqual(expect.arrayContaining(["CLIENT_HANDSHAKE_TRAFFIC_SECRET", "SERVER_HANDSHAKE_TRAFFIC_SECRET", "CLIENT_TRAFFIC_SECRET_0", "SERVER_TRAFFIC_SECRET_0"]));
    }
    // Both sides derived the same secrets.
    expect(new Set(clientLines)).toEqual(new Set(serverLines));
    connection.close();
    await server.close();
  });
});

describe.concurrent("the server", () => {
  it("hands connections to a callback, and closing it closes them", async ({ expect }) => {
    const received: QuicConnection[] = [];
    const { net, server } = await serve({}, (connection) => received.push(connection));
    const connection = client(net, server);
    await until(() => received.length === 1);
    await server.close();
    expect(await connection.closed).toMatchObject({ closeCode: 0, reason: "server shutting down", initiator: "remote" });
    expect(net.openPorts.includes(server.address.port)).toBe(false);
  });

  it("ends its async iteration when closed", async ({ expect }) => {
    const { net, server } = await serve();
    const seen: QuicConnection[] = [];
    const loop = (async () => {
      for await (const connection of server) seen.push(connection);
    })();
    const connection = client(net, server);
    await until(() => seen.length === 1);
    await server.close();
    await loop;
    expect(seen).toHaveLength(1);
    await connection.closed;
  });

  it("refuses misuse with typed errors", async ({ expect }) => {
    const net = new MemoryNetwork();
    const cert = certificate();
    const base = { alpn: [ALPN], port: 0, certificate: cert.certificatePem, privateKey: cert.privateKeyPem };
    const { listen } = await import("@zquic/io");
    await expect(listen(net, { ...base, alpn: [] })).rejects.toMatchObject({ code: "ALPN_REQUIRED" });
    await expect(listen(net, { ...base, certificate: "nothing" })).rejects.toMatchObject({ code: "TLS_CERTIFICATE" });
    await expect(listen(net, { ...base, earlyData: true, sessionTickets: false })).rejects.toMatchObject({ code: "BAD_OPTION" });
    await expect(listen(net, { ...base, maxConnections: -1 })).rejects.toMatchObject({ code: "BAD_OPTION" });
    await expect(listen(net, { ...base, port: 65536 })).rejects.toMatchObject({ code: "BAD_OPTION" });
    expect(net.sockets.size).toBe(0);
  });
});

describe.concurrent("resumption and 0-RTT", () => {
  it("resumes with the ticket the first connection stored", async ({ expect }) => {
    const { net, server } = await serve();
    const store = new MemorySessionStore();
    const first = client(net, server, { sessionStore: store });
    await first.ready;
    expect(first.resumed).toBe(false);
    // The ticket arrives after the handshake; use the connection until it is in.
    await until(() => hasTicket(store, server.address.port));
    first.close();
    const second = client(net, server, { sessionStore: store });
    await second.ready;
    expect(second.resumed).toBe(true);
    second.close();
    await server.close();
  });

  it("sends 0-RTT data that the server accepts", async ({ expect }) => {
    const { net, server } = await serve({ earlyData: true });
    const store = new MemorySessionStore();
    const first = client(net, server, { sessionStore: store, earlyData: true });
    await first.ready;
    await until(() => hasTicket(store, server.address.port));
    first.close();
    await accepted(server);

    const second = client(net, server, { sessionStore: store, earlyData: true });
    // Before the handshake: the stream opens and data goes out in 0-RTT packets.
    const stream = await second.createBidirectionalStream();
    const writer = stream.writable.getWriter();
    await writer.write(text("early hello"));
    await writer.close();
    const peer = await accepted(server);
    const reader = peer.incomingBidirectionalStreams.getReader();
    const { value } = await reader.read();
    expect(str(await readAll(value!.readable))).toBe("early hello");
    await second.ready;
    expect(second.resumed).toBe(true);
    expect(second.earlyDataAccepted).toBe(true);
    second.close();
    await server.close();
  });
});

/** Peeks into a store without consuming: take, then put back. */
function hasTicket(store: MemorySessionStore, port: number): boolean {
  const key = `localhost:${port} ${ALPN}`;
  const ticket = store.take(key, "ticket");
  if (ticket === undefined) return false;
  store.put(key, "ticket", ticket);
  return true;
}

describe.concurrent("TLS and version choices", () => {
  it("offers only the cipher suites asked for, and fails when the server accepts none of them", async ({ expect }) => {
    const { net, server } = await serve({ cipherSuites: [CipherSuite.TLS_AES_128_GCM_SHA256] });
    const chacha = client(net, server, { cipherSuites: [CipherSuite.TLS_CHACHA20_POLY1305_SHA256] });
    await expect(chacha.ready).rejects.toMatchObject({ closeCode: 0x100 + 40, application: false }); // handshake_failure
    const aes = client(net, server, { cipherSuites: [CipherSuite.TLS_AES_256_GCM_SHA384, CipherSuite.TLS_AES_128_GCM_SHA256] });
    await aes.ready;
    expect(aes.cipherSuite).toBe(CipherSuite.TLS_AES_128_GCM_SHA256);
    aes.close();
    await server.close();
  });

  it("uses only the key exchange groups asked for: a HelloRetryRequest bridges a guess, no shared group fails", async ({ expect }) => {
    const { net, server } = await serve({ groups: [NamedGroup.secp256r1] });
    const retried = client(net, server);
    await retried.ready;
    retried.close();
    const x25519Only = client(net, server, { groups: [NamedGroup.x25519] });
    await expect(x25519Only.ready).rejects.toMatchObject({ closeCode: 0x100 + 40, application: false }); // handshake_failure
    await server.close();
  });

  it("moves a v1 client to v2 when the server prefers it (RFC 9368), and keeps v1 otherwise", async ({ expect }) => {
    const { net, server } = await serve({ versions: [QUIC_V2, QUIC_V1] });
    const upgraded = client(net, server);
    await upgraded.ready;
    expect(upgraded.version).toBe(QUIC_V2);
    upgraded.close();
    const v1Only = client(net, server, { versions: [QUIC_V1] });
    await v1Only.ready;
    expect(v1Only.version).toBe(QUIC_V1);
    v1Only.close();
    await server.close();
  });

  it("rejects versions and cipher suites zquic does not implement, before any packet", async ({ expect }) => {
    const net = new MemoryNetwork();
    const options = { alpn: [ALPN], insecure: true } as const;
    expect(() => connect(net, "https://localhost:4433/", { ...options, versions: [0x709a50c4] })).toThrow(expect.objectContaining({ code: "BAD_OPTION" }));
    expect(() => connect(net, "https://localhost:4433/", { ...options, versions: [] })).toThrow(expect.objectContaining({ code: "BAD_OPTION" }));
    expect(() => connect(net, "https://localhost:4433/", { ...options, cipherSuites: [0x1304] })).toThrow(expect.objectContaining({ code: "BAD_OPTION" }));
    expect(() => connect(net, "https://localhost:4433/", { ...options, groups: [0x0019] })).toThrow(expect.objectContaining({ code: "BAD_OPTION" }));
    await expect(serve({ cipherSuites: [] })).rejects.toMatchObject({ code: "BAD_OPTION" });
    expect(net.sockets.size).toBe(0);
  });
});

describe.concurrent("a server's preferred address (RFC 9000 §9.6)", () => {
  it("binds the preferred address too, and the client moves there after the handshake", async ({ expect }) => {
    const preferredPort = 40_000 + Math.floor(Math.random() * 1000);
    const { net, server } = await serve({ preferredAddress: { ipv4: { address: "127.0.0.1", port: preferredPort } } });
    expect(net.openPorts).toContain(preferredPort);
    const connection = client(net, server);
    await connection.ready;
    await until(() => connection.remoteAddress?.port === preferredPort);
    const peer = await accepted(server);
    const stream = await connection.createBidirectionalStream();
    const writer = stream.writable.getWriter();
    await writer.write(text("after the move"));
    await writer.close();
    const incoming = await peer.incomingBidirectionalStreams.getReader().read();
    expect(str(await readAll(incoming.value!.readable))).toBe("after the move");
    connection.close();
    await server.close();
    await until(() => !net.openPorts.includes(preferredPort));
  });

  it("refuses a preferred address without a port", async ({ expect }) => {
    await expect(serve({ preferredAddress: { ipv4: { address: "127.0.0.1", port: 0 } } })).rejects.toMatchObject({ code: "BAD_OPTION" });
  });
});
