// The DoQ client and server of io on the in-memory runtime: no runtime's sockets involved.
import { describe, expect, it } from "vitest";
import { DnsError, Name, RRClass, RRType, Rcode, Resolver, ZoneBackend, encodeMessage, formatRecord, loadZone, makeQuery } from "@zquic/doq";
import { DnsResponseMismatchError, DoqClient, formatHostPort, listenDoq, parseDoqServer } from "@zquic/io";
import { checkAnswers, queryFor, questionOf } from "../src/dns-question.js";
import { certificate } from "./fixture.js";
import { MemoryNetwork } from "./memory-runtime.js";

const ZONE = `$ORIGIN memory.zns.
@ 300 IN SOA ns admin 1 3600 600 86400 60
@ 300 IN A 198.51.100.1
`;

describe("DoQ on the in-memory runtime", () => {
  it("answers a query through listenDoq and DoqClient, then both close", async () => {
    const net = new MemoryNetwork();
    const resolver = new Resolver({ backends: [new ZoneBackend([loadZone(ZONE)])] });
    const cert = certificate();
    const server = await listenDoq(net, { port: 0, certificate: cert.certificatePem, privateKey: cert.privateKeyPem }, (request) => resolver.handleQuery(request.bytes, request.now));
    const client = new DoqClient(net, { trustAnchors: cert.certificatePem, serverName: "localhost", sessionStore: null });
    const response = await client.ask({ host: "127.0.0.1", port: server.address.port }, "memory.zns", "A");
    expect(response.message.answer.map(formatRecord)).toEqual(["memory.zns. 300 IN A 198.51.100.1"]);
    await client.close();
    await server.close();
    expect(net.openPorts).toEqual([]);
  });

  it("rejects bad options before anything is sent", () => {
    const net = new MemoryNetwork();
    expect(() => new DoqClient(net, {})).toThrow(/exactly one of trustAnchors/);
    expect(() => new DoqClient(net, { insecure: true, idleTimeoutMs: 0 })).toThrow(/idleTimeoutMs must be a positive number/);
    expect(() => new DoqClient(net, { insecure: true, timeoutMs: -1 })).toThrow(/timeoutMs must be a positive number/);
    expect(net.sockets.size).toBe(0);
  });
});

describe("parseDoqServer", () => {
  it("reads host, host:port, [v6]:port, a bare IPv6 literal and doq:// URLs, with port 853 by default (§4.1.1)", () => {
    expect(parseDoqServer("192.0.2.1")).toEqual({ host: "192.0.2.1", port: 853 });
    expect(parseDoqServer("192.0.2.1:8853")).toEqual({ host: "192.0.2.1", port: 8853 });
    expect(parseDoqServer("dns.example")).toEqual({ host: "dns.example", port: 853 });
    expect(parseDoqServer("[2001:db8::1]:784")).toEqual({ host: "2001:db8::1", port: 784 });
    expect(parseDoqServer("2001:db8::1")).toEqual({ host: "2001:db8::1", port: 853 });
    expect(parseDoqServer("doq://dns.example:8853")).toEqual({ host: "dns.example", port: 8853 });
    expect(parseDoqServer("doq://[::1]/")).toEqual({ host: "::1", port: 853 });
    expect(parseDoqServer({ host: "::1" })).toEqual({ host: "::1", port: 853 });
  });

  it("refuses other schemes and malformed addresses", () => {
    for (const text of ["https://dns.example/", "dns.example:99999", "dns.example:53:1", "[::1", ""]) expect(() => parseDoqServer(text), text).toThrow();
  });

  it("formats IPv6 hosts in brackets", () => {
    expect(formatHostPort({ host: "::1", port: 853 })).toBe("[::1]:853");
    expect(formatHostPort({ host: "192.0.2.1", port: 53 })).toBe("192.0.2.1:53");
  });
});

describe("questions and the answers that fit them", () => {
  it("builds the query for a question by mnemonic or code, with EDNS and the header choices", () => {
    const question = questionOf("Example.ZNS", "https");
    expect(question).toEqual({ name: Name.parse("Example.ZNS"), type: RRType.HTTPS, class: RRClass.IN });
    expect(questionOf("example.zns", 65_280).type).toBe(65_280);
    const query = queryFor(question, { recursionDesired: false, checkingDisabled: true, dnssecOk: true });
    expect(query).toMatchObject({ id: 0, rd: false, cd: true, edns: { version: 0, dnssecOk: true } });
    expect(() => questionOf("example.zns", "NOPE")).toThrow(/no RR type/);
    expect(() => questionOf("example.zns", 70_000)).toThrow(/no RR type/);
    expect(() => questionOf("bad..name", "A")).toThrow(DnsError);
  });

  it("accepts a response echoing the question (names compared case-insensitively) and refuses any other", () => {
    const question = questionOf("example.zns", "A");
    const response = (name: string, type: number, qr = true) => ({ ...makeQuery(name, type), qr, rcode: Rcode.NOERROR });
    expect(() => checkAnswers(response("EXAMPLE.zns", RRType.A), question)).not.toThrow();
    expect(() => checkAnswers(response("example.zns", RRType.A, false), question)).toThrow(DnsResponseMismatchError);
    expect(() => checkAnswers(response("other.zns", RRType.A), question)).toThrow(/answers other\.zns\. A, not example\.zns\. A/);
    expect(() => checkAnswers(response("example.zns", RRType.AAAA), question)).toThrow(DnsResponseMismatchError);
    expect(() => checkAnswers({ ...response("example.zns", RRType.A), question: [] }, question)).toThrow(/0 questions/);
    expect(encodeMessage(queryFor(question)).length).toBeGreaterThan(12);
  });
});
