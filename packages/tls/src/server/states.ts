/**
 * The server's handshake states (RFC 8446 §2, the server side of Appendix A.2),
 * QUIC variant (RFC 9001): no EndOfEarlyData, no KeyUpdate, no post-handshake
 * authentication.
 *
 * ```text
 * ExpectClientHello ─(HRR)→ ExpectClientHello (once)
 *        │ sends ServerHello … Finished
 *        ├─(CertificateRequest sent)→ ExpectClientCertificate ─→ ExpectClientCertificateVerify
 *        │                                        │ (empty)              │
 * ExpectClientFinished ◄──────────────────────────┴──────────────────────┘
 *        │ (sends NewSessionTickets)
 * Connected
 * ```
 *
 * @module
 */
import { Reader, concatBytes, equalBytes } from "@zquic/wire";
import { alert } from "../alert.js";
import {
  type PeerCertificate,
  certificateMessage,
  certificateVerifyMessage,
  checkCertificateVerify,
  checkFinished,
  finishedMessage,
  readPeerCertificate,
  verifyChain,
} from "../authentication.js";
import { type CipherSuiteParameters, cipherSuite } from "../cipher-suite.js";
import { QUIC_MAX_EARLY_DATA, type ResolvedServerConfig } from "../config.js";
import type { HandshakeContext } from "../context.js";
import { Hkdf } from "../hkdf.js";
import { EarlySecret, type MasterSecret, type TrafficSecrets, resumptionPsk } from "../key-schedule.js";
import { encodeCertificateRequest } from "../messages/certificate-request.js";
import { LEGACY_VERSION, TLS13, decodeClientHello } from "../messages/client-hello.js";
import { encodeEncryptedExtensions } from "../messages/encrypted-extensions.js";
import { type EncryptedExtension, type KeyShareEntry, PskKeyExchangeMode, findExtension } from "../messages/extensions.js";
import { type HandshakeMessage, HandshakeType, expectType } from "../messages/handshake.js";
import { encodeNewSessionTicket } from "../messages/new-session-ticket.js";
import { HELLO_RETRY_REQUEST_RANDOM, encodeServerHello } from "../messages/server-hello.js";
import { keyExchangeGroup } from "../named-group.js";
import type { HandshakeState } from "../session.js";
import { chooseSignatureScheme, handshakeSignatureAlgorithm } from "../signature-scheme.js";
import { Transcript } from "../transcript.js";
import { type AcceptedPsk, type ClientOffer, acceptEarlyData, acceptPsk, checkRetriedHello, readClientOffer } from "./client-offer.js";
import { encodeTicketState } from "./ticket-state.js";

type Context = HandshakeContext<ResolvedServerConfig>;
type State = HandshakeState<ResolvedServerConfig>;


/** The size of the cookie the HelloRetryRequest carries and the second ClientHello must echo (RFC 8446 §4.2.2). */
const COOKIE_LENGTH = 16;

/** What the server remembers between its HelloRetryRequest and the second ClientHello. */
export interface RetryState {
  readonly suite: number;
  readonly group: number;
  readonly cookie: Uint8Array;
  readonly transcript: Transcript;
}

/** What the states after the server's flight know. */
interface Negotiated {
  readonly suite: CipherSuiteParameters;
  readonly hkdf: Hkdf;
  readonly transcript: Transcript;
  readonly handshakeTraffic: TrafficSecrets;
  readonly masterSecret: MasterSecret;
  readonly applicationTraffic: TrafficSecrets;
  /** The client allows resumption with psk_dhe_ke, so tickets are worth sending (RFC 8446 §4.2.9). */
  readonly ticketsWanted: boolean;
}

/** Waiting for a ClientHello (the first, or the second after a HelloRetryRequest). */
export class ExpectClientHello implements State {
  readonly level = "initial";

  constructor(private readonly retry?: RetryState) {}

  handle(context: Context, message: HandshakeMessage): State {
    expectType(message, HandshakeType.client_hello, "ClientHello");
    const offer = readClientOffer(decodeClientHello(message.body));
    const { config, facts } = context;
    context.clientRandom = offer.hello.random;
    const suite = chooseSuite(config, offer, this.retry);
    const hkdf = Hkdf.of(config.provider, suite.hash);
    facts.cipherSuite = suite.id;
    facts.alpn = chooseProtocol(config, offer);
    facts.peerTransportParameters = offer.transportParameters;
    facts.serverName = findExtension(offer.hello.extensions, "server_name")?.hostName;

    const share = chooseShare(config, offer);
    if (share === undefined) return helloRetryRequest(context, offer, message, suite, hkdf, this.retry);
    if (this.retry !== undefined) checkRetriedHello(offer, this.retry.group, this.retry.cookie);

    const transcript = this.retry?.transcript ?? new Transcript();
    transcript.useHash(hkdf);
    const psk = acceptPsk(context, offer, message, hkdf, transcript);
    const scheme = psk === undefined ? chooseScheme(config, offer) : undefined;
    transcript.add(message.raw);
    facts.resumed = psk !== undefined;
    // RFC 8446 §4.2.10: no 0-RTT after a HelloRetryRequest (checkRetriedHello refuses early_data there).
    if (offer.earlyData) facts.earlyDataAccepted = psk !== undefined && acceptEarlyData(context, psk, suite);
    if (facts.earlyDataAccepted === true) {
      const secret = psk!.earlySecret.clientEarlyTrafficSecret(transcript.hash());
      context.installKey("early", "read", secret, suite.id, "CLIENT_EARLY_TRAFFIC_SECRET");
    }
    const sharedSecret = serverHello(context, offer, share, psk, suite, transcript);
    const handshakeSecret = (psk?.earlySecret ?? new EarlySecret(hkdf)).handshakeSecret(sharedSecret);
    const handshakeTraffic = handshakeSecret.trafficSecrets(transcript.hash());
    context.installKey("handshake", "write", handshakeTraffic.server, suite.id, "SERVER_HANDSHAKE_TRAFFIC_SECRET");
    context.installKey("handshake", "read", handshakeTraffic.client, suite.id, "CLIENT_HANDSHAKE_TRAFFIC_SECRET");

    const requestCertificate = psk === undefined && config.clientCertificate !== "none";
    serverFlight(context, { hkdf, transcript, baseKey: handshakeTraffic.server, requestCertificate, scheme });
    const masterSecret = handshakeSecret.masterSecret();
    const serverFinishedHash = transcript.hash();
    const applicationTraffic = masterSecret.trafficSecrets(serverFinishedHash);
    facts.exporter = { hkdf, secret: masterSecret.exporterMasterSecret(serverFinishedHash) };
    // RFC 8446 §4.4.4: the server may send (0.5-RTT) data after its Finished.
    context.installKey("application", "write", applicationTraffic.server, suite.id, "SERVER_TRAFFIC_SECRET_0");
    const negotiated: Negotiated = {
      suite,
      hkdf,
      transcript,
      handshakeTraffic,
      masterSecret,
      applicationTraffic,
      ticketsWanted: offer.pskModes.includes(PskKeyExchangeMode.psk_dhe_ke),
    };
    return requestCertificate ? new ExpectClientCertificate(negotiated) : new ExpectClientFinished(negotiated);
  }
}

/**
 * RFC 8446 §4.1.3: answers the client's key share and sends the ServerHello
 * (with the selected PSK); returns the (EC)DHE shared secret.
 */
function serverHello(
  context: Context,
  offer: ClientOffer,
  share: KeyShareEntry,
  psk: AcceptedPsk | undefined,
  suite: CipherSuiteParameters,
  transcript: Transcript,
): Uint8Array {
  const { config } = context;
  const exchange = config.provider.respondKeyShare(keyExchangeGroup(share.group)!, share.keyExchange, config.random);
  if (exchange === null) throw alert("illegal_parameter", "the client's key share is malformed");
  const message = encodeServerHello({
    kind: "server_hello",
    legacyVersion: LEGACY_VERSION,
    random: config.random(32),
    legacySessionIdEcho: offer.hello.legacySessionId,
    cipherSuite: suite.id,
    legacyCompressionMethod: 0,
    extensions: [
      { type: "supported_versions", version: TLS13 },
      { type: "key_share", share: { group: share.group, keyExchange: exchange.publicKey } },
      ...(psk === undefined ? [] : [{ type: "pre_shared_key" as const, selectedIdentity: psk.index }]),
    ],
  });
  transcript.add(message);
  context.send("initial", message);
  return exchange.sharedSecret;
}

/**
 * RFC 8446 §4.3.1 … §4.4.4: sends EncryptedExtensions, [CertificateRequest,]
 * [Certificate, CertificateVerify (when authenticating with `scheme`),] Finished,
 * adding each to the transcript.
 */
function serverFlight(
  context: Context,
  flight: {
    readonly hkdf: Hkdf;
    readonly transcript: Transcript;
    readonly baseKey: Uint8Array;
    readonly requestCertificate: boolean;
    readonly scheme: number | undefined;
  },
): void {
  const { config } = context;
  const { hkdf, transcript, scheme } = flight;
  const messages = [encodeEncryptedExtensions(encryptedExtensions(context))];
  if (flight.requestCertificate) messages.push(certificateRequest(config));
  if (scheme !== undefined) messages.push(certificateMessage(config.certificateChain, new Uint8Array(0)));
  for (const message of messages) transcript.add(message);
  if (scheme !== undefined) {
    const verify = certificateVerifyMessage(config.provider, config.privateKey, scheme, "server", transcript.hash(), config.random);
    transcript.add(verify);
    messages.push(verify);
  }
  const finished = finishedMessage(hkdf, flight.baseKey, transcript.hash());
  transcript.add(finished);
  context.send("handshake", concatBytes(...messages, finished));
}

/** RFC 8446 §4.1.1: our most preferred suite the client offers; after a retry, the same one (§4.1.4). */
function chooseSuite(config: ResolvedServerConfig, offer: ClientOffer, retry: RetryState | undefined): CipherSuiteParameters {
  const code = retry?.suite ?? config.cipherSuites.find((suite) => offer.hello.cipherSuites.includes(suite));
  if (code === undefined) throw alert("handshake_failure", "no cipher suite in common");
  if (!offer.hello.cipherSuites.includes(code)) throw alert("illegal_parameter", "the second ClientHello dropped the chosen cipher suite");
  return cipherSuite(code)!;
}

/** RFC 7301 §3.2, RFC 9001 §8.1: our most preferred protocol the client offers, else no_application_protocol. */
function chooseProtocol(config: ResolvedServerConfig, offer: ClientOffer): string {
  const index = config.alpnProtocols.findIndex((ours) => offer.protocols.some((offered) => equalBytes(offered, ours)));
  if (index === -1) throw alert("no_application_protocol", "no ALPN protocol in common");
  return config.alpn[index]!;
}

/** The client's share in our most preferred group it sent one for, or `undefined` when a HelloRetryRequest must ask. */
function chooseShare(config: ResolvedServerConfig, offer: ClientOffer): KeyShareEntry | undefined {
  for (const group of config.groups) {
    const share = offer.shares.find((entry) => entry.group === group);
    if (share !== undefined) return share;
  }
  return undefined;
}

/**
 * RFC 8446 §4.4.2.2: a scheme from the client's list that our key can sign
 * with; none is handshake_failure, no list at all missing_extension (§4.2.3).
 */
function chooseScheme(config: ResolvedServerConfig, offer: ClientOffer): number {
  if (offer.schemes === undefined) throw alert("missing_extension", "certificate authentication without signature_algorithms");
  const scheme = chooseSignatureScheme(config.privateKey, offer.schemes, config.signatureSchemes);
  if (scheme === undefined) throw alert("handshake_failure", "no signature scheme in common for the certificate's key");
  return scheme;
}

/**
 * RFC 8446 §4.1.4: asks for a share in our most preferred group the client
 * supports, with a cookie the second ClientHello must echo. ClientHello1 is
 * replaced by its hash in the transcript (§4.4.1).
 */
function helloRetryRequest(
  context: Context,
  offer: ClientOffer,
  message: HandshakeMessage,
  suite: CipherSuiteParameters,
  hkdf: Hkdf,
  retry: RetryState | undefined,
): State {
  const { config } = context;
  const group = config.groups.find((candidate) => offer.groups.includes(candidate));
  if (group === undefined) throw alert("handshake_failure", "no key exchange group in common");
  if (retry !== undefined) throw alert("illegal_parameter", "the second ClientHello has no share for the requested group");
  const cookie = config.random(COOKIE_LENGTH);
  const transcript = new Transcript();
  transcript.add(message.raw);
  transcript.replaceWithMessageHash(hkdf);
  const request = encodeServerHello({
    kind: "hello_retry_request",
    legacyVersion: LEGACY_VERSION,
    random: HELLO_RETRY_REQUEST_RANDOM,
    legacySessionIdEcho: offer.hello.legacySessionId,
    cipherSuite: suite.id,
    legacyCompressionMethod: 0,
    extensions: [
      { type: "supported_versions", version: TLS13 },
      { type: "key_share", selectedGroup: group },
      { type: "cookie", cookie },
    ],
  });
  transcript.add(request);
  context.send("initial", request);
  return new ExpectClientHello({ suite: suite.id, group, cookie, transcript });
}

/** RFC 8446 §4.3.1: the server's EncryptedExtensions (ALPN, transport parameters, SNI and 0-RTT acknowledgements). */
function encryptedExtensions(context: Context): EncryptedExtension[] {
  const { config, facts } = context;
  return [
    { type: "application_layer_protocol_negotiation", protocol: config.alpnProtocols[config.alpn.indexOf(facts.alpn!)]! },
    { type: "quic_transport_parameters", parameters: config.answerTransportParameters?.(facts.peerTransportParameters!) ?? config.transportParameters },
    // RFC 6066 §3: a server that used the name answers with an empty server_name.
    ...(facts.serverName === undefined ? [] : [{ type: "server_name" as const }]),
    ...(facts.earlyDataAccepted === true ? [{ type: "early_data" as const }] : []),
  ];
}

/** RFC 8446 §4.3.2: a CertificateRequest with an empty context and the schemes we verify. */
function certificateRequest(config: ResolvedServerConfig): Uint8Array {
  const schemes = config.signatureSchemes.filter((scheme) => handshakeSignatureAlgorithm(scheme) !== undefined);
  return encodeCertificateRequest({ certificateRequestContext: new Uint8Array(0), extensions: [{ type: "signature_algorithms", schemes }] });
}

/** Waiting for the client's Certificate (after our CertificateRequest). */
class ExpectClientCertificate implements State {
  readonly level = "handshake";

  constructor(private readonly negotiated: Negotiated) {}

  handle(context: Context, message: HandshakeMessage): State {
    expectType(message, HandshakeType.certificate, "Certificate");
    const peer = readPeerCertificate(message, new Uint8Array(0));
    this.negotiated.transcript.add(message.raw);
    if (peer !== undefined) {
      context.facts.peerCertificates = peer.chain;
      return new ExpectClientCertificateVerify(this.negotiated, peer);
    }
    // RFC 8446 §4.4.2.4: no certificate: continue unauthenticated, or certificate_required.
    if (context.config.clientCertificate === "required") throw alert("certificate_required", "the client sent no certificate");
    return new ExpectClientFinished(this.negotiated);
  }
}

/** Waiting for the client's CertificateVerify; the chain is verified here (possibly asynchronously). */
class ExpectClientCertificateVerify implements State {
  readonly level = "handshake";

  constructor(
    private readonly negotiated: Negotiated,
    private readonly peer: PeerCertificate,
  ) {}

  handle(context: Context, message: HandshakeMessage): State | Promise<State> {
    expectType(message, HandshakeType.certificate_verify, "CertificateVerify");
    const { config } = context;
    const checked = verifyChain(config.verifier!, this.peer, config.now(), "client", undefined);
    return checked instanceof Promise ? checked.then(() => this.checkSignature(context, message)) : this.checkSignature(context, message);
  }

  private checkSignature(context: Context, message: HandshakeMessage): State {
    const { transcript } = this.negotiated;
    // RFC 8446 §4.4.3: the client signs with a scheme from our CertificateRequest.
    const requested = context.config.signatureSchemes.filter((scheme) => handshakeSignatureAlgorithm(scheme) !== undefined);
    checkCertificateVerify(context.config.provider, message, this.peer.publicKey, requested, "client", transcript.hash());
    transcript.add(message.raw);
    return new ExpectClientFinished(this.negotiated);
  }
}

/** Waiting for the client's Finished; then the handshake is complete and tickets go out. */
class ExpectClientFinished implements State {
  readonly level = "handshake";

  constructor(private readonly negotiated: Negotiated) {}

  handle(context: Context, message: HandshakeMessage): State {
    expectType(message, HandshakeType.finished, "Finished");
    const { suite, hkdf, transcript, handshakeTraffic, applicationTraffic } = this.negotiated;
    checkFinished(hkdf, handshakeTraffic.client, transcript.hash(), message);
    transcript.add(message.raw);
    context.installKey("application", "read", applicationTraffic.client, suite.id, "CLIENT_TRAFFIC_SECRET_0");
    context.facts.handshakeComplete = true;
    context.outputs.push({ kind: "handshake_complete" });
    const tickets = this.sessionTickets(context);
    if (tickets.length > 0) context.send("application", concatBytes(...tickets));
    return new Connected();
  }

  /**
   * RFC 8446 §4.6.1: NewSessionTickets sealing the resumption state (with 0-RTT
   * allowed when configured); the resumption_master_secret is derived only when
   * tickets go out.
   */
  private sessionTickets(context: Context): Uint8Array[] {
    const { config, facts } = context;
    const ticketKeys = config.ticketKeys;
    if (ticketKeys === undefined || !this.negotiated.ticketsWanted) return [];
    const { suite, hkdf, masterSecret, transcript } = this.negotiated;
    const resumptionMasterSecret = masterSecret.resumptionMasterSecret(transcript.hash());
    const now = config.now();
    return Array.from({ length: config.ticketCount }, (_, index) => {
      // RFC 8446 §4.6.1: a nonce unique per ticket of this connection; a fresh ticket_age_add each.
      const ticketNonce = Uint8Array.of(index);
      const ageAdd = new Reader(config.random(4)).u32();
      const state = {
        suite: suite.id,
        psk: resumptionPsk(hkdf, resumptionMasterSecret, ticketNonce),
        createdAt: Math.floor(now),
        lifetime: config.ticketLifetime,
        ageAdd,
        alpn: facts.alpn!,
        earlyData: config.earlyData,
        earlyDataContext: config.earlyDataContext,
      };
      return encodeNewSessionTicket({
        ticketLifetime: config.ticketLifetime,
        ticketAgeAdd: ageAdd,
        ticketNonce,
        ticket: ticketKeys.seal(now, encodeTicketState(state)),
        extensions: config.earlyData ? [{ type: "early_data", maxEarlyDataSize: QUIC_MAX_EARLY_DATA }] : [],
      });
    });
  }
}

/** After the handshake the client sends no more handshake messages in QUIC (RFC 9001 §6: no KeyUpdate). */
class Connected implements State {
  readonly level = "application";

  handle(_context: Context, message: HandshakeMessage): never {
    throw alert("unexpected_message", `handshake message type ${message.type} after the handshake`);
  }
}
