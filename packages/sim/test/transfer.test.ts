import { describe, expect, it } from "vitest";
import { Network, SeededRandom, formatTraceEvent, seedsToRun, withSeed, type LinkConfig, type NetworkPath, type SimEndpoint, type SocketAddress, type TraceEvent, type Transmit } from "@zquic/sim";
import { equalBytes } from "@zquic/wire";
import { readU32, u32 } from "./helpers/endpoints.js";

// A toy go-back-N protocol, written here only to exercise the simulator:
// DATA = [1][seq u32][payload] + crc32, ACK = [2][next expected seq u32] + crc32.
const DATA = 1;
const ACK = 2;
const SEGMENT = 1000;
const WINDOW = 16;
const RETRANSMIT_AFTER = 200; // ms

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of bytes) crc = CRC_TABLE[(crc ^ byte) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

function seal(type: number, seq: number, payload: Uint8Array = new Uint8Array()): Uint8Array {
  const packet = new Uint8Array(5 + payload.length + 4);
  packet[0] = type;
  packet.set(u32(seq), 1);
  packet.set(payload, 5);
  packet.set(u32(crc32(packet.subarray(0, 5 + payload.length))), 5 + payload.length);
  return packet;
}

/** The packet inside `datagram`, or `undefined` when it is damaged. */
function open(datagram: Uint8Array): { type: number; seq: number; payload: Uint8Array } | undefined {
  if (datagram.length < 9) return undefined;
  const body = datagram.subarray(0, datagram.length - 4);
  if (crc32(body) !== readU32(datagram, datagram.length - 4)) return undefined;
  return { type: body[0]!, seq: readU32(body, 1), payload: body.subarray(5) };
}

class GoBackNSender implements SimEndpoint {
  private base = 0;
  private next = 0;
  private deadline: number | undefined;
  private readonly segments: number;

  constructor(
    private readonly data: Uint8Array,
    private readonly peer: SocketAddress,
  ) {
    this.segments = Math.ceil(data.length / SEGMENT);
  }

  get done(): boolean {
    return this.base === this.segments;
  }

  handleDatagram(now: number, datagram: Uint8Array): void {
    const packet = open(datagram);
    if (packet?.type !== ACK || packet.seq <= this.base || packet.seq > this.segments) return;
    this.base = packet.seq;
    this.next = Math.max(this.next, this.base);
    this.deadline = this.done ? undefined : now + RETRANSMIT_AFTER;
  }

  pollTransmit(now: number): Transmit | null {
    if (this.next >= Math.min(this.base + WINDOW, this.segments)) return null;
    const seq = this.next++;
    this.deadline ??= now + RETRANSMIT_AFTER;
    return { data: seal(DATA, seq, this.data.subarray(seq * SEGMENT, (seq + 1) * SEGMENT)), path: { remote: this.peer } };
  }

  pollTimeout(): number | undefined {
    return this.deadline;
  }

  handleTimeout(now: number): void {
    if (this.deadline === undefined || now < this.deadline) return;
    this.next = this.base; // go back N
    this.deadline = now + RETRANSMIT_AFTER;
  }
}

class GoBackNReceiver implements SimEndpoint {
  private readonly chunks: Uint8Array[] = [];
  private readonly acks: SocketAddress[] = [];

  get received(): Uint8Array {
    const out = new Uint8Array(this.chunks.reduce((n, chunk) => n + chunk.length, 0));
    this.chunks.reduce((offset, chunk) => (out.set(chunk, offset), offset + chunk.length), 0);
    return out;
  }

  handleDatagram(_now: number, datagram: Uint8Array, path: NetworkPath): void {
    const packet = open(datagram);
    if (packet?.type !== DATA) return;
    if (packet.seq === this.chunks.length) this.chunks.push(packet.payload.slice());
    this.acks.push(path.remote);
  }

  pollTransmit(): Transmit | null {
    const remote = this.acks.shift();
    return remote === undefined ? null : { data: seal(ACK, this.chunks.length), path: { remote } };
  }

  pollTimeout(): undefined {
    return undefined;
  }

  handleTimeout(): void {}
}

const SENDER = { address: "10.0.0.1", port: 4000 };
const RECEIVER = { address: "10.0.0.2", port: 5000 };

const HOSTILE: LinkConfig = { latency: 20, jitter: 5, bandwidth: 20_000_000, queue: 50, loss: 0.2, corrupt: 0.05, reorder: 0.05, reorderDelay: 15, duplicate: 0.02 };

function transfer(seed: number, link: LinkConfig, bytes: number, trace?: string[]) {
  const net = new Network({ seed, link, ...(trace ? { trace: (event: TraceEvent) => trace.push(formatTraceEvent(event, true)) } : {}) });
  const data = new SeededRandom(seed).fork("payload").bytes(bytes);
  const sender = new GoBackNSender(data, RECEIVER);
  const receiver = new GoBackNReceiver();
  net.addNode(sender, SENDER);
  net.addNode(receiver, RECEIVER);
  const outcome = net.runUntil({ until: () => sender.done, deadline: 600_000 });
  return { net, outcome, data, receiver };
}

describe("a go-back-N transfer through the simulator", () => {
  for (const seed of seedsToRun(process.env["ZQUIC_SEED"], [1, 2, 3, 4, 5])) {
    it(`delivers every byte exactly once, in order, through 20% loss, corruption and reordering (seed ${seed})`, () =>
      withSeed(seed, () => {
        const { net, outcome, data, receiver } = transfer(seed, HOSTILE, 100_000);
        expect(outcome.reason).toBe("until");
        expect(receiver.received.length).toBe(data.length);
        expect(equalBytes(receiver.received, data)).toBe(true);
        const toReceiver = net.linkBetween(SENDER.address, RECEIVER.address).stats;
        // The link really was hostile: it lost and reordered, and the transfer survived it.
        expect(toReceiver.dropped.loss.datagrams).toBeGreaterThan(0);
        expect(toReceiver.delivered.datagrams).toBeGreaterThan(data.length / SEGMENT);
      }));
  }

  it("replays identically from the same seed and differently from another", () => {
    const traces: [string[], string[], string[]] = [[], [], []];
    const first = transfer(7, HOSTILE, 10_000, traces[0]);
    const again = transfer(7, HOSTILE, 10_000, traces[1]);
    transfer(8, HOSTILE, 10_000, traces[2]);
    expect(traces[0].length).toBeGreaterThan(20);
    expect(traces[1]).toEqual(traces[0]);
    expect(again.outcome).toEqual(first.outcome);
    expect(traces[2]).not.toEqual(traces[0]);
  });

  it("finishes on a clean link in the time the protocol allows", () => {
    // 20 segments, a window of 16: the first 16 in one round trip of 2 × 20 ms, the last 4 in a second.
    const { outcome, data, receiver } = transfer(1, { latency: 20 }, 20_000);
    expect(equalBytes(receiver.received, data)).toBe(true);
    expect(outcome).toMatchObject({ reason: "until", now: 80 });
  });
});
