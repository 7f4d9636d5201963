import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { fromHex } from "@zquic/wire";
import {
  type Answer,
  type DnsMessage,
  DnsCache,
  EdnsOptionCode,
  Name,
  type NameBackend,
  Opcode,
  RRClass,
  RRType,
  Rcode,
  Resolver,
  type ResourceRecord,
  type Upstream,
  UpstreamTimeoutError,
  ZoneBackend,
  decodeMessage,
  encodeMessage,
  formatRecord,
  loadZone,
  makeQuery,
  padToBlock,
  QUERY_BLOCK_LENGTH,
} from "@zquic/doq";
import { fixtureZone } from "./zone-fixtures.js";

const zones = new ZoneBackend([fixtureZone("example.ghost"), fixtureZone("example.zns")]);
const lines = (records: readonly ResourceRecord[]): string[] => records.map(formatRecord);

/** An upstream that answers from a zone of "the internet", takes `latency` ms, and records what it was asked. */
function fakeUpstream(latency = 25) {
  const internet = new ZoneBackend([loadZone("$ORIGIN example.com.\n$TTL 300\n@ SOA ns admin 1 2 3 4 60\n@ A 93.184.216.34\nwww CNAME @\n")]);
  const asked: { query: DnsMessage; deadline: number }[] = [];
  let clock = 0;
  const upstream: Upstream = async (query, deadline) => {
    asked.push({ query, deadline });
    const answer = internet.lookup(query.question[0]!);
    const response: DnsMessage = { ...query, qr: true, ra: true, rcode: answer.rcode, answer: answer.answer, authority: answer.authority, additional: answer.additional };
    return { response, now: clock + latency };
  };
  return { upstream, asked, setClock: (now: number) => void (clock = now) };
}

function backendOf(zonesList: string[], lookup: NameBackend["lookup"]): NameBackend {
  return { zones: zonesList, lookup };
}

describe("Resolver", () => {
  it("answers from the backend whose zone suffix matches longest", async () => {
    const calls: string[] = [];
    const ghostRegistry = backendOf(["ghost."], (question) => {
      calls.push(question.name.toString());
      return { rcode: Rcode.NOERROR, answer: [{ name: question.name, class: RRClass.IN, ttl: 30, data: { type: "A", address: Uint8Array.of(10, 0, 0, 1) } }], authority: [], additional: [], authoritative: true };
    });
    const resolver = new Resolver({ backends: [ghostRegistry, zones] });
    const fromZone = await resolver.resolve(makeQuery("example.ghost.", RRType.A, { id: 7 }), 0);
    expect(lines(fromZone.answer)).toEqual(["example.ghost. 3600 IN A 192.0.2.10"]);
    const fromRegistry = await resolver.resolve(makeQuery("other.ghost.", RRType.A), 0);
    expect(lines(fromRegistry.answer)).toEqual(["other.ghost. 30 IN A 10.0.0.1"]);
    expect(calls).toEqual(["other.ghost."]);
  });

  it("copies ID, OPCODE, RD and CD, and sets QR, AA and RA", async () => {
    const resolver = new Resolver({ backends: [zones], upstream: fakeUpstream().upstream });
    const response = await resolver.resolve(makeQuery("example.ghost.", RRType.A, { id: 0xbeef, rd: false, cd: true }), 0);
    expect(response).toMatchObject({ id: 0xbeef, qr: true, opcode: Opcode.QUERY, rd: false, cd: true, aa: true, ra: true, rcode: Rcode.NOERROR });
    expect(response.question).toEqual(makeQuery("example.ghost.", RRType.A).question);
    expect((await new Resolver({ backends: [zones] }).resolve(makeQuery("example.ghost.", RRType.A), 0)).ra).toBe(false);
  });

  it("asks upstream once, caches, and serves later queries with decremented TTLs", async () => {
    const { upstream, asked, setClock } = fakeUpstream(40);
    const resolver = new Resolver({ backends: [zones], upstream, upstreamTimeoutMs: 2000 });
    setClock(1000);
    const first = await resolver.resolve(makeQuery("www.example.com.", RRType.A, { id: 1 }), 1000);
    expect(first).toMatchObject({ rcode: Rcode.NOERROR, aa: false });
    expect(lines(first.answer)).toEqual(["www.example.com. 300 IN CNAME example.com.", "example.com. 300 IN A 93.184.216.34"]);
    expect(asked).toHaveLength(1);
    expect(asked[0]!.deadline).toBe(3000);
    expect(asked[0]!.query).toMatchObject({ id: 0, rd: true, qr: false });
    expect(asked[0]!.query.edns).toMatchObject({ version: 0, dnssecOk: false });

    const second = await resolver.resolve(makeQuery("WWW.example.com.", RRType.A, { id: 2 }), 1040 + 100_000);
    expect(second.id).toBe(2);
    expect(second.answer.map((rr) => rr.ttl)).toEqual([200, 200]);
    expect(asked).toHaveLength(1);
    expect(resolver.metrics).toMatchObject({
      queries: 2,
      cacheHits: 1,
      cacheMisses: 1,
      cacheHitRatio: 0.5,
      upstreamQueries: 1,
      upstreamLatency: { count: 1, meanMs: 40, maxMs: 40 },
      responses: { NOERROR: 2 },
    });
  });

  it("caches negative upstream answers per RFC 2308", async () => {
    const { upstream, asked } = fakeUpstream(0);
    const resolver = new Resolver({ upstream });
    const first = await resolver.resolve(makeQuery("nope.example.com.", RRType.A), 0);
    expect(first.rcode).toBe(Rcode.NXDOMAIN);
    expect(first.authority.map((rr) => rr.ttl)).toEqual([60]);
    expect((await resolver.resolve(makeQuery("nope.example.com.", RRType.A), 59_000)).authority.map((rr) => rr.ttl)).toEqual([1]);
    expect(asked).toHaveLength(1);
    await resolver.resolve(makeQuery("nope.example.com.", RRType.A), 60_000);
    expect(asked).toHaveLength(2);
  });

  it("gives SERVFAIL when upstream throws, times out, answers late or answers something else", async () => {
    const question = makeQuery("example.com.", RRType.A);
    const cases: Upstream[] = [
      async () => {
        throw new Error("network unreachable");
      },
      async () => {
        throw new UpstreamTimeoutError();
      },
      async (query, deadline) => ({ response: { ...query, qr: true }, now: deadline + 1 }),
      async (query) => ({ response: { ...query, qr: true, question: makeQuery("evil.example.", RRType.A).question }, now: 1 }),
      async (query) => ({ response: { ...query, qr: true, rcode: Rcode.REFUSED }, now: 1 }),
      async (query) => ({ response: { ...query, qr: true, tc: true }, now: 1 }),
    ];
    for (const upstream of cases) {
      const resolver = new Resolver({ upstream, upstreamTimeoutMs: 500 });
      expect((await resolver.resolve(question, 0)).rcode).toBe(Rcode.SERVFAIL);
      expect(resolver.metrics.upstreamFailures).toBe(1);
    }
    const timedOut = new Resolver({ upstream: cases[1]! });
    await timedOut.resolve(question, 0);
    const late = new Resolver({ upstream: cases[2]! });
    await late.resolve(question, 0);
    expect([timedOut.metrics.upstreamTimeouts, late.metrics.upstreamTimeouts]).toEqual([1, 1]);
    // Failures are not cached.
    const flaky = new Resolver({ upstream: cases[0]! });
    await flaky.resolve(question, 0);
    await flaky.resolve(question, 1);
    expect(flaky.metrics.upstreamQueries).toBe(2);
  });

  it("gives SERVFAIL when a backend fails, and waits for asynchronous backends", async () => {
    const broken = backendOf(["eth."], () => {
      throw new Error("RPC down");
    });
    const slow = backendOf(["vitalik.eth."], async (question) => ({
      rcode: Rcode.NOERROR,
      answer: [{ name: question.name, class: RRClass.IN, ttl: 60, data: { type: "TXT", txtData: [Uint8Array.of(0x61)] } }],
      authority: [],
      additional: [],
      authoritative: true,
    }));
    const resolver = new Resolver({ backends: [broken, slow] });
    expect((await resolver.resolve(makeQuery("nick.eth.", RRType.A), 0)).rcode).toBe(Rcode.SERVFAIL);
    expect(lines((await resolver.resolve(makeQuery("vitalik.eth.", RRType.TXT), 0)).answer)).toEqual(['vitalik.eth. 60 IN TXT "a"']);
  });

  it("follows a CNAME from one backend into another", async () => {
    const resolver = new Resolver({ backends: [zones] });
    const response = await resolver.resolve(makeQuery("outside.example.ghost.", RRType.A), 0);
    expect(response).toMatchObject({ rcode: Rcode.NOERROR, aa: true });
    expect(lines(response.answer)).toEqual(["outside.example.ghost. 3600 IN CNAME example.zns.", "example.zns. 600 IN A 198.51.100.7"]);
  });

  it("returns the chain as it stands when nothing serves the CNAME target", async () => {
    const ghostOnly = new Resolver({ backends: [new ZoneBackend([fixtureZone("example.ghost")])] });
    const response = await ghostOnly.resolve(makeQuery("outside.example.ghost.", RRType.A), 0);
    expect(response).toMatchObject({ rcode: Rcode.NOERROR, aa: true });
    expect(lines(response.answer)).toEqual(["outside.example.ghost. 3600 IN CNAME example.zns."]);
  });

  it("stops chasing CNAMEs that loop across backends", async () => {
    const cname = (from: Name, to: string): Answer => ({
      rcode: Rcode.NOERROR,
      answer: [{ name: from, class: RRClass.IN, ttl: 60, data: { type: "CNAME", cname: Name.parse(to) } }],
      authority: [],
      additional: [],
      authoritative: true,
    });
    const ping = backendOf(["ping."], (q) => cname(q.name, "x.pong."));
    const pong = backendOf(["pong."], (q) => cname(q.name, "x.ping."));
    const response = await new Resolver({ backends: [ping, pong] }).resolve(makeQuery("x.ping.", RRType.A), 0);
    expect(lines(response.answer)).toEqual(["x.ping. 60 IN CNAME x.pong.", "x.pong. 60 IN CNAME x.ping."]);
  });

  describe("what it does not serve", () => {
    const resolver = new Resolver({ backends: [zones] });
    const cases: [string, DnsMessage, number][] = [
      ["NOTIFY is refused", { ...makeQuery("example.ghost.", RRType.SOA), opcode: Opcode.NOTIFY }, Rcode.REFUSED],
      ["UPDATE is refused", { ...makeQuery("example.ghost.", RRType.SOA), opcode: Opcode.UPDATE }, Rcode.REFUSED],
      ["IQUERY is not implemented", { ...makeQuery("example.ghost.", RRType.A), opcode: Opcode.IQUERY }, Rcode.NOTIMP],
      ["an unassigned OPCODE is not implemented", { ...makeQuery("example.ghost.", RRType.A), opcode: 9 }, Rcode.NOTIMP],
      ["a response is a format error", { ...makeQuery("example.ghost.", RRType.A), qr: true }, Rcode.FORMERR],
      ["no question is a format error", { ...makeQuery("example.ghost.", RRType.A), question: [] }, Rcode.FORMERR],
      ["two questions are a format error", { ...makeQuery("example.ghost.", RRType.A), question: [...makeQuery("a.", 1).question, ...makeQuery("b.", 1).question] }, Rcode.FORMERR],
      ["zone transfers are refused", makeQuery("example.ghost.", RRType.AXFR), Rcode.REFUSED],
      ["MAILB is not implemented", makeQuery("example.ghost.", RRType.MAILB), Rcode.NOTIMP],
      ["class CH is refused", makeQuery("version.bind.", RRType.TXT, { class: RRClass.CH }), Rcode.REFUSED],
      ["names no backend serves, without upstream, are refused", makeQuery("example.com.", RRType.A), Rcode.REFUSED],
    ];
    for (const [what, query, rcode] of cases) {
      it(what, async () => {
        const response = await resolver.resolve(query, 0);
        expect(response.rcode).toBe(rcode);
        expect(response).toMatchObject({ id: query.id, qr: true, opcode: query.opcode, answer: [] });
      });
    }

    it("answers EDNS version 1 with BADVERS and an OPT of version 0 (RFC 6891 §6.1.3)", async () => {
      const query = makeQuery("example.ghost.", RRType.A, { edns: { udpPayloadSize: 4096, version: 1, dnssecOk: false, options: [] } });
      const response = await resolver.resolve(query, 0);
      expect(response.rcode).toBe(Rcode.BADVERS);
      expect(response.edns).toMatchObject({ version: 0 });
      expect(decodeMessage(encodeMessage(response)).rcode).toBe(Rcode.BADVERS);
    });

    it("does not recurse for RD=0 queries it cannot answer from cache", async () => {
      const { upstream, asked } = fakeUpstream();
      const response = await new Resolver({ upstream }).resolve(makeQuery("example.com.", RRType.A, { rd: false }), 0);
      expect(response.rcode).toBe(Rcode.REFUSED);
      expect(asked).toHaveLength(0);
    });
  });

  describe("handleQuery (wire form)", () => {
    it("answers a query in bytes", async () => {
      const resolver = new Resolver({ backends: [zones] });
      const bytes = await resolver.handleQuery(encodeMessage(makeQuery("ns1.example.ghost.", RRType.A, { id: 99 })), 0);
      const response = decodeMessage(bytes!);
      expect(response).toMatchObject({ id: 99, qr: true, aa: true });
      expect(lines(response.answer)).toEqual(["ns1.example.ghost. 3600 IN A 192.0.2.53"]);
    });

    it("answers FORMERR to a malformed query, keeping its ID", async () => {
      const resolver = new Resolver({ backends: [zones] });
      const bytes = await resolver.handleQuery(fromHex("abcd 0100 0001 0000 0000 0000 c00c 0001 0001"), 0);
      expect(decodeMessage(bytes!)).toMatchObject({ id: 0xabcd, qr: true, rd: true, rcode: Rcode.FORMERR, question: [] });
      expect(resolver.metrics.responses).toEqual({ FORMERR: 1 });
    });

    it("drops what it cannot answer: too short, or a malformed response", async () => {
      const resolver = new Resolver({ backends: [zones] });
      expect(await resolver.handleQuery(fromHex("abcd 01"), 0)).toBeUndefined();
      expect(await resolver.handleQuery(fromHex("abcd 8100 0001 0000 0000 0000 c00c"), 0)).toBeUndefined();
    });

    it("answers SERVFAIL when the records do not fit in a message", async () => {
      const huge = backendOf(["big."], (question) => ({
        rcode: Rcode.NOERROR,
        answer: Array.from({ length: 300 }, () => ({ name: question.name, class: RRClass.IN, ttl: 1, data: { type: "TXT" as const, txtData: [new Uint8Array(255)] } })),
        authority: [],
        additional: [],
        authoritative: true,
      }));
      const bytes = await new Resolver({ backends: [huge] }).handleQuery(encodeMessage(makeQuery("x.big.", RRType.TXT)), 0);
      expect(decodeMessage(bytes!)).toMatchObject({ rcode: Rcode.SERVFAIL, answer: [] });
    });

    it("never rejects and answers only with responses, whatever the bytes", async () => {
      const resolver = new Resolver({ backends: [zones] });
      await fc.assert(
        fc.asyncProperty(fc.uint8Array({ maxLength: 80 }), async (bytes) => {
          const reply = await resolver.handleQuery(bytes, 0);
          if (reply !== undefined) expect(decodeMessage(reply).qr).toBe(true);
        }),
        { numRuns: 500 },
      );
    });
  });

  describe("padding (RFC 7830 §4, RFC 8467, RFC 9250 §5.4)", () => {
    const edns = { udpPayloadSize: 1232, version: 0, dnssecOk: false, options: [] };

    it("pads the response to 468 octets when the query was padded", async () => {
      const query = padToBlock(makeQuery("example.ghost.", RRType.A, { edns }), QUERY_BLOCK_LENGTH);
      const bytes = await new Resolver({ backends: [zones] }).handleQuery(encodeMessage(query), 0);
      expect(bytes!.length).toBe(468);
      expect(decodeMessage(bytes!).edns!.options.map((option) => option.code)).toEqual([EdnsOptionCode.PADDING]);
    });

    it("pads every EDNS response when asked to, and never adds OPT to a non-EDNS query", async () => {
      const resolver = new Resolver({ backends: [zones], padResponses: true });
      expect((await resolver.handleQuery(encodeMessage(makeQuery("example.ghost.", RRType.A, { edns })), 0))!.length % 468).toBe(0);
      const plain = decodeMessage((await resolver.handleQuery(encodeMessage(makeQuery("example.ghost.", RRType.A)), 0))!);
      expect(plain.edns).toBeUndefined();
    });
  });

  it("shares a cache between resolvers when given one", async () => {
    const cache = new DnsCache();
    const { upstream, asked } = fakeUpstream();
    await new Resolver({ upstream, cache }).resolve(makeQuery("example.com.", RRType.A), 0);
    await new Resolver({ upstream, cache }).resolve(makeQuery("example.com.", RRType.A), 0);
    expect(asked).toHaveLength(1);
    expect(cache.stats.hits).toBe(1);
  });
});
