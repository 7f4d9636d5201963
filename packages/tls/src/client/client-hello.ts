/**
 * The client's ClientHello (RFC 8446 §4.1.2): the first one, with GREASE
 * (RFC 8701), an optional resumption PSK with its binder (§4.2.11.2) and 0-RTT;
 * and the second one a HelloRetryRequest asks for (§4.1.4).
 *
 * @module
 */
import type { KeyShare } from "@zquic/crypto";
import { cipherSuite } from "../cipher-suite.js";
import type { ResolvedClientConfig } from "../config.js";
import { greaseProtocol, greaseValue } from "../grease.js";
import { Hkdf } from "../hkdf.js";
import { EarlySecret, finishedVerifyData } from "../key-schedule.js";
import { type ClientHello, LEGACY_VERSION, TLS13, encodeClientHello, truncateBinders } from "../messages/client-hello.js";
import { type ClientHelloExtension, PskKeyExchangeMode } from "../messages/extensions.js";
import { keyExchangeGroup, keyShareGroups } from "../named-group.js";
import type { SessionTicket } from "../session-ticket.js";

/** RFC 8446 §4.6.1: clients MUST NOT cache tickets for longer than 7 days. */
const MAX_TICKET_AGE_MS = 604_800_000;

/** A resumption PSK offered in the ClientHello. */
export interface OfferedPsk {
  readonly ticket: SessionTicket;
  /** The ticket's hash, which the server's cipher suite must share. */
  readonly hkdf: Hkdf;
  readonly earlySecret: EarlySecret;
}

/** A ClientHello as sent, with the secrets that go with it. */
export interface ClientHelloOffer {
  readonly hello: ClientHello;
  /** The framed message, binders included. */
  readonly message: Uint8Array;
  /** Our key shares by group code. */
  readonly keyShares: ReadonlyMap<number, KeyShare>;
  readonly psk: OfferedPsk | undefined;
  /** True when the early_data extension is in this ClientHello. */
  readonly earlyData: boolean;
}

/** Builds the first ClientHello from the configuration (and its `resumption` ticket, when still usable). */
export function firstClientHello(config: ResolvedClientConfig): ClientHelloOffer {
  const { provider, random } = config;
  const clientRandom = random(32);
  const keyShares = new Map(keyShareGroups(config.groups).map((group) => [group, provider.generateKeyShare(keyExchangeGroup(group)!, random)] as const));
  const ticket = resumableTicket(config);
  const psk = ticket === undefined ? undefined : offeredPsk(config, ticket);
  // RFC 8446 §4.2.10: 0-RTT uses the ticket's suite and ALPN, so both must be on offer.
  const earlyData =
    psk !== undefined && config.earlyData && psk.ticket.earlyData && config.alpn.includes(psk.ticket.alpn) && config.cipherSuites.includes(psk.ticket.suite);
  // One random byte per GREASE place: versions, groups and key share, signatures, ALPN, suites, extensions.
  const seeds = config.grease ? random(6) : undefined;
  const grease = <T>(place: number, make: (seed: number) => T): T[] => (seeds === undefined ? [] : [make(seeds[place]!)]);

  const extensions: ClientHelloExtension[] = [
    ...grease(5, (seed) => ({ type: "unknown" as const, code: greaseValue(seed), data: new Uint8Array(0) })),
    ...(config.serverName !== undefined && isHostName(config.serverName) ? [{ type: "server_name" as const, hostName: config.serverName }] : []),
    { type: "supported_versions", versions: [...grease(0, greaseValue), TLS13] },
    { type: "supported_groups", groups: [...grease(1, greaseValue), ...config.groups] },
    // RFC 8701 §3.1: a GREASE key share is one byte.
    {
      type: "key_share",
      shares: [...grease(1, (seed) => ({ group: greaseValue(seed), keyExchange: new Uint8Array(1) })), ...[...keyShares].map(([group, share]) => ({ group, keyExchange: share.publicKey }))],
    },
    { type: "signature_algorithms", schemes: [...grease(2, greaseValue), ...config.signatureSchemes] },
    { type: "application_layer_protocol_negotiation", protocols: [...grease(3, greaseProtocol), ...config.alpnProtocols] },
    { type: "quic_transport_parameters", parameters: config.transportParameters },
    // RFC 8446 §4.2.9: psk_dhe_ke only, so resumption keeps forward secrecy.
    { type: "psk_key_exchange_modes", modes: [PskKeyExchangeMode.psk_dhe_ke] },
    ...(earlyData ? [{ type: "early_data" as const }] : []),
    // RFC 8701 §3.1: a second GREASE extension, different from the first and not empty.
    ...grease(5, (seed) => ({ type: "unknown" as const, code: greaseValue(seed + 0x10), data: new Uint8Array(1) })),
  ];
  const hello: ClientHello = {
    legacyVersion: LEGACY_VERSION,
    random: clientRandom,
    // RFC 9001 §8.4: no middlebox compatibility mode, so an empty legacy_session_id.
    legacySessionId: new Uint8Array(0),
    cipherSuites: [...grease(4, greaseValue), ...config.cipherSuites],
    legacyCompressionMethods: [0],
    extensions,
  };
  return seal(config, hello, keyShares, psk, earlyData, (truncated) => psk!.hkdf.digest(truncated));
}

/**
 * RFC 8446 §4.1.2: the ClientHello after a HelloRetryRequest: the same one with
 * a single key share for `selectedGroup` (when given), no early_data, the
 * `cookie` echoed, and the PSK's age and binder recomputed (the PSK is dropped
 * when its hash differs from the retry's cipher suite, §4.1.4).
 */
export function retryClientHello(
  config: ResolvedClientConfig,
  first: ClientHelloOffer,
  retry: { readonly suiteHash: string; readonly selectedGroup: number | undefined; readonly cookie: Uint8Array | undefined },
  transcriptHash: (truncated: Uint8Array) => Uint8Array,
): ClientHelloOffer {
  const share =
    retry.selectedGroup === undefined ? undefined : config.provider.generateKeyShare(keyExchangeGroup(retry.selectedGroup)!, config.random);
  const psk = first.psk?.hkdf.hash === retry.suiteHash ? first.psk : undefined;
  const extensions = first.hello.extensions.flatMap((extension): ClientHelloExtension[] => {
    if (extension.type === "key_share" && share !== undefined) return [{ type: "key_share", shares: [{ group: retry.selectedGroup!, keyExchange: share.publicKey }] }];
    if (extension.type === "early_data" || extension.type === "pre_shared_key") return [];
    return [extension];
  });
  if (retry.cookie !== undefined) extensions.push({ type: "cookie", cookie: retry.cookie });
  const keyShares = share === undefined ? first.keyShares : new Map([[retry.selectedGroup!, share]]);
  return seal(config, { ...first.hello, extensions }, keyShares, psk, false, transcriptHash);
}

/** Appends the pre_shared_key extension (last, RFC 8446 §4.2.11), encodes, and fills in the binder. */
function seal(
  config: ResolvedClientConfig,
  hello: ClientHello,
  keyShares: ReadonlyMap<number, KeyShare>,
  psk: OfferedPsk | undefined,
  earlyData: boolean,
  transcriptHash: (truncated: Uint8Array) => Uint8Array,
): ClientHelloOffer {
  if (psk === undefined) return { hello, message: encodeClientHello(hello), keyShares, psk, earlyData };
  const { ticket, hkdf, earlySecret } = psk;
  // RFC 8446 §4.2.11.1: obfuscated_ticket_age = (age in ms + ticket_age_add) mod 2^32.
  const age = Math.max(0, Math.floor(config.now() - ticket.receivedAt));
  const identities = [{ identity: ticket.ticket, obfuscatedTicketAge: (age + ticket.ageAdd) >>> 0 }];
  const placeholder = { ...hello, extensions: [...hello.extensions, { type: "pre_shared_key" as const, identities, binders: [hkdf.zeros] }] };
  const message = encodeClientHello(placeholder);
  const binder = finishedVerifyData(hkdf, earlySecret.resumptionBinderKey(), transcriptHash(truncateBinders(placeholder, message)));
  message.set(binder, message.length - binder.length);
  const sealed = { ...hello, extensions: [...hello.extensions, { type: "pre_shared_key" as const, identities, binders: [binder] }] };
  return { hello: sealed, message, keyShares, psk, earlyData };
}

/** The configured ticket when it may still be offered: unexpired, for this server name, with a usable suite. */
function resumableTicket(config: ResolvedClientConfig): SessionTicket | undefined {
  const ticket = config.resumption;
  if (ticket === undefined) return undefined;
  const age = config.now() - ticket.receivedAt;
  const suite = cipherSuite(ticket.suite);
  const usable =
    age >= 0 &&
    age < Math.min(ticket.lifetime * 1000, MAX_TICKET_AGE_MS) &&
    ticket.serverName === config.serverName &&
    suite !== undefined &&
    // RFC 8446 §4.2.11: the PSK's hash must be one an offered suite uses.
    config.cipherSuites.some((code) => cipherSuite(code)!.hash === suite.hash);
  return usable ? ticket : undefined;
}

function offeredPsk(config: ResolvedClientConfig, ticket: SessionTicket): OfferedPsk {
  const hkdf = Hkdf.of(config.provider, cipherSuite(ticket.suite)!.hash);
  return { ticket, hkdf, earlySecret: new EarlySecret(hkdf, ticket.psk) };
}

/** RFC 6066 §3: "Literal IPv4 and IPv6 addresses are not permitted in HostName." */
function isHostName(name: string): boolean {
  return !name.includes(":") && !/^\d+\.\d+\.\d+\.\d+$/.test(name);
}
