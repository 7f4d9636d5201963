import { describe, expect, it } from "vitest";
import type { H3Connection } from "@zquic/h3";
import { H3Exchange, type ExchangeHost } from "../src/http3/exchange.js";
import { pendingAfter } from "./fixture.js";

/** A host that takes every call and does nothing with it. */
function host(role: "client" | "server"): ExchangeHost {
  return { role, act: <T>(call: (h3: H3Connection) => T) => call({} as H3Connection), attempt: () => undefined, stopReading: () => undefined };
}

describe("H3Exchange", () => {
  it("outlives the transport's stream_closed until the peer's message is complete (a QPACK-blocked response arrives after it)", async () => {
    const exchange = new H3Exchange(host("client"), 0);
    // RFC 9204 §2.1.2: the transport delivered the whole stream, but the header section waited for encoder instructions.
    exchange.streamClosed();
    expect(await pendingAfter(exchange.finished, 20)).toBe(true);
    exchange.onEvent({ type: "response", streamId: 0, headers: [[":status", "200"]] });
    exchange.onEvent({ type: "data", streamId: 0, data: new Uint8Array([1, 2, 3]) });
    expect(await pendingAfter(exchange.finished, 20)).toBe(true);
    exchange.onEvent({ type: "end", streamId: 0 });
    await exchange.finished;
    expect(await exchange.head).toEqual([[":status", "200"]]);
    const chunks: number[] = [];
    for await (const chunk of exchange.body.stream) chunks.push(...chunk);
    expect(chunks).toEqual([1, 2, 3]);
  });

  it("is finished at stream_closed when the peer's message ended before", async () => {
    const exchange = new H3Exchange(host("server"), 0, [[":method", "GET"]]);
    exchange.onEvent({ type: "end", streamId: 0 });
    expect(await pendingAfter(exchange.finished, 20)).toBe(true);
    exchange.streamClosed();
    await exchange.finished;
  });

  it("is finished at stream_closed when a server gave up reading the request", async () => {
    const exchange = new H3Exchange(host("server"), 0, [[":method", "GET"]]);
    exchange.body.discard();
    exchange.streamClosed();
    await exchange.finished;
  });
});
