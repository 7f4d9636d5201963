/**
 * Client and server configuration, with defaults and the checks that turn a
 * bad option into a `ZquicError` at construction rather than a failed handshake.
 *
 * @module
 */
import type { CryptoProvider, PrivateKey, RandomSource } from "@zquic/crypto";
import { ZquicError, equalBytes, utf8 } from "@zquic/wire";
import type { AntiReplay } from "./anti-replay.js";
import { DEFAULT_CIPHER_SUITES, cipherSuite } from "./cipher-suite.js";
import { DEFAULT_GROUPS, keyExchangeGroup } from "./named-group.js";
import type { SessionTicket } from "./session-ticket.js";
import { DEFAULT_SIGNATURE_SCHEMES, SignatureScheme, schemeFitsKey } from "./signature-scheme.js";
import type { TicketKeys } from "./ticket-keys.js";
import type { CertificateVerifier } from "./x509/index.js";

/** Options both roles share. */
export interface TlsConfig {
  readonly provider: CryptoProvider;
  /** All randomness of the session comes from here (a seeded source reproduces a handshake). */
  readonly random: RandomSource;
  /** Wall-clock time, Unix ms: certificate validity and ticket ages. */
  readonly now: () => number;
  /** ALPN protocols, in preference order (required: RFC 9001 §8.1). */
  readonly alpn: readonly string[];
  /** This endpoint's encoded QUIC transport parameters (the body of extension 0x39). */
  readonly transportParameters: Uint8Array;
  /** Cipher suites in preference order (default: 0x1301, 0x1302, 0x1303). */
  readonly cipherSuites?: readonly number[];
  /** Key exchange groups in preference order (default: X25519MLKEM768, X25519, secp256r1). */
  readonly groups?: readonly number[];
  /** Signature schemes accepted and offered, in preference order (see {@link DEFAULT_SIGNATURE_SCHEMES}). */
  readonly signatureSchemes?: readonly number[];
  /** This endpoint's certificate chain, DER, leaf first. */
  readonly certificateChain?: readonly Uint8Array[];
  /** The private key of the leaf certificate. */
  readonly privateKey?: PrivateKey;
  /** Checks the peer's certificate chain. */
  readonly verifier?: CertificateVerifier;
  /** Receives NSS key log lines (SSLKEYLOGFILE format). */
  readonly keyLog?: (line: string) => void;
  /** The largest handshake message accepted, in bytes (default 65536). */
  readonly maxHandshakeMessageSize?: number;
}

/** Client options. */
export interface TlsClientConfig extends TlsConfig {
  /** Checks the server's chain; required (use `insecureVerifier` deliberately if at all). */
  readonly verifier: CertificateVerifier;
  /** The server's name: sent as SNI and checked against its certificate. */
  readonly serverName?: string;
  /** A session to resume (a ticket from an earlier connection). */
  readonly resumption?: SessionTicket;
  /** Attempt 0-RTT with `resumption` when its ticket allows it. */
  readonly earlyData?: boolean;
  /** Send GREASE values (RFC 8701) in the ClientHello (default true). */
  readonly grease?: boolean;
}

/** Server options. */
export interface TlsServerConfig extends TlsConfig {
  readonly certificateChain: readonly Uint8Array[];
  readonly privateKey: PrivateKey;
  /**
   * Chooses the transport parameters to send once the client's are known (RFC 9368 §2.3:
   * compatible version negotiation decides the version from them). Default: `transportParameters`.
   */
  readonly answerTransportParameters?: (clientParameters: Uint8Array) => Uint8Array;
  /** Ask the client for a certificate: `true` requires one, `"optional"` accepts none. Needs `verifier`. */
  readonly requestClientCertificate?: boolean | "optional";
  /** Keys that seal session tickets; without them no tickets are issued and no PSK is accepted. */
  readonly ticketKeys?: TicketKeys;
  /** ticket_lifetime in seconds (default 86400; RFC 8446 §4.6.1 caps it at 604800). */
  readonly ticketLifetime?: number;
  /** NewSessionTickets sent after the handshake (default 1). */
  readonly ticketCount?: number;
  /** Issue tickets that allow 0-RTT and accept 0-RTT with them. Needs `ticketKeys` and `antiReplay`. */
  readonly earlyData?: boolean;
  /** The single-use cache that keeps 0-RTT from being accepted twice (RFC 8446 §8). */
  readonly antiReplay?: AntiReplay;
  /**
   * Opaque bytes sealed into each ticket, describing what 0-RTT on a resumed
   * connection relies on (the transport's parameters, application settings).
   */
  readonly earlyDataContext?: Uint8Array;
  /**
   * Decides whether 0-RTT may be accepted given the `earlyDataContext` sealed in
   * the ticket (RFC 9001 §4.6.3). Default: accept when it equals the current one.
   */
  readonly acceptEarlyData?: (ticketContext: Uint8Array) => boolean;
}

/** The fields of {@link TlsConfig} with defaults applied and checked. */
export interface ResolvedConfig {
  readonly provider: CryptoProvider;
  readonly random: RandomSource;
  readonly now: () => number;
  readonly alpn: readonly string[];
  /** `alpn` as the bytes that go on the wire. */
  readonly alpnProtocols: readonly Uint8Array[];
  readonly transportParameters: Uint8Array;
  readonly cipherSuites: readonly number[];
  readonly groups: readonly number[];
  readonly signatureSchemes: readonly number[];
  readonly certificateChain: readonly Uint8Array[];
  readonly privateKey: PrivateKey | undefined;
  readonly verifier: CertificateVerifier | undefined;
  readonly keyLog: ((line: string) => void) | undefined;
  readonly maxHandshakeMessageSize: number;
}

/** Resolved client options. */
export interface ResolvedClientConfig extends ResolvedConfig {
  readonly verifier: CertificateVerifier;
  readonly serverName: string | undefined;
  readonly resumption: SessionTicket | undefined;
  readonly earlyData: boolean;
  readonly grease: boolean;
}

/** Resolved server options. */
export interface ResolvedServerConfig extends ResolvedConfig {
  readonly privateKey: PrivateKey;
  readonly answerTransportParameters: ((clientParameters: Uint8Array) => Uint8Array) | undefined;
  readonly clientCertificate: "none" | "optional" | "required";
  readonly ticketKeys: TicketKeys | undefined;
  readonly ticketLifetime: number;
  readonly ticketCount: number;
  readonly earlyData: boolean;
  readonly antiReplay: AntiReplay | undefined;
  readonly earlyDataContext: Uint8Array;
  readonly acceptEarlyData: (ticketContext: Uint8Array) => boolean;
}

/** RFC 8446 §4.6.1: "Servers MUST NOT use any value greater than 604800 seconds (7 days)." */
export const MAX_TICKET_LIFETIME = 604_800;

/** RFC 9001 §4.6.1: the only max_early_data_size a QUIC server sends, and a client accepts. */
export const QUIC_MAX_EARLY_DATA = 0xffffffff;

function misuse(message: string): ZquicError {
  return new ZquicError("TLS_CONFIG", message);
}

function checkCodes(what: string, codes: readonly number[], known: (code: number) => boolean): readonly number[] {
  if (codes.length === 0) throw misuse(`${what} is empty; list at least one`);
  const unknown = codes.find((code) => !known(code));
  if (unknown !== undefined) throw misuse(`${what} lists 0x${unknown.toString(16).padStart(4, "0")}, which this stack does not implement`);
  if (new Set(codes).size !== codes.length) throw misuse(`${what} lists a value twice`);
  return [...codes];
}

const knownSchemes = new Set<number>(Object.values(SignatureScheme));

function resolveCommon(config: TlsConfig): ResolvedConfig {
  if (config.alpn.length === 0) throw misuse("alpn is empty; QUIC requires ALPN (RFC 9001 §8.1), list the protocols to offer");
  const alpnProtocols = config.alpn.map((protocol) => utf8(protocol));
  const badProtocol = config.alpn.find((_, i) => alpnProtocols[i]!.length === 0 || alpnProtocols[i]!.length > 255);
  if (badProtocol !== undefined) throw misuse(`ALPN protocol "${badProtocol}" must be 1 to 255 bytes`);
  const chain = config.certificateChain ?? [];
  if ((chain.length === 0) !== (config.privateKey === undefined)) {
    throw misuse("certificateChain and privateKey go together: give both or neither");
  }
  const maxHandshakeMessageSize = config.maxHandshakeMessageSize ?? 65_536;
  if (!Number.isInteger(maxHandshakeMessageSize) || maxHandshakeMessageSize < 1024 || maxHandshakeMessageSize > 0xffffff) {
    throw misuse("maxHandshakeMessageSize must be an integer from 1024 to 16777215");
  }
  return {
    provider: config.provider,
    random: config.random,
    now: config.now,
    alpn: [...config.alpn],
    alpnProtocols,
    transportParameters: config.transportParameters,
    cipherSuites: checkCodes("cipherSuites", config.cipherSuites ?? DEFAULT_CIPHER_SUITES, (code) => cipherSuite(code) !== undefined),
    groups: checkCodes("groups", config.groups ?? DEFAULT_GROUPS, (code) => keyExchangeGroup(code) !== undefined),
    signatureSchemes: checkCodes("signatureSchemes", config.signatureSchemes ?? DEFAULT_SIGNATURE_SCHEMES, (code) => knownSchemes.has(code)),
    certificateChain: chain,
    privateKey: config.privateKey,
    verifier: config.verifier,
    keyLog: config.keyLog,
    maxHandshakeMessageSize,
  };
}

function checkOwnKey(config: ResolvedConfig): void {
  const key = config.privateKey;
  if (key !== undefined && !config.signatureSchemes.some((scheme) => schemeFitsKey(scheme, key))) {
    throw misuse(`no configured signature scheme can sign with the ${key.kind} private key; add one to signatureSchemes`);
  }
}

// A server builds one session per connection from the same configuration: resolve each once.
// (Configurations are read-only; one changed in place after first use is not re-read.)
const resolvedClients = new WeakMap<TlsClientConfig, ResolvedClientConfig>();
const resolvedServers = new WeakMap<TlsServerConfig, ResolvedServerConfig>();

/** {@link resolveClientConfig}, once per configuration object. */
export function clientConfigOf(config: TlsClientConfig): ResolvedClientConfig {
  let resolved = resolvedClients.get(config);
  if (resolved === undefined) resolvedClients.set(config, (resolved = resolveClientConfig(config)));
  return resolved;
}

/** {@link resolveServerConfig}, once per configuration object. */
export function serverConfigOf(config: TlsServerConfig): ResolvedServerConfig {
  let resolved = resolvedServers.get(config);
  if (resolved === undefined) resolvedServers.set(config, (resolved = resolveServerConfig(config)));
  return resolved;
}

/** Applies defaults to a client configuration and checks it; throws `ZquicError` (TLS_CONFIG) on misuse. */
export function resolveClientConfig(config: TlsClientConfig): ResolvedClientConfig {
  const common = resolveCommon(config);
  checkOwnKey(common);
  if (config.verifier === undefined) throw misuse("a client needs a verifier for the server's certificate");
  return {
    ...common,
    verifier: config.verifier,
    serverName: config.serverName,
    resumption: config.resumption,
    earlyData: config.earlyData ?? false,
    grease: config.grease ?? true,
  };
}

/** Applies defaults to a server configuration and checks it; throws `ZquicError` (TLS_CONFIG) on misuse. */
export function resolveServerConfig(config: TlsServerConfig): ResolvedServerConfig {
  const common = resolveCommon(config);
  if (config.privateKey === undefined || common.certificateChain.length === 0) {
    throw misuse("a server needs certificateChain and privateKey");
  }
  checkOwnKey(common);
  const request = config.requestClientCertificate ?? false;
  const clientCertificate = request === false ? "none" : request === "optional" ? "optional" : "required";
  if (clientCertificate !== "none" && config.verifier === undefined) {
    throw misuse("requestClientCertificate needs a verifier for the client's certificate");
  }
  const ticketLifetime = config.ticketLifetime ?? 86_400;
  if (!Number.isInteger(ticketLifetime) || ticketLifetime < 1 || ticketLifetime > MAX_TICKET_LIFETIME) {
    throw misuse(`ticketLifetime must be 1 to ${MAX_TICKET_LIFETIME} seconds (RFC 8446 §4.6.1)`);
  }
  const ticketCount = config.ticketCount ?? 1;
  if (!Number.isInteger(ticketCount) || ticketCount < 0 || ticketCount > 255) throw misuse("ticketCount must be an integer from 0 to 255");
  const earlyData = config.earlyData ?? false;
  if (earlyData && (config.ticketKeys === undefined || config.antiReplay === undefined)) {
    throw misuse("earlyData needs ticketKeys and an antiReplay cache (RFC 8446 §8)");
  }
  const earlyDataContext = config.earlyDataContext ?? new Uint8Array(0);
  return {
    ...common,
    privateKey: config.privateKey,
    answerTransportParameters: config.answerTransportParameters,
    clientCertificate,
    ticketKeys: config.ticketKeys,
    ticketLifetime,
    ticketCount,
    earlyData,
    antiReplay: config.antiReplay,
    earlyDataContext,
    acceptEarlyData: config.acceptEarlyData ?? ((ticketContext) => equalBytes(ticketContext, earlyDataContext)),
  };
}

