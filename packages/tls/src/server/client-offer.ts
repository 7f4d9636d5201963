/**
 * The server's reading of a ClientHello: the mandatory-extension rules
 * (RFC 8446 §9.2, RFC 9001 §8), the resumption PSK and its binder (§4.2.11),
 * and the 0-RTT decision (§4.2.10, §8).
 *
 * @module
 */
import { TransportError, constantTimeEqual, equalBytes } from "@zquic/wire";
import { alert } from "../alert.js";
import { type CipherSuiteParameters, cipherSuite } from "../cipher-suite.js";
import type { ResolvedServerConfig } from "../config.js";
import type { HandshakeContext } from "../context.js";
import type { Hkdf } from "../hkdf.js";
import { EarlySecret, finishedVerifyData } from "../key-schedule.js";
import { type ClientHello, TLS13, truncateBinders } from "../messages/client-hello.js";
import { type KeyShareEntry, PskKeyExchangeMode, findExtension } from "../messages/extensions.js";
import type { HandshakeMessage } from "../messages/handshake.js";
import type { Transcript } from "../transcript.js";
import { type TicketState, decodeTicketState } from "./ticket-state.js";

/** The parts of a ClientHello the server negotiates from, checked. */
export interface ClientOffer {
  readonly hello: ClientHello;
  readonly groups: readonly number[];
  readonly shares: readonly KeyShareEntry[];
  /** The client's signature_algorithms, `undefined` when it sent none. */
  readonly schemes: readonly number[] | undefined;
  readonly protocols: readonly Uint8Array[];
  readonly transportParameters: Uint8Array;
  readonly pskModes: readonly number[];
  readonly earlyData: boolean;
}

/** A resumption the server accepted. */
export interface AcceptedPsk {
  readonly index: number;
  readonly identity: Uint8Array;
  readonly obfuscatedTicketAge: number;
  readonly state: TicketState;
  readonly earlySecret: EarlySecret;
}

/** Checks a ClientHello's version, legacy fields and mandatory extensions, and collects what negotiation needs. */
export function readClientOffer(hello: ClientHello): ClientOffer {
  const extensions = hello.extensions;
  const versions = findExtension(extensions, "supported_versions");
  // RFC 8446 §4.2.1, RFC 9001 §4.2: only TLS 1.3 is negotiated.
  if (versions === undefined || !versions.versions.includes(TLS13)) throw alert("protocol_version", "the client does not offer TLS 1.3");
  // RFC 8446 §4.1.2: exactly one compression method, null.
  if (hello.legacyCompressionMethods.length !== 1 || hello.legacyCompressionMethods[0] !== 0) {
    throw alert("illegal_parameter", "legacy_compression_methods is not [null]");
  }
  // RFC 9001 §8.4: middlebox compatibility mode is a PROTOCOL_VIOLATION in QUIC.
  if (hello.legacySessionId.length !== 0) throw alert("illegal_parameter", "non-empty legacy_session_id", TransportError.PROTOCOL_VIOLATION);
  const parameters = findExtension(extensions, "quic_transport_parameters");
  // RFC 9001 §8.2
  if (parameters === undefined) throw alert("missing_extension", "ClientHello without quic_transport_parameters");
  const groups = findExtension(extensions, "supported_groups");
  const shares = findExtension(extensions, "key_share");
  const schemes = findExtension(extensions, "signature_algorithms");
  const psk = findExtension(extensions, "pre_shared_key");
  const modes = findExtension(extensions, "psk_key_exchange_modes");
  // RFC 8446 §9.2: without a PSK, signature_algorithms and supported_groups; supported_groups ⇔ key_share.
  if (psk === undefined && (schemes === undefined || groups === undefined)) throw alert("missing_extension", "ClientHello without signature_algorithms or supported_groups");
  if ((groups === undefined) !== (shares === undefined)) throw alert("missing_extension", "supported_groups and key_share must come together");
  // RFC 8446 §4.2.9: a PSK needs psk_key_exchange_modes.
  if (psk !== undefined && modes === undefined) throw alert("missing_extension", "pre_shared_key without psk_key_exchange_modes");
  const shareGroups = (shares?.shares ?? []).map((share) => share.group);
  // RFC 8446 §4.2.8: one share per group, each in supported_groups.
  if (new Set(shareGroups).size !== shareGroups.length || shareGroups.some((group) => !groups!.groups.includes(group))) {
    throw alert("illegal_parameter", "key_share repeats a group or has one missing from supported_groups");
  }
  return {
    hello,
    groups: groups?.groups ?? [],
    shares: shares?.shares ?? [],
    schemes: schemes?.schemes,
    protocols: findExtension(extensions, "application_layer_protocol_negotiation")?.protocols ?? [],
    transportParameters: parameters.parameters,
    pskModes: modes?.modes ?? [],
    earlyData: findExtension(extensions, "early_data") !== undefined,
  };
}

/**
 * RFC 8446 §4.1.2, §4.2.2: the second ClientHello answers the HelloRetryRequest:
 * one share, in the requested group; the cookie echoed; no early_data.
 */
export function checkRetriedHello(offer: ClientOffer, group: number, cookie: Uint8Array): void {
  if (offer.shares.length !== 1 || offer.shares[0]!.group !== group) throw alert("illegal_parameter", "the second ClientHello does not answer the requested group");
  const echoed = findExtension(offer.hello.extensions, "cookie");
  if (echoed === undefined || !equalBytes(echoed.cookie, cookie)) throw alert("illegal_parameter", "the second ClientHello does not echo the cookie");
  if (offer.earlyData) throw alert("illegal_parameter", "early_data after a HelloRetryRequest");
}

/**
 * RFC 8446 §4.2.11: picks the first PSK identity that is one of our tickets,
 * unexpired and for the suite's hash, and checks its binder over the transcript
 * so far plus Truncate(ClientHello) (§4.2.11.2): a wrong binder is
 * decrypt_error. Unknown tickets are ignored (a full handshake follows).
 */
export function acceptPsk(
  context: HandshakeContext<ResolvedServerConfig>,
  offer: ClientOffer,
  message: HandshakeMessage,
  hkdf: Hkdf,
  transcript: Transcript,
): AcceptedPsk | undefined {
  const { config } = context;
  const psk = findExtension(offer.hello.extensions, "pre_shared_key");
  if (psk === undefined || config.ticketKeys === undefined || !offer.pskModes.includes(PskKeyExchangeMode.psk_dhe_ke)) return undefined;
  const now = config.now();
  for (const [index, { identity, obfuscatedTicketAge }] of psk.identities.entries()) {
    const plaintext = config.ticketKeys.open(identity);
    const state = plaintext === null ? undefined : decodeTicketState(plaintext);
    if (state === undefined || cipherSuite(state.suite)?.hash !== hkdf.hash) continue;
    const age = now - state.createdAt;
    if (age < 0 || age > state.lifetime * 1000) continue;
    const earlySecret = new EarlySecret(hkdf, state.psk);
    const expected = finishedVerifyData(hkdf, earlySecret.resumptionBinderKey(), transcript.hashWith(truncateBinders(offer.hello, message.raw)));
    if (!constantTimeEqual(expected, psk.binders[index]!)) throw alert("decrypt_error", "the PSK binder does not verify");
    return { index, identity, obfuscatedTicketAge, state, earlySecret };
  }
  return undefined;
}

/**
 * RFC 8446 §4.2.10, §8: 0-RTT is accepted only for the first identity of a
 * ticket that allows it, with the same cipher suite and ALPN, a fresh ticket age
 * (§8.3), the transport's agreement, and never twice (§8.1, the anti-replay cache).
 */
export function acceptEarlyData(
  context: HandshakeContext<ResolvedServerConfig>,
  psk: AcceptedPsk,
  suite: CipherSuiteParameters,
): boolean {
  const { config, facts } = context;
  const { state } = psk;
  const antiReplay = config.antiReplay;
  if (!config.earlyData || antiReplay === undefined || !state.earlyData || psk.index !== 0) return false;
  if (state.suite !== suite.id || state.alpn !== facts.alpn) return false;
  const now = config.now();
  // RFC 8446 §8.3: the client's view of the ticket age against ours.
  const clientAge = (psk.obfuscatedTicketAge - state.ageAdd) >>> 0;
  if (Math.abs(now - state.createdAt - clientAge) > antiReplay.window) return false;
  if (!config.acceptEarlyData(state.earlyDataContext)) return false;
  return antiReplay.accept(psk.identity, now);
}
