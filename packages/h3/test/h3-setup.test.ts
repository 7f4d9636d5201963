import { describe, expect, it } from "vitest";
import { FrameParser, H3Connection, StreamType, isReservedCodepoint, readUniStreamHeader, type FrameEvent } from "@zquic/h3";
import type { Role } from "@zquic/quic";
import { SeededRandom } from "@zquic/sim";
import { concatBytes } from "@zquic/wire";
import { FakeTransport } from "./fake-transport.js";

/** What an endpoint of `role` writes on its own when it starts, by stream type. */
function setup(role: Role, seed: number, grease = true) {
  const transport = new FakeTransport(role);
  new H3Connection(transport, { random: new SeededRandom(seed).bytes, grease, qpackMaxTableCapacity: 1024, maxFieldSectionSize: 9000, h3Datagram: true });
  const streams = new Map<number, Uint8Array>();
  for (const chunks of transport.written.values()) {
    const bytes = concatBytes(...chunks);
    const header = readUniStreamHeader(bytes)!;
    streams.set(header.header.type, bytes.subarray(header.length));
  }
  const control = new FrameParser({ stream: "control" });
  control.push(streams.get(StreamType.CONTROL)!);
  const frames: FrameEvent[] = [];
  for (let e = control.poll(); e !== null; e = control.poll()) frames.push(e);
  return { transport, streams, frames };
}

describe("HTTP/3 connection setup (RFC 9114 §6.2)", () => {
  for (const role of ["client", "server"] as const) {
    it(`opens the control stream with SETTINGS first, and both QPACK streams (${role})`, () => {
      const { transport, streams, frames } = setup(role, 1);
      const uni = [...transport.written.keys()];
      // Control first, then encoder and decoder: the stream IDs say the order.
      expect(uni.slice(0, 3)).toEqual([0, 1, 2].map((n) => n * 4 + (role === "server" ? 3 : 2)));
      expect([...streams.keys()].slice(0, 3)).toEqual([StreamType.CONTROL, StreamType.QPACK_ENCODER, StreamType.QPACK_DECODER]);
      const settings = frames[0];
      expect(settings).toMatchObject({ kind: "frame", frame: { type: "settings", settings: { qpackMaxTableCapacity: 1024, maxFieldSectionSize: 9000, h3Datagram: true } } });
      const unknown = settings?.kind === "frame" && settings.frame.type === "settings" ? settings.frame.settings.unknown : [];
      // RFC 9114 §7.2.4.1: at least one reserved setting.
      expect(unknown.length).toBe(1);
      expect(isReservedCodepoint(unknown[0]!.id)).toBe(true);
      // No MAX_PUSH_ID: push stays off unless the client asks (§4.6).
      expect(frames.slice(1).every((f) => f.kind === "unknown_frame")).toBe(true);
    });
  }

  it("now and then sends a reserved frame on the control stream and a reserved stream type", () => {
    const runs = Array.from({ length: 40 }, (_, seed) => setup("client", seed));
    const reservedFrames = runs.filter((r) => r.frames.some((f) => f.kind === "unknown_frame" && isReservedCodepoint(f.frameType)));
    const reservedStreams = runs.filter((r) => [...r.streams.keys()].some((type) => isReservedCodepoint(type)));
    for (const share of [reservedFrames.length, reservedStreams.length]) {
      expect(share).toBeGreaterThan(5);
      expect(share).toBeLessThan(35);
    }
    const plain = setup("client", 3, false);
    expect(plain.frames.length).toBe(1);
    expect(plain.streams.size).toBe(3);
    expect(plain.frames[0]).toMatchObject({ frame: { settings: { unknown: [] } } });
  });
});
