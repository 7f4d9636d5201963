// DoQ client and server sessions talking through the simulator (RFC 9250 §4).
import { describe, expect, it } from "vitest";
import { seedsToRun, withSeed } from "@zquic/sim";
import { provider, testCertificate, WALL_CLOCK_START } from "@zquic/testkit";
import { AntiReplay, TicketKeys } from "@zquic/tls";
import {
  DOQ_EXCESSIVE_LOAD,
  DOQ_INTERNAL_ERROR,
  DOQ_NO_ERROR,
  DOQ_PROTOCOL_ERROR,
  DOQ_REQUEST_CANCELLED,
  type DnsMessage,
  type DoqHandler,
  type DoqRequest,
  EdnsOptionCode,
  Name,
  Opcode,
  RESPONSE_BLOCK_LENGTH,
  QUERY_BLOCK_LENGTH,
  RRType,
  Rcode,
  Resolver,
  ZoneBackend,
  decodeMessage,
  encodeMessage,
  formatRecord,
  hasPadding,
  makeQuery,
} from "@zquic/doq";
import { DoqPair, responseOf, zoneHandler } from "./doq-harness.js";
import { fixtureZone } from "./zone-fixtures.js";

const lines = (message: DnsMessage): string[] => message.answer.map(formatRecord);

/** A handler that records what it was asked before `inner` answers. */
function recording(inner: DoqHandler = zoneHandler()): { handler: DoqHandler; requests: DoqRequest[] } {
  const requests: DoqRequest[] = [];
  return { requests, handler: (request) => (requests.push(request), inner(request)) };
}

/** A handler that answers only when the test releases it. */
function gated(): { handler: DoqHandler; requests: DoqRequest[]; release: () => Promise<void> } {
  const answer = zoneHandler();
  const requests: DoqRequest[] = [];
  const gates: (() => void)[] = [];
  return {
    requests,
    // Opens the gates and lets the answers settle.
    release: async () => {
      gates.splice(0).forEach((open) => open());
      await new Promise((resolve) => setImmediate(resolve));
    },
    handler: (request) => {
      requests.push(request);
      return new Promise((resolve) => gates.push(() => resolve(answer(request))));
    },
  };
}

describe("DoQ sessions through the simulator", () => {
  it("answers A, AAAA, TXT and HTTPS from a zone, one client-initiated bidirectional stream per query (§4.2)", () =>
    withSeed(1, async () => {
      const doq = new DoqPair({ seed: 1, link: { latency: 10 }, doqServer: { handler: zoneHandler() } });
      const expected: [number, string[]][] = [
        [RRType.A, ["example.ghost. 3600 IN A 192.0.2.10"]],
        [RRType.AAAA, ["example.ghost. 3600 IN AAAA 2001:db8:6::10"]],
        [RRType.TXT, ['example.ghost. 3600 IN TXT "v=spf1 mx -all"']],
        [RRType.HTTPS, ['example.ghost. 3600 IN HTTPS 1 . alpn="h3,h2" port=443 ipv4hint=192.0.2.10 ipv6hint=2001:db8:6::10']],
      ];
      for (const [type, answer] of expected) {
        const { response } = responseOf(await doq.ask(makeQuery("example.ghost.", type)));
        expect(response.rcode).toBe(Rcode.NOERROR);
        expect(response.aa).toBe(true);
        expect(lines(response)).toEqual(answer);
      }
      const answered = doq.serverEvents.filter((event) => event.type === "query_answered");
      expect(answered.map((event) => event.streamId)).toEqual([0, 4, 8, 12]);
      expect(doq.client!.inFlight).toBe(0);
    }));

  it("answers NXDOMAIN with the zone's SOA", () =>
    withSeed(2, async () => {
      const doq = new DoqPair({ seed: 2, link: { latency: 10 }, doqServer: { handler: zoneHandler() } });
      const { response } = responseOf(await doq.ask(makeQuery("nowhere.example.ghost.", RRType.A)));
      expect(response.rcode).toBe(Rcode.NXDOMAIN);
      expect(response.answer).toEqual([]);
      expect(response.authority.map(formatRecord)[0]).toMatch(/^example\.ghost\. \d+ IN SOA ns1\.example\.ghost\. /);
    }));

  it("sends Message ID 0 whatever the caller set (§4.2.1), padded to 128-octet blocks; responses come padded to 468 (§5.4)", () =>
    withSeed(3, async () => {
      const seen = recording();
      const doq = new DoqPair({ seed: 3, doqServer: { handler: seen.handler } });
      const outcome = responseOf(await doq.ask(makeQuery("vault.example.zns.", RRType.TXT, { id: 0xbeef })));
      const request = seen.requests[0]!;
      expect(request.message!.id).toBe(0);
      expect(request.bytes.length % QUERY_BLOCK_LENGTH).toBe(0);
      expect(hasPadding(request.message!)).toBe(true);
      expect(outcome.query.message.id).toBe(0);
      expect(outcome.bytes.length % RESPONSE_BLOCK_LENGTH).toBe(0);
      expect(hasPadding(outcome.response)).toBe(true);
      expect(lines(outcome.response)).toEqual(['vault.example.zns. 60 IN TXT "contract=0x9fE46736679d2D9a65F0992F2272dE9f3c7fa6e0" "chain=ghostchain"']);
    }));

  it("pads nothing when the client turns query padding off", () =>
    withSeed(4, async () => {
      const seen = recording();
      const doq = new DoqPair({ seed: 4, doqServer: { handler: seen.handler }, doqClient: { padQueries: false } });
      const outcome = responseOf(await doq.ask(makeQuery("example.zns.", RRType.A)));
      expect(seen.requests[0]!.message!.edns).toBeUndefined();
      expect(outcome.response.edns).toBeUndefined();
      expect(lines(outcome.response)).toEqual(["example.zns. 600 IN A 198.51.100.7"]);
    }));

  it("pads a handler's unpadded response, and gives it Message ID 0 without edns-tcp-keepalive", () =>
    withSeed(5, async () => {
      const handler: DoqHandler = (request) =>
        encodeMessage({
          ...request.message!,
          id: 77,
          qr: true,
          rcode: Rcode.NOERROR,
          edns: { udpPayloadSize: 1232, version: 0, dnssecOk: false, options: [{ code: EdnsOptionCode.TCP_KEEPALIVE, data: new Uint8Array(0) }] },
        });
      const doq = new DoqPair({ seed: 5, doqServer: { handler } });
      const outcome = responseOf(await doq.ask(makeQuery("example.ghost.", RRType.A)));
      expect(outcome.response.id).toBe(0);
      expect(outcome.response.edns!.options.map((option) => option.code)).toEqual([EdnsOptionCode.PADDING]);
      expect(outcome.bytes.length % RESPONSE_BLOCK_LENGTH).toBe(0);
    }));

  it("keeps 50 queries in flight on one connection and matches every answer to its query", () =>
    withSeed(6, async () => {
      const doq = new DoqPair({ seed: 6, link: { latency: 20 }, doqServer: { handler: zoneHandler() } });
      const names = ["example.ghost.", "www.example.ghost.", "ns1.example.ghost.", "x.apps.example.ghost.", "example.zns.", "wallet.example.zns.", "nope.example.zns."];
      const types = [RRType.A, RRType.AAAA, RRType.TXT, RRType.MX, RRType.NS, RRType.HTTPS, RRType.SOA];
      const messages = Array.from({ length: 50 }, (_, i) => makeQuery(names[i % names.length]!, types[Math.floor(i / names.length) % types.length]!));
      const queries = messages.map((message) => doq.client!.query(message));
      expect(doq.client!.inFlight).toBe(50);
      const outcomes = await doq.settle(queries);
      // The same resolver, asked directly, is the reference.
      const reference = new Resolver({ backends: [new ZoneBackend([fixtureZone("example.ghost"), fixtureZone("example.zns")])] });
      for (const [i, outcome] of outcomes.entries()) {
        const { response } = responseOf(outcome);
        const expected = await reference.resolve(messages[i]!, 0);
        expect(response.question).toEqual(messages[i]!.question);
        expect({ rcode: response.rcode, answer: lines(response), authority: response.authority.map(formatRecord) }).toEqual({
          rcode: expected.rcode,
          answer: lines(expected),
          authority: expected.authority.map(formatRecord),
        });
      }
      const streams = doq.serverEvents.flatMap((event) => (event.type === "query_answered" ? [event.streamId] : []));
      expect(streams.sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i * 4));
      expect(doq.client!.inFlight).toBe(0);
    }));

  for (const seed of seedsToRun(process.env.ZQUIC_SEED, [21, 22])) {
    it(`answers every query across a link losing 20% of datagrams each way (seed ${seed})`, () =>
      withSeed(seed, async () => {
        const doq = new DoqPair({ seed, link: { latency: 15, loss: 0.2 }, doqServer: { handler: zoneHandler() } });
        const names = ["example.ghost.", "mail.example.ghost.", "known.apps.example.ghost.", "ns.example.zns.", "vault.example.zns."];
        const queries = Array.from({ length: 20 }, (_, i) => doq.client!.query(makeQuery(names[i % names.length]!, i % 2 === 0 ? RRType.A : RRType.TXT)));
        const outcomes = await doq.settle(queries, 120_000);
        for (const [i, outcome] of outcomes.entries()) {
          const { response } = responseOf(outcome);
          expect(response.question[0]!.name.equals(Name.parse(names[i % names.length]!))).toBe(true);
          expect(response.rcode).toBe(Rcode.NOERROR);
        }
        expect(doq.net.linkBetween("10.0.0.1", "10.0.0.2").stats.dropped.loss.datagrams).toBeGreaterThan(0);
      }));
  }

  it("writes queries and responses in pieces when the send buffer is small", () =>
    withSeed(7, async () => {
      const doq = new DoqPair({ seed: 7, transport: { sendBufferSize: 50 }, doqServer: { handler: zoneHandler() } });
      const outcomes = await doq.settle([doq.client!.query(makeQuery("example.ghost.", RRType.HTTPS)), doq.client!.query(makeQuery("example.ghost.", RRType.NS))]);
      expect(lines(responseOf(outcomes[0]).response)).toHaveLength(1);
      expect(responseOf(outcomes[1]).response.answer).toHaveLength(2);
      expect(responseOf(outcomes[1]).bytes.length).toBeGreaterThan(50);
    }));
});

describe("handler failures (§4.3.2)", () => {
  const cases: [string, DoqHandler][] = [
    ["throws", () => {
      throw new Error("backend down");
    }],
    ["rejects", async () => Promise.reject(new Error("backend down"))],
    ["returns bytes that are no DNS message", () => new Uint8Array([1, 2, 3])],
  ];
  for (const [what, handler] of cases) {
    it(`answers SERVFAIL when the handler ${what}`, () =>
      withSeed(8, async () => {
        const doq = new DoqPair({ seed: 8, doqServer: { handler } });
        const { response, bytes } = responseOf(await doq.ask(makeQuery("example.ghost.", RRType.A)));
        expect(response.rcode).toBe(Rcode.SERVFAIL);
        expect(response.question.map((question) => question.name.toString())).toEqual(["example.ghost."]);
        expect(bytes.length % RESPONSE_BLOCK_LENGTH).toBe(0);
        expect(doq.serverEvents.map((event) => event.type)).toEqual(["handler_error", "query_answered"]);
        expect(doq.client!.usable).toBe(true);
      }));
  }

  it("resets the stream with DOQ_INTERNAL_ERROR when the handler has no response", () =>
    withSeed(9, async () => {
      const doq = new DoqPair({ seed: 9, doqServer: { handler: () => undefined } });
      const outcome = await doq.ask(makeQuery("example.ghost.", RRType.A));
      expect(outcome).toMatchObject({ type: "query_failed", failure: { kind: "stream_reset", errorCode: DOQ_INTERNAL_ERROR } });
      expect(doq.serverEvents).toEqual([{ type: "query_reset", streamId: 0, errorCode: DOQ_INTERNAL_ERROR }]);
      expect(doq.client!.usable).toBe(true);
    }));
});

describe("cancellation (§4.3.1)", () => {
  it("stops the server's work on a query the client cancels, and the connection goes on", () =>
    withSeed(10, async () => {
      const slow = gated();
      const doq = new DoqPair({ seed: 10, link: { latency: 10 }, doqServer: { handler: slow.handler } });
      const query = doq.client!.query(makeQuery("example.ghost.", RRType.A));
      await doq.run(() => slow.requests.length === 1);
      const signal = slow.requests[0]!.signal;
      let heard = false;
      signal.onCancel(() => (heard = true));
      expect(doq.client!.cancel(query)).toBe(true);
      expect(doq.client!.inFlight).toBe(0);
      await doq.run(() => doq.serverEvents.length > 0);
      expect(doq.serverEvents).toEqual([{ type: "query_cancelled", streamId: 0, errorCode: DOQ_REQUEST_CANCELLED }]);
      expect(signal.cancelled && heard).toBe(true);
      expect(doq.server!.inProgress).toBe(0);
      await slow.release();
      const next = doq.client!.query(makeQuery("example.ghost.", RRType.AAAA));
      await doq.run(() => slow.requests.length === 2);
      await slow.release();
      const [outcome] = await doq.settle([next]);
      expect(lines(responseOf(outcome).response)).toEqual(["example.ghost. 3600 IN AAAA 2001:db8:6::10"]);
      expect(doq.outcome(query)).toBeUndefined();
      expect(doq.client!.cancel(query)).toBe(false);
    }));

  it("drops a query cancelled before it had a stream, so the next query takes stream 0", () =>
    withSeed(11, async () => {
      const seen = recording();
      const doq = new DoqPair({ seed: 11, doqServer: { handler: seen.handler } });
      const first = doq.client!.query(makeQuery("example.ghost.", RRType.A));
      expect(doq.client!.cancel(first)).toBe(true);
      const outcome = responseOf(await doq.ask(makeQuery("example.ghost.", RRType.TXT)));
      expect(lines(outcome.response)).toEqual(['example.ghost. 3600 IN TXT "v=spf1 mx -all"']);
      expect(seen.requests.map((request) => request.streamId)).toEqual([0]);
      expect(doq.outcome(first)).toBeUndefined();
    }));
});

describe("per-client limits (DOQ_EXCESSIVE_LOAD)", () => {
  it("resets a query beyond the concurrent limit, then answers the others", () =>
    withSeed(12, async () => {
      const slow = gated();
      const doq = new DoqPair({ seed: 12, doqServer: { handler: slow.handler, limits: { maxConcurrentQueries: 2 } } });
      const queries = ["example.ghost.", "example.zns.", "ns1.example.ghost."].map((name) => doq.client!.query(makeQuery(name, RRType.A)));
      await doq.run(() => doq.outcome(queries[2]!) !== undefined);
      expect(doq.outcome(queries[2]!)).toMatchObject({ type: "query_failed", failure: { kind: "stream_reset", errorCode: DOQ_EXCESSIVE_LOAD } });
      expect(doq.server!.inProgress).toBe(2);
      await slow.release();
      const outcomes = await doq.settle(queries.slice(0, 2));
      expect(outcomes.map((outcome) => lines(responseOf(outcome).response))).toEqual([["example.ghost. 3600 IN A 192.0.2.10"], ["example.zns. 600 IN A 198.51.100.7"]]);
      expect(slow.requests).toHaveLength(2);
    }));

  it("limits queries per second with a token bucket on the injected clock", () =>
    withSeed(13, async () => {
      const doq = new DoqPair({ seed: 13, doqServer: { handler: zoneHandler(), limits: { queriesPerSecond: 4, queryBurst: 4 } } });
      await doq.established();
      const burst = await doq.settle(Array.from({ length: 7 }, () => doq.client!.query(makeQuery("example.ghost.", RRType.A))));
      const kinds = (outcomes: typeof burst) => outcomes.map((outcome) => (outcome.type === "response" ? "answered" : outcome.failure.kind === "stream_reset" ? outcome.failure.errorCode : "closed"));
      expect(kinds(burst).sort()).toEqual(["answered", "answered", "answered", "answered", DOQ_EXCESSIVE_LOAD, DOQ_EXCESSIVE_LOAD, DOQ_EXCESSIVE_LOAD].sort());
      // Half a second later, half the bucket is back.
      await doq.run(() => false, 500);
      const later = await doq.settle(Array.from({ length: 3 }, () => doq.client!.query(makeQuery("example.ghost.", RRType.A))));
      expect(kinds(later).filter((kind) => kind === "answered")).toHaveLength(2);
    }));
});

describe("connection management (§4.4)", () => {
  it("closes with DOQ_NO_ERROR on request; open queries fail and no query is taken after", () =>
    withSeed(14, async () => {
      const slow = gated();
      const doq = new DoqPair({ seed: 14, doqServer: { handler: slow.handler } });
      const query = doq.client!.query(makeQuery("example.ghost.", RRType.A));
      await doq.run(() => slow.requests.length === 1);
      doq.client!.close("done");
      expect(doq.client!.usable).toBe(false);
      expect(doq.outcome(query)).toBeUndefined();
      doq.pump();
      expect(doq.outcome(query)).toMatchObject({ type: "query_failed", failure: { kind: "connection_closed", reason: { code: DOQ_NO_ERROR, initiator: "local" } } });
      expect(() => doq.client!.query(makeQuery("example.ghost.", RRType.A))).toThrow(expect.objectContaining({ code: "DOQ_SESSION_CLOSED" }));
      await doq.run(() => doq.serverEvents.some((event) => event.type === "closed"));
      expect(doq.serverEvents.at(-1)).toMatchObject({ type: "closed", reason: { code: DOQ_NO_ERROR, application: true, initiator: "remote" } });
      expect(slow.requests[0]!.signal.cancelled).toBe(true);
    }));

  it("fails open queries as soon as the server closes, not after the draining period (RFC 9000 §10.2.2)", () =>
    withSeed(17, async () => {
      const slow = gated();
      const doq = new DoqPair({ seed: 17, doqServer: { handler: slow.handler } });
      const query = doq.client!.query(makeQuery("example.ghost.", RRType.A));
      await doq.run(() => slow.requests.length === 1);
      doq.serverConnection!.close(DOQ_NO_ERROR, "going away");
      await doq.run(() => doq.outcome(query) !== undefined);
      expect(doq.outcome(query)).toMatchObject({ type: "query_failed", failure: { kind: "connection_closed", reason: { code: DOQ_NO_ERROR, initiator: "remote" } } });
      expect(doq.connection.state).toBe("draining");
      expect(doq.client!.usable).toBe(false);
      expect(slow.requests[0]!.signal.cancelled).toBe(true);
    }));

  it("closes with DOQ_PROTOCOL_ERROR when the handshake did not select doq", () =>
    withSeed(15, async () => {
      const doq = new DoqPair({ seed: 15, alpn: ["dot"], doqServer: { handler: zoneHandler() } });
      const outcome = await doq.ask(makeQuery("example.ghost.", RRType.A));
      expect(outcome).toMatchObject({ type: "query_failed", failure: { kind: "connection_closed", reason: { code: DOQ_PROTOCOL_ERROR } } });
      expect(outcome.type === "query_failed" && outcome.failure.kind === "connection_closed" && outcome.failure.reason.reason).toMatch(/ALPN dot/);
    }));

  it("refuses a query carrying edns-tcp-keepalive (§5.5.2)", () => {
    const doq = new DoqPair({ seed: 16, doqServer: { handler: zoneHandler() } });
    const query = makeQuery("example.ghost.", RRType.A, { edns: { udpPayloadSize: 1232, version: 0, dnssecOk: false, options: [{ code: EdnsOptionCode.TCP_KEEPALIVE, data: new Uint8Array(0) }] } });
    expect(() => doq.client!.query(query)).toThrow(expect.objectContaining({ code: "DOQ_TCP_KEEPALIVE" }));
    expect(doq.client!.inFlight).toBe(0);
  });
});

describe("session resumption and 0-RTT (§4.5)", () => {
  /** A pair whose server issues 0-RTT tickets, after a first connection that earned one. */
  async function resumedPair(seed: number, client: "session" | "raw" = "session"): Promise<{ doq: DoqPair; seen: ReturnType<typeof recording> }> {
    const seen = recording();
    const cert = testCertificate();
    let doq: DoqPair | undefined;
    const clock = () => WALL_CLOCK_START + (doq?.net.now ?? 0);
    const tls = {
      alpn: ["doq"],
      certificateChain: [cert.certificate.der],
      privateKey: cert.privateKey,
      now: clock,
      ticketKeys: new TicketKeys({ provider, random: (n: number) => new Uint8Array(n).fill(seed) }),
      earlyData: true,
      antiReplay: new AntiReplay(),
    };
    doq = new DoqPair({ seed, link: { latency: 25 }, server: { tls }, doqServer: { handler: seen.handler }, ...(client === "raw" ? { doqClient: "raw" as const } : {}) });
    await doq.established();
    await doq.run(() => doq!.clientTransportEvents.some((event) => event.type === "session_ticket"));
    const ticket = doq.clientTransportEvents.find((event) => event.type === "session_ticket");
    if (ticket?.type !== "session_ticket") throw new Error("no session ticket");
    doq.reconnect({ earlyData: true }, ticket.ticket);
    seen.requests.length = 0;
    return { doq, seen };
  }

  it("sends an allowed query in 0-RTT data, and the server answers it before the handshake completes", () =>
    withSeed(17, async () => {
      const { doq, seen } = await resumedPair(17);
      const early = doq.client!.query(makeQuery("example.ghost.", RRType.A), { earlyData: true });
      const late = doq.client!.query(makeQuery("example.ghost.", RRType.AAAA));
      const outcomes = await doq.settle([early, late]);
      expect(doq.clientTransportEvents).toContainEqual({ type: "early_data", accepted: true });
      expect(seen.requests.map((request) => [request.message!.question[0]!.type, request.earlyData])).toEqual([
        [RRType.A, true],
        [RRType.AAAA, false],
      ]);
      expect(lines(responseOf(outcomes[0]).response)).toEqual(["example.ghost. 3600 IN A 192.0.2.10"]);
      expect(lines(responseOf(outcomes[1]).response)).toEqual(["example.ghost. 3600 IN AAAA 2001:db8:6::10"]);
    }));

  it("keeps a non-replayable query (UPDATE) out of 0-RTT even when allowed", () =>
    withSeed(18, async () => {
      const { doq, seen } = await resumedPair(18);
      const update = doq.client!.query({ ...makeQuery("example.ghost.", RRType.SOA), opcode: Opcode.UPDATE }, { earlyData: true });
      const outcome = responseOf((await doq.settle([update]))[0]);
      expect(outcome.response.rcode).toBe(Rcode.REFUSED);
      expect(seen.requests.map((request) => request.earlyData)).toEqual([false]);
    }));

  it("server: holds a non-replayable query that came in 0-RTT until the handshake completes", () =>
    withSeed(19, async () => {
      const { doq, seen } = await resumedPair(19, "raw");
      const send = (message: DnsMessage) => {
        const streamId = doq.connection.openStream(true)!;
        const bytes = encodeMessage(message);
        doq.connection.streamWrite(streamId, Uint8Array.of(bytes.length >> 8, bytes.length & 0xff, ...bytes), true);
        return streamId;
      };
      const update = send({ ...makeQuery("example.ghost.", RRType.SOA), opcode: Opcode.UPDATE });
      const query = send(makeQuery("example.ghost.", RRType.A));
      await doq.run(() => doq.rawClient.finished.has(update) && doq.rawClient.finished.has(query));
      expect(seen.requests.map((request) => [request.streamId, request.earlyData])).toEqual([
        [query, true],
        [update, false],
      ]);
      expect(decodeMessage(doq.rawClient.received(update).subarray(2)).rcode).toBe(Rcode.REFUSED);
    }));
});
