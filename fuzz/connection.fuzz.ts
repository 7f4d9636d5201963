import { expect, it } from "vitest";
import fc from "fast-check";
import { Writer, writeFrame } from "@zquic/wire";
import { CLIENT_ADDRESS, SERVER_ADDRESS, exerciseConnection, forgingPair, frame, mutated } from "@zquic/testkit";
import { campaign } from "./campaign.js";

const path = { local: SERVER_ADDRESS, remote: CLIENT_ADDRESS };

it("an established server connection fed authenticated random frame sequences", () => {
  let fixture = forgingPair(1);
  let seed = 1;
  const runs = campaign("connection frames", fc.array(frame, { minLength: 1, maxLength: 12 }), (frames) => {
    // A connection closed by an earlier input is replaced, so later inputs still reach frame handling.
    if (!fixture.server.isOpen) fixture = forgingPair(++seed);
    const payload = new Writer(4096);
    for (const f of frames) writeFrame(payload, f);
    const now = fixture.pair.net.now + 1;
    fixture.server.handleDatagram(now, fixture.forge(payload.toBytes()), path);
    expect(exerciseConnection(fixture.server, now)).toEqual([]);
  });
  expect(runs).toBeGreaterThan(0);
});

it("an established server connection fed mutated authenticated payloads", () => {
  let fixture = forgingPair(1000);
  let seed = 1000;
  const sample = new Writer(256);
  writeFrame(sample, { type: "stream", streamId: 0, offset: 0, data: new Uint8Array(20), fin: true });
  writeFrame(sample, { type: "max_data", maximum: 1 << 24 });
  writeFrame(sample, { type: "ack", ranges: [{ smallest: 0, largest: 3 }], ackDelay: 1 });
  const runs = campaign("connection bytes", mutated(sample.toBytes()), (bytes) => {
    if (!fixture.server.isOpen) fixture = forgingPair(++seed);
    const now = fixture.pair.net.now + 1;
    fixture.server.handleDatagram(now, fixture.forge(bytes.length >= 4 ? bytes : new Uint8Array(4)), path);
    expect(exerciseConnection(fixture.server, now)).toEqual([]);
  });
  expect(runs).toBeGreaterThan(0);
});
