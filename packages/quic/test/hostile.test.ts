import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { protect } from "@zquic/crypto";
import { TransportError, Writer, isCryptoError, packetNumberLength, writeFrame, writeShortHeader, type Frame } from "@zquic/wire";
import type { Connection } from "@zquic/quic";
import { CLIENT_ADDRESS, SERVER_ADDRESS, connectedPair, frame, mutated } from "@zquic/testkit";

const KNOWN_CODES = new Set<number>(Object.values(TransportError));

/** An established pair, and a way to forge 1-RTT packets from the client to the server. */
function establishedPair(seed: number) {
  const pair = connectedPair({ seed, link: { latency: 5 } });
  expect(pair.run(() => pair.connection.handshake.confirmed && pair.accepted[0]?.handshake.confirmed === true)).toBe("until");
  const client = pair.connection;
  const server = pair.accepted[0]!;
  const forge = (payload: Uint8Array): Uint8Array => {
    const space = client.spaces[2];
    const pn = space.takePn();
    const keys = client.oneRtt!.writeKeys(pn);
    const header = new Writer(32);
    writeShortHeader(header, { dcid: client.cids.activePeerCid, packetNumber: pn, packetNumberLength: packetNumberLength(pn, undefined), spinBit: false, keyPhase: client.oneRtt!.keyPhase });
    const body = payload.length >= 3 ? payload : Uint8Array.from([...payload, 0, 0, 0]);
    return protect(keys, header.toBytes(), body, pn);
  };
  return { pair, server, forge };
}

/** Drives `connection` through input, output and timers, checking the invariants that must hold whatever came in. */
function exercise(connection: Connection, now: number): void {
  for (let i = 0; i < 64 && connection.pollTransmit(now) !== null; i++);
  expect(connection.pollTransmit(now), "pollTransmit must run dry").toBeNull();
  connection.handleTimeout(now);
  for (let i = 0; i < 64 && connection.pollTransmit(now) !== null; i++);
  const timeout = connection.pollTimeout();
  // A due timer that handleTimeout and pollTransmit cannot clear would make a driver spin.
  if (timeout !== undefined) expect(timeout).toBeGreaterThan(now);
  for (let e = connection.pollEvent(); e !== null; e = connection.pollEvent());
  const reason = connection.lifecycle.reason;
  if (reason !== undefined && reason.initiator === "local" && !reason.application) {
    expect(KNOWN_CODES.has(reason.code) || isCryptoError(reason.code), `close code 0x${reason.code.toString(16)}`).toBe(true);
  }
}

describe("hostile input never escapes the state machine (RFC 9000 §12.4, DESIGN §4)", () => {
  it("random datagrams are dropped or close the connection cleanly", () => {
    const { pair, server } = establishedPair(81);
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
        const { pair, server, forge } = establishedPair(seed);
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
    const { pair, server, forge } = establishedPair(82);
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
