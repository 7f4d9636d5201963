import { describe, expect, it } from "vitest";
import fc from "fast-check";
import {
  type DnsMessage,
  EdnsOptionCode,
  MAX_MESSAGE_LENGTH,
  Name,
  QUERY_BLOCK_LENGTH,
  RESPONSE_BLOCK_LENGTH,
  RRClass,
  RRType,
  decodeMessage,
  encodeMessage,
  hasPadding,
  padToBlock,
} from "@zquic/doq";
import { messageArb } from "./arbitraries.js";

const query: DnsMessage = {
  id: 0,
  qr: false,
  opcode: 0,
  aa: false,
  tc: false,
  rd: true,
  ra: false,
  ad: false,
  cd: false,
  rcode: 0,
  question: [{ name: Name.parse("example.ghost."), type: RRType.A, class: RRClass.IN }],
  answer: [],
  authority: [],
  additional: [],
};

function paddingOf(message: DnsMessage): Uint8Array | undefined {
  return message.edns?.options.find((option) => option.code === EdnsOptionCode.PADDING)?.data;
}

describe("EDNS(0) padding (RFC 7830, RFC 8467 §4.1)", () => {
  it("pads a query to 128 octets, adding an OPT record", () => {
    expect(hasPadding(query)).toBe(false);
    const padded = padToBlock(query, QUERY_BLOCK_LENGTH);
    const bytes = encodeMessage(padded);
    expect(bytes.length).toBe(128);
    expect(hasPadding(padded)).toBe(true);
    // 12 header + 19 question + 11 OPT + 4 option header = 46 octets before padding.
    expect(paddingOf(padded)).toEqual(new Uint8Array(128 - 46));
    expect(hasPadding(decodeMessage(bytes))).toBe(true);
    expect(query.edns).toBeUndefined();
  });

  it("replaces earlier padding instead of adding more", () => {
    const once = padToBlock(query, QUERY_BLOCK_LENGTH);
    const twice = padToBlock(once, RESPONSE_BLOCK_LENGTH);
    expect(twice.edns!.options.filter((option) => option.code === EdnsOptionCode.PADDING)).toHaveLength(1);
    expect(encodeMessage(twice).length).toBe(RESPONSE_BLOCK_LENGTH);
  });

  it("keeps other options and the EDNS fields", () => {
    const withCookie: DnsMessage = { ...query, edns: { udpPayloadSize: 4096, version: 0, dnssecOk: true, options: [{ code: EdnsOptionCode.COOKIE, data: new Uint8Array(8) }] } };
    const padded = padToBlock(withCookie, QUERY_BLOCK_LENGTH);
    expect(padded.edns).toMatchObject({ udpPayloadSize: 4096, dnssecOk: true });
    expect(padded.edns!.options[0]).toEqual({ code: EdnsOptionCode.COOKIE, data: new Uint8Array(8) });
  });

  it("makes any message a multiple of the block length", () => {
    fc.assert(
      fc.property(messageArb, fc.constantFrom(QUERY_BLOCK_LENGTH, RESPONSE_BLOCK_LENGTH, 1, 7), (message, block) => {
        const length = encodeMessage(padToBlock(message, block)).length;
        expect(length % block).toBe(0);
        expect(length - encodeMessage(padToBlock(message, 1)).length).toBeLessThan(block);
      }),
      { numRuns: 200 },
    );
  });

  it("adds no padding octets to a message already a multiple of the block", () => {
    const length = encodeMessage(padToBlock(query, 1)).length;
    const padded = padToBlock(query, length);
    expect(encodeMessage(padded).length).toBe(length);
    expect(paddingOf(padded)).toEqual(new Uint8Array(0));
  });

  it("never pads past 65535 octets", () => {
    const big: DnsMessage = {
      ...query,
      answer: Array.from({ length: 230 }, () => ({ name: Name.ROOT, class: RRClass.IN, ttl: 0, data: { type: "TXT" as const, txtData: [new Uint8Array(255)] } })),
    };
    // About 61,450 octets unpadded: the next multiple of 60,000 is out of reach, so it stops at the limit.
    expect(encodeMessage(padToBlock(big, 60_000)).length).toBe(MAX_MESSAGE_LENGTH);
  });

  it("rejects a nonsense block length", () => {
    expect(() => padToBlock(query, 0)).toThrow(/block length/);
    expect(() => padToBlock(query, 1.5)).toThrow(/block length/);
  });
});
