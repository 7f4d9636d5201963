// In-memory client↔server handshakes: the group × signature scheme × cipher
// suite matrix, HelloRetryRequest, resumption, 0-RTT (accepted, rejected,
// replayed), client authentication, asynchronous verification, key logs.
import { describe, expect, it } from "vitest";
import { type CryptoProvider, loadProvider, nobleProvider } from "@zquic/crypto";
import {
  AntiReplay,
  CipherSuite,
  type HandshakeMessage,
  HandshakeType,
  NamedGroup,
  SignatureScheme,
  TicketKeys,
  TlsClient,
  TlsServer,
  decodeCertificateVerify,
  decodeClientHello,
  decodeSessionTicket,
  encodeSessionTicket,
  findExtension,
  isGrease,
  type CertificateVerifier,
  type VerifyRequest,
} from "@zquic/tls";
import { toHex, utf8 } from "@zquic/wire";
import {
  type KeyKind,
  NOW,
  credentials,
  handshake,
  outputsOf,
  pair,
  runHandshake,
  seededRandom,
  ticketOf,
  trusting,
} from "./tls-support.js";

const native = await loadProvider("native");
const hex = (code: number) => `0x${code.toString(16).padStart(4, "0")}`;

/** The secrets each side installed, as "level direction secret" strings. */
function keys(log: { outputs: readonly { kind: string }[] }): string[] {
  return outputsOf(log as never, "install_key").map((k) => `${k.level} ${k.direction} ${toHex(k.secret)} ${k.suite}`);
}

/** The client's write keys must be the server's read keys and vice versa. */
function expectMatchingKeys(clientLog: never, serverLog: never): void {
  const flip = (line: string) => line.replace(/ (read|write) /, (_, d: string) => (d === "read" ? " write " : " read "));
  expect(keys(clientLog).map(flip).sort()).toEqual(keys(serverLog).sort());
}

/** Splits a flight of handshake messages. */
function messagesIn(data: Uint8Array): HandshakeMessage[] {
  const messages: HandshakeMessage[] = [];
  for (let offset = 0; offset < data.length; ) {
    const length = (data[offset + 1]! << 16) | (data[offset + 2]! << 8) | data[offset + 3]!;
    const raw = data.subarray(offset, offset + 4 + length);
    messages.push({ type: raw[0]!, body: raw.subarray(4), raw });
    offset += 4 + length;
  }
  return messages;
}

const schemesByKey: Record<KeyKind, number[]> = {
  p256: [SignatureScheme.ecdsa_secp256r1_sha256],
  p384: [SignatureScheme.ecdsa_secp384r1_sha384],
  ed25519: [SignatureScheme.ed25519],
  rsa: [SignatureScheme.rsa_pss_rsae_sha256, SignatureScheme.rsa_pss_rsae_sha384, SignatureScheme.rsa_pss_rsae_sha512],
};
const groups = [NamedGroup.X25519MLKEM768, NamedGroup.x25519, NamedGroup.secp256r1, NamedGroup.secp384r1];
const suites = [CipherSuite.TLS_AES_128_GCM_SHA256, CipherSuite.TLS_AES_256_GCM_SHA384, CipherSuite.TLS_CHACHA20_POLY1305_SHA256];

describe("the group × signature scheme × cipher suite matrix (native provider)", () => {
  const cases = (Object.keys(schemesByKey) as KeyKind[]).flatMap((kind) =>
    schemesByKey[kind].flatMap((scheme) =>
      groups.flatMap((group) => suites.map((suite) => ({ name: `group ${hex(group)}, scheme ${hex(scheme)} (${kind} key), suite ${hex(suite)}`, kind, scheme, group, suite }))),
    ),
  );
  it.each(cases)("$name", async ({ kind, scheme, group, suite }) => {
    const server = credentials(kind, native);
    const config = pair(native, server, {
      client: { groups: [group], cipherSuites: [suite], signatureSchemes: [scheme] },
      server: { groups },
      seed: group * 7 + scheme + suite,
    });
    const result = await handshake(config);
    expect(result.client.handshakeComplete).toBe(true);
    expect(result.server.handshakeComplete).toBe(true);
    expect(result.client.cipherSuite).toBe(suite);
    expect(outputsOf(result.clientLog, "install_key").every((k) => k.suite === suite)).toBe(true);
    expectMatchingKeys(result.clientLog as never, result.serverLog as never);
    expect(keys(result.clientLog)).toHaveLength(4);
    const flight = outputsOf(result.serverLog, "handshake_data").find((d) => d.level === "handshake")!;
    const verify = messagesIn(flight.data).find((m) => m.type === HandshakeType.certificate_verify)!;
    expect(decodeCertificateVerify(verify.body).algorithm).toBe(scheme);
    expect(result.client.alpn).toBe("h3");
    expect(result.server.peerTransportParameters).toEqual(utf8("client-params"));
    expect(result.client.peerTransportParameters).toEqual(utf8("server-params"));
  });
});

describe("handshakes with the pure (noble) provider", () => {
  it.each([
    ["p256", NamedGroup.X25519MLKEM768, CipherSuite.TLS_AES_128_GCM_SHA256],
    ["ed25519", NamedGroup.x25519, CipherSuite.TLS_CHACHA20_POLY1305_SHA256],
    ["p384", NamedGroup.secp384r1, CipherSuite.TLS_AES_256_GCM_SHA384],
    ["rsa", NamedGroup.secp256r1, CipherSuite.TLS_AES_128_GCM_SHA256],
  ] as const)("%s certificate, group %i, suite %i", async (kind, group, suite) => {
    const config = pair(nobleProvider, credentials(kind, nobleProvider), { client: { groups: [group], cipherSuites: [suite] }, server: { groups } });
    const result = await handshake(config);
    expect(result.client.handshakeComplete && result.server.handshakeComplete).toBe(true);
    expectMatchingKeys(result.clientLog as never, result.serverLog as never);
  });

  it("a seeded random source reproduces the handshake byte for byte, across providers where they agree", async () => {
    const server = credentials("ed25519", nobleProvider);
    const transcript = async (provider: CryptoProvider) => {
      const result = await handshake(pair(provider, server, { client: { groups: [NamedGroup.x25519] }, seed: 42 }));
      return [...result.clientLog.outputs, ...result.serverLog.outputs].map((o) => JSON.stringify(o, (_, v) => (v instanceof Uint8Array ? toHex(v) : v)));
    };
    const first = await transcript(nobleProvider);
    expect(await transcript(nobleProvider)).toEqual(first);
    // Ed25519 signatures are deterministic, so even the native provider gives the same bytes.
    expect(await transcript(native)).toEqual(first);
  });
});

describe("negotiation", () => {
  const server = credentials("p256", native);

  it("sends GREASE in every place RFC 8701 lists, and the server ignores it", async () => {
    const client = new TlsClient(pair(native, server).client);
    client.start();
    const hello = decodeClientHello((client.poll() as { data: Uint8Array }).data.subarray(4));
    expect(hello.cipherSuites.some(isGrease)).toBe(true);
    expect(hello.extensions.filter((e) => e.type === "unknown" && isGrease(e.code))).toHaveLength(2);
    expect(findExtension(hello.extensions, "supported_versions")!.versions.some(isGrease)).toBe(true);
    expect(findExtension(hello.extensions, "supported_groups")!.groups.some(isGrease)).toBe(true);
    const shares = findExtension(hello.extensions, "key_share")!.shares;
    expect(shares.filter((s) => isGrease(s.group)).map((s) => s.keyExchange.length)).toEqual([1]);
    expect(findExtension(hello.extensions, "signature_algorithms")!.schemes.some(isGrease)).toBe(true);
    const protocols = findExtension(hello.extensions, "application_layer_protocol_negotiation")!.protocols;
    expect(protocols.some((p) => p.length === 2 && isGrease((p[0]! << 8) | p[1]!))).toBe(true);
    expect(hello.legacySessionId.length).toBe(0);
    expect((await handshake(pair(native, server))).server.handshakeComplete).toBe(true);
  });

  it("HelloRetryRequest: the client's first group is not the server's, so the server asks for another", async () => {
    const config = pair(native, server, {
      client: { groups: [NamedGroup.x25519, NamedGroup.secp256r1] },
      server: { groups: [NamedGroup.secp256r1] },
    });
    const result = await handshake(config);
    expect(result.client.handshakeComplete && result.server.handshakeComplete).toBe(true);
    const hellos = outputsOf(result.clientLog, "handshake_data").filter((d) => d.level === "initial");
    expect(hellos).toHaveLength(2);
    const second = decodeClientHello(hellos[1]!.data.subarray(4));
    expect(findExtension(second.extensions, "key_share")!.shares.map((s) => s.group)).toEqual([NamedGroup.secp256r1]);
    expect(findExtension(second.extensions, "cookie")!.cookie.length).toBe(16);
    expectMatchingKeys(result.clientLog as never, result.serverLog as never);
  });

  it("an X25519 share goes beside the X25519MLKEM768 one, so a server without ML-KEM needs no HelloRetryRequest", async () => {
    const result = await handshake(pair(native, server, { server: { groups: [NamedGroup.x25519] } }));
    expect(result.client.handshakeComplete && result.server.handshakeComplete).toBe(true);
    const hellos = outputsOf(result.clientLog, "handshake_data").filter((d) => d.level === "initial");
    expect(hellos).toHaveLength(1);
    const shares = findExtension(decodeClientHello(hellos[0]!.data.subarray(4)).extensions, "key_share")!.shares.map((s) => s.group);
    expect(shares.slice(-2)).toEqual([NamedGroup.X25519MLKEM768, NamedGroup.x25519]);
  });

  it("HelloRetryRequest when the server takes neither of the client's two shares", async () => {
    const result = await handshake(pair(native, server, { server: { groups: [NamedGroup.secp256r1] } }));
    expect(result.client.handshakeComplete && result.server.handshakeComplete).toBe(true);
    expect(outputsOf(result.clientLog, "handshake_data").filter((d) => d.level === "initial")).toHaveLength(2);
  });

  it("the server picks its preferred suite and protocol among the client's", async () => {
    const result = await handshake(
      pair(native, server, {
        client: { alpn: ["doq", "h3"] },
        server: { alpn: ["h3", "doq"], cipherSuites: [CipherSuite.TLS_CHACHA20_POLY1305_SHA256, CipherSuite.TLS_AES_128_GCM_SHA256] },
      }),
    );
    expect(result.server.alpn).toBe("h3");
    expect(result.client.alpn).toBe("h3");
    expect(result.client.cipherSuite).toBe(CipherSuite.TLS_CHACHA20_POLY1305_SHA256);
  });

  it("the server exposes the SNI it received; the client sends none for an IP literal", async () => {
    expect((await handshake(pair(native, server))).server.serverName).toBe("localhost");
    const ip = await handshake(pair(native, server, { client: { serverName: "127.0.0.1", verifier: { verify: () => ({ ok: true }) } } }));
    expect(ip.server.handshakeComplete).toBe(true);
    expect(ip.server.serverName).toBeUndefined();
  });

  it("hands the verifier the leaf it decoded, from the very bytes of chain[0], on both sides", async () => {
    const client = credentials("ed25519", native);
    const requests: VerifyRequest[] = [];
    const recording = (inner: CertificateVerifier): CertificateVerifier => ({ verify: (request) => (requests.push(request), inner.verify(request)) });
    const result = await handshake(
      pair(native, server, {
        client: { certificateChain: client.chain, privateKey: client.privateKey, verifier: recording(trusting(server, native)) },
        server: { requestClientCertificate: true, verifier: recording(trusting(client, native)) },
      }),
    );
    expect(result.server.handshakeComplete).toBe(true);
    expect(requests.map((request) => request.purpose).sort()).toEqual(["client", "server"]);
    for (const request of requests) {
      expect(toHex(request.leaf!.der)).toBe(toHex(request.chain[0]!));
      expect(request.leaf!.publicKey).toBeDefined();
    }
  });

  it("both sides export the same keying material (RFC 8446 §7.5)", async () => {
    const result = await handshake(pair(native, server));
    const a = result.client.exportKeyingMaterial("EXPORTER-test", utf8("context"), 32)!;
    expect(a).toHaveLength(32);
    expect(result.server.exportKeyingMaterial("EXPORTER-test", utf8("context"), 32)).toEqual(a);
    expect(result.server.exportKeyingMaterial("EXPORTER-other", utf8("context"), 32)).not.toEqual(a);
  });

  it("writes NSS key log lines with the client random", async () => {
    const clientLines: string[] = [];
    const serverLines: string[] = [];
    const result = await handshake(pair(native, server, { client: { keyLog: (l) => clientLines.push(l) }, server: { keyLog: (l) => serverLines.push(l) } }));
    const labels = clientLines.map((line) => line.split(" ")[0]).sort();
    expect(labels).toEqual(["CLIENT_HANDSHAKE_TRAFFIC_SECRET", "CLIENT_TRAFFIC_SECRET_0", "SERVER_HANDSHAKE_TRAFFIC_SECRET", "SERVER_TRAFFIC_SECRET_0"]);
    expect(serverLines.slice().sort()).toEqual(clientLines.slice().sort());
    const hello = decodeClientHello(outputsOf(result.clientLog, "handshake_data")[0]!.data.subarray(4));
    for (const line of clientLines) expect(line.split(" ")[1]).toBe(toHex(hello.random));
    const handshakeRead = outputsOf(result.clientLog, "install_key").find((k) => k.level === "handshake" && k.direction === "read")!;
    expect(clientLines).toContain(`SERVER_HANDSHAKE_TRAFFIC_SECRET ${toHex(hello.random)} ${toHex(handshakeRead.secret)}`);
  });
});

describe("resumption and 0-RTT", () => {
  const server = credentials("p256", native);
  const ticketKeys = new TicketKeys({ provider: native, random: seededRandom(99) });

  /** A first connection that yields a ticket; `earlyData` makes it 0-RTT capable. */
  async function firstTicket(earlyData: boolean, now = NOW) {
    const result = await handshake(
      pair(native, server, {
        client: { now: () => now },
        server: { now: () => now, ticketKeys, earlyData, antiReplay: new AntiReplay() },
      }),
    );
    expect(result.client.handshakeComplete).toBe(true);
    return ticketOf(result.clientLog);
  }

  it("issues a ticket after the handshake, at the application level, and the client resumes with it", async () => {
    const first = await handshake(pair(native, server, { server: { ticketKeys, ticketCount: 2 } }));
    const tickets = outputsOf(first.clientLog, "session_ticket");
    expect(tickets).toHaveLength(2);
    expect(outputsOf(first.serverLog, "handshake_data").at(-1)!.level).toBe("application");
    expect(tickets[0]!.ticket.psk).not.toEqual(tickets[1]!.ticket.psk);
    expect(tickets[0]!.ticket.earlyData).toBe(false);

    // Through its serialized form, as an application would store it.
    const stored = decodeSessionTicket(encodeSessionTicket(tickets[0]!.ticket));
    expect(stored).toEqual(tickets[0]!.ticket);
    const resumed = await handshake(pair(native, server, { client: { resumption: stored, now: () => NOW + 5_000 }, server: { ticketKeys }, seed: 2 }));
    expect(resumed.client.resumed && resumed.server.resumed).toBe(true);
    expect(resumed.client.handshakeComplete && resumed.server.handshakeComplete).toBe(true);
    const flight = outputsOf(resumed.serverLog, "handshake_data").find((d) => d.level === "handshake")!;
    expect(messagesIn(flight.data).map((m) => m.type)).toEqual([HandshakeType.encrypted_extensions, HandshakeType.finished]);
    expect(resumed.client.peerCertificates).toBeUndefined();
    expectMatchingKeys(resumed.clientLog as never, resumed.serverLog as never);
  });

  it("falls back to a full handshake when the server cannot open the ticket", async () => {
    const ticket = await firstTicket(false);
    const otherKeys = new TicketKeys({ provider: native, random: seededRandom(7) });
    const result = await handshake(pair(native, server, { client: { resumption: ticket }, server: { ticketKeys: otherKeys } }));
    expect(result.client.handshakeComplete).toBe(true);
    expect(result.client.resumed || result.server.resumed).toBe(false);
  });

  it("does not offer an expired ticket", async () => {
    const ticket = await firstTicket(false);
    const client = new TlsClient(pair(native, server, { client: { resumption: ticket, now: () => NOW + (ticket.lifetime + 1) * 1000 } }).client);
    client.start();
    const hello = decodeClientHello((client.poll() as { data: Uint8Array }).data.subarray(4));
    expect(findExtension(hello.extensions, "pre_shared_key")).toBeUndefined();
  });

  it("resumes after a HelloRetryRequest, with the binder recomputed over the new transcript", async () => {
    const ticket = await firstTicket(false);
    const result = await handshake(
      pair(native, server, {
        client: { resumption: ticket, groups: [NamedGroup.x25519, NamedGroup.secp256r1] },
        server: { ticketKeys, groups: [NamedGroup.secp256r1] },
      }),
    );
    expect(result.client.resumed && result.server.resumed).toBe(true);
    expect(outputsOf(result.clientLog, "handshake_data").filter((d) => d.level === "initial")).toHaveLength(2);
  });

  it("0-RTT accepted: the early write key of the client is the early read key of the server", async () => {
    const ticket = await firstTicket(true);
    expect(ticket.earlyData).toBe(true);
    const antiReplay = new AntiReplay();
    const lines: string[] = [];
    const result = await handshake(
      pair(native, server, {
        client: { resumption: ticket, earlyData: true, now: () => NOW + 2_000, keyLog: (line) => lines.push(line) },
        server: { ticketKeys, earlyData: true, antiReplay, now: () => NOW + 2_000 },
      }),
    );
    const clientEarly = outputsOf(result.clientLog, "install_key").find((k) => k.level === "early")!;
    const serverEarly = outputsOf(result.serverLog, "install_key").find((k) => k.level === "early")!;
    expect(clientEarly.direction).toBe("write");
    expect(serverEarly.direction).toBe("read");
    expect(serverEarly.secret).toEqual(clientEarly.secret);
    expect(clientEarly.suite).toBe(ticket.suite);
    expect(lines.find((line) => line.startsWith("CLIENT_EARLY_TRAFFIC_SECRET "))?.endsWith(toHex(clientEarly.secret))).toBe(true);
    expect(outputsOf(result.clientLog, "early_data")).toEqual([{ kind: "early_data", accepted: true }]);
    expect(result.client.earlyDataAccepted && result.server.earlyDataAccepted).toBe(true);
    expect(result.client.handshakeComplete && result.server.handshakeComplete).toBe(true);
    expect(antiReplay.size).toBe(1);
  });

  it("0-RTT replayed: the anti-replay cache rejects the second use, and the handshake still completes", async () => {
    const ticket = await firstTicket(true);
    const antiReplay = new AntiReplay();
    const attempt = (seed: number) =>
      handshake(
        pair(native, server, {
          client: { resumption: ticket, earlyData: true, now: () => NOW + 1_000 },
          server: { ticketKeys, earlyData: true, antiReplay, now: () => NOW + 1_000 },
          seed,
        }),
      );
    expect((await attempt(5)).client.earlyDataAccepted).toBe(true);
    const replay = await attempt(6);
    expect(outputsOf(replay.clientLog, "early_data")).toEqual([{ kind: "early_data", accepted: false }]);
    expect(outputsOf(replay.serverLog, "install_key").some((k) => k.level === "early")).toBe(false);
    expect(replay.server.resumed && replay.client.handshakeComplete).toBe(true);
  });

  it("an identical ClientHello replayed to a second server gets no 0-RTT", async () => {
    const ticket = await firstTicket(true);
    const antiReplay = new AntiReplay();
    const config = pair(native, server, {
      client: { resumption: ticket, earlyData: true },
      server: { ticketKeys, earlyData: true, antiReplay },
    });
    const client = new TlsClient(config.client);
    client.start();
    const hello = client.poll() as { data: Uint8Array };
    const servers = [new TlsServer(config.server), new TlsServer(config.server)];
    const early = servers.map((s) => {
      s.receive("initial", hello.data);
      const outputs = [];
      for (let o = s.poll(); o !== null; o = s.poll()) outputs.push(o);
      return outputs.some((o) => o.kind === "install_key" && o.level === "early");
    });
    expect(early).toEqual([true, false]);
  });

  it.each([
    ["the server does not accept 0-RTT", { earlyData: false }],
    ["the transport refuses the ticket's context", { acceptEarlyData: () => false }],
    ["the ticket was issued for another earlyDataContext", { earlyDataContext: utf8("new settings") }],
  ])("0-RTT rejected when %s", async (_, serverOptions) => {
    const ticket = await firstTicket(true);
    const result = await handshake(
      pair(native, server, {
        client: { resumption: ticket, earlyData: true },
        server: { ticketKeys, earlyData: true, antiReplay: new AntiReplay(), ...serverOptions },
      }),
    );
    expect(outputsOf(result.clientLog, "early_data")).toEqual([{ kind: "early_data", accepted: false }]);
    expect(result.client.resumed && result.client.handshakeComplete).toBe(true);
  });

  it("0-RTT rejected when the client's ticket age disagrees with the server's clock (RFC 8446 §8.3)", async () => {
    const ticket = await firstTicket(true);
    const result = await handshake(
      pair(native, server, {
        client: { resumption: ticket, earlyData: true, now: () => NOW + 1_000 },
        server: { ticketKeys, earlyData: true, antiReplay: new AntiReplay(), now: () => NOW + 60_000 },
      }),
    );
    expect(result.client.earlyDataAccepted).toBe(false);
    expect(result.server.resumed).toBe(true);
  });

  it("0-RTT is rejected by a HelloRetryRequest, and the client learns it then", async () => {
    const ticket = await firstTicket(true);
    const result = await handshake(
      pair(native, server, {
        client: { resumption: ticket, earlyData: true, groups: [NamedGroup.x25519, NamedGroup.secp256r1] },
        server: { ticketKeys, earlyData: true, antiReplay: new AntiReplay(), groups: [NamedGroup.secp256r1] },
      }),
    );
    expect(outputsOf(result.clientLog, "early_data")).toEqual([{ kind: "early_data", accepted: false }]);
    expect(result.client.handshakeComplete && result.server.resumed).toBe(true);
  });

  it("a fresh anti-replay cache refuses 0-RTT during its first window (RFC 8446 §8.2)", async () => {
    const ticket = await firstTicket(true);
    const result = await handshake(
      pair(native, server, {
        client: { resumption: ticket, earlyData: true },
        server: { ticketKeys, earlyData: true, antiReplay: new AntiReplay({ startedAt: NOW }) },
      }),
    );
    expect(result.client.earlyDataAccepted).toBe(false);
  });
});

describe("client authentication", () => {
  const server = credentials("p256", native);
  const client = credentials("ed25519", native);

  it("the client presents its certificate when asked and the server verifies it", async () => {
    const result = await handshake(
      pair(native, server, {
        client: { certificateChain: client.chain, privateKey: client.privateKey },
        server: { requestClientCertificate: true, verifier: trusting(client, native) },
      }),
    );
    expect(result.server.handshakeComplete).toBe(true);
    expect(result.server.peerCertificates).toEqual(client.chain);
    expectMatchingKeys(result.clientLog as never, result.serverLog as never);
  });

  it("an optional request accepts a client without a certificate", async () => {
    const result = await handshake(pair(native, server, { server: { requestClientCertificate: "optional", verifier: trusting(client, native) } }));
    expect(result.server.handshakeComplete).toBe(true);
    expect(result.server.peerCertificates).toBeUndefined();
  });

  it("a required certificate missing is certificate_required", async () => {
    const result = await handshake(pair(native, server, { server: { requestClientCertificate: true, verifier: trusting(client, native) } }));
    expect(outputsOf(result.serverLog, "alert")).toMatchObject([{ alert: 116 }]);
    expect(result.server.handshakeComplete).toBe(false);
  });

  it("a client certificate the server does not trust is refused with the verifier's alert", async () => {
    const result = await handshake(
      pair(native, server, {
        client: { certificateChain: client.chain, privateKey: client.privateKey },
        server: { requestClientCertificate: true, verifier: trusting(server, native) },
      }),
    );
    expect(outputsOf(result.serverLog, "alert")).toMatchObject([{ alert: 48 }]);
  });
});

describe("asynchronous certificate verification", () => {
  const server = credentials("p256", native);

  it("the handshake waits for the verifier's promise and then completes", async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const config = pair(native, server, {
      client: { verifier: { verify: async (request) => (await gate, trusting(server, native).verify(request)) } },
    });
    const client = new TlsClient(config.client);
    const tls = new TlsServer(config.server);
    const run = runHandshake(client, tls);
    await Promise.resolve();
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(client.waiting).toBeInstanceOf(Promise);
    expect(client.handshakeComplete).toBe(false);
    release();
    await run;
    expect(client.waiting).toBeUndefined();
    expect(client.handshakeComplete && tls.handshakeComplete).toBe(true);
  });

  it("a rejecting verifier's alert comes out of poll once the promise settles", async () => {
    const config = pair(native, server, {
      client: { verifier: { verify: async () => ({ ok: false, alert: 45, reason: "expired (async)" }) } },
    });
    const result = await handshake(config);
    expect(outputsOf(result.clientLog, "alert")).toMatchObject([{ alert: 45, reason: "certificate_expired: expired (async)" }]);
    expect(result.client.failed).toBe(true);
  });

  it("a verifier that throws is internal_error, never an exception out of the session", async () => {
    const config = pair(native, server, { client: { verifier: { verify: () => Promise.reject(new Error("boom")) } } });
    const result = await handshake(config);
    expect(outputsOf(result.clientLog, "alert")).toMatchObject([{ alert: 80 }]);
  });
});
