import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { Writer, writeFrame, type Frame } from "@zquic/wire";
import type { Connection } from "@zquic/quic";
import { CLIENT_ADDRESS, SERVER_ADDRESS, exerciseConnection, forgingPair, frame, mutated } from "@zquic/testkit";




function exercise(connection: Connection, now: number): void {
  expect(exerciseConnection(connection, now)).toEqual([]);
}

describe("hostile input never escapes the state machine (RFC 9000 §12.4, DESIGN §4)", () => {
  it("random datagrams are dropped or close the connection cleanly", () => {
    const { pair, server } = forgingPair(81);
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 1500 }), (datagram) => {
        const now = pair.net.now + 1;
        server.handleDatagram(now, datagram, { local: SERVER_ADDRESS, remote: CLIENT_ADDRESS });
        pair.server.handleDatagram(now, datagram.slice(), { local: SERVER_ADDRESS, remote: CLIENT_ADDRESS });
        exercise(server, now);
      }),
      { numRuns: 300 },
    );
    // Garbage that does not decrypt is dropped: the connection survives it.
    expect(server.lifecycle.state).toBe("open");
  });

  it("authenticated packets with random frame sequences close with a defined error code or are processed", () => {
    fc.assert(
      fc.property(fc.array(frame, { minLength: 1, maxLength: 8 }), fc.integer({ min: 1, max: 1000 }), (frames: Frame[], seed) => {
        const { pair, server, forge } = forgingPair(seed);
        const payload = new Writer(2048);
        for (const f of frames) writeFrame(payload, f);
        const now = pair.net.now + 1;
        server.handleDatagram(now, forge(payload.toBytes()), { local: SERVER_ADDRESS, remote: CLIENT_ADDRESS });
        exercise(server, now);
        expect(server.streams.size).toBeLessThanOrEqual(2 * 100 + 4);
      }),
      { numRuns: 40 },
    );
  });

  it("authenticated packets with mutated frame bytes never throw", () => {
    const { pair, server, forge } = forgingPair(82);
    const sample = new Writer(256);
    writeFrame(sample, { type: "stream", streamId: 0, offset: 0, data: new Uint8Array(20), fin: true });
    writeFrame(sample, { type: "max_data", maximum: 1 << 24 });
    writeFrame(sample, { type: "ack", ranges: [{ smallest: 0, largest: 3 }], ackDelay: 1 });
    fc.assert(
      fc.property(mutated(sample.toBytes()), (bytes) => {
        const now = pair.net.now + 1;
        server.handleDatagram(now, forge(bytes), { local: SERVER_ADDRESS, remote: CLIENT_ADDRESS });
        exercise(server, now);
      }),
      { numRuns: 200 },
    );
  });
});
