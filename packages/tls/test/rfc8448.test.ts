// RFC 8448 traces: every handshake message through the codecs byte for byte,
// every secret of the key schedule, the Finished values, binders and
// signatures, and the client state machine replayed on the server's messages
// (the traces are TLS over TCP, so they end where QUIC's mandatory
// quic_transport_parameters are missing).
import { describe, expect, it } from "vitest";
import { type CryptoProvider, type RandomSource, nobleProvider } from "@zquic/crypto";
import {
  AlertDescription,
  EarlySecret,
  type HandshakeMessage,
  Hkdf,
  TlsAlert,
  TlsServer,
  Transcript,
  decodeCertificateMessage,
  decodeCertificateRequest,
  decodeCertificateVerify,
  decodeClientHello,
  decodeEncryptedExtensions,
  decodeNewSessionTicket,
  decodeServerHello,
  encodeCertificateMessage,
  encodeCertificateRequest,
  encodeCertificateVerify,
  encodeClientHello,
  encodeEncryptedExtensions,
  encodeFinished,
  encodeNewSessionTicket,
  encodeServerHello,
  findExtension,
  finishedVerifyData,
  parseCertificate,
  resumptionPsk,
  signedContent,
  truncateBinders,
} from "../src/index.js";
import { TransportError, cryptoError, fromHex, toHex, utf8 } from "@zquic/wire";
import { ExpectServerHello } from "../src/client/states.js";
import { resolveClientConfig } from "../src/config.js";
import { HandshakeContext } from "../src/context.js";
import * as vectors from "./rfc8448-vectors.js";
import { type Trace, rsaModulus } from "./rfc8448-vectors.js";
import { NOW, credentials, trusting } from "./tls-support.js";

const provider: CryptoProvider = nobleProvider;
const hkdf = new Hkdf(provider, "sha256");

function message(hexText: string): HandshakeMessage {
  const raw = fromHex(hexText);
  return { type: raw[0]!, body: raw.subarray(4), raw };
}

/** A random source that hands out `chunks` in order (the trace's ephemeral private keys). */
function replaying(...chunks: string[]): RandomSource {
  const queue = chunks.map((chunk) => fromHex(chunk));
  return (length) => {
    const next = queue.shift();
    if (next === undefined || next.length !== length) throw new Error(`unexpected draw of ${length} bytes`);
    return next;
  };
}

const rsaKey = { kind: "rsa" as const, n: BigInt(`0x${rsaModulus}`), e: 65537n };

/** The messages of a trace in transcript order, with the secrets derived at each point checked. */
function checkKeySchedule(t: Trace, options: { psk?: string; retry?: boolean; endOfEarlyData?: string } = {}): void {
  const transcript = new Transcript();
  transcript.useHash(hkdf);
  if (options.retry) {
    transcript.add(message(t.clientHello1!).raw);
    transcript.replaceWithMessageHash(hkdf);
    transcript.add(message(t.helloRetryRequest!).raw);
  }
  const early = new EarlySecret(hkdf, options.psk === undefined ? undefined : fromHex(options.psk));
  expect(toHex(early.secret)).toBe(t.earlySecret);
  transcript.add(message(t.clientHello!).raw);
  transcript.add(message(t.serverHello!).raw);
  const handshake = early.handshakeSecret(fromHex(t.sharedSecret!));
  expect(toHex(handshake.secret)).toBe(t.handshakeSecret);
  const handshakeTraffic = handshake.trafficSecrets(transcript.hash());
  expect(toHex(handshakeTraffic.client)).toBe(t.clientHandshakeTrafficSecret);
  expect(toHex(handshakeTraffic.server)).toBe(t.serverHandshakeTrafficSecret);
  const master = handshake.masterSecret();
  expect(toHex(master.secret)).toBe(t.masterSecret);

  for (const name of ["encryptedExtensions", "certificateRequest", "certificate", "certificateVerify"]) {
    if (t[name] !== undefined) transcript.add(message(t[name]).raw);
  }
  // RFC 8446 §4.4.4: finished_key and verify_data.
  expect(toHex(hkdf.expandLabel(handshakeTraffic.server, "finished", new Uint8Array(0), 32))).toBe(t.serverFinishedKey);
  expect(toHex(encodeFinished(finishedVerifyData(hkdf, handshakeTraffic.server, transcript.hash())))).toBe(t.serverFinished);
  transcript.add(message(t.serverFinished!).raw);
  const application = master.trafficSecrets(transcript.hash());
  expect(toHex(application.client)).toBe(t.clientApplicationTrafficSecret);
  expect(toHex(application.server)).toBe(t.serverApplicationTrafficSecret);
  expect(toHex(master.exporterMasterSecret(transcript.hash()))).toBe(t.exporterMasterSecret);

  if (options.endOfEarlyData !== undefined) transcript.add(message(options.endOfEarlyData).raw);
  for (const name of ["clientCertificate", "clientCertificateVerify"]) {
    if (t[name] !== undefined) transcript.add(message(t[name]).raw);
  }
  expect(toHex(hkdf.expandLabel(handshakeTraffic.client, "finished", new Uint8Array(0), 32))).toBe(t.clientFinishedKey);
  expect(toHex(encodeFinished(finishedVerifyData(hkdf, handshakeTraffic.client, transcript.hash())))).toBe(t.clientFinished);
  transcript.add(message(t.clientFinished!).raw);
  expect(toHex(master.resumptionMasterSecret(transcript.hash()))).toBe(t.resumptionMasterSecret);
}

/** Decodes and re-encodes each message of a trace: the bytes must come back unchanged. */
function checkCodecs(t: Trace, messages: number): void {
  const roundTrips: [string | undefined, (m: HandshakeMessage) => Uint8Array][] = [
    [t.clientHello1, (m) => encodeClientHello(decodeClientHello(m.body))],
    [t.helloRetryRequest, (m) => encodeServerHello(decodeServerHello(m.body))],
    [t.clientHello, (m) => encodeClientHello(decodeClientHello(m.body))],
    [t.serverHello, (m) => encodeServerHello(decodeServerHello(m.body))],
    [t.encryptedExtensions, (m) => encodeEncryptedExtensions(decodeEncryptedExtensions(m.body))],
    [t.certificateRequest, (m) => encodeCertificateRequest(decodeCertificateRequest(m.body))],
    [t.certificate, (m) => encodeCertificateMessage(decodeCertificateMessage(m.body))],
    [t.certificateVerify, (m) => encodeCertificateVerify(decodeCertificateVerify(m.body))],
    [t.clientCertificate, (m) => encodeCertificateMessage(decodeCertificateMessage(m.body))],
    [t.clientCertificateVerify, (m) => encodeCertificateVerify(decodeCertificateVerify(m.body))],
    [t.newSessionTicket, (m) => encodeNewSessionTicket(decodeNewSessionTicket(m.body))],
  ];
  let checked = 0;
  for (const [hexText, roundTrip] of roundTrips) {
    if (hexText === undefined) continue;
    expect(toHex(roundTrip(message(hexText)))).toBe(hexText);
    checked++;
  }
  expect(checked).toBe(messages);
}

/** Feeds the trace's ServerHello to a client state built on the trace's ClientHello; returns the context. */
function replayClient(t: Trace, psk?: { secret: string; ticketAlpn: string }) {
  const config = resolveClientConfig({
    provider,
    random: replaying(),
    now: () => NOW,
    alpn: ["h3"],
    transportParameters: new Uint8Array(0),
    verifier: trusting(credentials("p256", provider), provider),
  });
  const context = new HandshakeContext(config);
  const clientHello = message(t.clientHello!);
  const hello = decodeClientHello(clientHello.body);
  const transcript = new Transcript();
  transcript.add(clientHello.raw);
  const share = provider.generateKeyShare("x25519", replaying(t.clientPrivateKey!));
  expect(toHex(share.publicKey)).toBe(t.clientPublicKey);
  const ticket = {
    ticket: new Uint8Array(1),
    psk: new Uint8Array(0),
    suite: 0x1301,
    alpn: psk?.ticketAlpn ?? "",
    serverName: undefined,
    lifetime: 1,
    ageAdd: 0,
    receivedAt: NOW,
    earlyData: true,
    peerTransportParameters: new Uint8Array(0),
  };
  const state = new ExpectServerHello(
    {
      hello,
      message: clientHello.raw,
      keyShares: new Map([[0x001d, share]]),
      psk: psk && { ticket, hkdf, earlySecret: new EarlySecret(hkdf, fromHex(psk.secret)) },
      earlyData: psk !== undefined,
    },
    transcript,
  );
  const next = state.handle(context, message(t.serverHello!));
  return { context, next };
}

function expectAlert(run: () => unknown, alert: number): void {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(TlsAlert);
    expect((error as TlsAlert).alert).toBe(alert);
    return;
  }
  expect.unreachable("no alert was raised");
}

describe("RFC 8448 §3: simple 1-RTT handshake", () => {
  const t = vectors.simple;

  it("decodes and re-encodes every handshake message byte for byte", () => {
    checkCodecs(t, 6);
    const hello = decodeClientHello(message(t.clientHello!).body);
    expect(hello.cipherSuites).toEqual([0x1301, 0x1303, 0x1302]);
    expect(findExtension(hello.extensions, "server_name")?.hostName).toBe("server");
    expect(toHex(findExtension(hello.extensions, "key_share")!.shares[0]!.keyExchange)).toBe(t.clientPublicKey);
  });

  it("computes both X25519 key shares and the shared secret from the trace's private keys", () => {
    const client = provider.generateKeyShare("x25519", replaying(t.clientPrivateKey!));
    const server = provider.respondKeyShare("x25519", client.publicKey, replaying(t.serverPrivateKey!))!;
    expect(toHex(server.publicKey)).toBe(t.serverPublicKey);
    expect(toHex(server.sharedSecret)).toBe(t.sharedSecret);
    expect(toHex(client.complete(server.publicKey)!)).toBe(t.sharedSecret);
  });

  it("derives every secret of the key schedule and both Finished messages", () => {
    checkKeySchedule(t);
  });

  it("derives the ticket's PSK from the resumption master secret and ticket_nonce", () => {
    const ticket = decodeNewSessionTicket(message(t.newSessionTicket!).body);
    expect(ticket.ticketLifetime).toBe(30);
    expect(findExtension(ticket.extensions, "early_data")?.maxEarlyDataSize).toBe(1024);
    expect(toHex(resumptionPsk(hkdf, fromHex(t.resumptionMasterSecret!), ticket.ticketNonce))).toBe(t.resumptionPsk);
  });

  it("verifies the server's RSA-PSS CertificateVerify over the transcript", () => {
    const transcript = new Transcript();
    transcript.useHash(hkdf);
    for (const name of ["clientHello", "serverHello", "encryptedExtensions", "certificate"]) transcript.add(message(t[name]!).raw);
    const verify = decodeCertificateVerify(message(t.certificateVerify!).body);
    expect(verify.algorithm).toBe(0x0804);
    const content = signedContent("server", transcript.hash());
    expect(provider.verify("rsa_pss_rsae_sha256", rsaKey, content, verify.signature)).toBe(true);
    expect(provider.verify("rsa_pss_rsae_sha256", rsaKey, signedContent("client", transcript.hash()), verify.signature)).toBe(false);
  });

  it("replays the client state machine: handshake secrets from the ServerHello, then missing_extension at EncryptedExtensions", () => {
    const { context, next } = replayClient(t);
    const keys = context.outputs.filter((output) => output.kind === "install_key");
    expect(keys.map((key) => [key.level, key.direction, toHex(key.secret), key.suite])).toEqual([
      ["handshake", "read", t.serverHandshakeTrafficSecret, 0x1301],
      ["handshake", "write", t.clientHandshakeTrafficSecret, 0x1301],
    ]);
    // RFC 9001 §8.2: the trace's EncryptedExtensions has no quic_transport_parameters.
    expectAlert(() => (next as ExpectServerHello).handle(context, message(t.encryptedExtensions!)), AlertDescription.missing_extension);
  });

  it("a server refuses the trace's ClientHello for its missing quic_transport_parameters", () => {
    const p256 = credentials("p256", provider);
    const server = new TlsServer({
      provider,
      random: replaying(),
      now: () => NOW,
      alpn: ["h3"],
      transportParameters: new Uint8Array(0),
      certificateChain: p256.chain,
      privateKey: p256.privateKey,
    });
    server.receive("initial", fromHex(t.clientHello!));
    expect(server.poll()).toMatchObject({ kind: "alert", alert: 109, transportError: cryptoError(109) });
    expect(server.poll()).toBeNull();
  });
});

describe("RFC 8448 §4: resumed 0-RTT handshake", () => {
  const t = vectors.resumed;

  it("decodes and re-encodes every handshake message byte for byte", () => {
    checkCodecs(t, 3);
    const hello = decodeClientHello(message(t.clientHello!).body);
    expect(hello.extensions.at(-1)?.type).toBe("pre_shared_key");
    expect(findExtension(hello.extensions, "early_data")).toEqual({ type: "early_data" });
  });

  it("derives the early secret, binder, early traffic secrets and the rest of the schedule", () => {
    const early = new EarlySecret(hkdf, fromHex(t.psk!));
    expect(toHex(early.secret)).toBe(t.earlySecret);
    expect(toHex(early.resumptionBinderKey())).toBe(t.binderKey);
    const clientHello = message(t.clientHello!);
    const truncated = truncateBinders(decodeClientHello(clientHello.body), clientHello.raw);
    expect(toHex(hkdf.digest(truncated))).toBe(t.binderHash);
    const binder = finishedVerifyData(hkdf, early.resumptionBinderKey(), hkdf.digest(truncated));
    expect(toHex(binder)).toBe(t.binder);
    expect(toHex(findExtension(decodeClientHello(clientHello.body).extensions, "pre_shared_key")!.binders[0]!)).toBe(t.binder);
    const clientHelloHash = hkdf.digest(clientHello.raw);
    expect(toHex(early.clientEarlyTrafficSecret(clientHelloHash))).toBe(t.clientEarlyTrafficSecret);
    expect(toHex(hkdf.deriveSecret(early.secret, "e exp master", clientHelloHash))).toBe(t.earlyExporterMasterSecret);
    checkKeySchedule(t, { psk: t.psk!, endOfEarlyData: t.endOfEarlyData! });
  });

  it("the PSK of §3's ticket is the PSK this handshake resumes with", () => {
    expect(vectors.simple.resumptionPsk).toBe(t.psk);
  });

  it("replays the client state machine with the PSK accepted, then missing_extension at EncryptedExtensions", () => {
    const { context, next } = replayClient(t, { secret: t.psk!, ticketAlpn: "h3" });
    expect(context.facts.resumed).toBe(true);
    const keys = context.outputs.filter((output) => output.kind === "install_key");
    expect(keys.map((key) => toHex(key.secret))).toEqual([t.serverHandshakeTrafficSecret, t.clientHandshakeTrafficSecret]);
    expectAlert(() => (next as ExpectServerHello).handle(context, message(t.encryptedExtensions!)), AlertDescription.missing_extension);
  });
});

describe("RFC 8448 §5: HelloRetryRequest", () => {
  const t = vectors.retry;

  it("decodes and re-encodes every handshake message byte for byte", () => {
    checkCodecs(t, 7);
    const retry = decodeServerHello(message(t.helloRetryRequest!).body);
    expect(retry.kind).toBe("hello_retry_request");
    if (retry.kind !== "hello_retry_request") return;
    expect(findExtension(retry.extensions, "key_share")?.selectedGroup).toBe(0x0017);
    expect(findExtension(retry.extensions, "cookie")?.cookie.length).toBeGreaterThan(0);
    expect(decodeServerHello(message(t.serverHello!).body).kind).toBe("server_hello");
  });

  it("derives every secret with ClientHello1 replaced by message_hash", () => {
    const client = provider.generateKeyShare("secp256r1", replaying(t.clientPrivateKey!));
    expect(toHex(client.publicKey)).toBe(t.clientPublicKey);
    const server = provider.respondKeyShare("secp256r1", client.publicKey, replaying(t.serverPrivateKey!))!;
    expect(toHex(server.publicKey)).toBe(t.serverPublicKey);
    expect(toHex(server.sharedSecret)).toBe(t.sharedSecret);
    checkKeySchedule(t, { retry: true });
  });

  it("the client answers the trace's HelloRetryRequest with a P-256 share and the cookie echoed", () => {
    const config = resolveClientConfig({
      provider,
      random: replaying(t.clientPrivateKey!),
      now: () => NOW,
      alpn: ["h3"],
      transportParameters: new Uint8Array(0),
      verifier: trusting(credentials("p256", provider), provider),
    });
    const context = new HandshakeContext(config);
    const clientHello1 = message(t.clientHello1!);
    const transcript = new Transcript();
    transcript.add(clientHello1.raw);
    const share = provider.generateKeyShare("x25519", replaying(t.clientPrivateKey1!));
    const state = new ExpectServerHello(
      { hello: decodeClientHello(clientHello1.body), message: clientHello1.raw, keyShares: new Map([[0x001d, share]]), psk: undefined, earlyData: false },
      transcript,
    );
    state.handle(context, message(t.helloRetryRequest!));
    const sent = context.outputs[0];
    expect(sent?.kind).toBe("handshake_data");
    if (sent?.kind !== "handshake_data") return;
    const second = decodeClientHello(sent.data.subarray(4));
    const hrr = decodeServerHello(message(t.helloRetryRequest!).body);
    expect(findExtension(second.extensions, "key_share")?.shares.map((s) => [s.group, toHex(s.keyExchange)])).toEqual([[0x0017, t.clientPublicKey]]);
    expect(findExtension(second.extensions, "cookie")?.cookie).toEqual(
      hrr.kind === "hello_retry_request" ? findExtension(hrr.extensions, "cookie")?.cookie : undefined,
    );
    expect(second.random).toEqual(decodeClientHello(clientHello1.body).random);
  });
});

describe("RFC 8448 §6: client authentication", () => {
  const t = vectors.clientAuth;

  it("decodes and re-encodes every handshake message byte for byte", () => {
    checkCodecs(t, 8);
    const request = decodeCertificateRequest(message(t.certificateRequest!).body);
    expect(request.certificateRequestContext.length).toBe(0);
    expect(findExtension(request.extensions, "signature_algorithms")?.schemes).toContain(0x0804);
  });

  it("derives every secret of the key schedule", () => {
    checkKeySchedule(t);
  });

  it("verifies the server's ECDSA and the client's RSA-PSS CertificateVerify", () => {
    const transcript = new Transcript();
    transcript.useHash(hkdf);
    for (const name of ["clientHello", "serverHello", "encryptedExtensions", "certificateRequest", "certificate"]) transcript.add(message(t[name]!).raw);
    const serverLeaf = parseCertificate(decodeCertificateMessage(message(t.certificate!).body).certificateList[0]!.certData);
    const serverVerify = decodeCertificateVerify(message(t.certificateVerify!).body);
    expect(serverVerify.algorithm).toBe(0x0403);
    expect(provider.verify("ecdsa_secp256r1_sha256", serverLeaf.publicKey!, signedContent("server", transcript.hash()), serverVerify.signature)).toBe(true);

    for (const name of ["certificateVerify", "serverFinished", "clientCertificate"]) transcript.add(message(t[name]!).raw);
    const clientVerify = decodeCertificateVerify(message(t.clientCertificateVerify!).body);
    expect(clientVerify.algorithm).toBe(0x0804);
    // The client's RSA-1024 key is below what X.509 parsing accepts (2048 bits), so read its
    // modulus out of the DER directly: RSAPublicKey's INTEGER n is `02 81 81 00` + 128 bytes.
    const clientDer = toHex(decodeCertificateMessage(message(t.clientCertificate!).body).certificateList[0]!.certData);
    const modulus = /02818100([0-9a-f]{256})0203010001/.exec(clientDer)![1]!;
    const clientKey = { kind: "rsa" as const, n: BigInt(`0x${modulus}`), e: 65537n };
    const content = signedContent("client", transcript.hash());
    expect(provider.verify("rsa_pss_rsae_sha256", clientKey, content, clientVerify.signature)).toBe(true);
    expect(provider.verify("rsa_pss_rsae_sha256", rsaKey, content, clientVerify.signature)).toBe(false);
  });
});

describe("RFC 8448 §7: compatibility mode", () => {
  it("a QUIC server treats the non-empty legacy_session_id as PROTOCOL_VIOLATION (RFC 9001 §8.4)", () => {
    const p256 = credentials("p256", provider);
    const server = new TlsServer({
      provider,
      random: replaying(),
      now: () => NOW,
      alpn: ["h3"],
      transportParameters: utf8("x"),
      certificateChain: p256.chain,
      privateKey: p256.privateKey,
    });
    server.receive("initial", fromHex(vectors.compatibility.clientHello!));
    expect(server.poll()).toMatchObject({ kind: "alert", alert: AlertDescription.illegal_parameter, transportError: TransportError.PROTOCOL_VIOLATION });
  });
});
