// DNS over QUIC (RFC 9250) between the io client and server, over node:dgram on loopback.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  DOQ_EXCESSIVE_LOAD,
  DOQ_PROTOCOL_ERROR,
  DOQ_REQUEST_CANCELLED,
  RESPONSE_BLOCK_LENGTH,
  Rcode,
  decodeMessage,
  encodeMessage,
  formatRecord,
  frameMessage,
  makeQuery,
  type DnsMessage,
  type DoqHandler,
} from "@zquic/doq";
import { DnsResponseMismatchError, DnsTimeoutError, DoqQueryError, MemorySessionStore, QuicConnectionError, connect, resolve } from "@zquic/node";
import { certificate, client, eventually, startServer, zoneHandler, type TestServer } from "./doq-fixture.js";

const records = (message: DnsMessage) => message.answer.map(formatRecord);

describe("DoQ queries answered from the fixture zones", () => {
  let fixture: TestServer;
  beforeAll(async () => {
    fixture = await startServer();
  });
  afterAll(() => fixture.server.close());

  it("answers A, AAAA, TXT and HTTPS authoritatively over one connection, responses padded to 468 octets (§5.4)", async () => {
    const doq = client();
    try {
      const asked = [
        ["example.ghost", "A", "example.ghost. 3600 IN A 192.0.2.10"],
        ["example.ghost", "AAAA", "example.ghost. 3600 IN AAAA 2001:db8:6::10"],
        ["vault.example.zns", "TXT", 'vault.example.zns. 60 IN TXT "contract=0x9fE46736679d2D9a65F0992F2272dE9f3c7fa6e0" "chain=ghostchain"'],
        ["example.ghost", "HTTPS", "example.ghost. 3600 IN HTTPS 1 . alpn=\"h3,h2\" port=443 ipv4hint=192.0.2.10 ipv6hint=2001:db8:6::10"],
      ] as const;
      const responses = await Promise.all(asked.map(([name, type]) => doq.ask(fixture.address, name, type)));
      responses.forEach((response, i) => {
        expect(response.message.rcode).toBe(Rcode.NOERROR);
        expect(response.message.aa).toBe(true);
        expect(records(response.message)).toEqual([asked[i]![2]]);
        expect(response.bytes.length % RESPONSE_BLOCK_LENGTH).toBe(0);
      });
      expect(fixture.server.connections).toBe(1);
    } finally {
      await doq.close();
    }
  });

  it("answers NXDOMAIN with the zone's SOA, and resolve() returns it rather than throwing", async () => {
    const response = await resolve("missing.example.zns", "A", { server: fixture.address, trustAnchors: certificate().certificatePem });
    expect(response.rcode).toBe(Rcode.NXDOMAIN);
    expect(response.answer).toEqual([]);
    expect(response.authority.map((rr) => rr.data.type)).toEqual(["SOA"]);
  });

  it("reuses the connection for queries in parallel and in sequence (§5.5.1)", async () => {
    const before = fixture.events.length;
    const open = fixture.server.connections;
    const doq = client();
    try {
      const parallel = await Promise.all(Array.from({ length: 50 }, () => doq.ask(fixture.address, "ns.example.zns", "A")));
      for (let i = 0; i < 5; i++) parallel.push(await doq.ask(fixture.address, "example.zns", "TXT"));
      expect(parallel.every((response) => response.message.rcode === Rcode.NOERROR)).toBe(true);
      expect(fixture.server.connections).toBe(open + 1);
      expect(fixture.events.slice(before).filter((event) => event.type === "query_answered")).toHaveLength(55);
    } finally {
      await doq.close();
    }
  });

  it("rejects a response that answers another question (RFC 5452 §4.1)", async () => {
    const other = await startServer((request) => encodeMessage({ ...makeQuery("elsewhere.example", 1), qr: true }));
    const doq = client();
    try {
      await expect(doq.ask(other.address, "example.ghost", "A")).rejects.toBeInstanceOf(DnsResponseMismatchError);
    } finally {
      await doq.close();
      await other.server.close();
    }
  });
});

describe("queries that are no proper DoQ queries", () => {
  let fixture: TestServer;
  beforeAll(async () => {
    fixture = await startServer();
  });
  afterAll(() => fixture.server.close());

  /** Sends `bytes` on a new stream of a raw DoQ connection; returns the response message or how the connection ended. */
  async function raw(bytes: Uint8Array): Promise<{ response?: DnsMessage; closed?: QuicConnectionError }> {
    const connection = connect(`https://${fixture.address}/`, { alpn: ["doq"], trustAnchors: certificate().certificatePem, sessionStore: null });
    try {
      const stream = await connection.createBidirectionalStream();
      const writer = stream.writable.getWriter();
      await writer.write(bytes);
      await writer.close();
      const chunks: Uint8Array[] = [];
      for await (const chunk of stream.readable) chunks.push(chunk);
      const body = Buffer.concat(chunks);
      return { response: decodeMessage(body.subarray(2)) };
    } catch (error) {
      if (error instanceof QuicConnectionError) return { closed: error };
      throw error;
    } finally {
      connection.close({ closeCode: 0 });
    }
  }

  it("answers FORMERR to a message that does not decode", async () => {
    const garbage = new Uint8Array([0, 0, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0, 0xc0]); // a question name that is a dangling pointer
    const { response } = await raw(frameMessage(garbage));
    expect(response?.rcode).toBe(Rcode.FORMERR);
  });

  it("answers FORMERR to a query cut off inside its question, framed correctly", async () => {
    const whole = encodeMessage(makeQuery("example.ghost", 1));
    const { response } = await raw(frameMessage(whole.subarray(0, whole.length - 3)));
    expect(response?.rcode).toBe(Rcode.FORMERR);
  });

  it("closes the connection with DOQ_PROTOCOL_ERROR when the stream ends before the length field's octets (§4.3.3)", async () => {
    const framed = frameMessage(encodeMessage(makeQuery("example.ghost", 1)));
    const { closed } = await raw(framed.subarray(0, framed.length - 5));
    expect(closed?.application).toBe(true);
    expect(closed?.closeCode).toBe(DOQ_PROTOCOL_ERROR);
    expect(closed?.initiator).toBe("remote");
  });

  it("closes the connection with DOQ_PROTOCOL_ERROR for a Message ID other than 0 (§4.2.1)", async () => {
    const { closed } = await raw(frameMessage(encodeMessage(makeQuery("example.ghost", 1, { id: 4242 }))));
    expect(closed?.closeCode).toBe(DOQ_PROTOCOL_ERROR);
  });
});

describe("cancellation and time limits (§4.3.1)", () => {
  /** A handler that answers only the name `fast.example.ghost`; others wait until cancelled. */
  function stalling(started: string[], cancelled: string[]): DoqHandler {
    const zones = zoneHandler();
    return (request) => {
      const name = request.message!.question[0]!.name.toString();
      if (name === "fast.example.ghost.") return zones(request);
      started.push(name);
      return new Promise<undefined>((done) => request.signal.onCancel(() => (cancelled.push(name), done(undefined))));
    };
  }

  it("cancels a query on abort with DOQ_REQUEST_CANCELLED; the server stops its work and the connection goes on", async () => {
    const started: string[] = [];
    const cancelled: string[] = [];
    const fixture = await startServer(stalling(started, cancelled));
    const doq = client();
    try {
      const abort = new AbortController();
      const pending = doq.ask(fixture.address, "slow.example.ghost", "A", { signal: abort.signal });
      await eventually(() => started.length === 1);
      expect(cancelled).toEqual([]);
      abort.abort(new Error("user gave up"));
      await expect(pending).rejects.toThrow("user gave up");
      await eventually(() => cancelled.length === 1);
      expect(cancelled).toEqual(["slow.example.ghost."]);
      await eventually(() => fixture.events.some((event) => event.type === "query_cancelled"));
      expect(fixture.events.find((event) => event.type === "query_cancelled")).toMatchObject({ errorCode: DOQ_REQUEST_CANCELLED });
      const next = await doq.ask(fixture.address, "fast.example.ghost", "A");
      expect(next.message.rcode).toBe(Rcode.NXDOMAIN);
      expect(fixture.server.connections).toBe(1);
    } finally {
      await doq.close();
      await fixture.server.close();
    }
  });

  it("rejects with DnsTimeoutError after the time limit and cancels the query on the wire", async () => {
    const cancelled: string[] = [];
    const fixture = await startServer(stalling([], cancelled));
    const doq = client();
    try {
      await doq.ask(fixture.address, "fast.example.ghost", "A");
      const started = performance.now();
      await expect(doq.ask(fixture.address, "slow.example.ghost", "A", { timeoutMs: 300 })).rejects.toBeInstanceOf(DnsTimeoutError);
      expect(performance.now() - started).toBeGreaterThanOrEqual(290);
      await eventually(() => cancelled.length === 1);
    } finally {
      await doq.close();
      await fixture.server.close();
    }
  });

  it("rejects at once for a signal already aborted, sending nothing", async () => {
    const doq = client();
    await expect(doq.ask("127.0.0.1:1", "example.ghost", "A", { signal: AbortSignal.abort(new Error("too late")) })).rejects.toThrow("too late");
    await doq.close();
  });
});

describe("0-RTT and resumption (§4.5)", () => {
  it("sends the query of a resumed connection in 0-RTT data, and the server answers it from there", async () => {
    const early: boolean[] = [];
    const zones = zoneHandler();
    const fixture = await startServer((request) => (early.push(request.earlyData), zones(request)));
    const store = new MemorySessionStore();
    try {
      const first = client({ sessionStore: store });
      const full = await first.ask(fixture.address, "example.ghost", "A");
      expect(full.resumed).toBe(false);
      expect(full.earlyDataAccepted).toBeUndefined();
      // The ticket comes after the handshake; ask again on the same connection to give it time.
      await first.ask(fixture.address, "example.zns", "A");
      await first.close();

      const second = client({ sessionStore: store });
      const resumed = await second.ask(fixture.address, "example.ghost", "AAAA");
      await second.close();
      expect(resumed.resumed).toBe(true);
      expect(resumed.earlyDataAccepted).toBe(true);
      expect(records(resumed.message)).toEqual(["example.ghost. 3600 IN AAAA 2001:db8:6::10"]);
      expect(early).toEqual([false, false, true]);
    } finally {
      await fixture.server.close();
    }
  });

  it("does not send 0-RTT when told not to, even with a ticket", async () => {
    const early: boolean[] = [];
    const zones = zoneHandler();
    const fixture = await startServer((request) => (early.push(request.earlyData), zones(request)));
    const store = new MemorySessionStore();
    try {
      const first = client({ sessionStore: store });
      await first.ask(fixture.address, "example.ghost", "A");
      await first.ask(fixture.address, "example.zns", "A");
      await first.close();
      const second = client({ sessionStore: store, earlyData: false });
      const resumed = await second.ask(fixture.address, "example.ghost", "A");
      await second.close();
      expect(resumed.resumed).toBe(true);
      expect(resumed.earlyDataAccepted).toBeUndefined();
      expect(early).toEqual([false, false, false]);
    } finally {
      await fixture.server.close();
    }
  });
});

describe("per-client limits (DOQ_EXCESSIVE_LOAD)", () => {
  it("resets queries beyond the concurrent limit while the others are answered", async () => {
    const zones = zoneHandler();
    const slow: DoqHandler = async (request) => {
      await new Promise((resolve) => setTimeout(resolve, 100));
      return zones(request);
    };
    const fixture = await startServer(slow, { limits: { maxConcurrentQueries: 3 } });
    const doq = client();
    try {
      await doq.ask(fixture.address, "example.ghost", "A");
      const outcomes = await Promise.allSettled(Array.from({ length: 12 }, () => doq.ask(fixture.address, "example.ghost", "A")));
      const refused = outcomes.filter((outcome) => outcome.status === "rejected");
      const answered = outcomes.filter((outcome) => outcome.status === "fulfilled");
      expect(answered.length).toBeGreaterThanOrEqual(3);
      expect(refused.length).toBeGreaterThan(0);
      for (const outcome of refused) {
        expect(outcome.reason).toBeInstanceOf(DoqQueryError);
        expect((outcome.reason as DoqQueryError).doqErrorCode).toBe(DOQ_EXCESSIVE_LOAD);
      }
    } finally {
      await doq.close();
      await fixture.server.close();
    }
  });

  it("resets queries beyond the rate (token bucket) and answers again once it refills", async () => {
    const fixture = await startServer(zoneHandler(), { limits: { queriesPerSecond: 5, queryBurst: 4 } });
    const doq = client();
    try {
      const outcomes = await Promise.allSettled(Array.from({ length: 10 }, () => doq.ask(fixture.address, "example.zns", "A")));
      const refused = outcomes.filter((outcome) => outcome.status === "rejected");
      expect(refused.length).toBeGreaterThanOrEqual(5);
      expect(refused.every((outcome) => (outcome.reason as DoqQueryError).doqErrorCode === DOQ_EXCESSIVE_LOAD)).toBe(true);
      await new Promise((resolve) => setTimeout(resolve, 400));
      expect((await doq.ask(fixture.address, "example.zns", "A")).message.rcode).toBe(Rcode.NOERROR);
    } finally {
      await doq.close();
      await fixture.server.close();
    }
  });

  it("counts the rate per client address: a second connection from it gets no fresh allowance", async () => {
    const fixture = await startServer(zoneHandler(), { limits: { queriesPerSecond: 0.5, queryBurst: 3 } });
    const first = client();
    const second = client();
    try {
      for (let i = 0; i < 3; i++) expect((await first.ask(fixture.address, "example.zns", "A")).message.rcode).toBe(Rcode.NOERROR);
      const outcome = await second.ask(fixture.address, "example.zns", "A").then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(outcome).toBeInstanceOf(DoqQueryError);
      expect((outcome as DoqQueryError).doqErrorCode).toBe(DOQ_EXCESSIVE_LOAD);
    } finally {
      await first.close();
      await second.close();
      await fixture.server.close();
    }
  });
});

describe("connection management (§4.4)", () => {
  it("lets an idle connection time out, and opens a new one for the next query", async () => {
    const fixture = await startServer();
    const doq = client({ idleTimeoutMs: 300 });
    try {
      await doq.ask(fixture.address, "example.ghost", "A");
      expect(fixture.server.connections).toBe(1);
      await eventually(() => fixture.server.connections === 0, 3000);
      expect((await doq.ask(fixture.address, "example.ghost", "A")).message.rcode).toBe(Rcode.NOERROR);
      expect(fixture.server.connections).toBe(1);
    } finally {
      await doq.close();
      await fixture.server.close();
    }
  });

  it("fails open queries with the close reason when the server shuts down", async () => {
    let handling = false;
    const fixture = await startServer(() => ((handling = true), new Promise<undefined>(() => undefined)));
    const doq = client();
    try {
      const pending = doq.ask(fixture.address, "example.ghost", "A");
      await eventually(() => handling);
      const closing = fixture.server.close();
      const error = await pending.catch((e: unknown) => e);
      expect(error).toBeInstanceOf(QuicConnectionError);
      expect(error).toMatchObject({ application: true, closeCode: 0, initiator: "remote" });
      await closing;
    } finally {
      await doq.close();
    }
  });

  it("refuses queries after close()", async () => {
    const doq = client();
    await doq.close();
    await expect(doq.ask("127.0.0.1:853", "example.ghost", "A")).rejects.toThrow(/closed/);
  });
});
