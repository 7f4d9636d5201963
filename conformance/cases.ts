/**
 * The interop runner's QUIC test cases, as data: what files the server
 * serves, what network the simulator builds (the runner's own scenario
 * strings), what each role is told (`TESTCASE`), what the client must do,
 * and what the runner checks afterwards. The facts come from
 * quic-interop-runner `testcases_quic.py`, `testcase.py` and `certs.sh`, and
 * the network simulator's scenarios.
 *
 * @module
 */
import { QUIC_V1, QUIC_V2, type CheckSpec } from "./capture/checks.js";

/** Application protocols of the interop runner: HTTP/0.9 over QUIC, and HTTP/3. */
export type Protocol = "hq-interop" | "h3";

const KiB = 1024;
const MiB = 1024 * 1024;

/** `count` files of `size` bytes each, with names of `nameLength` random lowercase letters. */
export interface FileGroup {
  readonly count: number;
  readonly size: number;
  /** Length of the random file names; the runner's slugs are short, zerortt's are 250 letters. */
  readonly nameLength?: number;
}

/**
 * How a client spreads its requests over connections:
 * - `one`: a single connection downloads every file, streams in parallel;
 * - `per-file`: a new connection for each file (`multiconnect`);
 * - `first-then-rest`: one connection for the first file, then a second one
 *   (resumed) for the rest.
 */
export type ConnectionPattern = "one" | "per-file" | "first-then-rest";

/** Which requests each connection of `pattern` makes, in order. */
export function connectionRuns(pattern: ConnectionPattern, requests: readonly string[]): readonly (readonly string[])[] {
  switch (pattern) {
    case "one":
      return [requests];
    case "per-file":
      return requests.map((request) => [request]);
    case "first-then-rest":
      return [requests.slice(0, 1), requests.slice(1)];
  }
}

/** What the client must do beyond downloading every file over one connection. */
export interface ClientBehaviour {
  readonly connections: ConnectionPattern;
  /** How the second connection of `first-then-rest` resumes: a session ticket alone, or with 0-RTT requests. */
  readonly resume?: "session" | "early-data";
  /** Update keys early (within the first MB). */
  readonly keyUpdate?: boolean;
  /** Offer exactly these TLS cipher suites. */
  readonly cipherSuites?: readonly string[];
  /** Start in `initial` and offer `other` in version_information (RFC 9368) for compatible negotiation. */
  readonly versions?: { readonly initial: number; readonly other: readonly number[] };
  /** Use small initial flow-control windows so they must grow during the transfer. */
  readonly smallFlowControl?: boolean;
}

/** What the server must do beyond serving files. */
export interface ServerBehaviour {
  /** Answer first Initials with a Retry. */
  readonly retry?: boolean;
  /** Offer a preferred address (RFC 9000 §9.6) for the client to migrate to. */
  readonly preferredAddress?: boolean;
  /** Accept only these TLS cipher suites. */
  readonly cipherSuites?: readonly string[];
  /** Select this version by compatible version negotiation when the client offers it. */
  readonly preferVersion?: number;
}

/** How datagrams travel between the endpoints. */
export type PathKind =
  /** Through the impairment relay, reproducing `scenario`. */
  | { readonly kind: "relay" }
  /** Straight over loopback (the scenario's delay and rate are not reproduced), and why. */
  | { readonly kind: "direct"; readonly reason: string };

/** One interop test case. */
export interface TestCase {
  /** The runner's name for the case. */
  readonly name: string;
  /** The runner's one- or two-letter abbreviation in its result matrix. */
  readonly abbreviation: string;
  readonly description: string;
  /** What the endpoints are told in `TESTCASE` (the runner's `testname(perspective)`). */
  readonly testcase: { readonly client: string; readonly server: string };
  /** The application protocol of the runner (HTTP/3 only for `http3`). */
  readonly protocol: Protocol;
  readonly files: readonly FileGroup[];
  /** The network simulator scenario, verbatim from the runner. */
  readonly scenario: string;
  readonly path: PathKind;
  /** Address family of the server's URL: `server4`, `server6` (the runner's `server46` is taken as IPv4 here). */
  readonly family: 4 | 6;
  /** Certificates in the server's chain (`certs.sh` chain length). */
  readonly certChain: number;
  readonly timeoutSeconds: number;
  /** The checks cannot be made without a TLS key log (the runner reports "unsupported" then). */
  readonly needsKeyLog: boolean;
  readonly client: ClientBehaviour;
  readonly server: ServerBehaviour;
  readonly checks: readonly CheckSpec[];
  /** Runs of a measurement (the runner repeats goodput 5 times); 1 for tests. */
  readonly repetitions: number;
}

/** The runner's default network: 15 ms one way, 10 Mbit/s, a 25-packet queue. */
const P2P = "simple-p2p --delay=15ms --bandwidth=10Mbps --queue=25";
const RELAY: PathKind = { kind: "relay" };
/** TLS_CHACHA20_POLY1305_SHA256 (RFC 8446 §B.4). */
const CHACHA20 = "0x1303";

const ONE: ClientBehaviour = { connections: "one" };

/** The runner's `_check_version_and_files`: only QUIC v1 in the server's Initials, and the downloads. */
const VERSION_AND_FILES: readonly CheckSpec[] = [{ kind: "version", version: QUIC_V1 }, { kind: "files" }];
const ONE_HANDSHAKE: CheckSpec = { kind: "handshakes", count: 1 };
/** TestCaseTransfer.check: one handshake, version and files. */
const TRANSFER_CHECKS: readonly CheckSpec[] = [ONE_HANDSHAKE, ...VERSION_AND_FILES];
/** TestCaseHandshake.check: version and files, no Retry, one handshake. */
const HANDSHAKE_CHECKS: readonly CheckSpec[] = [...VERSION_AND_FILES, { kind: "no-retry" }, ONE_HANDSHAKE];

/** The fields most cases share; each case overrides what differs. */
function testCase(fields: Pick<TestCase, "name" | "abbreviation" | "description" | "files" | "checks"> & Partial<TestCase>): TestCase {
  return {
    testcase: { client: fields.name, server: fields.name },
    protocol: "hq-interop",
    scenario: P2P,
    path: RELAY,
    family: 4,
    certChain: 1,
    timeoutSeconds: 60,
    needsKeyLog: false,
    client: ONE,
    server: {},
    repetitions: 1,
    ...fields,
  };
}

/** Endpoints are told `transfer` in both roles. */
const AS_TRANSFER = { client: "transfer", server: "transfer" } as const;

/** Every case of the issue, in the runner's order (measurements last). */
export const TEST_CASES: readonly TestCase[] = [
  testCase({
    name: "handshake",
    abbreviation: "H",
    description: "Handshake completes successfully.",
    files: [{ count: 1, size: 1 * KiB }],
    checks: HANDSHAKE_CHECKS,
  }),
  testCase({
    name: "transfer",
    abbreviation: "DC",
    description: "Stream data is being sent and received correctly. Connection close completes with a zero error code.",
    files: [
      { count: 1, size: 2 * MiB },
      { count: 1, size: 3 * MiB },
      { count: 1, size: 5 * MiB },
    ],
    client: { connections: "one", smallFlowControl: true },
    checks: TRANSFER_CHECKS,
  }),
  testCase({
    name: "longrtt",
    abbreviation: "LR",
    description: "Handshake completes when RTT is long.",
    testcase: { client: "handshake", server: "handshake" },
    scenario: "simple-p2p --delay=750ms --bandwidth=10Mbps --queue=25",
    files: [{ count: 1, size: 1 * KiB }],
    checks: [ONE_HANDSHAKE, ...VERSION_AND_FILES, { kind: "client-hellos", atLeast: 2 }],
  }),
  testCase({
    name: "chacha20",
    abbreviation: "C20",
    description: "Handshake completes using ChaCha20.",
    files: [{ count: 1, size: 3 * MiB }],
    client: { connections: "one", cipherSuites: [CHACHA20] },
    server: { cipherSuites: [CHACHA20] },
    checks: [ONE_HANDSHAKE, { kind: "cipher-suites", suites: [CHACHA20] }, ...VERSION_AND_FILES],
  }),
  testCase({
    name: "multiplexing",
    abbreviation: "M",
    description: "Thousands of files are transferred over a single connection, and server increased stream limits to accomodate client requests.",
    testcase: AS_TRANSFER,
    files: [{ count: 1999, size: 32 }],
    needsKeyLog: true,
    checks: [ONE_HANDSHAKE, ...VERSION_AND_FILES, { kind: "stream-limit", atMost: 1000 }],
  }),
  testCase({
    name: "retry",
    abbreviation: "S",
    description: "Server sends a Retry, and a subsequent connection using the Retry token completes successfully.",
    files: [{ count: 1, size: 10 * KiB }],
    server: { retry: true },
    checks: [ONE_HANDSHAKE, ...VERSION_AND_FILES, { kind: "retry" }],
  }),
  testCase({
    name: "resumption",
    abbreviation: "R",
    description: "Connection is established using TLS Session Resumption.",
    files: [
      { count: 1, size: 5 * KiB },
      { count: 1, size: 10 * KiB },
    ],
    client: { connections: "first-then-rest", resume: "session" },
    needsKeyLog: true,
    checks: [{ kind: "handshakes", count: 2 }, { kind: "resumed" }, ...VERSION_AND_FILES],
  }),
  testCase({
    name: "zerortt",
    abbreviation: "Z",
    description: "0-RTT data is being sent and acted on.",
    files: [{ count: 40, size: 32, nameLength: 250 }],
    client: { connections: "first-then-rest", resume: "early-data" },
    // At most half of the file names' bytes may go in 1-RTT: 0.5 × 250 × 40.
    checks: [{ kind: "handshakes", count: 2 }, ...VERSION_AND_FILES, { kind: "zero-rtt", maxOneRttBytes: 0.5 * 250 * 40 }],
  }),
  testCase({
    name: "http3",
    abbreviation: "3",
    description: "An H3 transaction succeeded.",
    protocol: "h3",
    files: [
      { count: 1, size: 5 * KiB },
      { count: 1, size: 10 * KiB },
      { count: 1, size: 500 * KiB },
    ],
    checks: TRANSFER_CHECKS,
  }),
  testCase({
    name: "blackhole",
    abbreviation: "B",
    description: "Transfer succeeds despite underlying network blacking out for a few seconds.",
    testcase: AS_TRANSFER,
    scenario: "blackhole --delay=15ms --bandwidth=10Mbps --queue=25 --on=5s --off=2s",
    files: [{ count: 1, size: 10 * MiB }],
    checks: TRANSFER_CHECKS,
  }),
  testCase({
    name: "keyupdate",
    abbreviation: "U",
    description: "One of the two endpoints updates keys and the peer responds correctly.",
    testcase: { client: "keyupdate", server: "transfer" },
    files: [{ count: 1, size: 3 * MiB }],
    client: { connections: "one", keyUpdate: true },
    needsKeyLog: true,
    checks: [ONE_HANDSHAKE, ...VERSION_AND_FILES, { kind: "key-update" }],
  }),
  testCase({
    name: "ecn",
    abbreviation: "E",
    description: "ECN marks are sent, counted and acknowledged by both endpoints.",
    files: [{ count: 1, size: 100 * KiB }],
    path: {
      kind: "direct",
      reason: "node:dgram can neither read nor set the IP ECN field, so the relay would bleach every mark; loopback carries them",
    },
    needsKeyLog: true,
    checks: [...HANDSHAKE_CHECKS, { kind: "ecn" }],
  }),
  testCase({
    name: "amplificationlimit",
    abbreviation: "A",
    description: "The server obeys the 3x amplification limit.",
    testcase: AS_TRANSFER,
    certChain: 9,
    // Let the ClientHello pass, but drop a bunch of retransmissions afterwards.
    scenario: "droplist --delay=15ms --bandwidth=10Mbps --queue=25 --drops_to_server=2,3,4,5,6,7",
    files: [{ count: 1, size: 5 * KiB }],
    needsKeyLog: true,
    checks: [ONE_HANDSHAKE, ...VERSION_AND_FILES, { kind: "amplification", minCryptoBytes: 7500 }],
  }),
  testCase({
    name: "handshakeloss",
    abbreviation: "L1",
    description: "Handshake completes under extreme packet loss.",
    testcase: { client: "multiconnect", server: "multiconnect" },
    scenario: "drop-rate --delay=15ms --bandwidth=10Mbps --queue=25 --rate_to_server=30 --rate_to_client=30 --burst_to_server=3 --burst_to_client=3",
    files: [{ count: 50, size: 1 * KiB }],
    timeoutSeconds: 300,
    client: { connections: "per-file" },
    checks: [{ kind: "handshakes", count: 50 }, ...VERSION_AND_FILES],
  }),
  testCase({
    name: "transferloss",
    abbreviation: "L2",
    description: "Transfer completes under moderate packet loss.",
    testcase: AS_TRANSFER,
    scenario: "drop-rate --delay=15ms --bandwidth=10Mbps --queue=25 --rate_to_server=2 --rate_to_client=2 --burst_to_server=3 --burst_to_client=3",
    files: [{ count: 1, size: 2 * MiB }],
    checks: TRANSFER_CHECKS,
  }),
  testCase({
    name: "handshakecorruption",
    abbreviation: "C1",
    description: "Handshake completes under extreme packet corruption.",
    testcase: { client: "multiconnect", server: "multiconnect" },
    scenario: "corrupt-rate --delay=15ms --bandwidth=10Mbps --queue=25 --rate_to_server=30 --rate_to_client=30 --burst_to_server=3 --burst_to_client=3",
    files: [{ count: 50, size: 1 * KiB }],
    timeoutSeconds: 300,
    client: { connections: "per-file" },
    checks: [{ kind: "handshakes", count: 50 }, ...VERSION_AND_FILES],
  }),
  testCase({
    name: "transfercorruption",
    abbreviation: "C2",
    description: "Transfer completes under moderate packet corruption.",
    testcase: AS_TRANSFER,
    scenario: "corrupt-rate --delay=15ms --bandwidth=10Mbps --queue=25 --rate_to_server=2 --rate_to_client=2 --burst_to_server=3 --burst_to_client=3",
    files: [{ count: 1, size: 2 * MiB }],
    checks: TRANSFER_CHECKS,
  }),
  testCase({
    name: "ipv6",
    abbreviation: "6",
    description: "A transfer across an IPv6-only network succeeded.",
    testcase: AS_TRANSFER,
    family: 6,
    files: [
      { count: 1, size: 5 * KiB },
      { count: 1, size: 10 * KiB },
    ],
    checks: [...TRANSFER_CHECKS, { kind: "ipv6-only" }],
  }),
  testCase({
    name: "v2",
    abbreviation: "V2",
    description: "Server should select QUIC v2 in compatible version negotiation.",
    files: [{ count: 1, size: 1 * KiB }],
    client: { connections: "one", versions: { initial: QUIC_V1, other: [QUIC_V1, QUIC_V2] } },
    server: { preferVersion: QUIC_V2 },
    checks: [{ kind: "compatible-version", initial: QUIC_V1, negotiated: QUIC_V2 }, { kind: "files" }],
  }),
  testCase({
    name: "rebind-port",
    abbreviation: "BP",
    description: "Transfer completes under frequent port rebindings on the client side.",
    testcase: AS_TRANSFER,
    scenario: "rebind --delay=15ms --bandwidth=10Mbps --queue=25 --first-rebind=1s --rebind-freq=5s",
    files: [{ count: 1, size: 10 * MiB }],
    needsKeyLog: true,
    checks: [...TRANSFER_CHECKS, { kind: "path-validation" }],
  }),
  testCase({
    name: "rebind-addr",
    abbreviation: "BA",
    description: "Transfer completes under frequent IP address and port rebindings on the client side.",
    testcase: AS_TRANSFER,
    scenario: "rebind --delay=15ms --bandwidth=10Mbps --queue=25 --first-rebind=1s --rebind-freq=5s --rebind-addr",
    files: [{ count: 1, size: 10 * MiB }],
    needsKeyLog: true,
    checks: [{ kind: "client-addresses", atLeast: 2 }, ...TRANSFER_CHECKS, { kind: "path-validation" }],
  }),
  testCase({
    name: "connectionmigration",
    abbreviation: "CM",
    description: "A transfer succeeded during which the client performed an active migration.",
    testcase: { client: "transfer", server: "connectionmigration" },
    files: [{ count: 1, size: 2 * MiB }],
    path: {
      kind: "direct",
      reason: "the client migrates to the server's preferred address, which the server binds itself; a userspace relay cannot stand in for it without NAT",
    },
    server: { preferredAddress: true },
    needsKeyLog: true,
    checks: [...TRANSFER_CHECKS, { kind: "path-validation" }, { kind: "new-connection-id" }],
  }),
  testCase({
    name: "goodput",
    abbreviation: "G",
    description: "Measures connection goodput over a 10Mbps link.",
    testcase: AS_TRANSFER,
    files: [{ count: 1, size: 10 * MiB }],
    repetitions: 5,
    checks: [...TRANSFER_CHECKS, { kind: "goodput", bytes: 10 * MiB }],
  }),
];

/** The case named `name` (the runner's name), or `undefined`. */
export function findCase(name: string): TestCase | undefined {
  return TEST_CASES.find((c) => c.name === name);
}
