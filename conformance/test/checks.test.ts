import { describe, expect, it } from "vitest";
import { QUIC_V2, runCheck, type CheckSpec } from "../capture/checks.js";
import type { DownloadReport } from "../capture/downloads.js";
import type { Trace } from "../capture/trace.js";
import { bothLegs, handshake, packet, sent } from "./helpers/trace.js";

const COMPLETE: DownloadReport = { expected: ["a"], missing: [], unexpected: [], mismatched: [] };

function judge(spec: CheckSpec, trace: Trace, downloads: DownloadReport = COMPLETE) {
  return runCheck(spec, { trace, downloads });
}

describe("checks: handshakes, versions, files", () => {
  it("counts handshakes by the server's Initial SCIDs", () => {
    const two = bothLegs([...handshake("s1"), ...handshake("s2")]);
    expect(judge({ kind: "handshakes", count: 2 }, two).pass).toBe(true);
    expect(judge({ kind: "handshakes", count: 1 }, two).pass).toBe(false);
  });

  it("wants only the expected version in the server's Initials", () => {
    const trace = bothLegs(handshake());
    expect(judge({ kind: "version", version: 1 }, trace).pass).toBe(true);
    expect(judge({ kind: "version", version: QUIC_V2 }, trace).pass).toBe(false);
  });

  it("fails on any missing, different or extra file", () => {
    const trace = bothLegs(handshake());
    expect(judge({ kind: "files" }, trace).pass).toBe(true);
    for (const broken of [{ missing: ["a"] }, { mismatched: ["a"] }, { unexpected: ["b"] }]) {
      expect(judge({ kind: "files" }, trace, { ...COMPLETE, ...broken }).pass).toBe(false);
    }
  });
});

describe("checks: retry", () => {
  const retried = bothLegs([
    sent("client", [packet({ type: "initial", packetNumber: 0, tokenLength: 0 })]),
    sent("server", [packet({ type: "retry", retryToken: "cafe" })]),
    sent("client", [packet({ type: "initial", packetNumber: 1, tokenLength: 2, token: "cafe" })]),
  ]);

  it("passes when an Initial echoes the Retry token with a later packet number", () => {
    expect(judge({ kind: "retry" }, retried).pass).toBe(true);
    expect(judge({ kind: "no-retry" }, retried).pass).toBe(false);
  });

  it("fails without a Retry, with another token, or with a reset packet number", () => {
    expect(judge({ kind: "retry" }, bothLegs(handshake())).pass).toBe(false);
    const otherToken = bothLegs([retried.client[0]!, retried.client[1]!, sent("client", [packet({ type: "initial", packetNumber: 1, tokenLength: 2, token: "beef" })])]);
    expect(judge({ kind: "retry" }, otherToken).pass).toBe(false);
    const reset = bothLegs([retried.client[0]!, retried.client[1]!, sent("client", [packet({ type: "initial", packetNumber: 0, tokenLength: 2, token: "cafe" })])]);
    expect(judge({ kind: "retry" }, reset).detail).toMatch(/reset its packet number/);
  });
});

describe("checks: TLS", () => {
  it("wants only the named cipher suites offered", () => {
    expect(judge({ kind: "cipher-suites", suites: ["0x1303"] }, bothLegs(handshake())).pass).toBe(false);
    const chacha = bothLegs(handshake("s", { clientInitial: { cipherSuites: ["0x1303"] } }));
    expect(judge({ kind: "cipher-suites", suites: ["0x1303"] }, chacha).pass).toBe(true);
  });

  it("counts ClientHellos, retransmissions included", () => {
    const once = bothLegs(handshake());
    expect(judge({ kind: "client-hellos", atLeast: 2 }, once).pass).toBe(false);
    const again = bothLegs([sent("client", [packet({ type: "initial", crypto: [{ offset: 0, length: 300 }] })]), ...handshake()]);
    expect(judge({ kind: "client-hellos", atLeast: 2 }, again).pass).toBe(true);
  });

  it("sees resumption as a second handshake without a Certificate", () => {
    const resumed = bothLegs([...handshake("s1"), ...handshake("s2", { serverHandshake: { hasCertificate: false } })]);
    expect(judge({ kind: "resumed" }, resumed).pass).toBe(true);
    const full = bothLegs([...handshake("s1"), ...handshake("s2")]);
    expect(judge({ kind: "resumed" }, full).detail).toMatch(/Certificate in the second handshake/);
    expect(judge({ kind: "resumed" }, bothLegs(handshake("s1"))).pass).toBe(false);
  });

  it("bounds the server's bidirectional stream limit", () => {
    expect(judge({ kind: "stream-limit", atMost: 1000 }, bothLegs(handshake())).pass).toBe(true);
    const generous = bothLegs(handshake("s", { serverHandshake: { initialMaxStreamsBidi: 2000 } }));
    expect(judge({ kind: "stream-limit", atMost: 1000 }, generous).pass).toBe(false);
  });
});

describe("checks: 0-RTT and key update", () => {
  it("wants 0-RTT data and little 1-RTT payload from the client", () => {
    const early = bothLegs([...handshake(), sent("client", [packet({ type: "0rtt", payloadBytes: 900 })])]);
    expect(judge({ kind: "zero-rtt", maxOneRttBytes: 5000 }, early).pass).toBe(true);
    expect(judge({ kind: "zero-rtt", maxOneRttBytes: 5000 }, bothLegs(handshake())).pass).toBe(false);
    expect(judge({ kind: "zero-rtt", maxOneRttBytes: 10 }, early).pass).toBe(false);
  });

  it("wants key phase 1 from both sides", () => {
    const updated = bothLegs([...handshake(), sent("client", [packet({ type: "1rtt", keyPhase: 1 })]), sent("server", [packet({ type: "1rtt", keyPhase: 1 })])]);
    expect(judge({ kind: "key-update" }, updated).pass).toBe(true);
    const oneSided = bothLegs([...handshake(), sent("client", [packet({ type: "1rtt", keyPhase: 1 })])]);
    expect(judge({ kind: "key-update" }, oneSided).pass).toBe(false);
  });
});

describe("checks: amplification limit", () => {
  const longChain = { serverHandshake: { crypto: [{ offset: 0, length: 8000 }] } };

  it("passes a server within 3× until the client's Handshake packet", () => {
    const [clientInitial, serverFlight, clientHandshake] = handshake("s", longChain);
    const trace = bothLegs([clientInitial!, { ...serverFlight!, datagram: { ...serverFlight!.datagram, size: 3000 } }, clientHandshake!]);
    expect(judge({ kind: "amplification", minCryptoBytes: 7500 }, trace).pass).toBe(true);
  });

  it("fails at 4× and without the long chain", () => {
    const [clientInitial, serverFlight, clientHandshake] = handshake("s", longChain);
    const flood = bothLegs([clientInitial!, { ...serverFlight!, datagram: { ...serverFlight!.datagram, size: 4800 } }, clientHandshake!]);
    expect(judge({ kind: "amplification", minCryptoBytes: 7500 }, flood).detail).toMatch(/exceeded 4×/);
    expect(judge({ kind: "amplification", minCryptoBytes: 7500 }, bothLegs(handshake())).detail).toMatch(/long chain/);
  });
});

describe("checks: ECN", () => {
  it("wants ECT marks without CE and ACK-ECN from both", () => {
    const marked = (from: "client" | "server", ecn: number, ackEcn: boolean) => sent(from, [packet({ type: "1rtt", ackEcn })], { ecn });
    expect(judge({ kind: "ecn" }, bothLegs([marked("client", 2, true), marked("server", 2, true)])).pass).toBe(true);
    expect(judge({ kind: "ecn" }, bothLegs([marked("client", 0, true), marked("server", 2, true)])).pass).toBe(false);
    expect(judge({ kind: "ecn" }, bothLegs([marked("client", 2, true), marked("server", 3, true)])).pass).toBe(false);
    expect(judge({ kind: "ecn" }, bothLegs([marked("client", 2, false), marked("server", 2, true)])).pass).toBe(false);
  });
});

describe("checks: paths", () => {
  const moved = { address: "127.0.0.9", port: 50001 };
  const rebound = (challenge: readonly string[], response: readonly string[]) =>
    bothLegs([
      ...handshake(),
      sent("client", [packet({ type: "1rtt", dcid: "d2", pathResponses: response })], { source: moved }),
      sent("server", [packet({ type: "1rtt", pathChallenges: challenge })], { destination: moved }),
      sent("client", [packet({ type: "1rtt", dcid: "d2", pathResponses: response })], { source: moved }),
    ]);

  it("wants a PATH_CHALLENGE first on every new path, answered", () => {
    expect(judge({ kind: "path-validation" }, rebound(["01"], ["01"])).pass).toBe(true);
    expect(judge({ kind: "path-validation" }, rebound([], [])).detail).toMatch(/no PATH_CHALLENGE/);
    expect(judge({ kind: "path-validation" }, rebound(["01"], ["02"])).detail).toMatch(/without PATH_RESPONSE/);
    expect(judge({ kind: "path-validation" }, bothLegs(handshake())).detail).toMatch(/single path/);
  });

  it("counts client addresses and wants a new DCID on a new path", () => {
    expect(judge({ kind: "client-addresses", atLeast: 2 }, rebound(["01"], ["01"])).pass).toBe(true);
    expect(judge({ kind: "client-addresses", atLeast: 2 }, bothLegs(handshake())).pass).toBe(false);
    expect(judge({ kind: "new-connection-id" }, rebound(["01"], ["01"])).pass).toBe(true);
    const sameCid = bothLegs([
      sent("client", [packet({ type: "1rtt", dcid: "d1" })]),
      sent("client", [packet({ type: "1rtt", dcid: "d1" })], { source: moved }),
    ]);
    expect(judge({ kind: "new-connection-id" }, sameCid).pass).toBe(false);
  });

  it("wants no IPv4 from the server in the IPv6 case", () => {
    expect(judge({ kind: "ipv6-only" }, bothLegs(handshake())).pass).toBe(false);
    const v6 = handshake().map((o) => ({ ...o, datagram: { ...o.datagram, family: 6 as const } }));
    expect(judge({ kind: "ipv6-only" }, bothLegs(v6)).pass).toBe(true);
  });
});

describe("checks: compatible version negotiation and goodput", () => {
  it("wants v1 Initials from the client, then v2 everywhere after", () => {
    const v2 = bothLegs([
      sent("client", [packet({ type: "initial", version: 1 })]),
      sent("server", [packet({ type: "initial", version: QUIC_V2, scid: "s" }), packet({ type: "handshake", version: QUIC_V2 })]),
      sent("client", [packet({ type: "handshake", version: QUIC_V2 })]),
    ]);
    const spec: CheckSpec = { kind: "compatible-version", initial: 1, negotiated: QUIC_V2 };
    expect(judge(spec, v2).pass).toBe(true);
    expect(judge(spec, bothLegs(handshake())).pass).toBe(false);
  });

  it("measures goodput between the server's first and last 1-RTT packets", () => {
    const transfer = bothLegs([
      sent("server", [packet({ type: "1rtt" })], { time: 10 }),
      sent("server", [packet({ type: "1rtt" })], { time: 18 }),
    ]);
    const outcome = judge({ kind: "goodput", bytes: 10_000_000 }, transfer);
    expect(outcome.value).toBeCloseTo(10);
    expect(judge({ kind: "goodput", bytes: 1 }, bothLegs([])).pass).toBe(false);
  });
});
