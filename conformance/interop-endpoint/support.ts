/**
 * What the zquic endpoint does for each `TESTCASE` the runner sends, per
 * role, as data (quic-interop-runner `quic.md`; the runner tells several
 * cases apart only by the network, so e.g. `transfer` also stands for
 * multiplexing, blackhole, ipv6 and goodput). A case zquic cannot do is listed
 * with the reason; a case not listed at all is unknown. Both make the
 * endpoint exit 127, which the runner reports as unsupported.
 *
 * @module
 */
import { MIN_DATAGRAM_SIZE, type TransportConfig } from "@zquic/quic";
import { CipherSuite, QUIC_V1, QUIC_V2 } from "@zquic/node";
import type { ConnectionPattern } from "../cases.js";

/** What the client does for a case. */
export interface ClientPlan {
  readonly connections: ConnectionPattern;
  /** The second connection of `first-then-rest` sends its requests as 0-RTT data (RFC 9001 §4.6). */
  readonly earlyData?: boolean;
  /** Transport settings over zquic's defaults. */
  readonly transport?: Partial<TransportConfig>;
  /** TLS cipher suites to offer (default: all three). */
  readonly cipherSuites?: readonly number[];
  /** GREASE in the ClientHello (default true); `chacha20` checks that 0x1303 is the only suite offered. */
  readonly grease?: boolean;
}

/** What the server does for a case, beyond serving the files. */
export interface ServerPlan {
  /** Answer every first Initial with a Retry (RFC 9000 §8.1.2). */
  readonly retry?: boolean;
  /** QUIC versions in preference order (default v1, v2). */
  readonly versions?: readonly number[];
  /** Offer the `PREFERRED_ADDRESS` of the environment to clients (RFC 9000 §9.6). */
  readonly preferredAddress?: boolean;
}

/** A case the endpoint runs with `plan`, or does not run, and why. */
export type Support<P> = { readonly plan: P } | { readonly unsupported: string };

/** node:dgram can neither mark nor read the IP header's ECN bits (the zquic Node socket reports `ecn: false`). */
const NO_ECN = "zquic on Node.js sends and receives no ECN marks: node:dgram can neither set nor read the IP ECN field";

/**
 * `transfer`: small initial flow-control windows, so they must grow during a
 * transfer of megabytes (the transport auto-tunes them up to its maximum).
 */
const SMALL_WINDOWS: Partial<TransportConfig> = { initialMaxData: 512 * 1024, initialMaxStreamDataBidiLocal: 256 * 1024 };

/** `keyupdate`: a key update every this many packets, so the first comes within the first MB (quic.md). */
const KEY_UPDATE_EVERY_PACKETS = 100;

/**
 * `zerortt`: no path MTU discovery (RFC 8899), as ngtcp2's `--no-pmtud`: the runner counts every
 * byte of the client's 1-RTT payload, and each probe is a 1.4 kB padded PING.
 */
const NO_PMTUD: Partial<TransportConfig> = { maxDatagramSize: MIN_DATAGRAM_SIZE };

const ONE: Support<ClientPlan> = { plan: { connections: "one" } };
const SERVE: Support<ServerPlan> = { plan: {} };

/** The client's cases. */
export const CLIENT_CASES: Readonly<Record<string, Support<ClientPlan>>> = {
  handshake: ONE,
  transfer: { plan: { connections: "one", transport: SMALL_WINDOWS } },
  chacha20: { plan: { connections: "one", cipherSuites: [CipherSuite.TLS_CHACHA20_POLY1305_SHA256], grease: false } },
  retry: ONE,
  resumption: { plan: { connections: "first-then-rest" } },
  zerortt: { plan: { connections: "first-then-rest", earlyData: true, transport: NO_PMTUD } },
  http3: ONE,
  keyupdate: { plan: { connections: "one", transport: { keyUpdateInterval: KEY_UPDATE_EVERY_PACKETS } } },
  ecn: { unsupported: NO_ECN },
  multiconnect: { plan: { connections: "per-file" } },
  // A zquic client starts in v1 and lists v1 and v2 in version_information (RFC 9368 §3) by default.
  v2: ONE,
};

/** The server's cases. */
export const SERVER_CASES: Readonly<Record<string, Support<ServerPlan>>> = {
  handshake: SERVE,
  transfer: SERVE,
  // The server selects ChaCha20 because the client offers nothing else.
  chacha20: SERVE,
  retry: { plan: { retry: true } },
  resumption: SERVE,
  zerortt: SERVE,
  http3: SERVE,
  ecn: { unsupported: NO_ECN },
  multiconnect: SERVE,
  // RFC 9368 §4: a client that starts in v1 and lists v2 is moved to v2, which the server prefers.
  v2: { plan: { versions: [QUIC_V2, QUIC_V1] } },
  connectionmigration: { plan: { preferredAddress: true } },
};
