import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { TransportError } from "@zquic/wire";
import type { Ecn } from "@zquic/wire";
import { createCongestionController, type CongestionAlgorithm } from "../src/congestion/controller.js";
import { Recovery, type HandshakeStatus } from "../src/recovery.js";
import { SentPackets, type SentPacket, type SpaceId } from "../src/sent-packet.js";

type Status = "live" | "acked" | "gone";

const sent = (pn: number): SentPacket<null> => ({ pn, space: 2, timeSent: pn, size: 1, ackEliciting: true, inFlight: true, info: null });

describe("SentPackets", () => {
  it("remembers an acknowledged gap when its tombstones are compacted away", () => {
    const store = new SentPackets<null>();
    for (let pn = 0; pn < 100; pn++) store.push(sent(pn));
    // 71 tombstones against 29 live packets: compacted into the slot of 81.
    expect(store.removeAcknowledged([{ smallest: 10, largest: 80 }])).toHaveLength(71);
    const runs = store.removeLost(99, () => true).map((run) => [run[0]!.pn, run.at(-1)!.pn]);
    expect(runs).toEqual([
      [0, 9],
      [81, 99],
    ]);
  });

  it("remembers an acknowledged gap after the newest packet for the next one sent", () => {
    const store = new SentPackets<null>();
    for (let pn = 0; pn < 50; pn++) store.push(sent(pn));
    store.removeAcknowledged([{ smallest: 5, largest: 49 }]);
    store.push(sent(50));
    expect(store.removeLost(50, () => true).map((run) => run.map((p) => p.pn))).toEqual([[0, 1, 2, 3, 4], [50]]);
  });
});

describe("SentPackets against a plain model", () => {
  // Ranges and the loss walk reach back from the newest packet, so that tombstones pile up and get compacted.
  const op = fc.oneof(
    { weight: 6, arbitrary: fc.record({ kind: fc.constant("push" as const), gap: fc.nat(2) }) },
    { weight: 4, arbitrary: fc.record({ kind: fc.constant("ack" as const), ranges: fc.array(fc.tuple(fc.nat(90), fc.oneof(fc.nat(8), fc.nat(80))), { maxLength: 4 }) }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant("lost" as const), back: fc.nat(30), seed: fc.nat(7) }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant("removeAll" as const), parity: fc.nat(1) }) },
  );

  it("acknowledges, loses and removes exactly what the model says, with runs split at acknowledgments", () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 300, size: "max" }), (ops) => {
        const store = new SentPackets<null>();
        const model = new Map<number, Status>();
        let next = 0;
        for (const o of ops) {
          if (o.kind === "push") {
            next += o.gap;
            store.push(sent(next));
            model.set(next, "live");
            next++;
          } else if (o.kind === "ack") {
            const ranges = o.ranges.map(([back, width]) => {
              const smallest = Math.max(0, next - back);
              return { smallest, largest: smallest + width };
            });
            const expected = [...model.keys()]
              .filter((pn) => model.get(pn) === "live" && ranges.some((r) => pn >= r.smallest && pn <= r.largest))
              .sort((a, b) => a - b);
            expect(store.removeAcknowledged(ranges).map((p) => p.pn)).toEqual(expected);
            for (const pn of expected) model.set(pn, "acked");
          } else if (o.kind === "lost") {
            const largest = next - o.back;
            // Seed 0 loses everything up to `largest`; others keep some packets pending.
            const isLost = (pn: number): boolean => o.seed === 0 || (pn * 7 + o.seed) % 3 !== 0;
            const expected: number[][] = [];
            let run: number[] = [];
            const endRun = (): void => {
              if (run.length > 0) expected.push(run);
              run = [];
            };
            for (const pn of [...model.keys()].sort((a, b) => a - b)) {
              if (pn > largest) break;
              const status = model.get(pn);
              if (status === "acked") endRun();
              if (status !== "live") continue;
              if (isLost(pn)) {
                run.push(pn);
                model.set(pn, "gone");
              } else endRun();
            }
            endRun();
            expect(store.removeLost(largest, (p) => isLost(p.pn)).map((r) => r.map((p) => p.pn))).toEqual(expected);
          } else {
            const expected = [...model.keys()].filter((pn) => model.get(pn) === "live" && pn % 2 === o.parity).sort((a, b) => a - b);
            expect(store.removeAll((p) => p.pn % 2 === o.parity).map((p) => p.pn)).toEqual(expected);
            for (const pn of expected) model.set(pn, "gone");
          }
          const live = [...model.values()].some((s) => s === "live");
          expect(store.hasAckElicitingInFlight).toBe(live);
        }
      }),
      { numRuns: 100 },
    );
  });
});

const space = fc.constantFrom<SpaceId>(0, 1, 2);
const ecn = fc.constantFrom<Ecn>(0, 1, 2, 3);
const status = fc.record<HandshakeStatus>({ handshakeConfirmed: fc.boolean(), hasHandshakeKeys: fc.boolean(), atAmplificationLimit: fc.boolean() });
const dt = fc.double({ min: 0, max: 400, noNaN: true });

const recoveryOp = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant("send" as const),
      space,
      dt,
      size: fc.integer({ min: 20, max: 1500 }),
      ackEliciting: fc.boolean(),
      padded: fc.boolean(),
      isMtuProbe: fc.boolean(),
      ecn,
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("skip" as const), space }) },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant("ack" as const),
      space,
      dt,
      status,
      // Offsets from the largest packet number sent, so some ranges reach beyond it.
      ranges: fc.array(fc.tuple(fc.integer({ min: -40, max: 2 }), fc.nat(10)), { minLength: 1, maxLength: 5 }),
      ackDelay: fc.oneof(fc.double({ min: 0, max: 100, noNaN: true }), fc.constant(2 ** 60)),
      ecn: fc.option(fc.record({ ect0: fc.nat(60), ect1: fc.nat(2), ce: fc.nat(10) }), { nil: undefined }),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("timeout" as const), dt, status, atDeadline: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("discard" as const), space }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("reject" as const), space, parity: fc.nat(1) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("appLimited" as const), limited: fc.boolean() }) },
);

type RecoveryOp = typeof recoveryOp extends fc.Arbitrary<infer T> ? T : never;

function run(algorithm: CongestionAlgorithm, ops: readonly RecoveryOp[], role: "client" | "server"): void {
  const recovery = new Recovery<string>({ role, congestion: createCongestionController(algorithm, 1200), maxAckDelay: 25 });
  const outstanding = new Map<string, SentPacket<string>>();
  const nextPn = [0, 0, 0];
  const skipped: number[][] = [[], [], []];
  let now = 0;
  const settle = (packets: readonly SentPacket<string>[]): void => {
    for (const p of packets) {
      // Every packet reported was sent and is reported once.
      expect(outstanding.delete(p.info)).toBe(true);
    }
  };
  for (const o of ops) {
    if (o.kind === "send") {
      now += o.dt;
      const pn = nextPn[o.space]!++;
      const inFlight = o.ackEliciting || o.padded;
      const p: SentPacket<string> = {
        pn,
        space: o.space,
        timeSent: now,
        size: o.size,
        ackEliciting: o.ackEliciting,
        inFlight,
        isMtuProbe: inFlight && o.isMtuProbe,
        ecn: o.ecn,
        info: `${o.space}:${pn}`,
      };
      recovery.onPacketSent(p);
      outstanding.set(p.info, p);
    } else if (o.kind === "skip") {
      const pn = nextPn[o.space]!++;
      recovery.onPacketNumberSkipped(o.space, pn);
      skipped[o.space]!.push(pn);
    } else if (o.kind === "ack") {
      now += o.dt;
      const top = nextPn[o.space]! - 1;
      const ranges = o.ranges.map(([offset, width]) => {
        const smallest = Math.max(0, top + offset);
        return { smallest, largest: smallest + width };
      });
      const outcome = recovery.onAckReceived(o.space, { ranges, ackDelay: o.ackDelay, ...(o.ecn ? { ecn: o.ecn } : {}) }, now, o.status);
      const recentSkips = skipped[o.space]!.slice(-8);
      const invalid = ranges.some((r) => r.largest > top || recentSkips.some((pn) => pn >= r.smallest && pn <= r.largest));
      expect(outcome.kind).toBe(invalid ? "error" : "ok");
      if (outcome.kind === "ok") {
        settle(outcome.acked);
        settle(outcome.lost);
      } else {
        expect(outcome.code).toBe(TransportError.PROTOCOL_VIOLATION);
      }
    } else if (o.kind === "timeout") {
      now += o.dt;
      const deadline = recovery.lossDetectionDeadline(o.status);
      if (o.atDeadline && deadline !== undefined) now = Math.max(now, deadline);
      const outcome = recovery.onLossDetectionTimeout(now, o.status);
      settle(outcome.lost);
      if (outcome.probe) expect([1, 2]).toContain(outcome.probe.count);
    } else if (o.kind === "discard") {
      settle(recovery.discardSpace(o.space));
    } else if (o.kind === "reject") {
      settle(recovery.declareAllLost(o.space, (p) => p.pn % 2 === o.parity));
    } else {
      recovery.applicationLimited = o.limited;
    }
    const inFlight = [...outstanding.values()].filter((p) => p.inFlight).reduce((sum, p) => sum + p.size, 0);
    expect(recovery.bytesInFlight).toBe(inFlight);
    expect(recovery.congestion.window).toBeGreaterThanOrEqual(recovery.congestion.minimumWindow);
    expect(Number.isFinite(recovery.congestion.window)).toBe(true);
    expect(Number.isFinite(recovery.rtt.smoothedRtt)).toBe(true);
    const deadline = recovery.lossDetectionDeadline({ handshakeConfirmed: true, hasHandshakeKeys: true, atAmplificationLimit: false });
    expect(deadline === undefined || Number.isFinite(deadline)).toBe(true);
  }
}

describe("Recovery under random sends, acknowledgments and timeouts", () => {
  for (const algorithm of ["newreno", "cubic"] as const) {
    for (const role of ["client", "server"] as const) {
      it(`never throws, keeps bytes in flight exact and the window above the minimum (${algorithm}, ${role})`, () => {
        fc.assert(
          fc.property(fc.array(recoveryOp, { maxLength: 250, size: "max" }), (ops) => run(algorithm, ops, role)),
          { numRuns: 60 },
        );
      });
    }
  }
});
