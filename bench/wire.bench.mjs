// Micro-benchmarks of the wire codecs on their hot paths: varints, a STREAM
// frame carrying a packet's worth of data, and an ACK frame with 64 ranges.
// Writers and readers are reused (reset()), as the transport does per packet.
import { Reader, Writer, readFrame, writeFrame, writeStreamFrameHeader } from "@zquic/wire";
import { runSuite } from "./lib.mjs";

const VARINTS = 1000;
// Values spread over the four encoded lengths.
const varintValues = Array.from({ length: VARINTS }, (_, i) => [i % 64, 64 + i * 7, 20_000 + i * 1009, 2 ** 31 + i * 65537][i % 4]);
const varintWriter = new Writer(VARINTS * 8);
for (const value of varintValues) varintWriter.varint(value);
const varintBytes = varintWriter.toBytes();
const varintReader = new Reader(varintBytes);

const payload = new Uint8Array(1200).map((_, i) => i);
const streamFrame = { type: "stream", streamId: 4, offset: 1_234_567, data: payload, fin: false };
const frameWriter = new Writer(2048);
writeFrame(frameWriter, streamFrame);
const streamBytes = frameWriter.toBytes();
const frameReader = new Reader(streamBytes);

// 64 ranges of 3 packets separated by gaps of 2, largest first.
const ranges = Array.from({ length: 64 }, (_, i) => ({ smallest: 100_000 - i * 5 - 2, largest: 100_000 - i * 5 }));
const ackFrame = { type: "ack", ranges, ackDelay: 1000 };
frameWriter.reset();
writeFrame(frameWriter, ackFrame);
const ackBytes = frameWriter.toBytes();

let sink = 0;
await runSuite("wire codecs", {
  [`varint encode ×${VARINTS}`]: () => {
    varintWriter.reset();
    for (let i = 0; i < VARINTS; i++) varintWriter.varint(varintValues[i]);
  },
  [`varint decode ×${VARINTS}`]: () => {
    varintReader.reset(varintBytes);
    for (let i = 0; i < VARINTS; i++) sink += varintReader.varint();
  },
  "STREAM frame encode (1200 B, writeFrame)": () => {
    frameWriter.reset();
    writeFrame(frameWriter, streamFrame);
  },
  "STREAM frame encode (1200 B, header + copy)": () => {
    frameWriter.reset();
    writeStreamFrameHeader(frameWriter, 4, 1_234_567, payload.length, false);
    frameWriter.bytes(payload);
  },
  "STREAM frame decode (1200 B)": () => {
    frameReader.reset(streamBytes);
    sink += readFrame(frameReader).type.length;
  },
  "ACK frame encode (64 ranges)": () => {
    frameWriter.reset();
    writeFrame(frameWriter, ackFrame);
  },
  "ACK frame decode (64 ranges)": () => {
    frameReader.reset(ackBytes);
    sink += readFrame(frameReader).type.length;
  },
});
if (sink === -1) console.log(sink);
