/**
 * The options of `connect()` and `listen()`, and how they become transport
 * and TLS settings. Misuse is caught here, before any packet is sent.
 *
 * @module
 */
import type { CongestionAlgorithm, EndpointOptions, SocketAddress, TransportConfig } from "@zquic/quic";
import type { CryptoProvider } from "@zquic/crypto";
import { ZquicError, isSupportedVersion } from "@zquic/wire";
import { cipherSuite, keyExchangeGroup, parseCertificatesPem, type Certificate, type CertificateVerifier } from "@zquic/tls";
import type { ApplicationFactory } from "./application.js";
import type { SessionStore } from "./session-store.js";

/** Opens a qlog sink for a connection, named by its role and original Destination Connection ID. */
export type QlogFactory = NonNullable<EndpointOptions["qlog"]>;

/** Options of clients and servers alike. */
export interface CommonOptions {
  /** ALPN protocols in preference order (RFC 9001 §8.1 requires at least one). */
  readonly alpn: readonly string[];
  /** Transport limits and behaviour; unset fields keep the transport's defaults. */
  readonly transport?: Partial<TransportConfig>;
  /** The congestion controller (shorthand for `transport.congestionControl`). */
  readonly congestionControl?: CongestionAlgorithm;
  /** Receives TLS secrets as NSS key log lines (the SSLKEYLOGFILE format, without the newline). */
  readonly keyLog?: (line: string) => void;
  /** Opens a qlog trace (JSON-SEQ records) for each new connection; adapters offer files (`qlogDir`). */
  readonly qlog?: QlogFactory;
  /** Which crypto implementation to use (default: the runtime's native one where it exists). */
  readonly crypto?: "native" | "noble";
  /** Received datagrams held for a slow reader before the oldest is dropped (default 256). */
  readonly incomingDatagrams?: number;
  /**
   * TLS cipher suites to offer or accept, in preference order, by code point
   * (`CipherSuite` of `@zquic/tls`, e.g. `[0x1303]` for ChaCha20-Poly1305 only;
   * default: AES-128-GCM, AES-256-GCM, ChaCha20-Poly1305).
   */
  readonly cipherSuites?: readonly number[];
  /**
   * TLS key exchange groups in preference order, by code point (`NamedGroup`
   * of `@zquic/tls`; default: X25519MLKEM768, X25519, secp256r1). A client
   * sends key shares for the first post-quantum and the first classical one.
   */
  readonly groups?: readonly number[];
  /**
   * QUIC versions in preference order (default `[QUIC_V1, QUIC_V2]`). A client
   * starts with the first and may be moved to another one the server prefers
   * (RFC 9368); a server answers others with Version Negotiation.
   */
  readonly versions?: readonly number[];
}

/** Options of `connect()`. Give exactly one of `trustAnchors`, `verifier` or `insecure`. */
export interface ConnectOptions extends CommonOptions {
  /** The name sent as SNI and checked against the certificate (default: the host of the target). */
  readonly serverName?: string;
  /** CA certificates in PEM that the server's chain must lead to. */
  readonly trustAnchors?: string;
  /** A custom check of the server's certificate chain (e.g. `pinnedVerifier` from `@zquic/tls`). */
  readonly verifier?: CertificateVerifier;
  /** Accept any certificate. For tests against throwaway certificates only. */
  readonly insecure?: boolean;
  /** Where tickets and tokens are kept; `null` turns resumption off (default: a shared in-memory store). */
  readonly sessionStore?: SessionStore | null;
  /** Put GREASE values (RFC 8701) in the ClientHello, to keep servers tolerant of unknown ones (default true). */
  readonly grease?: boolean;
  /** Send 0-RTT data when a ticket allows it: streams may be opened before `ready`. */
  readonly earlyData?: boolean;
  /** The local IP address to send from (default: any address of the server's family). */
  readonly localAddress?: string;
  /** Aborting closes the connection (application close code 0). */
  readonly signal?: AbortSignal;
  /**
   * An application protocol that owns the connection's streams (as HTTP/3 does) instead of
   * the WebTransport-shaped streams; it should be the protocol of the only ALPN offered.
   */
  readonly application?: ApplicationFactory;
}

/** Options of `listen()`. */
export interface ListenOptions extends CommonOptions {
  /** The IP address to listen on (default "0.0.0.0"; "::" for IPv6). */
  readonly host?: string;
  /** The UDP port (default 443; 0 picks a free one, see `QuicServer.address`). */
  readonly port?: number;
  /** The certificate chain in PEM, leaf first. */
  readonly certificate: string;
  /** The leaf's private key in PEM (PKCS#8, SEC1 or PKCS#1). */
  readonly privateKey: string;
  /** Validate client addresses with a Retry first (RFC 9000 §8.1.2): always, or once more handshakes than this are in progress. */
  readonly retry?: boolean | { readonly whenHandshakesExceed: number };
  /** Issue session tickets so clients can resume (default true). */
  readonly sessionTickets?: boolean;
  /** Accept 0-RTT data from resuming clients (default false; RFC 8446 §8 replay protection is applied). */
  readonly earlyData?: boolean;
  /** Connections held at most; more are refused (default 10000). */
  readonly maxConnections?: number;
  /** Handshakes in progress at most; more are refused (default 1000). */
  readonly maxHandshakes?: number;
  /**
   * RFC 9000 §9.6: addresses clients should move to once the handshake is
   * confirmed. The server binds each of them too; `port` 0 is not allowed.
   */
  readonly preferredAddress?: { readonly ipv4?: SocketAddress; readonly ipv6?: SocketAddress };
  /** Aborting closes the server. */
  readonly signal?: AbortSignal;
  /**
   * Application protocols that own the streams of connections negotiating their ALPN (as
   * HTTP/3 does); connections of other ALPNs get WebTransport-shaped streams.
   */
  readonly applications?: Readonly<Record<string, ApplicationFactory>>;
}

/** Checks an ALPN list: QUIC requires ALPN (RFC 9001 §8.1). */
export function checkAlpn(alpn: readonly string[] | undefined): void {
  if (alpn === undefined || alpn.length === 0) throw new ZquicError("ALPN_REQUIRED", "alpn is empty; QUIC requires ALPN (RFC 9001 §8.1): list the protocols to offer, e.g. [\"h3\"]");
}

/** The TLS choices of the common options (cipher suites, groups), as TLS configuration fields. */
export function tlsChoices(options: CommonOptions): { cipherSuites?: readonly number[]; groups?: readonly number[] } {
  return {
    ...(options.cipherSuites !== undefined ? { cipherSuites: options.cipherSuites } : {}),
    ...(options.groups !== undefined ? { groups: options.groups } : {}),
  };
}

/** What every endpoint gets from the common options: crypto, transport settings (after the socket's ECN ability), qlog, versions. */
export function endpointSettings(provider: CryptoProvider, options: CommonOptions, socketEcn: boolean): Omit<EndpointOptions, "server"> {
  const transport: Partial<TransportConfig> = {
    ecn: socketEcn,
    ...(options.congestionControl !== undefined ? { congestionControl: options.congestionControl } : {}),
    ...options.transport,
  };
  return {
    provider,
    random: provider.random,
    transport,
    ...(options.qlog !== undefined ? { qlog: options.qlog } : {}),
    ...(options.versions !== undefined ? { versions: options.versions } : {}),
  };
}

const hexList = (codes: readonly number[]): string => `[${codes.map((code) => `0x${code.toString(16)}`).join(", ")}]`;

/** Checks what clients and servers share, before anything is bound. */
export function checkCommonOptions(options: CommonOptions): void {
  checkAlpn(options.alpn);
  checkCount("incomingDatagrams", options.incomingDatagrams);
  const { versions, cipherSuites, groups } = options;
  if (versions !== undefined && (versions.length === 0 || !versions.every(isSupportedVersion))) {
    throw new ZquicError("BAD_OPTION", `versions must list QUIC versions zquic implements (QUIC_V1, QUIC_V2), got ${hexList(versions)}`);
  }
  if (cipherSuites !== undefined && (cipherSuites.length === 0 || !cipherSuites.every((code) => cipherSuite(code) !== undefined))) {
    throw new ZquicError("BAD_OPTION", `cipherSuites must list TLS 1.3 suites zquic implements (CipherSuite), got ${hexList(cipherSuites)}`);
  }
  if (groups !== undefined && (groups.length === 0 || !groups.every((code) => keyExchangeGroup(code) !== undefined))) {
    throw new ZquicError("BAD_OPTION", `groups must list key exchange groups zquic implements (NamedGroup), got ${hexList(groups)}`);
  }
}

/** How a client will check the server: parsed anchors, a verifier, or nothing (insecure). */
export type Trust = { readonly anchors: readonly Certificate[] } | { readonly verifier: CertificateVerifier } | { readonly insecure: true };

/** Exactly one way to check the server's certificate; PEM anchors are parsed now so mistakes surface at once. */
export function trustOf(options: ConnectOptions): Trust {
  const ways = [options.trustAnchors !== undefined, options.verifier !== undefined, options.insecure === true].filter(Boolean).length;
  if (ways !== 1) {
    throw new ZquicError("TLS_TRUST", "give exactly one of trustAnchors (CA certificates in PEM), verifier, or insecure: true (tests only)");
  }
  if (options.verifier !== undefined) return { verifier: options.verifier };
  if (options.insecure === true) return { insecure: true };
  const anchors = parseCertificatesPem(options.trustAnchors!);
  if (anchors.length === 0) throw new ZquicError("TLS_TRUST", "trustAnchors holds no CERTIFICATE block; pass the CA certificates in PEM");
  return { anchors };
}

/** Checks a non-negative integer option. */
export function checkCount(name: string, value: number | undefined): void {
  if (value !== undefined && (!Number.isSafeInteger(value) || value < 0)) throw new ZquicError("BAD_OPTION", `${name} must be a non-negative integer, got ${value}`);
}
