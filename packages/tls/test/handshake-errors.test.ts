// Handshakes that must fail, and how: each with the exact alert (or QUIC
// transport error) RFC 8446 / RFC 9001 prescribe, as an output, never a throw.
import { describe, expect, it } from "vitest";
import { loadProvider } from "@zquic/crypto";
import {
  DOWNGRADE_TLS12,
  type EncryptedExtension,
  HandshakeType,
  NamedGroup,
  TicketKeys,
  TlsClient,
  TlsServer,
  type TlsOutput,
  decodeClientHello,
  decodeEncryptedExtensions,
  encodeClientHello,
  encodeEncryptedExtensions,
  encodeFinished,
  encodeNewSessionTicket,
  encodeServerHello,
  generateCertificate,
  generateSelfSigned,
  parseCertificate,
  chainVerifier,
} from "@zquic/tls";
import { TransportError, ZquicError, concatBytes, cryptoError, utf8 } from "@zquic/wire";
import { NOW, credentials, handshake, outputsOf, pair, runHandshake, seededRandom, trusting } from "./tls-support.js";

const native = await loadProvider("native");
const server = credentials("p256", native);

function drain(session: { poll(): TlsOutput | null }): TlsOutput[] {
  const outputs: TlsOutput[] = [];
  for (let output = session.poll(); output !== null; output = session.poll()) outputs.push(output);
  return outputs;
}

/** The first alert of `outputs`. */
function alertIn(outputs: readonly TlsOutput[]) {
  return outputs.find((output) => output.kind === "alert");
}

/** Rewrites one message of a flight (messages are framed back to back). */
function rewriteMessage(flight: Uint8Array, type: number, rewrite: (raw: Uint8Array) => Uint8Array): Uint8Array {
  const parts: Uint8Array[] = [];
  for (let offset = 0; offset < flight.length; ) {
    const length = (flight[offset + 1]! << 16) | (flight[offset + 2]! << 8) | flight[offset + 3]!;
    const raw = flight.subarray(offset, offset + 4 + length);
    parts.push(raw[0] === type ? rewrite(raw) : raw);
    offset += 4 + length;
  }
  return concatBytes(...parts);
}

/** Flips one bit of the last byte of a message. */
const flipLast = (raw: Uint8Array) => {
  const copy = raw.slice();
  copy[copy.length - 1]! ^= 0x01;
  return copy;
};

/** The client's ClientHello, decoded, to be altered and re-encoded. */
function clientHello(overrides = {}) {
  const client = new TlsClient({ ...pair(native, server).client, grease: false, ...overrides });
  client.start();
  const data = (client.poll() as { data: Uint8Array }).data;
  return { client, hello: decodeClientHello(data.subarray(4)), data };
}

function serverReceiving(data: Uint8Array, overrides = {}) {
  const tls = new TlsServer({ ...pair(native, server).server, ...overrides });
  tls.receive("initial", data);
  return drain(tls);
}

describe("authentication failures", () => {
  it("a wrong server Finished is decrypt_error", async () => {
    const config = pair(native, server);
    const client = new TlsClient(config.client);
    const logs = await runHandshake(client, new TlsServer(config.server), (from, level, data) =>
      from === "server" && level === "handshake" ? rewriteMessage(data, HandshakeType.finished, flipLast) : data,
    );
    expect(alertIn(logs.client.outputs)).toMatchObject({ alert: 51, transportError: cryptoError(51) });
    expect(client.handshakeComplete).toBe(false);
  });

  it("a wrong client Finished is decrypt_error at the server", async () => {
    const config = pair(native, server);
    const tls = new TlsServer(config.server);
    const logs = await runHandshake(new TlsClient(config.client), tls, (from, level, data) =>
      from === "client" && level === "handshake" ? rewriteMessage(data, HandshakeType.finished, flipLast) : data,
    );
    expect(alertIn(logs.server.outputs)).toMatchObject({ alert: 51 });
    expect(outputsOf(logs.server, "install_key").some((k) => k.level === "application" && k.direction === "read")).toBe(false);
    expect(tls.handshakeComplete).toBe(false);
  });

  it("a CertificateVerify that does not verify is decrypt_error", async () => {
    const config = pair(native, server);
    const logs = await runHandshake(new TlsClient(config.client), new TlsServer(config.server), (from, level, data) =>
      from === "server" && level === "handshake" ? rewriteMessage(data, HandshakeType.certificate_verify, flipLast) : data,
    );
    expect(alertIn(logs.client.outputs)).toMatchObject({ alert: 51 });
  });

  it("a wrong PSK binder is decrypt_error (RFC 8446 §4.2.11)", async () => {
    const ticketKeys = new TicketKeys({ provider: native, random: seededRandom(4) });
    const first = await handshake(pair(native, server, { server: { ticketKeys } }));
    const resumption = outputsOf(first.clientLog, "session_ticket")[0]!.ticket;
    const config = pair(native, server, { client: { resumption }, server: { ticketKeys } });
    const logs = await runHandshake(new TlsClient(config.client), new TlsServer(config.server), (from, level, data) =>
      // The binder is the last thing in the ClientHello.
      from === "client" && level === "initial" ? flipLast(data) : data,
    );
    expect(alertIn(logs.server.outputs)).toMatchObject({ alert: 51 });
  });

  it("an expired certificate is certificate_expired", async () => {
    const expired = generateSelfSigned({
      keyType: "p256",
      hosts: ["localhost"],
      notBefore: NOW - 2 * 365 * 86_400_000,
      notAfter: NOW - 86_400_000,
      provider: native,
      random: seededRandom(3),
    });
    const credentialsExpired = { chain: [expired.certificate.der], privateKey: expired.privateKey };
    const result = await handshake(pair(native, credentialsExpired));
    expect(alertIn(result.clientLog.outputs)).toMatchObject({ alert: 45 });
  });

  it("a certificate for another name is bad_certificate", async () => {
    const result = await handshake(pair(native, server, { client: { serverName: "wrong.test" } }));
    expect(alertIn(result.clientLog.outputs)).toMatchObject({ alert: 42 });
  });

  it("a certificate from an unknown CA is unknown_ca", async () => {
    const result = await handshake(pair(native, server, { client: { verifier: trusting(credentials("ed25519", native), native) } }));
    expect(alertIn(result.clientLog.outputs)).toMatchObject({ alert: 48 });
  });

  describe("chains through an intermediate", () => {
    const validity = { notBefore: Date.UTC(2025, 0, 1), notAfter: Date.UTC(2040, 0, 1), provider: native };
    const root = generateSelfSigned({ keyType: "p256", hosts: [], isCA: true, commonName: "Test Root", random: seededRandom(11), ...validity });
    const chainThrough = (intermediateIsCA: boolean) => {
      const intermediate = generateCertificate({
        keyType: "p256",
        hosts: [],
        isCA: intermediateIsCA,
        commonName: "Test Intermediate",
        issuer: root,
        random: seededRandom(intermediateIsCA ? 12 : 13),
        ...validity,
      });
      const leaf = generateCertificate({ keyType: "ed25519", hosts: ["localhost"], issuer: intermediate, random: seededRandom(14), ...validity });
      return { chain: [leaf.certificate.der, intermediate.certificate.der], privateKey: leaf.privateKey };
    };
    const verifier = chainVerifier({ trustAnchors: [parseCertificate(root.certificate.der)], provider: native });

    it("a chain through a CA intermediate to a trusted root is accepted", async () => {
      const result = await handshake(pair(native, chainThrough(true), { client: { verifier } }));
      expect(result.client.handshakeComplete).toBe(true);
      expect(result.client.peerCertificates).toHaveLength(2);
    });

    it("a chain through a non-CA intermediate is bad_certificate", async () => {
      const result = await handshake(pair(native, chainThrough(false), { client: { verifier } }));
      expect(alertIn(result.clientLog.outputs)).toMatchObject({ alert: 42 });
    });
  });

  it("an empty server Certificate is decode_error (RFC 8446 §4.4.2.4)", async () => {
    const config = pair(native, server);
    const logs = await runHandshake(new TlsClient(config.client), new TlsServer(config.server), (from, level, data) =>
      from === "server" && level === "handshake" ? rewriteMessage(data, HandshakeType.certificate, () => Uint8Array.of(11, 0, 0, 4, 0, 0, 0, 0)) : data,
    );
    expect(alertIn(logs.client.outputs)).toMatchObject({ alert: 50 });
  });
});

describe("QUIC transport parameters (RFC 9001 §8.2)", () => {
  it("a ClientHello without quic_transport_parameters is missing_extension", () => {
    const { hello } = clientHello();
    const stripped = encodeClientHello({ ...hello, extensions: hello.extensions.filter((e) => e.type !== "quic_transport_parameters") });
    expect(alertIn(serverReceiving(stripped))).toMatchObject({ alert: 109, transportError: 0x16d });
  });

  it("a duplicated quic_transport_parameters is illegal_parameter", () => {
    const { hello } = clientHello();
    const parameters = hello.extensions.find((e) => e.type === "quic_transport_parameters")!;
    const doubled = encodeClientHello({ ...hello, extensions: [parameters, ...hello.extensions] });
    expect(alertIn(serverReceiving(doubled))).toMatchObject({ alert: 47 });
  });

  it("EncryptedExtensions without quic_transport_parameters is missing_extension at the client", async () => {
    const config = pair(native, server);
    const strip = (raw: Uint8Array) => {
      const extensions = decodeEncryptedExtensions(raw.subarray(4)).filter((e: EncryptedExtension) => e.type !== "quic_transport_parameters");
      return encodeEncryptedExtensions(extensions);
    };
    const logs = await runHandshake(new TlsClient(config.client), new TlsServer(config.server), (from, level, data) =>
      from === "server" && level === "handshake" ? rewriteMessage(data, HandshakeType.encrypted_extensions, strip) : data,
    );
    expect(alertIn(logs.client.outputs)).toMatchObject({ alert: 109 });
  });
});

describe("negotiation failures", () => {
  it("no ALPN protocol in common is no_application_protocol at the server", async () => {
    const result = await handshake(pair(native, server, { server: { alpn: ["doq"] } }));
    expect(alertIn(result.serverLog.outputs)).toMatchObject({ alert: 120, transportError: 0x178 });
  });

  it("a protocol the client did not offer is no_application_protocol at the client", async () => {
    const config = pair(native, server, { server: { alpn: ["h3"] } });
    const swap = (raw: Uint8Array) =>
      encodeEncryptedExtensions(
        decodeEncryptedExtensions(raw.subarray(4)).map((e: EncryptedExtension) =>
          e.type === "application_layer_protocol_negotiation" ? { ...e, protocol: utf8("h2") } : e,
        ),
      );
    const logs = await runHandshake(new TlsClient(config.client), new TlsServer(config.server), (from, level, data) =>
      from === "server" && level === "handshake" ? rewriteMessage(data, HandshakeType.encrypted_extensions, swap) : data,
    );
    expect(alertIn(logs.client.outputs)).toMatchObject({ alert: 120 });
  });

  it("a ClientHello without TLS 1.3 in supported_versions is protocol_version", () => {
    const { hello } = clientHello();
    const old = encodeClientHello({
      ...hello,
      extensions: hello.extensions.map((e) => (e.type === "supported_versions" ? { ...e, versions: [0x0303] } : e)),
    });
    expect(alertIn(serverReceiving(old))).toMatchObject({ alert: 70 });
  });

  it("no cipher suite in common is handshake_failure", async () => {
    const result = await handshake(pair(native, server, { client: { cipherSuites: [0x1303] }, server: { cipherSuites: [0x1301] } }));
    expect(alertIn(result.serverLog.outputs)).toMatchObject({ alert: 40 });
  });

  it("no group in common is handshake_failure", async () => {
    const result = await handshake(pair(native, server, { client: { groups: [NamedGroup.secp384r1] }, server: { groups: [NamedGroup.x25519] } }));
    expect(alertIn(result.serverLog.outputs)).toMatchObject({ alert: 40 });
  });

  it("no signature scheme for the server's key is handshake_failure", async () => {
    const result = await handshake(pair(native, server, { client: { signatureSchemes: [0x0807] } }));
    expect(alertIn(result.serverLog.outputs)).toMatchObject({ alert: 40 });
  });

  describe("a ServerHello that does not negotiate TLS 1.3", () => {
    const serverHello = (random: Uint8Array) =>
      encodeServerHello({
        kind: "server_hello",
        legacyVersion: 0x0303,
        random,
        legacySessionIdEcho: new Uint8Array(0),
        cipherSuite: 0x1301,
        legacyCompressionMethod: 0,
        extensions: [],
      });

    it("carrying the TLS 1.2 downgrade sentinel is illegal_parameter (RFC 8446 §4.1.3)", () => {
      const { client } = clientHello();
      client.receive("initial", serverHello(concatBytes(new Uint8Array(24).fill(7), DOWNGRADE_TLS12)));
      expect(alertIn(drain(client))).toMatchObject({ alert: 47 });
    });

    it("without the sentinel is protocol_version", () => {
      const { client } = clientHello();
      client.receive("initial", serverHello(new Uint8Array(32).fill(7)));
      expect(alertIn(drain(client))).toMatchObject({ alert: 70 });
    });
  });

  it("a ServerHello with a suite the client did not offer is illegal_parameter", async () => {
    const config = pair(native, server, { client: { cipherSuites: [0x1301] } });
    const logs = await runHandshake(new TlsClient(config.client), new TlsServer(config.server), (from, level, data) => {
      if (from !== "server" || level !== "initial") return data;
      const altered = data.slice();
      // ServerHello: type(1) length(3) version(2) random(32) session_id(1+0), then cipher_suite.
      altered[4 + 2 + 32 + 1 + 1] = 0x03;
      return altered;
    });
    expect(alertIn(logs.client.outputs)).toMatchObject({ alert: 47 });
  });
});

describe("malformed and unexpected messages", () => {
  it("a length inside a message that overruns it is decode_error", () => {
    const { hello, data } = clientHello();
    const altered = data.slice();
    // The extensions block length: after the header, version, random, session id, suites and compression.
    const at = 4 + 2 + 32 + 1 + 2 + 2 * hello.cipherSuites.length + 2;
    altered[at + 1]! += 1;
    expect(alertIn(serverReceiving(altered))).toMatchObject({ alert: 50 });
  });

  it("a message delivered a byte at a time is reassembled", () => {
    const { data } = clientHello();
    const tls = new TlsServer(pair(native, server).server);
    for (let i = 0; i < data.length - 1; i++) tls.receive("initial", data.subarray(i, i + 1));
    expect(tls.poll()).toBeNull();
    tls.receive("initial", data.subarray(data.length - 1));
    expect(drain(tls).map((o) => o.kind)).toContain("handshake_data");
  });

  it("a message announcing more than the size limit is refused before it is buffered", () => {
    const outputs = serverReceiving(Uint8Array.of(HandshakeType.client_hello, 0x10, 0x00, 0x00));
    expect(alertIn(outputs)).toMatchObject({ alert: 47 });
  });

  it("a Finished where a ServerHello belongs is unexpected_message", () => {
    const { client } = clientHello();
    client.receive("initial", encodeFinished(new Uint8Array(32)));
    expect(alertIn(drain(client))).toMatchObject({ alert: 10 });
  });

  it("handshake data before the client started is unexpected_message", () => {
    const client = new TlsClient(pair(native, server).client);
    client.receive("initial", encodeFinished(new Uint8Array(32)));
    expect(alertIn(drain(client))).toMatchObject({ alert: 10 });
  });

  it("CRYPTO data at the 0-RTT level is PROTOCOL_VIOLATION (RFC 9001 §8.3)", () => {
    const tls = new TlsServer(pair(native, server).server);
    tls.receive("early", Uint8Array.of(HandshakeType.end_of_early_data, 0, 0, 0));
    expect(alertIn(drain(tls))).toMatchObject({ alert: 10, transportError: TransportError.PROTOCOL_VIOLATION });
  });

  it("an EndOfEarlyData where a ClientHello belongs is unexpected_message", () => {
    expect(alertIn(serverReceiving(Uint8Array.of(HandshakeType.end_of_early_data, 0, 0, 0)))).toMatchObject({ alert: 10 });
  });

  it("trailing bytes after the ServerHello at the Initial level are PROTOCOL_VIOLATION (RFC 9001 §4.1.3)", async () => {
    const config = pair(native, server);
    const logs = await runHandshake(new TlsClient(config.client), new TlsServer(config.server), (from, level, data) =>
      from === "server" && level === "initial" ? concatBytes(data, Uint8Array.of(HandshakeType.server_hello)) : data,
    );
    expect(alertIn(logs.client.outputs)).toMatchObject({ alert: 10, transportError: TransportError.PROTOCOL_VIOLATION });
  });

  describe("after the handshake", () => {
    async function connected() {
      const result = await handshake(pair(native, server));
      expect(result.client.handshakeComplete).toBe(true);
      return result;
    }

    it("EndOfEarlyData is unexpected_message (RFC 9001 §8.3)", async () => {
      const { server: tls } = await connected();
      tls.receive("application", Uint8Array.of(HandshakeType.end_of_early_data, 0, 0, 0));
      expect(alertIn(drain(tls))).toMatchObject({ alert: 10 });
    });

    it("KeyUpdate is unexpected_message (RFC 9001 §6)", async () => {
      const { client } = await connected();
      client.receive("application", Uint8Array.of(HandshakeType.key_update, 0, 0, 1, 0));
      expect(alertIn(drain(client))).toMatchObject({ alert: 10, transportError: 0x10a });
    });

    it("a post-handshake CertificateRequest is PROTOCOL_VIOLATION (RFC 9001 §4.4)", async () => {
      const { client } = await connected();
      client.receive("application", Uint8Array.of(HandshakeType.certificate_request, 0, 0, 9, 0, 0, 6, 0, 13, 0, 2, 4, 3));
      expect(alertIn(drain(client))).toMatchObject({ transportError: TransportError.PROTOCOL_VIOLATION });
    });

    it("a NewSessionTicket with max_early_data_size other than 0xffffffff is PROTOCOL_VIOLATION (RFC 9001 §4.6.1)", async () => {
      const { client } = await connected();
      const ticket = encodeNewSessionTicket({
        ticketLifetime: 60,
        ticketAgeAdd: 1,
        ticketNonce: new Uint8Array(1),
        ticket: new Uint8Array(8),
        extensions: [{ type: "early_data", maxEarlyDataSize: 16384 }],
      });
      client.receive("application", ticket);
      expect(alertIn(drain(client))).toMatchObject({ transportError: TransportError.PROTOCOL_VIOLATION });
    });

    it("a ticket lifetime over 7 days is illegal_parameter", async () => {
      const { client } = await connected();
      const ticket = encodeNewSessionTicket({ ticketLifetime: 604_801, ticketAgeAdd: 1, ticketNonce: new Uint8Array(1), ticket: new Uint8Array(8), extensions: [] });
      client.receive("application", ticket);
      expect(alertIn(drain(client))).toMatchObject({ alert: 47 });
    });

    it("handshake data at a finished level is PROTOCOL_VIOLATION (RFC 9001 §4.1.3), and a dead session ignores input", async () => {
      const { client } = await connected();
      client.receive("handshake", encodeFinished(new Uint8Array(32)));
      expect(drain(client)).toMatchObject([{ kind: "alert", alert: 10, transportError: TransportError.PROTOCOL_VIOLATION }]);
      client.receive("application", Uint8Array.of(HandshakeType.key_update, 0, 0, 1, 0));
      expect(client.poll()).toBeNull();
      expect(client.failed).toBe(true);
    });
  });
});

describe("configuration mistakes throw ZquicError", () => {
  const base = pair(native, server);
  it.each([
    ["an empty ALPN list", () => new TlsClient({ ...base.client, alpn: [] })],
    ["an unknown cipher suite", () => new TlsClient({ ...base.client, cipherSuites: [0x1304] })],
    ["an unknown group", () => new TlsClient({ ...base.client, groups: [0x0019] })],
    ["a certificate without a key", () => new TlsClient({ ...base.client, certificateChain: server.chain })],
    ["a server without a certificate", () => new TlsServer({ ...base.server, certificateChain: [] })],
    ["a key no configured scheme can sign with", () => new TlsServer({ ...base.server, signatureSchemes: [0x0807] })],
    ["0-RTT without an anti-replay cache", () => new TlsServer({ ...base.server, earlyData: true })],
    ["a ticket lifetime over 7 days", () => new TlsServer({ ...base.server, ticketLifetime: 604_801 })],
    ["client authentication without a verifier", () => new TlsServer({ ...base.server, requestClientCertificate: true })],
  ])("%s", (_, make) => {
    expect(make).toThrow(ZquicError);
  });

  it("calling start twice", () => {
    const client = new TlsClient(base.client);
    client.start();
    expect(() => client.start()).toThrow(ZquicError);
  });
});
