// QPACK encode and decode of a Chrome-like GET request, with the static table only and with
// a warm dynamic table. Run with `node bench/run.mjs qpack` after `npx tsc -b`.
import { QpackDecoder, QpackEncoder } from "@zquic/h3";
import { runSuite } from "./lib.mjs";

/** A subresource request as Chrome sends it. */
const request = [
  [":method", "GET"],
  [":authority", "www.example.com"],
  [":scheme", "https"],
  [":path", "/assets/app.3f9c1e.js"],
  ["sec-ch-ua", '"Chromium";v="130", "Google Chrome";v="130", "Not?A_Brand";v="99"'],
  ["sec-ch-ua-mobile", "?0"],
  ["user-agent", "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36"],
  ["sec-ch-ua-platform", '"Windows"'],
  ["accept", "*/*"],
  ["sec-fetch-site", "same-origin"],
  ["sec-fetch-mode", "no-cors"],
  ["sec-fetch-dest", "script"],
  ["referer", "https://www.example.com/"],
  ["accept-encoding", "gzip, deflate, br, zstd"],
  ["accept-language", "en-US,en;q=0.9"],
  ["cookie", "_ga=GA1.1.1234567890.1700000000; session=8f14e45fceea167a5a36dedd4bea2543; theme=dark"],
  ["priority", "u=1"],
];

const SETTINGS = { maxTableCapacity: 4096, blockedStreams: 100 };
const ACK_STREAM_0 = new Uint8Array([0x80]); // Section Acknowledgment, stream 0

// Static table only: no peer settings yet, so no dynamic table.
const staticEncoder = new QpackEncoder();
const staticDecoder = new QpackDecoder();
const staticSection = staticEncoder.encodeFieldSection(0, request);

// Warm: one request has filled the table and been acknowledged.
const warmEncoder = new QpackEncoder();
const warmDecoder = new QpackDecoder({ maxTableCapacity: SETTINGS.maxTableCapacity, maxBlockedStreams: SETTINGS.blockedStreams });
warmEncoder.applyPeerSettings(SETTINGS);
const first = warmEncoder.encodeFieldSection(0, request);
warmDecoder.handleEncoderStreamData(warmEncoder.takeEncoderStreamData());
warmDecoder.decodeFieldSection(0, first);
warmEncoder.handleDecoderStreamData(warmDecoder.takeDecoderStreamData());
const warmSection = warmEncoder.encodeFieldSection(0, request);
warmEncoder.handleDecoderStreamData(ACK_STREAM_0);

const check = warmDecoder.decodeFieldSection(0, warmSection);
if (!("fields" in check) || check.fields.length !== request.length) throw new Error("warm section does not decode");
warmDecoder.takeDecoderStreamData();

const raw = request.reduce((n, [name, value]) => n + name.length + value.length, 0);
console.log(`request: ${request.length} lines, ${raw} octets of names and values; encoded: ${staticSection.length} octets static-only, ${warmSection.length} octets with a warm dynamic table`);

await runSuite("QPACK, Chrome-like GET request", {
  "encode, static table only": () => staticEncoder.encodeFieldSection(0, request),
  "decode, static table only": () => staticDecoder.decodeFieldSection(0, staticSection),
  "encode, warm dynamic table": () => {
    warmEncoder.encodeFieldSection(0, request);
    warmEncoder.handleDecoderStreamData(ACK_STREAM_0);
  },
  "decode, warm dynamic table": () => {
    warmDecoder.decodeFieldSection(0, warmSection);
    warmDecoder.takeDecoderStreamData();
  },
});
