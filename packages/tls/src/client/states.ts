/**
 * The client's handshake states (RFC 8446 §2, the client side of the state
 * machine in Appendix A.1), QUIC variant (RFC 9001): no EndOfEarlyData, no
 * KeyUpdate, no post-handshake authentication.
 *
 * ```text
 * ExpectServerHello ─HRR→ ExpectServerHello (once)
 *        │ SH
 * ExpectEncryptedExtensions ─(PSK)──────────────────────────────┐
 *        │                                                      │
 * ExpectCertificateOrRequest ─CR→ ExpectCertificate             │
 *        │ Certificate                 │ Certificate            │
 * ExpectCertificateVerify ◄────────────┘                        │
 *        │                                                      │
 * ExpectFinished ◄──────────────────────────────────────────────┘
 *        │ (sends Certificate/CertificateVerify if asked, Finished)
 * Connected (NewSessionTicket)
 * ```
 *
 * @module
 */
import type { KeyShare } from "@zquic/crypto";
import { TransportError, concatBytes, equalBytes, fromUtf8Strict } from "@zquic/wire";
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
import { QUIC_MAX_EARLY_DATA, MAX_TICKET_LIFETIME, type ResolvedClientConfig } from "../config.js";
import type { HandshakeContext } from "../context.js";
import { Hkdf } from "../hkdf.js";
import { EarlySecret, type HandshakeSecret, type MasterSecret, type TrafficSecrets, resumptionPsk } from "../key-schedule.js";
import { decodeCertificateRequest } from "../messages/certificate-request.js";
import { TLS13 } from "../messages/client-hello.js";
import { decodeEncryptedExtensions } from "../messages/encrypted-extensions.js";
import { type HelloRetryRequestExtension, type ServerHelloExtension, checkSolicited, findExtension } from "../messages/extensions.js";
import { type HandshakeMessage, HandshakeType, expectType } from "../messages/handshake.js";
import { decodeNewSessionTicket } from "../messages/new-session-ticket.js";
import {
  DOWNGRADE_TLS11,
  DOWNGRADE_TLS12,
  type HelloRetryRequest,
  type ServerHello,
  decodeServerHello,
} from "../messages/server-hello.js";
import type { HandshakeState } from "../session.js";
import { chooseSignatureScheme } from "../signature-scheme.js";
import { Transcript } from "../transcript.js";
import { type ClientHelloOffer, retryClientHello } from "./client-hello.js";

type Context = HandshakeContext<ResolvedClientConfig>;
type State = HandshakeState<ResolvedClientConfig>;



/** What every state after the ServerHello knows. */
interface Negotiated {
  readonly suite: CipherSuiteParameters;
  readonly hkdf: Hkdf;
  readonly transcript: Transcript;
  readonly handshakeSecret: HandshakeSecret;
  readonly handshakeTraffic: TrafficSecrets;
  readonly offer: ClientHelloOffer;
  /** True when the server accepted our PSK (then no certificate follows). */
  readonly resumed: boolean;
}

/** Waiting for the ServerHello or a HelloRetryRequest. */
export class ExpectServerHello implements State {
  readonly level = "initial";

  constructor(
    readonly offer: ClientHelloOffer,
    readonly transcript: Transcript,
    /** The HelloRetryRequest already answered, if any. */
    readonly retried?: HelloRetryRequest,
  ) {}

  handle(context: Context, message: HandshakeMessage): State {
    expectType(message, HandshakeType.server_hello, "ServerHello");
    const hello = decodeServerHello(message.body);
    const suite = this.checkHello(hello);
    const hkdf = Hkdf.of(context.config.provider, suite.hash);
    context.facts.cipherSuite = suite.id;
    return hello.kind === "hello_retry_request" ? this.retry(context, hello, message, hkdf) : this.accept(context, hello, message, suite, hkdf);
  }

  /** RFC 8446 §4.1.3, §4.1.4: the checks ServerHello and HelloRetryRequest share. */
  private checkHello(hello: ServerHello | HelloRetryRequest): CipherSuiteParameters {
    if (!equalBytes(hello.legacySessionIdEcho, this.offer.hello.legacySessionId)) {
      throw alert("illegal_parameter", "legacy_session_id_echo differs from what was sent");
    }
    const extensions: readonly (ServerHelloExtension | HelloRetryRequestExtension)[] = hello.extensions;
    const version = findExtension(extensions, "supported_versions");
    if (version === undefined) {
      // RFC 8446 §4.1.3: a TLS 1.2-or-below ServerHello carrying the downgrade sentinel is illegal_parameter.
      const tail = hello.random.subarray(24);
      if (equalBytes(tail, DOWNGRADE_TLS12) || equalBytes(tail, DOWNGRADE_TLS11)) throw alert("illegal_parameter", "downgrade sentinel in ServerHello.random");
      throw alert("protocol_version", "the server did not negotiate TLS 1.3 (RFC 9001 §4.2)");
    }
    if (version.version !== TLS13) throw alert("illegal_parameter", `the server selected version 0x${version.version.toString(16)}`);
    const suite = cipherSuite(hello.cipherSuite);
    if (suite === undefined || !this.offer.hello.cipherSuites.includes(hello.cipherSuite)) {
      throw alert("illegal_parameter", `the server selected cipher suite 0x${hello.cipherSuite.toString(16)}, which was not offered`);
    }
    if (this.retried !== undefined && this.retried.cipherSuite !== hello.cipherSuite) {
      throw alert("illegal_parameter", "the cipher suite differs from the HelloRetryRequest's");
    }
    return suite;
  }

  /** RFC 8446 §4.1.4: answers a HelloRetryRequest with a second ClientHello. */
  private retry(context: Context, hrr: HelloRetryRequest, message: HandshakeMessage, hkdf: Hkdf): State {
    if (this.retried !== undefined) throw alert("unexpected_message", "a second HelloRetryRequest");
    checkSolicited(hrr.extensions, this.offer.hello.extensions, ["cookie"]);
    const keyShare = findExtension(hrr.extensions, "key_share");
    const cookie = findExtension(hrr.extensions, "cookie");
    if (keyShare !== undefined) {
      // RFC 8446 §4.2.8: the group must be offered in supported_groups and not already have a share.
      const groups = findExtension(this.offer.hello.extensions, "supported_groups")!.groups;
      if (!groups.includes(keyShare.selectedGroup) || this.offer.keyShares.has(keyShare.selectedGroup) || !context.config.groups.includes(keyShare.selectedGroup)) {
        throw alert("illegal_parameter", `HelloRetryRequest selected group 0x${keyShare.selectedGroup.toString(16)}`);
      }
    }
    if (keyShare === undefined && cookie === undefined) throw alert("illegal_parameter", "a HelloRetryRequest that would change nothing");
    this.transcript.replaceWithMessageHash(hkdf);
    this.transcript.add(message.raw);
    const offer = retryClientHello(
      context.config,
      this.offer,
      { suiteHash: hkdf.hash, selectedGroup: keyShare?.selectedGroup, cookie: cookie?.cookie },
      (truncated) => this.transcript.hashWith(truncated),
    );
    // RFC 9001 §4.6.2: "A server will always reject 0-RTT if it sends a TLS HelloRetryRequest."
    if (this.offer.earlyData) rejectEarlyData(context);
    this.transcript.add(offer.message);
    context.send("initial", offer.message);
    return new ExpectServerHello(offer, this.transcript, hrr);
  }

  /** RFC 8446 §4.1.3: a ServerHello fixes the suite, the key exchange and any PSK; handshake keys follow. */
  private accept(context: Context, hello: ServerHello, message: HandshakeMessage, suite: CipherSuiteParameters, hkdf: Hkdf): State {
    checkSolicited(hello.extensions, this.offer.hello.extensions, []);
    const pskSecret = this.acceptedPsk(hello, hkdf);
    const share = findExtension(hello.extensions, "key_share");
    // We offer psk_dhe_ke only, so a key share is always required (RFC 8446 §4.2.9).
    if (share === undefined) throw alert("missing_extension", "ServerHello without key_share");
    const retryGroup = this.retried && findExtension(this.retried.extensions, "key_share")?.selectedGroup;
    if (retryGroup !== undefined && share.share.group !== retryGroup) throw alert("illegal_parameter", "the key share group differs from the HelloRetryRequest's");
    const ours: KeyShare | undefined = this.offer.keyShares.get(share.share.group);
    if (ours === undefined) throw alert("illegal_parameter", `the server's key share is for group 0x${share.share.group.toString(16)}, which has no share of ours`);
    const sharedSecret = ours.complete(share.share.keyExchange);
    if (sharedSecret === null) throw alert("illegal_parameter", "the server's key share is malformed");

    this.transcript.useHash(hkdf);
    this.transcript.add(message.raw);
    const handshakeSecret = (pskSecret ?? new EarlySecret(hkdf)).handshakeSecret(sharedSecret);
    const handshakeTraffic = handshakeSecret.trafficSecrets(this.transcript.hash());
    context.installKey("handshake", "read", handshakeTraffic.server, suite.id, "SERVER_HANDSHAKE_TRAFFIC_SECRET");
    context.installKey("handshake", "write", handshakeTraffic.client, suite.id, "CLIENT_HANDSHAKE_TRAFFIC_SECRET");
    const resumed = pskSecret !== undefined;
    context.facts.resumed = resumed;
    return new ExpectEncryptedExtensions({ suite, hkdf, transcript: this.transcript, handshakeSecret, handshakeTraffic, offer: this.offer, resumed });
  }

  /** RFC 8446 §4.2.11: the Early Secret of our PSK when the server selected it (checked), else `undefined`. */
  private acceptedPsk(hello: ServerHello, hkdf: Hkdf): EarlySecret | undefined {
    const selected = findExtension(hello.extensions, "pre_shared_key");
    if (selected === undefined) return undefined;
    const psk = this.offer.psk;
    // We offer exactly one PSK (checkSolicited already refused a selection when none was offered).
    if (psk === undefined || selected.selectedIdentity !== 0) throw alert("illegal_parameter", `selected_identity ${selected.selectedIdentity} was not offered`);
    if (psk.hkdf.hash !== hkdf.hash) throw alert("illegal_parameter", "the cipher suite's hash differs from the PSK's");
    return psk.earlySecret;
  }
}

/** Waiting for EncryptedExtensions. */
class ExpectEncryptedExtensions implements State {
  readonly level = "handshake";

  constructor(private readonly negotiated: Negotiated) {}

  handle(context: Context, message: HandshakeMessage): State {
    expectType(message, HandshakeType.encrypted_extensions, "EncryptedExtensions");
    const { offer, transcript, resumed } = this.negotiated;
    const extensions = decodeEncryptedExtensions(message.body);
    checkSolicited(extensions, offer.hello.extensions, []);
    const parameters = findExtension(extensions, "quic_transport_parameters");
    // RFC 9001 §8.2: missing quic_transport_parameters is missing_extension.
    if (parameters === undefined) throw alert("missing_extension", "EncryptedExtensions without quic_transport_parameters");
    const selected = findExtension(extensions, "application_layer_protocol_negotiation");
    const alpn = selected === undefined ? undefined : fromUtf8Strict(selected.protocol);
    // RFC 9001 §8.1: no protocol, or one we did not offer, is no_application_protocol.
    if (alpn === undefined || !context.config.alpn.includes(alpn)) throw alert("no_application_protocol", "the server selected no protocol we offered");
    context.facts.alpn = alpn;
    context.facts.peerTransportParameters = parameters.parameters;
    if (offer.earlyData) {
      const accepted = findExtension(extensions, "early_data") !== undefined;
      // RFC 8446 §4.2.10: 0-RTT is bound to the ticket's ALPN.
      if (accepted && alpn !== offer.psk!.ticket.alpn) throw alert("illegal_parameter", "0-RTT accepted with a different ALPN than the ticket's");
      if (accepted) {
        context.facts.earlyDataAccepted = true;
        context.outputs.push({ kind: "early_data", accepted: true });
      } else rejectEarlyData(context);
    }
    transcript.add(message.raw);
    return resumed ? new ExpectFinished(this.negotiated, undefined) : new ExpectCertificateOrRequest(this.negotiated);
  }
}

/** Waiting for the server's CertificateRequest or Certificate. */
class ExpectCertificateOrRequest implements State {
  readonly level = "handshake";

  constructor(private readonly negotiated: Negotiated) {}

  handle(context: Context, message: HandshakeMessage): State {
    if (message.type !== HandshakeType.certificate_request) return new ExpectCertificate(this.negotiated, undefined).handle(context, message);
    const request = decodeCertificateRequest(message.body);
    // RFC 8446 §4.3.2: the context is empty outside post-handshake authentication.
    if (request.certificateRequestContext.length !== 0) throw alert("illegal_parameter", "certificate_request_context is not empty");
    this.negotiated.transcript.add(message.raw);
    const schemes = findExtension(request.extensions, "signature_algorithms")!.schemes;
    return new ExpectCertificate(this.negotiated, schemes);
  }
}

/** Waiting for the server's Certificate. */
class ExpectCertificate implements State {
  readonly level = "handshake";

  constructor(
    private readonly negotiated: Negotiated,
    /** The signature schemes of the server's CertificateRequest, when it sent one. */
    private readonly requested: readonly number[] | undefined,
  ) {}

  handle(context: Context, message: HandshakeMessage): State {
    expectType(message, HandshakeType.certificate, "Certificate");
    const peer = readPeerCertificate(message, new Uint8Array(0));
    // RFC 8446 §4.4.2.4: an empty server Certificate is decode_error.
    if (peer === undefined) throw alert("decode_error", "the server sent no certificate");
    context.facts.peerCertificates = peer.chain;
    this.negotiated.transcript.add(message.raw);
    return new ExpectCertificateVerify(this.negotiated, this.requested, peer);
  }
}

/** Waiting for the server's CertificateVerify; the chain is verified here (possibly asynchronously). */
class ExpectCertificateVerify implements State {
  readonly level = "handshake";

  constructor(
    private readonly negotiated: Negotiated,
    private readonly requested: readonly number[] | undefined,
    private readonly peer: PeerCertificate,
  ) {}

  handle(context: Context, message: HandshakeMessage): State | Promise<State> {
    expectType(message, HandshakeType.certificate_verify, "CertificateVerify");
    const { config } = context;
    const checked = verifyChain(config.verifier, this.peer, config.now(), "server", config.serverName);
    return checked instanceof Promise ? checked.then(() => this.checkSignature(context, message)) : this.checkSignature(context, message);
  }

  private checkSignature(context: Context, message: HandshakeMessage): State {
    const { transcript } = this.negotiated;
    checkCertificateVerify(context.config.provider, message, this.peer.publicKey, context.config.signatureSchemes, "server", transcript.hash());
    transcript.add(message.raw);
    return new ExpectFinished(this.negotiated, this.requested);
  }
}

/** Waiting for the server's Finished; then the client sends its own flight. */
class ExpectFinished implements State {
  readonly level = "handshake";

  constructor(
    private readonly negotiated: Negotiated,
    private readonly requested: readonly number[] | undefined,
  ) {}

  handle(context: Context, message: HandshakeMessage): State {
    expectType(message, HandshakeType.finished, "Finished");
    const { suite, hkdf, transcript, handshakeSecret, handshakeTraffic } = this.negotiated;
    checkFinished(hkdf, handshakeTraffic.server, transcript.hash(), message);
    transcript.add(message.raw);
    const masterSecret = handshakeSecret.masterSecret();
    const serverFinishedHash = transcript.hash();
    const traffic = masterSecret.trafficSecrets(serverFinishedHash);
    context.facts.exporter = { hkdf, secret: masterSecret.exporterMasterSecret(serverFinishedHash) };
    context.installKey("application", "read", traffic.server, suite.id, "SERVER_TRAFFIC_SECRET_0");

    const authentication = this.clientCertificate(context);
    const finished = finishedMessage(hkdf, handshakeTraffic.client, transcript.hash());
    transcript.add(finished);
    context.send("handshake", concatBytes(...authentication, finished));
    context.installKey("application", "write", traffic.client, suite.id, "CLIENT_TRAFFIC_SECRET_0");
    context.facts.handshakeComplete = true;
    context.outputs.push({ kind: "handshake_complete" });
    return new Connected(suite, hkdf, masterSecret, transcript.hash());
  }

  /**
   * RFC 8446 §4.4.2: answers a CertificateRequest with our chain and
   * CertificateVerify, or an empty Certificate when no scheme fits our key;
   * adds them to the transcript.
   */
  private clientCertificate(context: Context): Uint8Array[] {
    if (this.requested === undefined) return [];
    const { config } = context;
    const { transcript } = this.negotiated;
    const key = config.privateKey;
    const scheme = key && chooseSignatureScheme(key, this.requested, config.signatureSchemes);
    const chain = scheme === undefined ? [] : config.certificateChain;
    const certificate = certificateMessage(chain, new Uint8Array(0));
    transcript.add(certificate);
    if (scheme === undefined || key === undefined) return [certificate];
    const verify = certificateVerifyMessage(config.provider, key, scheme, "client", transcript.hash(), config.random);
    transcript.add(verify);
    return [certificate, verify];
  }
}

/** After the handshake: only NewSessionTicket is expected (RFC 9001 §4.4, §6 forbid the rest). */
class Connected implements State {
  readonly level = "application";
  private readonly resumptionMasterSecret: Uint8Array;

  constructor(
    private readonly suite: CipherSuiteParameters,
    private readonly hkdf: Hkdf,
    masterSecret: MasterSecret,
    clientFinishedHash: Uint8Array,
  ) {
    this.resumptionMasterSecret = masterSecret.resumptionMasterSecret(clientFinishedHash);
  }

  handle(context: Context, message: HandshakeMessage): State {
    // RFC 9001 §4.4: a post-handshake CertificateRequest is PROTOCOL_VIOLATION.
    if (message.type === HandshakeType.certificate_request) {
      throw alert("unexpected_message", "post-handshake CertificateRequest", TransportError.PROTOCOL_VIOLATION);
    }
    expectType(message, HandshakeType.new_session_ticket, "NewSessionTicket");
    const ticket = decodeNewSessionTicket(message.body);
    if (ticket.ticketLifetime > MAX_TICKET_LIFETIME) throw alert("illegal_parameter", "ticket_lifetime exceeds 7 days");
    const earlyData = findExtension(ticket.extensions, "early_data");
    // RFC 9001 §4.6.1: any max_early_data_size but 0xffffffff is PROTOCOL_VIOLATION.
    if (earlyData !== undefined && earlyData.maxEarlyDataSize !== QUIC_MAX_EARLY_DATA) {
      throw alert("illegal_parameter", `max_early_data_size ${earlyData.maxEarlyDataSize}`, TransportError.PROTOCOL_VIOLATION);
    }
    // RFC 8446 §4.6.1: a lifetime of zero means "discard immediately".
    if (ticket.ticketLifetime === 0) return this;
    const { config, facts } = context;
    context.outputs.push({
      kind: "session_ticket",
      ticket: {
        ticket: ticket.ticket.slice(),
        psk: resumptionPsk(this.hkdf, this.resumptionMasterSecret, ticket.ticketNonce),
        suite: this.suite.id,
        alpn: facts.alpn!,
        serverName: config.serverName,
        lifetime: ticket.ticketLifetime,
        ageAdd: ticket.ticketAgeAdd,
        receivedAt: config.now(),
        earlyData: earlyData !== undefined,
        peerTransportParameters: facts.peerTransportParameters!.slice(),
      },
    });
    return this;
  }
}

function rejectEarlyData(context: Context): void {
  context.facts.earlyDataAccepted = false;
  context.outputs.push({ kind: "early_data", accepted: false });
}
