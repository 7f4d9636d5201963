// What the server session sends for a handler's answer, or in its place (RFC 9250 §4.2.1, §4.3.2, §5.4).
import { describe, expect, it } from "vitest";
import { type DnsMessage, EdnsOptionCode, Name, RESPONSE_BLOCK_LENGTH, RRClass, RRType, Rcode, decodeMessage, encodeMessage, hasPadding, makeQuery, padToBlock } from "../src/index.js";
import { prepareResponse, serverFailure } from "../src/session/server-response.js";

const received = (message: DnsMessage) => ({ bytes: encodeMessage(message), message });
const plainQuery = received(makeQuery("example.ghost.", RRType.A));
const paddedQuery = received(padToBlock(makeQuery("example.ghost.", RRType.A), 128));
const answerTo = (query: DnsMessage, changes: Partial<DnsMessage> = {}): Uint8Array => encodeMessage({ ...query, qr: true, rcode: Rcode.NXDOMAIN, ...changes });

describe("prepareResponse", () => {
  it("sends a response that already fits DoQ as it is", () => {
    const bytes = answerTo(plainQuery.message);
    expect(prepareResponse(bytes, plainQuery)).toEqual({ bytes, rcode: Rcode.NXDOMAIN });
    expect(prepareResponse(bytes, plainQuery)!.bytes).toBe(bytes);
  });

  it("sets the Message ID to 0 and pads when the query was padded", () => {
    const prepared = prepareResponse(answerTo(paddedQuery.message, { id: 99, edns: undefined }), paddedQuery)!;
    expect(prepared.bytes.length % RESPONSE_BLOCK_LENGTH).toBe(0);
    const message = decodeMessage(prepared.bytes);
    expect(message.id).toBe(0);
    expect(hasPadding(message)).toBe(true);
  });

  it("removes edns-tcp-keepalive (§5.5.2)", () => {
    const keepalive = { udpPayloadSize: 1232, version: 0, dnssecOk: false, options: [{ code: EdnsOptionCode.TCP_KEEPALIVE, data: new Uint8Array(2) }, { code: EdnsOptionCode.NSID, data: Uint8Array.of(1) }] };
    const message = decodeMessage(prepareResponse(answerTo(plainQuery.message, { edns: keepalive }), plainQuery)!.bytes);
    expect(message.edns!.options.map((option) => option.code)).toEqual([EdnsOptionCode.NSID]);
  });

  it("has nothing to send for bytes that are no DNS message", () => {
    expect(prepareResponse(new Uint8Array(11), plainQuery)).toBeUndefined();
    expect(prepareResponse(new Uint8Array(65536), plainQuery)).toBeUndefined();
  });
});

describe("serverFailure", () => {
  it("echoes the question and pads like the query", () => {
    const message = decodeMessage(serverFailure(paddedQuery).bytes);
    expect(message).toMatchObject({ id: 0, qr: true, rcode: Rcode.SERVFAIL, question: paddedQuery.message.question });
    expect(hasPadding(message)).toBe(true);
  });

  it("answers from the header alone when the query does not decode", () => {
    const bytes = plainQuery.bytes.slice(0, 16);
    const message = decodeMessage(serverFailure({ bytes, message: undefined }).bytes);
    expect(message).toMatchObject({ id: 0, qr: true, rd: true, rcode: Rcode.SERVFAIL, question: [] });
  });

  it("leaves out questions that would not fit in 65535 octets again", () => {
    // Distinct long names, which compression cannot shorten: over 65535 octets together.
    const name = (i: number) => Name.parse(["a", "b", "c", "d"].map((c) => `${c}${i}`.padEnd(60, c)).join(".") + ".");
    const question = Array.from({ length: 300 }, (_, i) => ({ name: name(i), type: RRType.A, class: RRClass.IN }));
    const query: DnsMessage = { ...makeQuery("example.ghost.", RRType.A), question };
    const message = decodeMessage(serverFailure({ bytes: new Uint8Array(12), message: query }).bytes);
    expect(message).toMatchObject({ rcode: Rcode.SERVFAIL, question: [] });
  });
});
