/**
 * The interop runner's checks (quic-interop-runner `testcases_quic.py`),
 * reimplemented over a decoded {@link Trace}. Each check is named by a
 * {@link CheckSpec} (data, with its parameters) and judged by a pure function
 * of the evidence: the two legs of the capture and the download report.
 *
 * @module
 */
import type { DownloadReport } from "./downloads.js";
import { downloadsComplete } from "./downloads.js";
import type { PacketType } from "./packet.js";
import { datagramsFrom, packetsOf, type Observed, type Trace } from "./trace.js";

/** QUIC version numbers (RFC 9000, RFC 9369). */
export const QUIC_V1 = 0x00000001;
export const QUIC_V2 = 0x6b3343cf;

/** One check and its parameters, as data. */
export type CheckSpec =
  /** Every requested file downloaded, equal by hash, nothing else. */
  | { readonly kind: "files" }
  /** Exactly `count` handshakes: distinct Source Connection IDs of the server's Initials. */
  | { readonly kind: "handshakes"; readonly count: number }
  /** The server's Initials use exactly one version, `version`. */
  | { readonly kind: "version"; readonly version: number }
  /** No Retry packet on the client's leg. */
  | { readonly kind: "no-retry" }
  /** A Retry with a token, and a later client Initial echoing it without resetting packet numbers. */
  | { readonly kind: "retry" }
  /** At least `atLeast` ClientHellos sent (the first one retransmitted under a long RTT). */
  | { readonly kind: "client-hellos"; readonly atLeast: number }
  /** The client's ClientHellos offer exactly `suites` (e.g. only TLS_CHACHA20_POLY1305_SHA256, 0x1303). */
  | { readonly kind: "cipher-suites"; readonly suites: readonly string[] }
  /** The server's initial_max_streams_bidi is present and at most `atMost`. */
  | { readonly kind: "stream-limit"; readonly atMost: number }
  /** The first handshake carries a Certificate, the second (resumed with a PSK) none. */
  | { readonly kind: "resumed" }
  /** The client sent 0-RTT data, and at most `maxOneRttBytes` of 1-RTT payload. */
  | { readonly kind: "zero-rtt"; readonly maxOneRttBytes: number }
  /** The server sent ≥ `minCryptoBytes` of Handshake CRYPTO and stayed within 3× (4× tolerated) before validation. */
  | { readonly kind: "amplification"; readonly minCryptoBytes: number }
  /** Both endpoints sent 1-RTT packets with the Key Phase bit set. */
  | { readonly kind: "key-update" }
  /** Both endpoints marked ECT consistently (never CE) and both sent ACK frames with ECN counts. */
  | { readonly kind: "ecn" }
  /** The server saw more than one path, opened each new one with a PATH_CHALLENGE, and every challenge was answered. */
  | { readonly kind: "path-validation" }
  /** The server sent to at least `atLeast` client addresses. */
  | { readonly kind: "client-addresses"; readonly atLeast: number }
  /** On each new path the client switched to a new Destination Connection ID. */
  | { readonly kind: "new-connection-id" }
  /** The server sent no QUIC over IPv4. */
  | { readonly kind: "ipv6-only" }
  /** Client Initials in `initial`, the server's Initials and both sides' Handshake packets in `negotiated`. */
  | { readonly kind: "compatible-version"; readonly initial: number; readonly negotiated: number }
  /** Goodput of a `bytes`-byte download: between the server's first and last 1-RTT packet. */
  | { readonly kind: "goodput"; readonly bytes: number };

/** What a check concluded. */
export interface CheckOutcome {
  readonly pass: boolean;
  readonly detail: string;
  /** For measurements: the value (goodput in Mbit/s). */
  readonly value?: number;
}

/** Everything the checks judge. */
export interface Evidence {
  readonly trace: Trace;
  readonly downloads: DownloadReport;
}

type Judge<K extends CheckSpec["kind"]> = (spec: Extract<CheckSpec, { kind: K }>, evidence: Evidence) => CheckOutcome;

const pass = (detail: string, value?: number): CheckOutcome => ({ pass: true, detail, ...(value === undefined ? {} : { value }) });
const fail = (detail: string): CheckOutcome => ({ pass: false, detail });

function hexVersion(version: number | undefined): string {
  return version === undefined ? "?" : `0x${version.toString(16).padStart(8, "0")}`;
}

function versionsOf(observed: readonly Observed[], from: "client" | "server", type: PacketType): Set<number | undefined> {
  return new Set(packetsOf(observed, from, type).map((p) => p.packet.version));
}

function formatSet(values: Iterable<number | undefined>): string {
  return `{${[...values].map(hexVersion).join(", ")}}`;
}

const files: Judge<"files"> = (_, { downloads }) => {
  if (downloadsComplete(downloads)) return pass(`${downloads.expected.length} file(s) downloaded intact`);
  const parts = [
    downloads.missing.length > 0 ? `missing ${downloads.missing.length}` : "",
    downloads.mismatched.length > 0 ? `different ${downloads.mismatched.length}` : "",
    downloads.unexpected.length > 0 ? `unexpected ${downloads.unexpected.length}` : "",
  ].filter((part) => part !== "");
  return fail(`downloads: ${parts.join(", ")} of ${downloads.expected.length} expected`);
};

const handshakes: Judge<"handshakes"> = (spec, { trace }) => {
  const count = new Set(packetsOf(trace.server, "server", "initial").map((p) => p.packet.scid)).size;
  return count === spec.count ? pass(`${count} handshake(s)`) : fail(`expected ${spec.count} handshake(s), saw ${count}`);
};

const version: Judge<"version"> = (spec, { trace }) => {
  const versions = versionsOf(trace.server, "server", "initial");
  return versions.size === 1 && versions.has(spec.version)
    ? pass(`version ${hexVersion(spec.version)}`)
    : fail(`expected only version ${hexVersion(spec.version)} in the server's Initials, saw ${formatSet(versions)}`);
};

const noRetry: Judge<"no-retry"> = (_, { trace }) => {
  const retries = packetsOf(trace.client, undefined, "retry").length;
  return retries === 0 ? pass("no Retry") : fail(`${retries} Retry packet(s) sent, none expected`);
};

const retry: Judge<"retry"> = (_, { trace }) => {
  const retries = packetsOf(trace.client, "server", "retry");
  if (retries.length === 0) return fail("no Retry packet from the server");
  if (retries.some((r) => r.packet.retryToken === undefined)) return fail("a Retry packet without a Retry Token");
  const tokens = new Set(retries.map((r) => r.packet.retryToken));
  let highestBefore = -1;
  for (const { packet } of packetsOf(trace.client, "client", "initial")) {
    const number = packet.packetNumber ?? -1;
    if ((packet.tokenLength ?? 0) === 0) {
      highestBefore = Math.max(highestBefore, number);
      continue;
    }
    // RFC 9000 §17.2.5.3: packet numbers continue across a Retry.
    if (number <= highestBefore) return fail(`client reset its packet number after the Retry (${number} ≤ ${highestBefore})`);
    if (tokens.has(packet.token)) return pass(`Retry token echoed in Initial ${number}`);
  }
  return fail("no client Initial carried the Retry token");
};

const clientHellos: Judge<"client-hellos"> = (spec, { trace }) => {
  // A ClientHello (or its retransmission) is CRYPTO data at offset 0 of the Initial space.
  const count = packetsOf(trace.client, "client", "initial").filter(
    (p) => p.packet.tlsHandshakeTypes.includes(1) || p.packet.crypto.some((range) => range.offset === 0),
  ).length;
  return count >= spec.atLeast ? pass(`${count} ClientHello(s)`) : fail(`expected at least ${spec.atLeast} ClientHellos, saw ${count}`);
};

const cipherSuites: Judge<"cipher-suites"> = (spec, { trace }) => {
  const hellos = packetsOf(trace.client, "client", "initial").filter((p) => p.packet.tlsHandshakeTypes.includes(1));
  if (hellos.length === 0) return fail("no ClientHello decoded");
  const offered = new Set(hellos.flatMap((p) => p.packet.cipherSuites));
  const expected = new Set(spec.suites);
  const equal = offered.size === expected.size && [...offered].every((suite) => expected.has(suite));
  return equal ? pass(`offered only ${[...offered].join(", ")}`) : fail(`expected only ${spec.suites.join(", ")} offered, saw ${[...offered].join(", ")}`);
};

const streamLimit: Judge<"stream-limit"> = (spec, { trace }) => {
  const limits = packetsOf(trace.client, "server", "handshake").flatMap((p) =>
    p.packet.initialMaxStreamsBidi === undefined ? [] : [p.packet.initialMaxStreamsBidi],
  );
  if (limits.length === 0) return fail("could not find the server's initial_max_streams_bidi");
  const highest = Math.max(...limits);
  return highest <= spec.atMost ? pass(`initial_max_streams_bidi ${highest}`) : fail(`initial_max_streams_bidi ${highest} > ${spec.atMost}`);
};

const resumed: Judge<"resumed"> = (_, { trace }) => {
  const packets = packetsOf(trace.client, "server", "handshake");
  const first = packets[0]?.packet.scid;
  const last = packets[packets.length - 1]?.packet.scid;
  if (first === undefined || first === last) return fail("expected Handshake packets of two connections from the server");
  let firstHasCertificate = false;
  for (const { packet } of packets) {
    if (packet.scid === first) firstHasCertificate ||= packet.hasCertificate;
    else if (packet.scid === last) {
      if (packet.hasCertificate) return fail("the server sent a Certificate in the second handshake (not resumed)");
    } else return fail("Handshake packets of a third connection");
  }
  return firstHasCertificate ? pass("second handshake resumed without a Certificate") : fail("no Certificate in the first handshake");
};

const zeroRtt: Judge<"zero-rtt"> = (spec, { trace }) => {
  const zeroRttBytes = packetsOf(trace.client, "client", "0rtt").reduce((sum, p) => sum + p.packet.payloadBytes, 0);
  const oneRttBytes = packetsOf(trace.client, "client", "1rtt").reduce((sum, p) => sum + p.packet.payloadBytes, 0);
  if (zeroRttBytes === 0) return fail("the client sent no 0-RTT data");
  if (oneRttBytes > spec.maxOneRttBytes) return fail(`the client sent ${oneRttBytes} bytes in 1-RTT (at most ${spec.maxOneRttBytes})`);
  return pass(`0-RTT ${zeroRttBytes} bytes, 1-RTT ${oneRttBytes} bytes`);
};

const amplification: Judge<"amplification"> = (spec, { trace }) => {
  const cryptoEnd = Math.max(0, ...packetsOf(trace.server, "server", "handshake").flatMap((p) => p.packet.crypto.map((c) => c.offset + c.length)));
  if (cryptoEnd < spec.minCryptoBytes) return fail(`the server sent only ${cryptoEnd} bytes of Handshake CRYPTO (< ${spec.minCryptoBytes}): not the long chain?`);
  // RFC 9000 §8.1: before validation a server sends at most 3× what it received (the runner tolerates up to 4×).
  let allowed = 0;
  let tolerated = 0;
  let slid = false;
  for (const { datagram, from } of datagramsFrom(trace.server)) {
    const type = datagram.packets[0]!.type;
    if (type === "version-negotiation") return fail("unexpected Version Negotiation");
    if (type === "unknown") return fail(`datagram ${datagram.number}: packet type not decoded`);
    if (from === "client") {
      if (type === "handshake") return pass(`within the limit until the client's first Handshake packet${slid ? " (between 3× and 4× at times)" : ""}; ${cryptoEnd} CRYPTO bytes`);
      if (type === "initial") {
        allowed += 3 * datagram.size;
        tolerated += 4 * datagram.size;
      }
    } else {
      if (datagram.size >= tolerated) return fail(`datagram ${datagram.number}: the server exceeded 4× what it had received`);
      slid ||= datagram.size > allowed;
      allowed -= datagram.size;
      tolerated -= datagram.size;
    }
  }
  return fail("the client never sent a Handshake packet");
};

const keyUpdate: Judge<"key-update"> = (_, { trace }) => {
  const updated = (observed: readonly Observed[], from: "client" | "server") =>
    packetsOf(observed, from, "1rtt").filter((p) => p.packet.keyPhase === 1).length;
  const client = updated(trace.client, "client");
  const server = updated(trace.server, "server");
  return client > 0 && server > 0
    ? pass(`key phase 1: ${client} client, ${server} server packets`)
    : fail(`expected key phase 1 from both sides, saw ${client} client and ${server} server packets`);
};

/** ECN codepoints of the IP header (RFC 3168 §5). */
const ECT1 = 1;
const ECT0 = 2;
const CE = 3;

const ecn: Judge<"ecn"> = (_, { trace }) => {
  const side = (observed: readonly Observed[], from: "client" | "server") => {
    const sent = datagramsFrom(observed, from);
    const marks = [0, 0, 0, 0];
    for (const { datagram } of sent) marks[datagram.ecn]! += 1;
    const anyEct = marks[ECT0]! + marks[ECT1]! > 0;
    return { marks, ok: anyEct && marks[CE] === 0, ackEcn: sent.some((o) => o.datagram.packets.some((p) => p.ackEcn)) };
  };
  const client = side(trace.client, "client");
  const server = side(trace.server, "server");
  const detail = `client marks [Not-ECT, ECT1, ECT0, CE] = [${client.marks}], ACK-ECN ${client.ackEcn}; server [${server.marks}], ACK-ECN ${server.ackEcn}`;
  return client.ok && server.ok && client.ackEcn && server.ackEcn ? pass(detail) : fail(detail);
};

function pathOf(o: Observed): string {
  const { source, destination } = o.datagram;
  return `${source.address}:${source.port}->${destination.address}:${destination.port}`;
}

/**
 * Walks `observed` as the runner does: a datagram on a path not seen before
 * (other than the current one) opens a new path; `onNewPath` judges its first
 * datagram and may end the walk with a failure. Returns the paths seen.
 */
function walkPaths(observed: readonly Observed[], onNewPath: (o: Observed, previous: Observed) => CheckOutcome | undefined): Set<string> | CheckOutcome {
  const paths = new Set<string>();
  let last: Observed | undefined;
  for (const o of observed) {
    if (last === undefined) last = o;
    else if (pathOf(o) !== pathOf(last) && !paths.has(pathOf(o))) {
      paths.add(pathOf(last));
      const failure = onNewPath(o, last);
      if (failure !== undefined) return failure;
      last = o;
    }
  }
  const final = observed[observed.length - 1];
  if (final !== undefined) paths.add(pathOf(final));
  return paths;
}

const pathValidation: Judge<"path-validation"> = (_, { trace }) => {
  const challenges = new Set<string>();
  const paths = walkPaths(datagramsFrom(trace.server, "server"), (o) => {
    const challenge = o.datagram.packets.flatMap((p) => p.pathChallenges)[0];
    if (challenge === undefined) return fail(`the server's first datagram on new path ${pathOf(o)} (#${o.datagram.number}) had no PATH_CHALLENGE`);
    challenges.add(challenge);
    return undefined;
  });
  if (!(paths instanceof Set)) return paths;
  if (paths.size <= 1) return fail("the server used a single path");
  const responses = new Set(packetsOf(trace.client, "client").flatMap((p) => p.packet.pathResponses));
  const unanswered = [...challenges].filter((challenge) => !responses.has(challenge));
  return unanswered.length === 0
    ? pass(`${paths.size} paths, ${challenges.size} challenge(s) answered`)
    : fail(`PATH_CHALLENGE without PATH_RESPONSE: ${unanswered.join(", ")}`);
};

const clientAddresses: Judge<"client-addresses"> = (spec, { trace }) => {
  const addresses = new Set(datagramsFrom(trace.server, "server").map((o) => o.datagram.destination.address));
  return addresses.size >= spec.atLeast ? pass(`${addresses.size} client addresses`) : fail(`the server saw ${addresses.size} client address(es), expected at least ${spec.atLeast}`);
};

const newConnectionId: Judge<"new-connection-id"> = (_, { trace }) => {
  let dcid: string | undefined;
  const paths = walkPaths(datagramsFrom(trace.client, "client"), (o, previous) => {
    dcid ??= previous.datagram.packets[0]!.dcid;
    const current = o.datagram.packets[0]!.dcid;
    // RFC 9000 §9.5: an endpoint uses a new connection ID on a new path.
    if (current === dcid) return fail(`the client's first datagram on new path ${pathOf(o)} reused DCID ${dcid}`);
    dcid = current;
    return undefined;
  });
  return paths instanceof Set ? pass(`${paths.size} client path(s), a new DCID on each`) : paths;
};

const ipv6Only: Judge<"ipv6-only"> = (_, { trace }) => {
  const v4 = datagramsFrom(trace.server, "server").filter((o) => o.datagram.family === 4).length;
  return v4 === 0 ? pass("IPv6 only") : fail(`${v4} server datagram(s) over IPv4`);
};

const compatibleVersion: Judge<"compatible-version"> = (spec, { trace }) => {
  const clientInitial = versionsOf(trace.client, "client", "initial");
  if (!clientInitial.has(spec.initial)) return fail(`client Initials ${formatSet(clientInitial)} lack ${hexVersion(spec.initial)}`);
  const serverInitial = versionsOf(trace.server, "server", "initial");
  if (!serverInitial.has(spec.negotiated)) return fail(`server Initials ${formatSet(serverInitial)} lack ${hexVersion(spec.negotiated)}`);
  for (const [name, versions] of [
    ["client", versionsOf(trace.client, "client", "handshake")],
    ["server", versionsOf(trace.server, "server", "handshake")],
  ] as const) {
    if (versions.size !== 1 || !versions.has(spec.negotiated)) return fail(`${name} Handshake packets ${formatSet(versions)}, expected only ${hexVersion(spec.negotiated)}`);
  }
  return pass(`negotiated ${hexVersion(spec.initial)} → ${hexVersion(spec.negotiated)}`);
};

const goodput: Judge<"goodput"> = (spec, { trace }) => {
  const packets = packetsOf(trace.client, "server", "1rtt");
  const seconds = packets.length < 2 ? 0 : packets[packets.length - 1]!.datagram.time - packets[0]!.datagram.time;
  if (seconds <= 0) return fail("no 1-RTT transfer from the server to time");
  const mbps = (8 * spec.bytes) / seconds / 1e6;
  return pass(`${mbps.toFixed(2)} Mbit/s (${spec.bytes} bytes in ${seconds.toFixed(3)} s)`, mbps);
};

const JUDGES: { readonly [K in CheckSpec["kind"]]: Judge<K> } = {
  files,
  handshakes,
  version,
  "no-retry": noRetry,
  retry,
  "client-hellos": clientHellos,
  "cipher-suites": cipherSuites,
  "stream-limit": streamLimit,
  resumed,
  "zero-rtt": zeroRtt,
  amplification,
  "key-update": keyUpdate,
  ecn,
  "path-validation": pathValidation,
  "client-addresses": clientAddresses,
  "new-connection-id": newConnectionId,
  "ipv6-only": ipv6Only,
  "compatible-version": compatibleVersion,
  goodput,
};

/** Judges one check. */
export function runCheck(spec: CheckSpec, evidence: Evidence): CheckOutcome {
  return (JUDGES[spec.kind] as Judge<CheckSpec["kind"]>)(spec as never, evidence);
}

/** Parameters shown in hexadecimal: QUIC versions. */
const VERSION_PARAMETERS = new Set(["version", "initial", "negotiated"]);

/** A check's name for reports: its kind and parameters, e.g. `handshakes(count=2)`. */
export function describeCheck(spec: CheckSpec): string {
  const { kind, ...parameters } = spec;
  const shown = Object.entries(parameters).map(([key, value]) => `${key}=${VERSION_PARAMETERS.has(key) ? hexVersion(value as number) : String(value)}`);
  return shown.length === 0 ? kind : `${kind}(${shown.join(", ")})`;
}
