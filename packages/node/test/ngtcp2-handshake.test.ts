// Handshakes with real ngtcp2 peers (gtlsserver, gtlsclient) on loopback, in both roles:
// plain, resumed with 0-RTT, after a Retry, with a key update, after a HelloRetryRequest, and
// with the ChaCha20 and AES-256 suites. Each side's own account is checked: zquic's events
// (qlog, connection state) and ngtcp2's output.
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MemorySessionStore, QUIC_V1, QUIC_V2, connect, createHttp3Client, type SessionEntryKind } from "@zquic/node";
import { payload } from "@zquic/testkit";
import {
  ONLY_SUITE,
  events,
  eventually,
  fileSha256,
  framesOf,
  parameters,
  qlogRecorder,
  requirePeers,
  runGtlsClient,
  serveDirectory,
  sha256,
  startGtlsServer,
  within,
  workspace,
  type Workspace,
} from "./ngtcp2-peers.js";

/** RFC 9114 §8.1: H3_NO_ERROR, the code a finished HTTP/3 connection closes with. */
const H3_NO_ERROR = 0x100;

let ws: Workspace;
let small: string;
let medium: string;

beforeAll(() => {
  requirePeers();
  ws = workspace();
  small = ws.publish("small.bin", payload(10_000, 1));
  medium = ws.publish("medium.bin", payload(3_000_000, 2));
});

afterAll(() => ws?.remove());

/** Fetches `path` from `origin` with a fresh zquic client; returns the body's hash and the client's connection facts. */
async function zquicFetch(origin: string, path: string, options: Parameters<typeof createHttp3Client>[0] = {}) {
  const client = createHttp3Client({ caFile: ws.certFile, sessionStore: null, ...options });
  try {
    const response = await within(client.fetch(`${origin}${path}`), 20_000, `GET ${origin}${path}`);
    const hash = sha256(new Uint8Array(await within(response.arrayBuffer(), 20_000, `body of ${path}`)));
    const [connection] = client.connections;
    return { status: response.status, hash, resumed: connection?.resumed, earlyDataAccepted: connection?.earlyDataAccepted };
  } finally {
    await within(client.close(), 5000, "closing the client");
  }
}

describe("zquic client and gtlsserver", () => {
  it("complete a handshake and close cleanly", async () => {
    const server = await startGtlsServer(ws);
    try {
      const qlog = qlogRecorder();
      const connection = connect(server.origin, { alpn: ["h3"], caFile: ws.certFile, sessionStore: null, qlog: qlog.factory });
      await within(connection.ready, 10_000, "handshake");
      expect(connection.protocol).toBe("h3");
      connection.close({ closeCode: H3_NO_ERROR, reason: "done" });
      expect(await within(connection.closed, 5000, "close")).toEqual({ closeCode: H3_NO_ERROR, reason: "done", application: true, initiator: "local" });
      expect(events(qlog.records(), "quic:connection_state_updated").map((data) => data.new)).toEqual(expect.arrayContaining(["handshake_complete", "closing"]));
      await eventually(() => server.process.output().includes("CONNECTION_CLOSE(0x1d) error_code=(unknown)(0x100)"), 5000, "gtlsserver sees the close");
      expect(server.process.output()).toContain("QUIC handshake has completed");
    } finally {
      await server.process.stop();
    }
  });

  it("resume, and the server accepts the client's 0-RTT request", async () => {
    const server = await startGtlsServer(ws);
    try {
      const stored: SessionEntryKind[] = [];
      const memory = new MemorySessionStore();
      const sessionStore = { put: (key: string, kind: SessionEntryKind, value: Uint8Array) => (stored.push(kind), memory.put(key, kind, value)), take: memory.take.bind(memory) };
      const first = await zquicFetch(server.origin, "/small.bin", { sessionStore, earlyData: true });
      expect(first).toMatchObject({ status: 200, hash: small, resumed: false });
      expect(stored).toContain("ticket");
      const qlog = qlogRecorder();
      const second = await zquicFetch(server.origin, "/small.bin", { sessionStore, earlyData: true, qlog: qlog.factory });
      expect(second).toEqual({ status: 200, hash: small, resumed: true, earlyDataAccepted: true });
      // The request went out in 0-RTT packets, and gtlsserver took them.
      expect(framesOf(qlog.records(), "sent", "0RTT").filter((frame) => frame.frame_type === "stream").length).toBeGreaterThan(0);
      expect(server.process.output()).toMatch(/pkt rx .* type=0RTT/);
    } finally {
      await server.process.stop();
    }
  });

  it("fall back to v1 through Version Negotiation when the client first offers the final v2, which ngtcp2 0.12.1 does not know", async () => {
    const server = await startGtlsServer(ws);
    try {
      const qlog = qlogRecorder();
      const connection = connect(server.origin, { alpn: ["h3"], caFile: ws.certFile, sessionStore: null, versions: [QUIC_V2, QUIC_V1], qlog: qlog.factory });
      await within(connection.ready, 10_000, "handshake after Version Negotiation");
      expect(connection.version).toBe(QUIC_V1);
      // RFC 9000 §6.2: the Version Negotiation packet that moved the client, as the client's qlog saw it.
      const [information] = events(qlog.records(), "quic:version_information");
      expect(information).toMatchObject({ client_versions: ["6b3343cf", "00000001"], chosen_version: "00000001" });
      expect(information?.server_versions).toContain("00000001");
      expect(information?.server_versions).not.toContain("6b3343cf");
      connection.close({ closeCode: H3_NO_ERROR, reason: "done" });
      await within(connection.closed, 5000, "close");
      await eventually(() => server.process.output().includes("QUIC handshake has completed"), 5000, "gtlsserver completes the handshake");
    } finally {
      await server.process.stop();
    }
  });

  it("validate the client's address with a Retry (gtlsserver -V)", async () => {
    const server = await startGtlsServer(ws, ["-V"]);
    try {
      const qlog = qlogRecorder();
      expect(await zquicFetch(server.origin, "/small.bin", { qlog: qlog.factory })).toMatchObject({ status: 200, hash: small });
      // RFC 9000 §7.3: after a Retry the server's transport parameters name the Retry's connection ID.
      expect(parameters(qlog.records(), "remote").retry_source_connection_id).toMatch(/^[0-9a-f]+$/);
      expect(server.process.output()).toContain("Sending Retry packet");
    } finally {
      await server.process.stop();
    }
  });

  it("update keys on the zquic client's initiative, again and again, during a download", async () => {
    const server = await startGtlsServer(ws);
    try {
      const qlog = qlogRecorder();
      // The client sends mostly ACKs, one per flight of the download: an update every 10 of its packets.
      const result = await zquicFetch(server.origin, "/medium.bin", { qlog: qlog.factory, transport: { keyUpdateInterval: 10 } });
      expect(result).toMatchObject({ status: 200, hash: medium });
      // RFC 9001 §6: each update moves both sides to the next key phase; the client's qlog counts the phases it read.
      const phases = events(qlog.records(), "quic:key_updated").flatMap((data) => (typeof data.key_phase === "number" ? [data.key_phase] : []));
      expect(Math.max(0, ...phases), `${events(qlog.records(), "quic:packet_sent").length} packets sent`).toBeGreaterThanOrEqual(2);
      expect(server.process.output().match(/key update confirmed/g)?.length ?? 0).toBeGreaterThanOrEqual(2);
    } finally {
      await server.process.stop();
    }
  });

  it("recover from a HelloRetryRequest: gtlsserver takes only P-256, the client's key shares are X25519MLKEM768 and X25519", async () => {
    const server = await startGtlsServer(ws, ["--groups=-GROUP-ALL:+GROUP-SECP256R1"]);
    try {
      const qlog = qlogRecorder();
      expect(await zquicFetch(server.origin, "/small.bin", { qlog: qlog.factory })).toMatchObject({ status: 200, hash: small });
      // RFC 8446 §4.1.4: the HelloRetryRequest and then the ServerHello arrive in Initial CRYPTO data, the second at a later offset.
      expect(framesOf(qlog.records(), "received", "initial").some((frame) => frame.frame_type === "crypto" && (frame.offset as number) > 0)).toBe(true);
      expect(server.process.output()).toMatch(/frm tx \d+ Initial CRYPTO\(0x06\) offset=[1-9]/);
    } finally {
      await server.process.stop();
    }
  });

  it.each([
    ["TLS_CHACHA20_POLY1305_SHA256", ONLY_SUITE.chacha20, "CHACHA20-POLY1305", 64],
    ["TLS_AES_256_GCM_SHA384", ONLY_SUITE.aes256, "AES-256-GCM", 96],
  ])("negotiate %s when gtlsserver allows nothing else", async (_suite, ciphers, gnutlsName, secretHexLength) => {
    const server = await startGtlsServer(ws, [`--ciphers=${ciphers}`]);
    try {
      const secrets: string[] = [];
      expect(await zquicFetch(server.origin, "/medium.bin", { keyLog: (line) => secrets.push(line) })).toMatchObject({ status: 200, hash: medium });
      // The suite's hash sets the secrets' length (RFC 8446 §7.1): 32 octets for SHA-256, 48 for SHA-384.
      const traffic = secrets.filter((line) => line.startsWith("SERVER_TRAFFIC_SECRET_0"));
      expect(traffic.map((line) => line.split(" ")[2]!.length)).toEqual([secretHexLength]);
      expect(server.process.output()).toContain(`Negotiated cipher suite is ${gnutlsName}`);
    } finally {
      await server.process.stop();
    }
  });
});

describe("gtlsclient and zquic server", () => {
  it("complete a handshake, as both sides report, and close cleanly", async () => {
    const qlog = qlogRecorder();
    const { server, port, origin, requests } = await serveDirectory(ws, { qlog: qlog.factory });
    try {
      const run = await runGtlsClient(ws, port, [`${origin}/small.bin`]);
      expect(run.output).toContain("QUIC handshake has completed");
      expect(run.output).toContain("Negotiated ALPN is h3");
      expect(fileSha256(join(ws.downloads, "small.bin"))).toBe(small);
      expect(requests.map((r) => r.path)).toEqual(["/small.bin"]);
      await eventually(() => events(qlog.records(), "quic:connection_closed").length === 1, 5000, "the zquic side sees the close");
      expect(events(qlog.records(), "quic:connection_state_updated").map((data) => data.new)).toEqual(["handshake_complete", "handshake_confirmed", "draining", "closed"]);
      expect(events(qlog.records(), "quic:connection_closed")[0]).toMatchObject({ owner: "remote", application_code: H3_NO_ERROR });
    } finally {
      await server.close({ grace: 1000 });
    }
  });

  it("resume with --session-file and --tp-file, the zquic server accepting 0-RTT", async () => {
    const qlog = qlogRecorder();
    const { server, port, origin, requests } = await serveDirectory(ws, { earlyData: true, qlog: qlog.factory });
    const session = [`--session-file=${join(ws.dir, "session.pem")}`, `--tp-file=${join(ws.dir, "tp.pem")}`];
    try {
      await runGtlsClient(ws, port, [`${origin}/small.bin`], session);
      const resumed = await runGtlsClient(ws, port, [`${origin}/small.bin`], session);
      expect(resumed.output).toMatch(/pkt tx .* type=0RTT/);
      expect(resumed.output).not.toContain("Early data was rejected");
      expect(fileSha256(join(ws.downloads, "small.bin"))).toBe(small);
      expect(requests.map((r) => r.info.connection.resumed)).toEqual([false, true]);
      const [, second] = qlog.connections();
      expect(framesOf(second!, "received", "0RTT").filter((frame) => frame.frame_type === "stream").length).toBeGreaterThan(0);
    } finally {
      await server.close({ grace: 1000 });
    }
  });

  it("go through a Retry the zquic server asks for", async () => {
    const qlog = qlogRecorder();
    const { server, port, origin } = await serveDirectory(ws, { retry: true, qlog: qlog.factory });
    try {
      const run = await runGtlsClient(ws, port, [`${origin}/small.bin`]);
      expect(run.output).toMatch(/pkt rx .* type=Retry/);
      expect(fileSha256(join(ws.downloads, "small.bin"))).toBe(small);
      expect(parameters(qlog.records(), "local").retry_source_connection_id).toMatch(/^[0-9a-f]+$/);
    } finally {
      await server.close({ grace: 1000 });
    }
  });

  it("follow the key update gtlsclient starts mid-download (--key-update)", async () => {
    const qlog = qlogRecorder();
    const { server, port, origin } = await serveDirectory(ws, { qlog: qlog.factory });
    try {
      const run = await runGtlsClient(ws, port, [`${origin}/medium.bin`], ["--key-update=30ms"]);
      expect(run.output).toContain("Initiate key update");
      expect(run.output).toContain("key update confirmed");
      expect(fileSha256(join(ws.downloads, "medium.bin"))).toBe(medium);
      expect(events(qlog.records(), "quic:key_updated").filter((data) => data.trigger === "remote_update").length).toBeGreaterThanOrEqual(1);
    } finally {
      await server.close({ grace: 1000 });
    }
  });

  it("recover from a HelloRetryRequest: gtlsclient's first key share is P-384, which zquic does not take", async () => {
    const qlog = qlogRecorder();
    const { server, port, origin } = await serveDirectory(ws, { qlog: qlog.factory });
    try {
      const run = await runGtlsClient(ws, port, [`${origin}/small.bin`], ["--groups=-GROUP-ALL:+GROUP-SECP384R1:+GROUP-SECP256R1"]);
      expect(run.output).toContain("QUIC handshake has completed");
      // RFC 8446 §4.1.4: the second ClientHello continues the Initial CRYPTO stream after the first.
      expect(run.output).toMatch(/frm tx \d+ Initial CRYPTO\(0x06\) offset=[1-9]/);
      expect(framesOf(qlog.records(), "received", "initial").some((frame) => frame.frame_type === "crypto" && (frame.offset as number) > 0)).toBe(true);
      expect(fileSha256(join(ws.downloads, "small.bin"))).toBe(small);
    } finally {
      await server.close({ grace: 1000 });
    }
  });

  it.each([
    ["TLS_CHACHA20_POLY1305_SHA256", ONLY_SUITE.chacha20, "CHACHA20-POLY1305", 64],
    ["TLS_AES_256_GCM_SHA384", ONLY_SUITE.aes256, "AES-256-GCM", 96],
  ])("negotiate %s when gtlsclient offers nothing else", async (_suite, ciphers, gnutlsName, secretHexLength) => {
    const secrets: string[] = [];
    const { server, port, origin } = await serveDirectory(ws, { keyLog: (line) => secrets.push(line) });
    try {
      const run = await runGtlsClient(ws, port, [`${origin}/medium.bin`], [`--ciphers=${ciphers}`]);
      expect(run.output).toContain(`Negotiated cipher suite is ${gnutlsName}`);
      expect(fileSha256(join(ws.downloads, "medium.bin"))).toBe(medium);
      const traffic = secrets.filter((line) => line.startsWith("CLIENT_TRAFFIC_SECRET_0"));
      expect(traffic.map((line) => line.split(" ")[2]!.length)).toEqual([secretHexLength]);
    } finally {
      await server.close({ grace: 1000 });
    }
  });
});
