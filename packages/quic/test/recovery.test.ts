import { describe, expect, it } from "vitest";
import { TransportError, ZquicError } from "@zquic/wire";
import { EcnCodepoint } from "@zquic/wire";
import { NewReno } from "../src/congestion/new-reno.js";
import { Recovery, type AckOutcome, type HandshakeStatus, type ReceivedAck, type RecoveryOptions } from "../src/recovery.js";
import { PacketSpace, type SentPacket, type SpaceId } from "../src/sent-packet.js";

const { Initial, Handshake, Application } = PacketSpace;
const MDS = 1200;

const confirmed: HandshakeStatus = { handshakeConfirmed: true, hasHandshakeKeys: true, atAmplificationLimit: false };
const early: HandshakeStatus = { handshakeConfirmed: false, hasHandshakeKeys: false, atAmplificationLimit: false };

function recovery(options: Partial<RecoveryOptions> = {}): Recovery<string> {
  return new Recovery<string>({ role: "server", congestion: new NewReno(MDS), ...options });
}

function packet(space: SpaceId, pn: number, timeSent: number, fields: Partial<SentPacket<string>> = {}): SentPacket<string> {
  return { pn, space, timeSent, size: MDS, ackEliciting: true, inFlight: true, info: `${space}:${pn}`, ...fields };
}

function ack(ranges: [number, number][], ackDelay = 0, ecn?: ReceivedAck["ecn"]): ReceivedAck {
  return { ranges: ranges.map(([smallest, largest]) => ({ smallest, largest })), ackDelay, ...(ecn ? { ecn } : {}) };
}

function ok<Info>(outcome: AckOutcome<Info>): Extract<AckOutcome<Info>, { kind: "ok" }> {
  if (outcome.kind !== "ok") throw new Error(`expected ok, got ${outcome.code}: ${outcome.reason}`);
  return outcome;
}

const pns = (packets: readonly SentPacket<string>[]): number[] => packets.map((p) => p.pn);

describe("sending and acknowledging (RFC 9002 §A.5, §A.7)", () => {
  it("counts in-flight packets toward bytes in flight, ACK-only packets not", () => {
    const r = recovery();
    r.onPacketSent(packet(Application, 0, 0, { size: 1000 }));
    r.onPacketSent(packet(Application, 1, 1, { size: 50, ackEliciting: false, inFlight: false }));
    r.onPacketSent(packet(Application, 2, 2, { size: 300, ackEliciting: false }));
    expect(r.bytesInFlight).toBe(1300);
  });

  it("removes newly acknowledged packets once, and ignores a repeated ACK", () => {
    const r = recovery();
    for (let pn = 0; pn < 3; pn++) r.onPacketSent(packet(Application, pn, pn));
    const first = ok(r.onAckReceived(Application, ack([[0, 1]]), 50, confirmed));
    expect(pns(first.acked)).toEqual([0, 1]);
    expect(r.bytesInFlight).toBe(MDS);
    expect(r.largestAcked(Application)).toBe(1);
    const again = ok(r.onAckReceived(Application, ack([[0, 1]]), 60, confirmed));
    expect(again.acked).toEqual([]);
    expect(again.rttSampled).toBe(false);
    expect(r.bytesInFlight).toBe(MDS);
  });

  it("accepts ranges in any order and gaps between them", () => {
    const r = recovery();
    for (let pn = 0; pn < 10; pn++) r.onPacketSent(packet(Application, pn, pn));
    const outcome = ok(r.onAckReceived(Application, ack([[2, 3], [8, 9], [5, 5]]), 20, confirmed));
    expect(pns(outcome.acked)).toEqual([2, 3, 5, 8, 9]);
  });

  it("takes an RTT sample only when the largest is newly acknowledged and something ack-eliciting is (§5.1)", () => {
    const r = recovery();
    r.onPacketSent(packet(Application, 0, 0));
    r.onPacketSent(packet(Application, 1, 10, { ackEliciting: false, inFlight: false }));
    r.onPacketSent(packet(Application, 2, 20));
    // Largest (1) newly acknowledged but not ack-eliciting, and nothing else new: no sample.
    expect(ok(r.onAckReceived(Application, ack([[1, 1]]), 60, confirmed)).rttSampled).toBe(false);
    expect(r.rtt.hasSample).toBe(false);
    // Largest 2 is new and ack-eliciting: latest_rtt = 90 − 20.
    expect(ok(r.onAckReceived(Application, ack([[0, 2]]), 90, confirmed)).rttSampled).toBe(true);
    expect(r.rtt.latestRtt).toBe(70);
    // Acknowledging 0 late does not produce a sample: the largest (2) is not newly acknowledged.
    const r2 = recovery();
    r2.onPacketSent(packet(Application, 0, 0));
    r2.onPacketSent(packet(Application, 1, 5));
    ok(r2.onAckReceived(Application, ack([[1, 1]]), 50, confirmed));
    expect(ok(r2.onAckReceived(Application, ack([[0, 1]]), 70, confirmed)).rttSampled).toBe(false);
    expect(r2.rtt.latestRtt).toBe(45);
  });

  it("samples the RTT from an ACK-only packet that is the largest acknowledged", () => {
    const r = recovery();
    r.onPacketSent(packet(Application, 0, 0));
    r.onPacketSent(packet(Application, 1, 30, { ackEliciting: false, inFlight: false }));
    expect(ok(r.onAckReceived(Application, ack([[0, 1]]), 100, confirmed)).rttSampled).toBe(true);
    expect(r.rtt.latestRtt).toBe(70);
  });

  it("ignores the ack delay of Initial acknowledgments and caps it after confirmation (§5.3)", () => {
    const initial = recovery();
    initial.onPacketSent(packet(Initial, 0, 0));
    initial.onPacketSent(packet(Initial, 1, 100));
    ok(initial.onAckReceived(Initial, ack([[0, 0]]), 50, early));
    ok(initial.onAckReceived(Initial, ack([[1, 1]], 30), 200, early));
    expect(initial.rtt.smoothedRtt).toBeCloseTo((7 / 8) * 50 + 100 / 8, 12);

    const app = recovery({ maxAckDelay: 10 });
    app.onPacketSent(packet(Application, 0, 0));
    app.onPacketSent(packet(Application, 1, 100));
    ok(app.onAckReceived(Application, ack([[0, 0]]), 50, confirmed));
    ok(app.onAckReceived(Application, ack([[1, 1]], 30), 200, confirmed));
    expect(app.rtt.smoothedRtt).toBeCloseTo((7 / 8) * 50 + 90 / 8, 12);
  });

  it("refuses packet numbers that do not increase (a local bug, not peer input)", () => {
    const r = recovery();
    r.onPacketSent(packet(Application, 5, 0));
    expect(() => r.onPacketSent(packet(Application, 5, 1))).toThrow(ZquicError);
    expect(() => r.onPacketNumberSkipped(Application, 3)).toThrow(ZquicError);
    // Spaces are independent.
    expect(() => r.onPacketSent(packet(Handshake, 0, 1))).not.toThrow();
  });
});

describe("hostile acknowledgments (RFC 9000 §13.1, §21.4)", () => {
  it("answers an ACK of a packet never sent with PROTOCOL_VIOLATION and changes nothing", () => {
    const r = recovery();
    for (let pn = 0; pn < 3; pn++) r.onPacketSent(packet(Application, pn, pn));
    const outcome = r.onAckReceived(Application, ack([[0, 3]]), 50, confirmed);
    expect(outcome.kind).toBe("error");
    if (outcome.kind === "error") expect(outcome.code).toBe(TransportError.PROTOCOL_VIOLATION);
    expect(r.bytesInFlight).toBe(3 * MDS);
    expect(r.largestAcked(Application)).toBeUndefined();
    expect(pns(ok(r.onAckReceived(Application, ack([[0, 2]]), 60, confirmed)).acked)).toEqual([0, 1, 2]);
  });

  it("answers an ACK in a space where nothing was sent with PROTOCOL_VIOLATION", () => {
    const r = recovery();
    r.onPacketSent(packet(Application, 0, 0));
    const outcome = r.onAckReceived(Handshake, ack([[0, 0]]), 10, confirmed);
    expect(outcome).toMatchObject({ kind: "error", code: TransportError.PROTOCOL_VIOLATION });
  });

  it("answers an ACK that covers a skipped packet number with PROTOCOL_VIOLATION", () => {
    const r = recovery();
    r.onPacketSent(packet(Application, 0, 0));
    r.onPacketNumberSkipped(Application, 1);
    r.onPacketSent(packet(Application, 2, 2));
    expect(r.onAckReceived(Application, ack([[0, 2]]), 10, confirmed)).toMatchObject({ kind: "error", code: TransportError.PROTOCOL_VIOLATION });
    // Ranges around the skipped number are fine.
    expect(pns(ok(r.onAckReceived(Application, ack([[2, 2], [0, 0]]), 10, confirmed)).acked)).toEqual([0, 2]);
  });

  it("answers malformed ranges with FRAME_ENCODING_ERROR", () => {
    const r = recovery();
    r.onPacketSent(packet(Application, 0, 0));
    for (const ranges of [[], [{ smallest: 1, largest: 0 }], [{ smallest: -1, largest: 0 }], [{ smallest: 0.5, largest: 0 }]]) {
      expect(r.onAckReceived(Application, { ranges, ackDelay: 0 }, 1, confirmed)).toMatchObject({ kind: "error", code: TransportError.FRAME_ENCODING_ERROR });
    }
  });

  it("walks only tracked packets, however wide a range is", () => {
    const r = recovery();
    r.onPacketSent(packet(Application, 0, 0));
    r.onPacketSent(packet(Application, 2 ** 52, 1));
    const started = performance.now();
    const outcome = ok(r.onAckReceived(Application, ack([[0, 2 ** 52]]), 10, confirmed));
    expect(pns(outcome.acked)).toEqual([0, 2 ** 52]);
    expect(performance.now() - started).toBeLessThan(1000);
    expect(r.onAckReceived(Application, ack([[0, 2 ** 62]]), 11, confirmed)).toMatchObject({ kind: "error", code: TransportError.PROTOCOL_VIOLATION });
  });

  it("does not let a huge ack delay inflate the RTT after confirmation (§5.3)", () => {
    const r = recovery({ maxAckDelay: 25 });
    r.onPacketSent(packet(Application, 0, 0));
    r.onPacketSent(packet(Application, 1, 100));
    ok(r.onAckReceived(Application, ack([[0, 0]]), 40, confirmed));
    ok(r.onAckReceived(Application, ack([[1, 1]], 2 ** 60), 200, confirmed));
    // 100 ≥ 40 + 25: adjusted = 75.
    expect(r.rtt.smoothedRtt).toBeCloseTo((7 / 8) * 40 + 75 / 8, 9);
  });

  it("forgets the oldest ACK-only packets beyond its bound, keeping the newest", () => {
    const r = recovery();
    const count = 5000;
    for (let pn = 0; pn < count; pn++) r.onPacketSent(packet(Application, pn, pn, { ackEliciting: false, inFlight: false }));
    expect(ok(r.onAckReceived(Application, ack([[0, 0]]), count, confirmed)).acked).toEqual([]);
    expect(pns(ok(r.onAckReceived(Application, ack([[count - 1, count - 1]]), count, confirmed)).acked)).toEqual([count - 1]);
  });
});

describe("acknowledgment-based loss detection (RFC 9002 §6.1, §A.10)", () => {
  it("declares packets kPacketThreshold = 3 below the largest acknowledged lost, and times the rest", () => {
    const r = recovery();
    for (let pn = 0; pn < 5; pn++) r.onPacketSent(packet(Application, pn, pn));
    const outcome = ok(r.onAckReceived(Application, ack([[4, 4]]), 50, confirmed));
    expect(pns(outcome.lost)).toEqual([0, 1]);
    expect(outcome.congestionEvents).toEqual(["loss"]);
    expect(r.bytesInFlight).toBe(2 * MDS);
    // latest_rtt = smoothed_rtt = 46: loss_delay = 9/8 · 46; pn 2 (sent at 2) is due first.
    const lossDelay = (9 / 8) * 46;
    expect(r.lossDetectionDeadline(confirmed)).toBeCloseTo(2 + lossDelay, 9);
    expect(r.onLossDetectionTimeout(2 + lossDelay - 0.01, confirmed).lost).toEqual([]);
    const timeout = r.onLossDetectionTimeout(2 + lossDelay, confirmed);
    expect(pns(timeout.lost)).toEqual([2]);
    expect(timeout.probe).toBeUndefined();
    expect(r.lossDetectionDeadline(confirmed)).toBeCloseTo(3 + lossDelay, 9);
  });

  it("declares a packet lost once it was sent more than 9/8 · max(smoothed_rtt, latest_rtt) ago (§6.1.2)", () => {
    const r = recovery();
    r.onPacketSent(packet(Application, 0, 0));
    r.onPacketSent(packet(Application, 1, 100));
    // latest_rtt = 100: packets sent before 200 − 112.5 are lost.
    const outcome = ok(r.onAckReceived(Application, ack([[1, 1]]), 200, confirmed));
    expect(pns(outcome.lost)).toEqual([0]);
  });

  it("uses the larger of smoothed_rtt and latest_rtt", () => {
    const r = recovery();
    r.onPacketSent(packet(Application, 0, 0));
    ok(r.onAckReceived(Application, ack([[0, 0]]), 400, confirmed)); // smoothed 400
    r.onPacketSent(packet(Application, 1, 1000));
    r.onPacketSent(packet(Application, 2, 1300));
    // latest_rtt 100, smoothed ≈ 362.5: the delay is 9/8 · 362.5, so pn 1 (sent 400 before the ACK) survives.
    const outcome = ok(r.onAckReceived(Application, ack([[2, 2]]), 1400, confirmed));
    expect(outcome.lost).toEqual([]);
    expect(r.lossDetectionDeadline(confirmed)).toBeCloseTo(1000 + (9 / 8) * r.rtt.smoothedRtt, 9);
  });

  it("never uses a time threshold below kGranularity", () => {
    const r = recovery();
    r.onPacketSent(packet(Application, 0, 0));
    r.onPacketSent(packet(Application, 1, 0.05));
    const outcome = ok(r.onAckReceived(Application, ack([[1, 1]]), 0.1, confirmed));
    expect(outcome.lost).toEqual([]);
    expect(r.lossDetectionDeadline(confirmed)).toBe(1);
  });

  it("keeps loss detection per packet number space (§6)", () => {
    const r = recovery();
    r.onPacketSent(packet(Handshake, 0, 0));
    for (let pn = 0; pn < 5; pn++) r.onPacketSent(packet(Application, pn, pn + 1));
    const outcome = ok(r.onAckReceived(Application, ack([[4, 4]]), 20, confirmed));
    expect(outcome.lost.every((p) => p.space === Application)).toBe(true);
    expect(r.hasAckElicitingInFlight(Handshake)).toBe(true);
  });

  it("does not treat a lost PMTU probe as a congestion signal (RFC 9000 §14.4)", () => {
    const r = recovery();
    r.onPacketSent(packet(Application, 0, 0, { isMtuProbe: true, size: 1500 }));
    for (let pn = 1; pn < 4; pn++) r.onPacketSent(packet(Application, pn, pn));
    const window = r.congestion.window;
    const outcome = ok(r.onAckReceived(Application, ack([[1, 3]]), 30, confirmed));
    expect(pns(outcome.lost)).toEqual([0]);
    expect(outcome.congestionEvents).toEqual([]);
    expect(r.bytesInFlight).toBe(0);
    expect(r.congestion.window).toBeGreaterThanOrEqual(window);
  });

  it("reduces the window once per recovery period (§7.3.2)", () => {
    const r = recovery();
    for (let pn = 0; pn < 10; pn++) r.onPacketSent(packet(Application, pn, pn));
    ok(r.onAckReceived(Application, ack([[4, 4]]), 50, confirmed));
    const reduced = r.congestion.window;
    expect(reduced).toBe(12000 / 2);
    ok(r.onAckReceived(Application, ack([[8, 8]]), 60, confirmed));
    expect(r.congestion.window).toBe(reduced);
  });
});

describe("probe timeout (RFC 9002 §6.2, §A.8, §A.9)", () => {
  it("arms the Initial PTO at 1 s before any RTT sample, without max_ack_delay (§6.2.2)", () => {
    const r = recovery({ role: "client" });
    r.onPacketSent(packet(Initial, 0, 0));
    expect(r.lossDetectionDeadline(early)).toBe(999);
    expect(r.onLossDetectionTimeout(998, early)).toEqual({ lost: [], congestionEvents: [] });
    expect(r.ptoCount).toBe(0);
    expect(r.onLossDetectionTimeout(999, early)).toEqual({ lost: [], probe: { space: Initial, count: 2 }, congestionEvents: [] });
    expect(r.ptoCount).toBe(1);
    // §6.2.1: the backoff doubles the period; a PTO declares nothing lost.
    expect(r.lossDetectionDeadline(early)).toBe(1998);
    expect(r.bytesInFlight).toBe(MDS);
    r.onPacketSent(packet(Initial, 1, 1000));
    expect(r.lossDetectionDeadline(early)).toBe(1000 + 1998);
  });

  it("takes the earlier of the Initial and Handshake timers (§6.2.1)", () => {
    const r = recovery();
    r.onPacketSent(packet(Handshake, 0, 0));
    r.onPacketSent(packet(Initial, 0, 10));
    expect(r.lossDetectionDeadline(early)).toBe(999);
    expect(r.onLossDetectionTimeout(999, early).probe).toEqual({ space: Handshake, count: 2 });
  });

  it("does not arm for Application Data until the handshake is confirmed, then adds max_ack_delay (§6.2.1)", () => {
    const r = recovery({ maxAckDelay: 25 });
    r.onPacketSent(packet(Application, 0, 0));
    expect(r.lossDetectionDeadline(early)).toBeUndefined();
    expect(r.lossDetectionDeadline(confirmed)).toBe(999 + 25);
    expect(r.onLossDetectionTimeout(1024, confirmed).probe).toEqual({ space: Application, count: 2 });
    // The backoff applies to max_ack_delay as well.
    expect(r.lossDetectionDeadline(confirmed)).toBe(2 * (999 + 25));
    expect(r.ptoPeriod(Application)).toBe(999 + 25);
    expect(r.ptoPeriod(Handshake)).toBe(999);
  });

  it("prefers a handshake space over Application Data while the handshake is not confirmed", () => {
    const r = recovery();
    r.onPacketSent(packet(Application, 0, 0));
    r.onPacketSent(packet(Handshake, 0, 500));
    expect(r.lossDetectionDeadline(early)).toBe(500 + 999);
  });

  it("resets the backoff on an acknowledgment at a server", () => {
    const r = recovery();
    r.onPacketSent(packet(Application, 0, 0));
    r.onLossDetectionTimeout(1024, confirmed);
    r.onPacketSent(packet(Application, 1, 1100));
    ok(r.onAckReceived(Application, ack([[1, 1]]), 1200, confirmed));
    expect(r.ptoCount).toBe(0);
  });

  it("keeps a client's backoff on Initial ACKs until its address is validated (§6.2.1)", () => {
    const r = recovery({ role: "client" });
    r.onPacketSent(packet(Initial, 0, 0));
    r.onLossDetectionTimeout(999, early);
    r.onPacketSent(packet(Initial, 1, 1000));
    ok(r.onAckReceived(Initial, ack([[1, 1]]), 1100, early));
    expect(r.ptoCount).toBe(1);
    // A Handshake ACK shows the server validated the address.
    const withKeys = { ...early, hasHandshakeKeys: true };
    r.onPacketSent(packet(Handshake, 0, 1100));
    ok(r.onAckReceived(Handshake, ack([[0, 0]]), 1200, withKeys));
    expect(r.ptoCount).toBe(0);
  });

  it("arms the anti-deadlock PTO at an unvalidated client with nothing in flight (§6.2.2.1)", () => {
    const r = recovery({ role: "client" });
    r.onPacketSent(packet(Initial, 0, 0));
    ok(r.onAckReceived(Initial, ack([[0, 0]]), 100, early));
    expect(r.hasAckElicitingInFlight(Initial)).toBe(false);
    // From the ACK: smoothed 100, rttvar 50 → 100 + 200.
    expect(r.lossDetectionDeadline(early)).toBe(100 + 300);
    expect(r.onLossDetectionTimeout(400, early).probe).toEqual({ space: Initial, count: 1 });
    expect(r.ptoCount).toBe(1);
    // With Handshake keys the probe is a Handshake packet; the timer starts at the last timeout, backed off.
    const withKeys = { ...early, hasHandshakeKeys: true };
    expect(r.lossDetectionDeadline(withKeys)).toBe(400 + 600);
    expect(r.onLossDetectionTimeout(1000, withKeys).probe).toEqual({ space: Handshake, count: 1 });
    // Once the handshake is confirmed the client has nothing to fear.
    expect(r.lossDetectionDeadline(confirmed)).toBeUndefined();
  });

  it("arms the anti-deadlock PTO when only 0-RTT packets are in flight", () => {
    const r = recovery({ role: "client" });
    r.onPacketSent(packet(Initial, 0, 0));
    ok(r.onAckReceived(Initial, ack([[0, 0]]), 100, early));
    r.onPacketSent(packet(Application, 0, 150));
    expect(r.lossDetectionDeadline(early)).toBe(150 + 300);
  });

  it("arms nothing at a server with nothing in flight, or at the amplification limit (§6.2.2.1)", () => {
    const r = recovery({ role: "server" });
    r.onPacketSent(packet(Initial, 0, 0));
    expect(r.lossDetectionDeadline({ ...early, atAmplificationLimit: true })).toBeUndefined();
    expect(r.lossDetectionDeadline(early)).toBe(999);
    ok(r.onAckReceived(Initial, ack([[0, 0]]), 100, early));
    expect(r.lossDetectionDeadline(early)).toBeUndefined();
  });

  it("lets the time-threshold timer replace the PTO (§6.2.1)", () => {
    const r = recovery();
    r.onPacketSent(packet(Application, 0, 0));
    r.onPacketSent(packet(Application, 1, 10));
    ok(r.onAckReceived(Application, ack([[1, 1]]), 110, confirmed));
    // latest_rtt 100: pn 0 is due at 0 + 112.5, well before any PTO.
    expect(r.lossDetectionDeadline(confirmed)).toBe(112.5);
    expect(pns(r.onLossDetectionTimeout(112.5, confirmed).lost)).toEqual([0]);
    expect(r.ptoCount).toBe(0);
  });
});

describe("discarding state (RFC 9002 §6.4, §A.11)", () => {
  it("removes a discarded space from flight, resets its timers and the backoff", () => {
    const r = recovery({ role: "client" });
    r.onPacketSent(packet(Initial, 0, 0));
    r.onPacketSent(packet(Initial, 1, 1, { ackEliciting: false, inFlight: false }));
    r.onPacketSent(packet(Handshake, 0, 500));
    r.onLossDetectionTimeout(999, early);
    expect(r.ptoCount).toBe(1);
    const window = r.congestion.window;
    const discarded = r.discardSpace(Initial);
    expect(pns(discarded)).toEqual([0, 1]);
    expect(r.bytesInFlight).toBe(MDS);
    expect(r.ptoCount).toBe(0);
    expect(r.congestion.window).toBe(window);
    expect(r.lossDetectionDeadline({ ...early, hasHandshakeKeys: true })).toBe(500 + 999);
    // An ACK for a discarded packet finds nothing.
    expect(ok(r.onAckReceived(Initial, ack([[0, 0]]), 600, early)).acked).toEqual([]);
  });

  it("declares rejected 0-RTT packets lost without a congestion signal (§6.4)", () => {
    const r = recovery({ role: "client" });
    r.onPacketSent(packet(Application, 0, 0, { info: "0-RTT" }));
    r.onPacketSent(packet(Application, 1, 1, { info: "0-RTT" }));
    r.onPacketSent(packet(Application, 2, 2, { info: "1-RTT" }));
    const window = r.congestion.window;
    const lost = r.declareAllLost(Application, (p) => p.info === "0-RTT");
    expect(pns(lost)).toEqual([0, 1]);
    expect(r.bytesInFlight).toBe(MDS);
    expect(r.congestion.window).toBe(window);
    expect(r.congestion.state).toBe("slow_start");
    expect(pns(ok(r.onAckReceived(Application, ack([[0, 2]]), 50, confirmed)).acked)).toEqual([2]);
  });
});

describe("persistent congestion (RFC 9002 §7.6)", () => {
  /**
   * The §7.6.3 example in seconds (1 unit = 1000 ms). A warm-up packet and the
   * ACK of #1 (ack delay 800 ms, max_ack_delay 1000 ms) bring the estimator to
   * smoothed_rtt 400, rttvar 150, so smoothed_rtt + 4·rttvar + max_ack_delay = 2
   * as the example assumes; the ACK of #9 moves it to 2.025 (duration 6.075 s).
   */
  function example(sendTimes: readonly number[], options: { warmUp?: boolean; ackOnly?: number; ackOnlyAcked?: boolean } = {}) {
    const { warmUp = true } = options;
    const r = recovery({ maxAckDelay: 1000 });
    if (warmUp) {
      r.onPacketSent(packet(Application, 0, -10000));
      ok(r.onAckReceived(Application, ack([[0, 0]]), -9600, confirmed));
    }
    sendTimes.forEach((time, i) => {
      const pn = i + 1;
      const notInFlight = pn === options.ackOnly;
      r.onPacketSent(packet(Application, pn, time, notInFlight ? { ackEliciting: false, inFlight: false } : {}));
      if (pn === 2 && warmUp) ok(r.onAckReceived(Application, ack([[1, 1]], 800), 1200, confirmed));
      if (notInFlight && options.ackOnlyAcked) ok(r.onAckReceived(Application, ack([[pn, pn]]), time + 1, confirmed));
    });
    const last = sendTimes.length;
    return { r, outcome: ok(r.onAckReceived(Application, ack([[last, last]]), sendTimes[last - 1]! + 200, confirmed)) };
  }
  const table1 = [0, 1000, 2000, 3000, 4000, 5000, 6000, 8000, 12000];

  it("is established by the §7.6.3 example: packets 2–8 lost over 7 s > 3 · 2 s", () => {
    const { r, outcome } = example(table1);
    expect(r.rtt.smoothedRtt).toBe(375);
    expect(r.rtt.rttVar).toBe(162.5);
    expect(pns(outcome.lost)).toEqual([2, 3, 4, 5, 6, 7, 8]);
    expect(outcome.congestionEvents).toEqual(["loss", "persistent-congestion"]);
    // §B.8: the minimum window, and no recovery period: the acknowledged #9 then grows it in slow start.
    expect(r.congestion.window).toBe(2 * MDS + MDS);
    expect(r.congestion.state).toBe("slow_start");
    // §5.2: min_rtt restarts from the newest sample.
    expect(r.rtt.minRtt).toBe(r.rtt.latestRtt);
  });

  it("is not established when the lost packets span less than the duration", () => {
    // Packet 8 at t = 7 instead of 8: 2 → 8 spans 6 s < 6.075 s.
    const { r, outcome } = example([0, 1000, 2000, 3000, 4000, 5000, 6000, 7000, 12000]);
    expect(pns(outcome.lost)).toEqual([2, 3, 4, 5, 6, 7, 8]);
    expect(outcome.congestionEvents).toEqual(["loss"]);
    // Initial window plus the two acknowledged packets before the loss, halved.
    expect(r.congestion.window).toBe((12000 + 2 * MDS) / 2);
  });

  it("is not established without an RTT sample before the lost packets were sent (§7.6.2)", () => {
    const { outcome } = example(table1, { warmUp: false });
    expect(outcome.congestionEvents).toEqual(["loss"]);
  });

  it("is not established when a packet between the lost ones was acknowledged", () => {
    // Packet 3 is an ACK-only packet right after 2; the lost packets are 2 and 4–9 (2 s … 8 s).
    const times = [0, 1000, 1001, 2000, 3000, 4000, 5000, 6000, 8000, 12000];
    const delivered = example(times, { ackOnly: 3, ackOnlyAcked: true });
    expect(pns(delivered.outcome.lost)).toEqual([2, 4, 5, 6, 7, 8, 9]);
    expect(delivered.outcome.congestionEvents).toEqual(["loss"]);
    // The same without that acknowledgment: 2 → 9 spans 7 s.
    const undelivered = example(times, { ackOnly: 3, ackOnlyAcked: false });
    expect(pns(undelivered.outcome.lost)).toEqual([2, 3, 4, 5, 6, 7, 8, 9]);
    expect(undelivered.outcome.congestionEvents).toEqual(["loss", "persistent-congestion"]);
  });
});

describe("ECN through loss recovery (RFC 9002 §7.1, §B.7)", () => {
  it("treats an ECN-CE increase as a congestion event", () => {
    const r = recovery();
    for (let pn = 0; pn < 4; pn++) r.onPacketSent(packet(Application, pn, pn, { ecn: r.ecn.codepoint }));
    const first = ok(r.onAckReceived(Application, ack([[0, 1]], 0, { ect0: 2, ect1: 0, ce: 0 }), 50, confirmed));
    expect(first.congestionEvents).toEqual([]);
    const window = r.congestion.window;
    const second = ok(r.onAckReceived(Application, ack([[0, 3]], 0, { ect0: 3, ect1: 0, ce: 1 }), 60, confirmed));
    expect(second.congestionEvents).toEqual(["ecn-ce"]);
    expect(r.congestion.window).toBe(window / 2);
    expect(r.congestion.state).toBe("recovery");
  });

  it("fails ECN validation when marked packets are acknowledged without counts", () => {
    const r = recovery();
    r.onPacketSent(packet(Application, 0, 0, { ecn: EcnCodepoint.Ect0 }));
    ok(r.onAckReceived(Application, ack([[0, 0]]), 50, confirmed));
    expect(r.ecn.state).toBe("failed");
    expect(r.ecn.codepoint).toBe(EcnCodepoint.NotEct);
  });
});

describe("application-limited senders (RFC 9002 §7.8)", () => {
  it("does not grow an underused window", () => {
    const r = recovery();
    r.applicationLimited = true;
    r.onPacketSent(packet(Application, 0, 0));
    ok(r.onAckReceived(Application, ack([[0, 0]]), 50, confirmed));
    expect(r.congestion.window).toBe(12000);
    r.applicationLimited = false;
    r.onPacketSent(packet(Application, 1, 60));
    ok(r.onAckReceived(Application, ack([[1, 1]]), 110, confirmed));
    expect(r.congestion.window).toBe(12000 + MDS);
  });

  it("grows a window that was filled even if the sender then ran out of data", () => {
    const r = recovery();
    r.applicationLimited = true;
    for (let pn = 0; pn < 10; pn++) r.onPacketSent(packet(Application, pn, 0));
    ok(r.onAckReceived(Application, ack([[0, 0]]), 50, confirmed));
    expect(r.congestion.window).toBe(12000 + MDS);
  });
});

describe("new paths (RFC 9000 §9.4)", () => {
  it("restarts RTT, congestion control and ECN validation", () => {
    const r = recovery();
    r.onPacketSent(packet(Application, 0, 0, { ecn: EcnCodepoint.Ect0 }));
    ok(r.onAckReceived(Application, ack([[0, 0]]), 50, confirmed));
    expect(r.ecn.state).toBe("failed");
    const fresh = new NewReno(MDS);
    r.onNewPath(fresh);
    expect(r.congestion).toBe(fresh);
    expect(r.rtt.hasSample).toBe(false);
    expect(r.ecn.state).toBe("testing");
  });
});
