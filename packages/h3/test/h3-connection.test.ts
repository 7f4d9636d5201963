import { describe, expect, it } from "vitest";
import type { H3Connection, H3Event } from "@zquic/h3";
import { payload, sha256Hex } from "@zquic/testkit";
import { BodySender, bodies, fields, get, h3Pair, header, type Handler } from "./h3-harness.js";

const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);
const text = (chunks: readonly Uint8Array[] | undefined): string => new TextDecoder().decode(Buffer.concat(chunks ?? []));

/**
 * A small origin server: `GET /size/N` answers N deterministic octets; `POST /hash` answers
 * the SHA-256 of the request content; `GET /early-hints` sends a 103 first; `GET /trailers`
 * ends with a trailer section echoing the request's trailers.
 */
function origin(sender = new BodySender()): Handler {
  const requests = new Map<number, { headers: readonly (readonly [string, string, boolean?])[]; chunks: Uint8Array[]; trailers: readonly (readonly [string, string, boolean?])[] }>();
  return (event, h3) => {
    sender.onEvent(event, h3);
    switch (event.type) {
      case "request":
        requests.set(event.streamId, { headers: event.headers, chunks: [], trailers: [] });
        return;
      case "data":
        requests.get(event.streamId)?.chunks.push(event.data.slice());
        return;
      case "trailers":
        requests.get(event.streamId)!.trailers = event.headers;
        return;
      case "end": {
        const request = requests.get(event.streamId);
        if (request === undefined) return;
        respond(h3, sender, event.streamId, header(request.headers, ":path") ?? "", request.chunks, request.trailers);
        return;
      }
      default:
        return;
    }
  };
}

function respond(h3: H3Connection, sender: BodySender, id: number, path: string, chunks: Uint8Array[], trailers: readonly (readonly [string, string, boolean?])[]): void {
  const size = /^\/size\/(\d+)$/.exec(path);
  if (size !== null) {
    const n = Number(size[1]);
    h3.sendResponse(id, fields({ ":status": "200", "content-length": String(n) }));
    return sender.start(h3, id, payload(n, n));
  }
  if (path === "/hash") {
    const digest = utf8(sha256Hex(chunks));
    h3.sendResponse(id, fields({ ":status": "200", "content-length": String(digest.length) }));
    return sender.start(h3, id, digest);
  }
  if (path === "/early-hints") {
    h3.sendResponse(id, fields({ ":status": "103", link: "</style.css>; rel=preload" }));
    h3.sendResponse(id, fields({ ":status": "200" }), { endStream: true });
    return;
  }
  if (path === "/trailers") {
    h3.sendResponse(id, fields({ ":status": "200" }));
    return sender.start(h3, id, utf8("body"), [["x-echo", trailers.map(([n, v]) => `${n}=${v}`).join(";")]]);
  }
  h3.sendResponse(id, fields({ ":status": "404" }), { endStream: true });
}

/** Sends `requests` once the handshake is done; `run` until every one has ended (or failed). */
function client(pair: ReturnType<typeof h3Pair>, send: (h3: H3Connection) => number[]): { ids: number[]; done: () => boolean } {
  const ids: number[] = [];
  let sent = false;
  return {
    ids,
    done: () => {
      if (!sent && pair.client.transport.isEstablished) {
        ids.push(...send(pair.client.h3));
        sent = true;
      }
      const finished = new Set(pair.client.events.filter((e) => e.type === "end" || e.type === "stream_error" || e.type === "stream_reset").map((e) => (e as { streamId: number }).streamId));
      return sent && ids.every((id) => finished.has(id));
    },
  };
}

function responseOf(events: readonly H3Event[], id: number): Extract<H3Event, { type: "response" }> | undefined {
  return events.find((e): e is Extract<H3Event, { type: "response" }> => e.type === "response" && e.streamId === id);
}

describe("HTTP/3 requests and responses through the simulator", () => {
  it("GETs and POSTs content of 0, 1 and 1 MB octets, byte for byte", () => {
    const sender = new BodySender();
    const pair = h3Pair({ seed: 1, link: { latency: 10, bandwidth: 100e6 }, onServer: origin(), onClient: (e, h3) => sender.onEvent(e, h3) });
    const sizes = [0, 1, 1 << 20];
    const run = client(pair, (h3) => [
      ...sizes.map((n) => h3.sendRequest(get(`/size/${n}`), { endStream: true })!),
      ...sizes.map((n) => {
        const id = h3.sendRequest(fields({ ":method": "POST", ":scheme": "https", ":authority": "localhost", ":path": "/hash", "content-length": String(n) }))!;
        sender.start(h3, id, payload(n, 1000 + n));
        return id;
      }),
    ]);
    expect(pair.run(run.done).reason).toBe("until");
    const received = bodies(pair.client.events);
    sizes.forEach((n, i) => {
      const get = run.ids[i]!;
      expect(header(responseOf(pair.client.events, get)!.headers, ":status")).toBe("200");
      expect(sha256Hex(received.get(get) ?? [])).toBe(sha256Hex([payload(n, n)]));
      const post = run.ids[sizes.length + i]!;
      expect(text(received.get(post))).toBe(sha256Hex([payload(n, 1000 + n)]));
    });
    expect(pair.client.events.filter((e) => e.type === "stream_error" || e.type === "connection_error")).toEqual([]);
  });

  it("carries trailer sections both ways and interim 1xx responses", () => {
    const sender = new BodySender();
    const pair = h3Pair({ seed: 2, onServer: origin(), onClient: (e, h3) => sender.onEvent(e, h3) });
    const run = client(pair, (h3) => {
      const trailers = h3.sendRequest(fields({ ":method": "POST", ":scheme": "https", ":authority": "localhost", ":path": "/trailers" }))!;
      sender.start(h3, trailers, utf8("request body"), [["x-checksum", "abc"]]);
      return [trailers, h3.sendRequest(get("/early-hints"), { endStream: true })!];
    });
    expect(pair.run(run.done).reason).toBe("until");
    const [trailersId, hintsId] = run.ids as [number, number];
    const events = pair.client.events;
    expect(events.find((e) => e.type === "trailers" && e.streamId === trailersId)).toMatchObject({ headers: [["x-echo", "x-checksum=abc"]] });
    expect(text(bodies(events).get(trailersId))).toBe("body");
    const hints = events.filter((e) => "streamId" in e && e.streamId === hintsId).map((e) => e.type);
    expect(hints).toEqual(["informational", "response", "end"]);
    expect(header(pair.eventsOf(pair.client, "informational")[0]!.headers, "link")).toBe("</style.css>; rel=preload");
  });

  it("streams a 1 MB upload under backpressure, and holds the sender back while reading is paused", () => {
    const sender = new BodySender();
    const serve = origin();
    const pair = h3Pair({
      seed: 4,
      link: { latency: 5, bandwidth: 50e6 },
      transport: { sendBufferSize: 16384, initialMaxStreamDataBidiRemote: 32768, maxStreamWindow: 65536 },
      client: { maxBufferedPerStream: 4096 },
      onClient: (e, h3) => sender.onEvent(e, h3),
      onServer: (e, h3) => {
        if (e.type === "request") h3.pauseReading(e.streamId);
        serve(e, h3);
      },
    });
    const body = payload(1 << 20, 77);
    const run = client(pair, (h3) => {
      const id = h3.sendRequest(fields({ ":method": "POST", ":scheme": "https", ":authority": "localhost", ":path": "/hash", "content-length": String(body.length) }))!;
      sender.start(h3, id, body);
      return [id];
    });
    expect(pair.run(() => !run.done() && pair.hasServer() && pair.server().events.some((e) => e.type === "request")).reason).toBe("until");
    // Paused: nothing is read, so QUIC flow control stops the client well short of the body.
    pair.run(() => false, 1000);
    const [id] = run.ids as [number];
    expect(pair.server().events.filter((e) => e.type === "data")).toEqual([]);
    expect(sender.unfinished).toBe(1);
    pair.server().h3.resumeReading(id);
    expect(pair.run(run.done).reason).toBe("until");
    expect(text(bodies(pair.client.events).get(id))).toBe(sha256Hex([body]));
    expect(pair.client.events.filter((e) => e.type === "writable" && e.streamId === id).length).toBeGreaterThan(10);
  });

  it("runs 100 requests in parallel", () => {
    const pair = h3Pair({ seed: 3, onServer: origin() });
    const run = client(pair, (h3) => Array.from({ length: 100 }, (_, i) => h3.sendRequest(get(`/size/${i * 100}`), { endStream: true })!));
    expect(pair.run(run.done).reason).toBe("until");
    const received = bodies(pair.client.events);
    run.ids.forEach((id, i) => expect(sha256Hex(received.get(id) ?? [])).toBe(sha256Hex([payload(i * 100, i * 100)])));
    expect(new Set(run.ids).size).toBe(100);
    expect(pair.client.events.some((e) => e.type === "connection_error")).toBe(false);
  });
});
