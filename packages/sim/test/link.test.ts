import { describe, expect, it } from "vitest";
import { ZquicError } from "@zquic/wire";
import { EcnCodepoint, INTEROP_RUNNER_LINK, Link, SeededRandom, type Delivery, type Ecn, type LinkConfig, type LinkVerdict } from "@zquic/sim";
import { binomialTolerance, hammingDistance } from "./helpers/statistics.js";

const SEEDS = [1, 2, 3];

function link(config: LinkConfig, seed = 1): Link {
  return new Link(config, new SeededRandom(seed).fork("link"));
}

/** A datagram whose bytes say which one it is. */
function datagram(index: number, length = 100): Uint8Array {
  const data = new Uint8Array(length);
  for (let i = 0; i < length; i++) data[i] = (index + i) & 0xff;
  return data;
}

/** Sends `n` datagrams `spacing` ms apart and returns the verdicts. (Small datagrams keep statistical tests fast.) */
function sendMany(target: Link, n: number, spacing = 1, length = 16, ecn?: Ecn): LinkVerdict[] {
  return Array.from({ length: n }, (_, i) => target.send(i * spacing, datagram(i, length), ecn));
}

function copiesOf(verdict: LinkVerdict): readonly Delivery[] {
  return verdict.kind === "deliver" ? verdict.copies : [];
}

function droppedFor(verdicts: readonly LinkVerdict[], reason: string): number {
  return verdicts.filter((v) => v.kind === "dropped" && v.reason === reason).length;
}

describe("Link: the ideal link", () => {
  it("delivers everything at once, intact, as a private copy", () => {
    const data = datagram(7, 1200);
    const verdict = link({}).send(12.5, data, EcnCodepoint.Ect0);
    expect(verdict).toEqual({ kind: "deliver", copies: [{ at: 12.5, data, ecn: EcnCodepoint.Ect0 }] });
    expect(copiesOf(verdict)[0]!.data).not.toBe(data);
  });

  it("sends Not-ECT when no codepoint is given", () => {
    expect(copiesOf(link({}).send(0, datagram(0)))[0]!.ecn).toBe(EcnCodepoint.NotEct);
  });
});

describe("Link: latency, bandwidth and the drop-tail queue", () => {
  it("adds the one-way latency", () => {
    const verdicts = sendMany(link({ latency: 15 }), 5, 3);
    expect(verdicts.map((v) => copiesOf(v)[0]!.at)).toEqual([15, 18, 21, 24, 27]);
  });

  it("serializes at the configured rate: delivery times are exact", () => {
    // 8 Mbit/s carries 1000 bytes per ms.
    const target = link({ latency: 5, bandwidth: 8_000_000 });
    const burst = Array.from({ length: 10 }, (_, i) => target.send(0, datagram(i, 1000)));
    expect(burst.map((v) => copiesOf(v)[0]!.at)).toEqual([6, 7, 8, 9, 10, 11, 12, 13, 14, 15]);
    // A half-size datagram takes half the time; an idle link starts at once.
    expect(copiesOf(target.send(10, datagram(0, 500)))[0]!.at).toBe(15.5);
    expect(copiesOf(target.send(100, datagram(0, 250)))[0]!.at).toBe(105.25);
  });

  it("matches the interop runner's 10 Mbit/s: 1200 bytes take 0.96 ms", () => {
    const target = link(INTEROP_RUNNER_LINK);
    const arrivals = Array.from({ length: 3 }, (_, i) => copiesOf(target.send(0, datagram(i, 1200)))[0]!.at);
    arrivals.forEach((at, i) => expect(at).toBeCloseTo(15 + 0.96 * (i + 1), 9));
  });

  it("drops exactly what overflows the queue: one serializing plus `queue` waiting", () => {
    const target = link({ bandwidth: 8_000_000, queue: 25 });
    const burst = Array.from({ length: 40 }, (_, i) => target.send(0, datagram(i, 1000)));
    expect(burst.map((v) => v.kind)).toEqual([...Array<string>(26).fill("deliver"), ...Array<string>(14).fill("dropped")]);
    expect(droppedFor(burst, "queue")).toBe(14);
    expect(target.backlog(0)).toBe(26);
    // By t = 3 three datagrams have left: exactly three more fit.
    expect(target.backlog(3)).toBe(23);
    const later = Array.from({ length: 4 }, (_, i) => target.send(3, datagram(i, 1000)).kind);
    expect(later).toEqual(["deliver", "deliver", "deliver", "dropped"]);
    expect(target.stats.dropped.queue).toEqual({ datagrams: 15, bytes: 15_000 });
  });

  it("with a zero queue holds only the datagram being serialized", () => {
    const target = link({ bandwidth: 8_000_000, queue: 0 });
    expect([0, 0.5, 1, 1.5].map((t) => target.send(t, datagram(0, 1000)).kind)).toEqual(["deliver", "dropped", "deliver", "dropped"]);
  });

  it("keeps its queue when reconfigured", () => {
    const target = link({ bandwidth: 8_000_000, queue: 5 });
    for (let i = 0; i < 6; i++) target.send(0, datagram(i, 1000));
    target.configure({ bandwidth: 8_000_000, queue: 5, latency: 100 });
    expect(target.send(0, datagram(0, 1000)).kind).toBe("dropped");
    expect(copiesOf(target.send(1, datagram(0, 1000)))[0]!.at).toBe(107);
    expect(target.settings.latency).toBe(100);
  });
});

describe("Link: MTU and blackholes", () => {
  it("drops datagrams larger than the MTU, and only those", () => {
    const target = link({ mtu: 1200 });
    expect([1199, 1200, 1201, 65_527].map((n) => target.send(0, new Uint8Array(n)).kind)).toEqual(["deliver", "deliver", "dropped", "dropped"]);
    expect(target.stats.dropped.mtu.datagrams).toBe(2);
  });

  it("drops everything sent during an absolute blackhole, and nothing else", () => {
    const verdicts = sendMany(link({ blackholes: [{ from: 100, until: 200 }] }), 300);
    verdicts.forEach((v, t) => expect(v.kind).toBe(t >= 100 && t < 200 ? "dropped" : "deliver"));
    expect(droppedFor(verdicts, "blackhole")).toBe(100);
  });

  it("drops the first `duration` ms of every `every` ms of a periodic blackhole", () => {
    const verdicts = sendMany(link({ blackholes: [{ every: 100, duration: 30, start: 50 }] }), 1000);
    verdicts.forEach((v, t) => expect(v.kind).toBe(t >= 50 && (t - 50) % 100 < 30 ? "dropped" : "deliver"));
  });
});

describe("Link: loss", () => {
  for (const seed of SEEDS) {
    for (const p of [0.01, 0.2, 0.5]) {
      it(`loses a fraction ≈ ${p} (seed ${seed})`, () => {
        const n = 20_000;
        const lost = droppedFor(sendMany(link({ loss: p }, seed), n), "loss");
        expect(Math.abs(lost - n * p)).toBeLessThan(binomialTolerance(n, p));
      });
    }
  }

  it("never loses with loss 0 and always with loss 1", () => {
    expect(droppedFor(sendMany(link({ loss: 0 }), 1000), "loss")).toBe(0);
    expect(droppedFor(sendMany(link({ loss: 1 }), 1000), "loss")).toBe(1000);
  });

  for (const seed of SEEDS) {
    it(`loses in Gilbert–Elliott bursts of mean length 1/exit (seed ${seed})`, () => {
      const enter = 0.01;
      const exit = 0.2;
      const verdicts = sendMany(link({ burstLoss: { enter, exit } }, seed), 60_000);
      const lost = verdicts.map((v) => v.kind === "dropped");
      const bursts: number[] = [];
      lost.forEach((l, i) => {
        if (!l) return;
        if (i > 0 && lost[i - 1]) bursts[bursts.length - 1]!++;
        else bursts.push(1);
      });
      // Stationary share of the bad state: enter / (enter + exit) ≈ 4.76%.
      const rate = lost.filter(Boolean).length / lost.length;
      expect(Math.abs(rate / (enter / (enter + exit)) - 1)).toBeLessThan(0.15);
      // Burst lengths are geometric with mean 1/exit = 5 and sd √(1−exit)/exit ≈ 4.47.
      const mean = bursts.reduce((a, b) => a + b, 0) / bursts.length;
      expect(Math.abs(mean - 1 / exit)).toBeLessThan((5 * Math.sqrt(1 - exit)) / exit / Math.sqrt(bursts.length));
      expect(droppedFor(verdicts, "burst-loss")).toBe(lost.filter(Boolean).length);
    });
  }

  it("loses a fraction `loss` of the datagrams sent during a burst", () => {
    const n = 20_000;
    const lost = droppedFor(sendMany(link({ burstLoss: { enter: 1, exit: 0, loss: 0.3 } }), n), "burst-loss");
    expect(Math.abs(lost - n * 0.3)).toBeLessThan(binomialTolerance(n, 0.3));
  });
});

describe("Link: corruption", () => {
  for (const bits of [1, 3, 16]) {
    it(`flips exactly ${bits} bit(s) and keeps the length`, () => {
      const target = link({ corrupt: 1, corruptBits: bits });
      const wrong: string[] = [];
      for (let i = 0; i < 500; i++) {
        const sent = datagram(i, 1 + ((i * 7) % 1300));
        const [copy] = copiesOf(target.send(i, sent));
        const flipped = hammingDistance(copy!.data, sent);
        if (copy!.data.length !== sent.length || flipped !== Math.min(bits, sent.length * 8)) wrong.push(`#${i}: ${sent.length}B, ${flipped} bits`);
        if (hammingDistance(sent, datagram(i, sent.length)) !== 0) wrong.push(`#${i}: the sender's buffer changed`);
      }
      expect(wrong).toEqual([]);
    });
  }

  it("corrupts a fraction ≈ p of the datagrams", () => {
    const n = 20_000;
    const p = 0.1;
    const verdicts = sendMany(link({ corrupt: p }, 5), n);
    const corrupted = verdicts.filter((v, i) => hammingDistance(copiesOf(v)[0]!.data, datagram(i)) > 0).length;
    expect(Math.abs(corrupted - n * p)).toBeLessThan(binomialTolerance(n, p));
  });

  it("spreads its flips over every bit position", () => {
    const target = link({ corrupt: 1 });
    const hit = new Set<number>();
    for (let i = 0; i < 2000; i++) {
      const sent = new Uint8Array(8);
      const [copy] = copiesOf(target.send(i, sent));
      copy!.data.forEach((byte, j) => {
        for (let b = 0; b < 8; b++) if (byte & (1 << b)) hit.add(j * 8 + b);
      });
    }
    expect(hit.size).toBe(64);
  });
});

describe("Link: duplication", () => {
  it("delivers a fraction ≈ p twice, as identical private copies", () => {
    const n = 20_000;
    const p = 0.25;
    const verdicts = sendMany(link({ duplicate: p, latency: 10, jitter: 2 }, 7), n);
    const doubled = verdicts.filter((v) => copiesOf(v).length === 2);
    expect(verdicts.every((v) => copiesOf(v).length >= 1)).toBe(true);
    expect(Math.abs(doubled.length - n * p)).toBeLessThan(binomialTolerance(n, p));
    for (const v of doubled.slice(0, 50)) {
      const [a, b] = copiesOf(v);
      expect(a!.data).toEqual(b!.data);
      expect(a!.data).not.toBe(b!.data);
    }
  });
});

describe("Link: jitter and reordering", () => {
  /** How many datagrams arrive before one that was sent earlier. */
  function overtaken(verdicts: readonly LinkVerdict[]): number {
    let latest = -Infinity;
    let count = 0;
    for (const v of verdicts) {
      const at = copiesOf(v)[0]!.at;
      if (at < latest) count++;
      latest = Math.max(latest, at);
    }
    return count;
  }

  it("adds uniform jitter in [0, jitter) to sparse datagrams", () => {
    const n = 10_000;
    const verdicts = sendMany(link({ latency: 20, jitter: 4 }, 3), n, 10);
    const extra = verdicts.map((v, i) => copiesOf(v)[0]!.at - i * 10 - 20);
    expect(extra.every((e) => e >= 0 && e < 4)).toBe(true);
    const mean = extra.reduce((a, b) => a + b, 0) / n;
    // The mean of n uniforms on [0, 4) has sd 4 / √(12n).
    expect(Math.abs(mean - 2)).toBeLessThan((5 * 4) / Math.sqrt(12 * n));
  });

  for (const seed of SEEDS) {
    it(`never reorders when reordering is off, however large the jitter (seed ${seed})`, () => {
      expect(overtaken(sendMany(link({ latency: 10, jitter: 50 }, seed), 5000, 0.1))).toBe(0);
    });

    it(`reorders a fraction ≈ p when enabled (seed ${seed})`, () => {
      const n = 20_000;
      const p = 0.05;
      // Sent 1 ms apart, a datagram held back 10 ms is overtaken by the next nine.
      const verdicts = sendMany(link({ latency: 10, reorder: p, reorderDelay: 10 }, seed), n, 1);
      const held = verdicts.filter((v, i) => copiesOf(v)[0]!.at === i + 20).length;
      expect(Math.abs(held - n * p)).toBeLessThan(binomialTolerance(n, p));
      expect(overtaken(verdicts)).toBeGreaterThan(0);
    });
  }
});

describe("Link: ECN", () => {
  it("marks ECT datagrams CE when more than `ecnThreshold` are waiting, and leaves Not-ECT alone", () => {
    const target = link({ bandwidth: 8_000_000, ecnThreshold: 5 });
    // The i-th datagram of a burst finds i − 1 waiting (one is serializing).
    const ect = Array.from({ length: 12 }, (_, i) => copiesOf(target.send(0, datagram(i, 1000), EcnCodepoint.Ect0))[0]!.ecn);
    expect(ect).toEqual([2, 2, 2, 2, 2, 2, 2, 3, 3, 3, 3, 3]);
    expect(copiesOf(target.send(0, datagram(0, 1000), EcnCodepoint.NotEct))[0]!.ecn).toBe(EcnCodepoint.NotEct);
    expect(copiesOf(target.send(0, datagram(0, 1000), EcnCodepoint.Ect1))[0]!.ecn).toBe(EcnCodepoint.Ce);
  });

  it("bleaches every codepoint to Not-ECT", () => {
    const target = link({ bleachEcn: true });
    for (const ecn of [0, 1, 2, 3] as const) expect(copiesOf(target.send(0, datagram(0), ecn))[0]!.ecn).toBe(EcnCodepoint.NotEct);
  });
});

describe("Link: configuration and bookkeeping", () => {
  it("rejects a bad configuration with a message naming the field", () => {
    const bad: [LinkConfig, RegExp][] = [
      [{ loss: 1.5 }, /loss must be a probability/],
      [{ latency: -1 }, /latency/],
      [{ jitter: Infinity }, /jitter/],
      [{ bandwidth: 0 }, /bandwidth/],
      [{ queue: 2.5, bandwidth: 1e6 }, /queue/],
      [{ queue: 10 }, /queue needs a finite bandwidth/],
      [{ ecnThreshold: 3 }, /ecnThreshold needs a finite bandwidth/],
      [{ mtu: -5 }, /mtu/],
      [{ corrupt: NaN }, /corrupt/],
      [{ burstLoss: { enter: 0.1, exit: 2 } }, /burstLoss.exit/],
      [{ blackholes: [{ from: 10, until: 5 }] }, /ends before it starts/],
      [{ blackholes: [{ every: 0, duration: 0 }] }, /every/],
      [{ blackholes: [{ every: 10, duration: 20 }] }, /duration/],
    ];
    for (const [config, message] of bad) {
      const attempt = () => link(config);
      expect(attempt).toThrow(ZquicError);
      expect(attempt).toThrow(message);
    }
  });

  it("counts what it was offered, delivered and dropped", () => {
    const target = link({ mtu: 150, loss: 0.3, duplicate: 0.2 }, 9);
    const verdicts = [...sendMany(target, 1000, 1, 100), ...sendMany(target, 10, 1, 200)];
    const { sent, delivered, dropped } = target.stats;
    expect(sent).toEqual({ datagrams: 1010, bytes: 102_000 });
    expect(dropped.mtu).toEqual({ datagrams: 10, bytes: 2000 });
    expect(dropped.loss.datagrams).toBe(droppedFor(verdicts, "loss"));
    expect(delivered.datagrams).toBe(verdicts.reduce((n, v) => n + copiesOf(v).length, 0));
    expect(delivered.bytes).toBe(delivered.datagrams * 100);
  });

  it("decides the same way from the same seed and differently from another", () => {
    const config: LinkConfig = { latency: 10, jitter: 5, loss: 0.1, duplicate: 0.05, reorder: 0.05, corrupt: 0.05 };
    const run = (seed: number) => JSON.stringify(sendMany(link(config, seed), 500, 0.5).map((v) => (v.kind === "deliver" ? v.copies.map((c) => [c.at, Array.from(c.data)]) : v.reason)));
    expect(run(1)).toBe(run(1));
    expect(run(1)).not.toBe(run(2));
  });
});
