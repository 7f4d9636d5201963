// RFC 9250 §4.3.3: what each session does with a peer that breaks the protocol,
// played by a RawPeer writing streams directly.
import { describe, expect, it } from "vitest";
import { withSeed } from "@zquic/sim";
import {
  DOQ_INTERNAL_ERROR,
  DOQ_PROTOCOL_ERROR,
  DOQ_REQUEST_CANCELLED,
  type DnsMessage,
  EdnsOptionCode,
  RRClass,
  RRType,
  Rcode,
  decodeMessage,
  encodeMessage,
  formatRecord,
  frameMessage,
  makeQuery,
} from "@zquic/doq";
import { DoqPair, responseOf, zoneHandler } from "./doq-harness.js";

const query = (type: number = RRType.A, id = 0): Uint8Array => encodeMessage(makeQuery("example.ghost.", type, { id }));

/** A response to `request` with one A record. */
function answer(request: Uint8Array, changes: Partial<DnsMessage> = {}): Uint8Array {
  const message = decodeMessage(request);
  return encodeMessage({ ...message, qr: true, aa: true, answer: [{ name: message.question[0]!.name, class: RRClass.IN, ttl: 60, data: { type: "A", address: Uint8Array.of(192, 0, 2, 1) } }], ...changes });
}

describe("server session: protocol errors from a client close the connection with DOQ_PROTOCOL_ERROR", () => {
  /** A raw client that writes `chunks` on a new stream (FIN with the last unless told otherwise), and the server's reaction. */
  async function send(seed: number, chunks: readonly Uint8Array[], options: { fin?: boolean; bidirectional?: boolean } = {}) {
    const handled: Uint8Array[] = [];
    const doq = new DoqPair({ seed, doqClient: "raw", doqServer: { handler: (request) => (handled.push(request.bytes), zoneHandler()(request)) } });
    await doq.established();
    const streamId = doq.connection.openStream(options.bidirectional ?? true)!;
    for (const [i, chunk] of chunks.entries()) {
      doq.connection.streamWrite(streamId, chunk, i === chunks.length - 1 && (options.fin ?? true));
      // Each chunk in its own packets, so the server reads it separately.
      await doq.run(() => false, 5);
    }
    await doq.run(() => doq.rawClient.finished.has(streamId) || doq.rawClient.resets.has(streamId) || doq.rawClient.closed !== undefined, 5_000);
    return { doq, streamId, handled };
  }

  const expectProtocolError = (doq: DoqPair, reason: RegExp) => {
    expect(doq.rawClient.closed).toMatchObject({ code: DOQ_PROTOCOL_ERROR, application: true, initiator: "remote" });
    expect(doq.serverEvents.at(-1)).toMatchObject({ type: "closed", reason: { code: DOQ_PROTOCOL_ERROR, initiator: "local" } });
    expect(doq.rawClient.closed!.reason).toMatch(reason);
  };

  it("a FIN before the whole message (truncated query)", () =>
    withSeed(31, async () => {
      const full = frameMessage(query());
      const { doq, handled } = await send(31, [full.subarray(0, 20)]);
      expectProtocolError(doq, new RegExp(`ended ${full.length - 20} octets short`));
      expect(handled).toEqual([]);
    }));

  it("a FIN with no message at all", () =>
    withSeed(32, async () => {
      const { doq } = await send(32, [new Uint8Array(0)]);
      expectProtocolError(doq, /ended 2 octets short/);
    }));

  it("a second message on the stream", () =>
    withSeed(33, async () => {
      const { doq, handled } = await send(33, [frameMessage(query()), frameMessage(query(RRType.AAAA))]);
      expectProtocolError(doq, /data after its message/);
      expect(handled).toEqual([]);
    }));

  it("a non-zero Message ID (§4.2.1)", () =>
    withSeed(34, async () => {
      const { doq, handled } = await send(34, [frameMessage(query(RRType.A, 0x1234))]);
      expectProtocolError(doq, /message ID 4660 is not 0/);
      expect(handled).toEqual([]);
    }));

  it("a message too short for a DNS header", () =>
    withSeed(35, async () => {
      const { doq } = await send(35, [frameMessage(new Uint8Array(5))]);
      expectProtocolError(doq, /5 octets has no DNS header/);
    }));

  it("edns-tcp-keepalive in the query (§5.5.2)", () =>
    withSeed(36, async () => {
      const keepalive = encodeMessage(makeQuery("example.ghost.", RRType.A, { edns: { udpPayloadSize: 1232, version: 0, dnssecOk: false, options: [{ code: EdnsOptionCode.TCP_KEEPALIVE, data: new Uint8Array(2) }] } }));
      const { doq } = await send(36, [frameMessage(keepalive)]);
      expectProtocolError(doq, /edns-tcp-keepalive/);
    }));

  it("a unidirectional stream", () =>
    withSeed(37, async () => {
      const { doq } = await send(37, [frameMessage(query())], { bidirectional: false });
      expectProtocolError(doq, /unidirectional stream 2/);
    }));
});

describe("server session: what is not a protocol error", () => {
  it("answers FORMERR to a query whose header reads but whose body does not decode", () =>
    withSeed(41, async () => {
      const doq = new DoqPair({ seed: 41, doqClient: "raw", doqServer: { handler: zoneHandler() } });
      await doq.established();
      const malformed = query().slice(0, 20); // QDCOUNT 1, the question cut short
      const streamId = doq.connection.openStream(true)!;
      doq.connection.streamWrite(streamId, frameMessage(malformed), true);
      await doq.run(() => doq.rawClient.finished.has(streamId));
      const response = doq.rawClient.received(streamId);
      expect((response[0]! << 8) | response[1]!).toBe(response.length - 2);
      expect(decodeMessage(response.subarray(2))).toMatchObject({ id: 0, qr: true, rcode: Rcode.FORMERR });
      expect(doq.rawClient.closed).toBeUndefined();
    }));

  it("reads a query whose length field and body come one octet at a time", () =>
    withSeed(42, async () => {
      const doq = new DoqPair({ seed: 42, doqClient: "raw", doqServer: { handler: zoneHandler() } });
      await doq.established();
      const framed = frameMessage(query(RRType.TXT));
      const streamId = doq.connection.openStream(true)!;
      for (const [i, octet] of framed.entries()) {
        doq.connection.streamWrite(streamId, Uint8Array.of(octet), i === framed.length - 1);
        await doq.run(() => false, 2);
      }
      await doq.run(() => doq.rawClient.finished.has(streamId));
      expect(decodeMessage(doq.rawClient.received(streamId).subarray(2)).answer.map(formatRecord)).toEqual(['example.ghost. 3600 IN TXT "v=spf1 mx -all"']);
    }));

  it("waits for the FIN before answering (§4.2)", () =>
    withSeed(43, async () => {
      const seen: Uint8Array[] = [];
      const doq = new DoqPair({ seed: 43, doqClient: "raw", doqServer: { handler: (request) => (seen.push(request.bytes), zoneHandler()(request)) } });
      await doq.established();
      const streamId = doq.connection.openStream(true)!;
      doq.connection.streamWrite(streamId, frameMessage(query()));
      await doq.run(() => false, 200);
      expect(seen).toEqual([]);
      doq.connection.streamFinish(streamId);
      await doq.run(() => doq.rawClient.finished.has(streamId));
      expect(seen).toHaveLength(1);
    }));

  it("abandons a query reset before its FIN and resets back with DOQ_REQUEST_CANCELLED (§4.3.1)", () =>
    withSeed(44, async () => {
      const seen: Uint8Array[] = [];
      const doq = new DoqPair({ seed: 44, doqClient: "raw", doqServer: { handler: (request) => (seen.push(request.bytes), zoneHandler()(request)) } });
      await doq.established();
      const streamId = doq.connection.openStream(true)!;
      const framed = frameMessage(query());
      doq.connection.streamWrite(streamId, framed.subarray(0, 10));
      await doq.run(() => false, 100);
      doq.connection.streamReset(streamId, DOQ_REQUEST_CANCELLED);
      await doq.run(() => doq.rawClient.resets.has(streamId));
      expect(doq.rawClient.resets.get(streamId)).toBe(DOQ_REQUEST_CANCELLED);
      expect(doq.serverEvents).toEqual([{ type: "query_cancelled", streamId, errorCode: DOQ_REQUEST_CANCELLED }]);
      expect(seen).toEqual([]);
      expect(doq.rawClient.closed).toBeUndefined();
    }));
});

describe("client session: protocol errors from a server close the connection with DOQ_PROTOCOL_ERROR", () => {
  /** A client session against a raw server that answers the first query with `respond`. */
  async function exchange(seed: number, respond: (doq: DoqPair, streamId: number, request: Uint8Array) => void | Promise<void>) {
    const doq = new DoqPair({ seed });
    const sent = doq.client!.query(makeQuery("example.ghost.", RRType.A));
    await doq.run(() => doq.rawServer.finished.has(0));
    await respond(doq, 0, doq.rawServer.received(0).subarray(2));
    await doq.run(() => doq.outcome(sent) !== undefined, 5_000);
    return { doq, outcome: doq.outcome(sent) };
  }

  const expectProtocolError = (doq: DoqPair, outcome: ReturnType<DoqPair["outcome"]>, reason: RegExp) => {
    expect(outcome).toMatchObject({ type: "query_failed", failure: { kind: "connection_closed", reason: { code: DOQ_PROTOCOL_ERROR, initiator: "local" } } });
    expect(doq.clientEvents.at(-1)).toMatchObject({ type: "closed", reason: { code: DOQ_PROTOCOL_ERROR } });
    expect(doq.client!.usable).toBe(false);
    return doq.run(() => doq.rawServer.closed !== undefined).then(() => {
      expect(doq.rawServer.closed).toMatchObject({ code: DOQ_PROTOCOL_ERROR, application: true, initiator: "remote" });
      expect(doq.rawServer.closed!.reason).toMatch(reason);
    });
  };

  it("a response with a non-zero Message ID (§4.2.1)", () =>
    withSeed(51, async () => {
      const { doq, outcome } = await exchange(51, (doq, id, request) => void doq.serverConnection!.streamWrite(id, frameMessage(answer(request, { id: 9 })), true));
      await expectProtocolError(doq, outcome, /message ID 9 is not 0/);
    }));

  it("a second response on the stream", () =>
    withSeed(52, async () => {
      const { doq, outcome } = await exchange(52, (doq, id, request) => {
        doq.serverConnection!.streamWrite(id, frameMessage(answer(request)));
        doq.serverConnection!.streamWrite(id, frameMessage(answer(request)), true);
      });
      await expectProtocolError(doq, outcome, /data after its message/);
    }));

  it("a FIN before the whole response", () =>
    withSeed(53, async () => {
      const { doq, outcome } = await exchange(53, (doq, id, request) => void doq.serverConnection!.streamWrite(id, frameMessage(answer(request)).subarray(0, 30), true));
      await expectProtocolError(doq, outcome, /short of its message/);
    }));

  it("a response that is no DNS message", () =>
    withSeed(54, async () => {
      const { doq, outcome } = await exchange(54, (doq, id) => void doq.serverConnection!.streamWrite(id, frameMessage(new Uint8Array(16).fill(0, 0, 2).fill(0xff, 2)), true));
      await expectProtocolError(doq, outcome, /is no DNS message/);
    }));

  it("a response with edns-tcp-keepalive (§5.5.2)", () =>
    withSeed(55, async () => {
      const edns = { udpPayloadSize: 1232, version: 0, dnssecOk: false, options: [{ code: EdnsOptionCode.TCP_KEEPALIVE, data: new Uint8Array(2) }] };
      const { doq, outcome } = await exchange(55, (doq, id, request) => void doq.serverConnection!.streamWrite(id, frameMessage(answer(request, { edns })), true));
      await expectProtocolError(doq, outcome, /edns-tcp-keepalive/);
    }));

  it("STOP_SENDING from the server", () =>
    withSeed(56, async () => {
      // A small send buffer keeps the query arriving, so the server can still stop it.
      const doq = new DoqPair({ seed: 56, transport: { sendBufferSize: 50 } });
      const sent = doq.client!.query(makeQuery("example.ghost.", RRType.A));
      await doq.run(() => doq.rawServer.events.some((event) => event.type === "stream_readable"));
      expect(doq.rawServer.finished.has(0)).toBe(false);
      doq.serverConnection!.streamStopSending(0, DOQ_INTERNAL_ERROR);
      await doq.run(() => doq.outcome(sent) !== undefined);
      await expectProtocolError(doq, doq.outcome(sent), /STOP_SENDING on stream 0/);
    }));

  for (const bidirectional of [true, false]) {
    it(`a ${bidirectional ? "bidirectional" : "unidirectional"} stream the server opens`, () =>
      withSeed(57, async () => {
        const { doq, outcome } = await exchange(57, (doq) => {
          const streamId = doq.serverConnection!.openStream(bidirectional)!;
          doq.serverConnection!.streamWrite(streamId, new Uint8Array([0, 0]), true);
        });
        await expectProtocolError(doq, outcome, new RegExp(`server opened stream ${bidirectional ? 1 : 3}`));
      }));
  }
});

describe("client session: what is not a protocol error", () => {
  it("reads a response whose length field and body come one octet at a time", () =>
    withSeed(61, async () => {
      const doq = new DoqPair({ seed: 61 });
      const sent = doq.client!.query(makeQuery("example.ghost.", RRType.A));
      await doq.run(() => doq.rawServer.finished.has(0));
      const framed = frameMessage(answer(doq.rawServer.received(0).subarray(2)));
      for (const [i, octet] of framed.entries()) {
        doq.serverConnection!.streamWrite(0, Uint8Array.of(octet), i === framed.length - 1);
        await doq.run(() => false, 2);
      }
      await doq.run(() => doq.outcome(sent) !== undefined);
      expect(responseOf(doq.outcome(sent)).response.answer.map(formatRecord)).toEqual(["example.ghost. 60 IN A 192.0.2.1"]);
    }));

  it("takes a response that comes before all of its query was sent, and resets the rest of the query", () =>
    withSeed(65, async () => {
      const doq = new DoqPair({ seed: 65, transport: { sendBufferSize: 50 } });
      const sent = doq.client!.query(makeQuery("example.ghost.", RRType.A));
      await doq.run(() => doq.rawServer.events.some((event) => event.type === "stream_readable"));
      const request = makeQuery("example.ghost.", RRType.A);
      doq.serverConnection!.streamWrite(0, frameMessage(answer(encodeMessage(request))), true);
      await doq.run(() => doq.outcome(sent) !== undefined && doq.rawServer.resets.has(0));
      expect(responseOf(doq.outcome(sent)).response.answer).toHaveLength(1);
      expect(doq.rawServer.resets.get(0)).toBe(DOQ_REQUEST_CANCELLED);
    }));

  it("fails just the query the server resets, and the connection carries on", () =>
    withSeed(62, async () => {
      const doq = new DoqPair({ seed: 62 });
      const first = doq.client!.query(makeQuery("example.ghost.", RRType.A));
      await doq.run(() => doq.rawServer.finished.has(0));
      doq.serverConnection!.streamReset(0, 0x77);
      await doq.run(() => doq.outcome(first) !== undefined);
      expect(doq.outcome(first)).toMatchObject({ type: "query_failed", failure: { kind: "stream_reset", errorCode: 0x77 } });
      const second = doq.client!.query(makeQuery("example.ghost.", RRType.A));
      await doq.run(() => doq.rawServer.finished.has(4));
      doq.serverConnection!.streamWrite(4, frameMessage(answer(doq.rawServer.received(4).subarray(2))), true);
      await doq.run(() => doq.outcome(second) !== undefined);
      expect(responseOf(doq.outcome(second)).response.rcode).toBe(Rcode.NOERROR);
    }));

  it("cancels with STOP_SENDING (§4.3.1), and drops a response already on its way", () =>
    withSeed(63, async () => {
      const doq = new DoqPair({ seed: 63 });
      const sent = doq.client!.query(makeQuery("example.ghost.", RRType.A));
      await doq.run(() => doq.rawServer.finished.has(0));
      doq.serverConnection!.streamWrite(0, frameMessage(answer(doq.rawServer.received(0).subarray(2))), true);
      expect(doq.client!.cancel(sent)).toBe(true);
      await doq.run(() => doq.rawServer.stops.has(0));
      expect(doq.rawServer.stops.get(0)).toBe(DOQ_REQUEST_CANCELLED);
      await doq.run(() => false, 500);
      expect(doq.clientEvents).toEqual([]);
      expect(doq.client!.usable).toBe(true);
    }));

  it("also resets a query it cancels before the server has all of it (§4.3.1)", () =>
    withSeed(64, async () => {
      const doq = new DoqPair({ seed: 64, transport: { sendBufferSize: 50 } });
      const sent = doq.client!.query(makeQuery("example.ghost.", RRType.A));
      await doq.run(() => doq.rawServer.events.some((event) => event.type === "stream_readable"));
      doq.client!.cancel(sent);
      await doq.run(() => doq.rawServer.resets.has(0) && doq.rawServer.stops.has(0));
      expect([doq.rawServer.resets.get(0), doq.rawServer.stops.get(0)]).toEqual([DOQ_REQUEST_CANCELLED, DOQ_REQUEST_CANCELLED]);
      expect(doq.rawServer.finished.has(0)).toBe(false);
    }));
});
