import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { TransportError, ZquicError, concatBytes } from "@zquic/wire";
import { SendBuffer } from "../src/streams/send-buffer.js";
import { Reassembly } from "../src/streams/reassembly.js";
import { StreamMap, type LocalStreamConfig } from "../src/streams/stream-map.js";

const bytes = (n: number, seed = 1) => Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed) & 0xff);

describe("SendBuffer and Reassembly", () => {
  it("deliver every byte once, in order, through random loss, duplication and reordering", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 300 }), { minLength: 1, maxLength: 12 }),
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 50, maxLength: 50 }),
        fc.integer({ min: 1, max: 200 }),
        (writes, dice, maxLength) => {
          const sender = new SendBuffer();
          const receiver = new Reassembly(10_000);
          const payload = concatBytes(...writes.map((n, i) => bytes(n, i)));
          for (let i = 0, at = 0; i < writes.length; at += writes[i]!, i++) sender.write(payload.subarray(at, at + writes[i]!));
          sender.finish();
          const received: Uint8Array[] = [];
          let finSeen = false;
          let roll = 0;
          const die = () => dice[roll++ % dice.length]!;
          for (let rounds = 0; rounds < 10_000 && !sender.allAcked; rounds++) {
            const inFlight = [];
            for (let chunk = sender.next(maxLength); chunk; chunk = sender.next(maxLength)) inFlight.push(chunk);
            if (die() < 0.5) inFlight.reverse();
            for (const chunk of inFlight) {
              // Loss stops after a while so that every run can finish.
              if (rounds < 40 && die() < 0.3) {
                sender.onLost(chunk.offset, chunk.data.length, chunk.fin);
                continue;
              }
              const copies = die() < 0.2 ? 2 : 1;
              for (let c = 0; c < copies; c++) receiver.insert(chunk.offset, chunk.data);
              if (chunk.fin) finSeen = true;
              sender.onAcked(chunk.offset, chunk.data.length, chunk.fin);
            }
            for (let data = receiver.read(); data; data = receiver.read()) received.push(data.slice());
          }
          expect(sender.allAcked).toBe(true);
          expect(finSeen).toBe(true);
          expect(concatBytes(...received)).toEqual(payload);
        },
      ),
    );
  });

  it("refuses to store more fragments than its limit", () => {
    const r = new Reassembly(3);
    expect(r.insert(10, bytes(1))).toBe(1);
    expect(r.insert(20, bytes(1))).toBe(1);
    expect(r.insert(30, bytes(1))).toBe(1);
    expect(r.insert(40, bytes(1))).toBe(-1);
  });
});

const config: LocalStreamConfig = {
  maxStreamsBidi: 2,
  maxStreamsUni: 1,
  streamWindowBidiLocal: 1000,
  streamWindowBidiRemote: 1000,
  streamWindowUni: 1000,
  maxStreamWindow: 4000,
  connectionWindow: 1500,
  maxConnectionWindow: 6000,
  sendBufferSize: 10_000,
};
const peerLimits = { maxStreamsBidi: 1, maxStreamsUni: 0, streamDataBidiLocal: 100, streamDataBidiRemote: 50, streamDataUni: 0, maxData: 120 };

describe("StreamMap (RFC 9000 §2–§4)", () => {
  it("enforces the stream limit we advertised (STREAM_LIMIT_ERROR) and opens lower streams implicitly", () => {
    const server = new StreamMap("server", config);
    expect(server.onStreamFrame(4, 0, bytes(1), false)).toEqual({ ok: true });
    const opened = [server.pollEvent(), server.pollEvent()].map((e) => e?.type === "stream_opened" && e.streamId);
    expect(opened).toEqual([0, 4]);
    const result = server.onStreamFrame(8, 0, bytes(1), false);
    expect(result).toMatchObject({ ok: false, code: TransportError.STREAM_LIMIT_ERROR });
  });

  it("rejects frames for streams in the wrong direction or never opened (STREAM_STATE_ERROR)", () => {
    const server = new StreamMap("server", config);
    // Stream 3 is a server-initiated unidirectional stream: the server cannot receive on it.
    expect(server.onStreamFrame(3, 0, bytes(1), false)).toMatchObject({ ok: false, code: TransportError.STREAM_STATE_ERROR });
    // Stream 1 is server-initiated bidirectional and was never opened.
    expect(server.onStreamFrame(1, 0, bytes(1), false)).toMatchObject({ ok: false, code: TransportError.STREAM_STATE_ERROR });
    // STOP_SENDING for a client uni stream (receive-only for the server).
    expect(server.onStopSending(2, 0)).toMatchObject({ ok: false, code: TransportError.STREAM_STATE_ERROR });
  });

  it("enforces stream and connection flow control (FLOW_CONTROL_ERROR)", () => {
    const server = new StreamMap("server", config);
    expect(server.onStreamFrame(0, 0, bytes(1000), false)).toEqual({ ok: true });
    expect(server.onStreamFrame(0, 1000, bytes(1), false)).toMatchObject({ ok: false, code: TransportError.FLOW_CONTROL_ERROR });
    expect(server.onStreamFrame(4, 0, bytes(500), false)).toEqual({ ok: true });
    expect(server.onStreamFrame(4, 500, bytes(1), false)).toMatchObject({ ok: false, code: TransportError.FLOW_CONTROL_ERROR });
  });

  it("applies the final size rules (FINAL_SIZE_ERROR)", () => {
    const server = new StreamMap("server", config);
    expect(server.onStreamFrame(0, 0, bytes(10), true)).toEqual({ ok: true });
    expect(server.onStreamFrame(0, 10, bytes(1), false)).toMatchObject({ ok: false, code: TransportError.FINAL_SIZE_ERROR });
    expect(server.onResetStream(0, 7, 9)).toMatchObject({ ok: false, code: TransportError.FINAL_SIZE_ERROR });
    const other = new StreamMap("server", config);
    other.onStreamFrame(0, 0, bytes(10), false);
    expect(other.onStreamFrame(0, 0, bytes(5), true)).toMatchObject({ ok: false, code: TransportError.FINAL_SIZE_ERROR });
  });

  it("respects the peer's limits when opening and sending", () => {
    const client = new StreamMap("client", config);
    client.setPeerLimits(peerLimits);
    const id = client.open(true);
    expect(id).toBe(0);
    expect(client.open(true)).toBeUndefined();
    expect(client.takeStreamsBlocked(true)).toBe(1);
    expect(client.open(false)).toBeUndefined();
    client.write(0, bytes(500));
    const send = client.nextSendable()!;
    const chunk = send.nextChunk(1000, client.connectionSend.available)!;
    // Stream limit: the peer's initial_max_stream_data_bidi_remote (50) for a stream we opened.
    expect(chunk.data.length).toBe(50);
    expect(() => client.write(1, bytes(1))).toThrow(ZquicError);
  });

  it("returns credit as the application reads and raises limits by MAX_STREAM_DATA / MAX_DATA", () => {
    const server = new StreamMap("server", config);
    server.onStreamFrame(0, 0, bytes(900), false);
    expect(server.read(0)?.data.length).toBe(900);
    const updates = [...server.takeMaxStreamData()];
    expect(updates).toEqual([[0, 1900]]);
    expect(server.connectionRecv.takeUpdate()).toBe(2400);
  });

  it("replaces closed peer streams with MAX_STREAMS", () => {
    const server = new StreamMap("server", config);
    server.onStreamFrame(2, 0, bytes(3), true);
    expect(server.read(2)).toMatchObject({ fin: true });
    expect(server.takeMaxStreams(false)).toBe(2);
    expect(server.onStreamFrame(6, 0, bytes(1), false)).toEqual({ ok: true });
  });
});
