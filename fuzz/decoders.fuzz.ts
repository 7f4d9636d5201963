import { expect, it } from "vitest";
import fc from "fast-check";
import { Reader, WireError, ZquicError, decodeTransportParameters, readFrames, readPacketHeader } from "@zquic/wire";
import { DnsError, decodeMessage } from "@zquic/doq";
import { QpackDecoder, QpackError, H3Error } from "@zquic/h3";
import { X509Error, parseCertificate } from "@zquic/tls";
import { mutated } from "@zquic/testkit";
import { campaign } from "./campaign.js";

/** Random bytes, and mutations of a few valid-looking seeds. */
const input = fc.oneof(fc.uint8Array({ maxLength: 1500 }), mutated(Uint8Array.from([0x06, 0x00, 0x05, 1, 2, 3, 4, 5, 0x02, 0x03, 0x00, 0x00, 0x00])));

function onlyTyped(decode: () => unknown, ...allowed: (abstract new (...args: never[]) => Error)[]): void {
  try {
    decode();
  } catch (error) {
    if (!allowed.some((type) => error instanceof type)) throw error;
  }
}

it("wire decoders: frames, headers, transport parameters", () => {
  const runs = campaign("wire", input, (bytes) => {
    onlyTyped(() => readFrames(bytes, "1RTT"), WireError);
    onlyTyped(() => readPacketHeader(bytes, 0, 8), WireError);
    onlyTyped(() => decodeTransportParameters(bytes, "server"), WireError);
    onlyTyped(() => new Reader(bytes).varint(), WireError);
  });
  expect(runs).toBeGreaterThan(0);
});

it("DNS messages", () => {
  expect(campaign("dns", input, (bytes) => onlyTyped(() => decodeMessage(bytes), DnsError))).toBeGreaterThan(0);
});

it("X.509 certificates", () => {
  expect(campaign("x509", input, (bytes) => onlyTyped(() => parseCertificate(bytes), X509Error))).toBeGreaterThan(0);
});

it("QPACK field sections and encoder-stream instructions", () => {
  const runs = campaign("qpack", fc.tuple(input, input), ([instructions, section]) => {
    const decoder = new QpackDecoder({ maxTableCapacity: 4096, maxBlockedStreams: 16 });
    onlyTyped(() => decoder.handleEncoderStreamData(instructions), QpackError, H3Error, ZquicError);
    onlyTyped(() => decoder.decodeFieldSection(0, section), QpackError, H3Error, ZquicError);
  });
  expect(runs).toBeGreaterThan(0);
});
