// Hostile input is normal input: whatever a peer writes on DoQ streams, the
// sessions never throw; they answer, reset the stream, or close the connection
// with DOQ_PROTOCOL_ERROR (RFC 9250 §4.3).
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import {
  DOQ_EXCESSIVE_LOAD,
  DOQ_INTERNAL_ERROR,
  DOQ_PROTOCOL_ERROR,
  DOQ_REQUEST_CANCELLED,
  RRType,
  decodeMessage,
  encodeMessage,
  frameMessage,
  makeQuery,
  padToBlock,
} from "@zquic/doq";
import { DoqPair, zoneHandler } from "./doq-harness.js";

const validQueries = [
  encodeMessage(makeQuery("example.ghost.", RRType.A)),
  encodeMessage(padToBlock(makeQuery("www.example.ghost.", RRType.HTTPS), 128)),
  encodeMessage(makeQuery("vault.example.zns.", RRType.TXT)),
];

/** A valid query, often with some octets changed. */
const mutatedQuery = fc
  .tuple(fc.constantFrom(...validQueries), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 3 }))
  .map(([query, changes]) => {
    const bytes = query.slice();
    for (const [at, value] of changes) bytes[at % bytes.length] = value;
    return bytes;
  });

/** What goes on one stream: mostly one query behind its length field, else pieces of anything. */
const streamData = fc.oneof(
  { weight: 2, arbitrary: mutatedQuery.map((query) => [frameMessage(query)]) },
  fc.array(
    fc.oneof(
      fc.uint8Array({ maxLength: 64 }),
      fc.uint8Array({ maxLength: 80 }).map(frameMessage),
      mutatedQuery.map(frameMessage),
      mutatedQuery.map((query) => frameMessage(query).subarray(0, 1 + (query[3]! % (query.length + 1)))),
    ),
    { maxLength: 3 },
  ),
);

/** Mostly a FIN after the data, sometimes nothing, sometimes a RESET_STREAM with any code. */
const streamEnd = fc.oneof(
  { weight: 6, arbitrary: fc.constant({ fin: true, reset: undefined }) },
  { weight: 2, arbitrary: fc.constant({ fin: false, reset: undefined }) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 0xffff }).map((reset) => ({ fin: false, reset })) },
);

const streamPlan = fc.record({ chunks: streamData, end: streamEnd }).map(({ chunks, end }) => ({ chunks, ...end }));

/** Length field, message with ID 0, and nothing after. */
function expectFramedResponse(bytes: Uint8Array): void {
  expect(bytes.length).toBeGreaterThanOrEqual(2);
  expect((bytes[0]! << 8) | bytes[1]!).toBe(bytes.length - 2);
  expect(decodeMessage(bytes.subarray(2))).toMatchObject({ id: 0, qr: true });
}

describe("hostile streams", () => {
  const handler = zoneHandler();
  let seed = 100;

  it("random bytes on request streams never throw out of the server session", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(streamPlan, { minLength: 1, maxLength: 3 }), async (plans) => {
        const doq = new DoqPair({ seed: seed++, doqClient: "raw", doqServer: { handler } });
        await doq.established();
        const streams = plans.map((plan) => {
          const streamId = doq.connection.openStream(true)!;
          for (const chunk of plan.chunks) doq.connection.streamWrite(streamId, chunk);
          if (plan.reset !== undefined) doq.connection.streamReset(streamId, plan.reset);
          else if (plan.fin) doq.connection.streamFinish(streamId);
          return { streamId, ...plan };
        });
        await doq.run(() => false, 2_000);
        const closed = doq.serverEvents.find((event) => event.type === "closed");
        if (closed !== undefined) {
          // The session closes the connection for one reason only.
          expect(closed.reason).toMatchObject({ code: DOQ_PROTOCOL_ERROR, initiator: "local" });
          expect(doq.rawClient.closed).toMatchObject({ code: DOQ_PROTOCOL_ERROR, initiator: "remote" });
          return;
        }
        for (const stream of streams) {
          const reset = doq.rawClient.resets.get(stream.streamId);
          if (doq.rawClient.finished.has(stream.streamId)) expectFramedResponse(doq.rawClient.received(stream.streamId));
          // A query the client reset is reset back (§4.3.1); others only for load or want of an answer.
          else if (reset !== undefined) expect(stream.reset !== undefined ? [DOQ_REQUEST_CANCELLED] : [DOQ_INTERNAL_ERROR, DOQ_EXCESSIVE_LOAD]).toContain(reset);
          // Without its FIN, or cancelled, a query gets no answer.
          else expect(!stream.fin || stream.reset !== undefined).toBe(true);
        }
      }),
      { numRuns: 40 },
    );
  });

  it("random bytes on response streams never throw out of the client session", async () => {
    await fc.assert(
      fc.asyncProperty(streamData, fc.boolean(), async (chunks, fin) => {
        const doq = new DoqPair({ seed: seed++ });
        const query = doq.client!.query(makeQuery("example.ghost.", RRType.A));
        await doq.run(() => doq.rawServer.finished.has(0));
        for (const chunk of chunks) doq.serverConnection!.streamWrite(0, chunk);
        if (fin) doq.serverConnection!.streamFinish(0);
        await doq.run(() => false, 2_000);
        const outcome = doq.outcome(query);
        if (outcome?.type === "query_failed") expect(outcome.failure).toMatchObject({ kind: "connection_closed", reason: { code: DOQ_PROTOCOL_ERROR, initiator: "local" } });
        else if (outcome?.type === "response") expect(outcome.response.id).toBe(0);
        else expect(fin).toBe(false);
      }),
      { numRuns: 40 },
    );
  });
});
