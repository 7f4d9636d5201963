import { describe, expect, it } from "vitest";
import { H3ErrorCode, MAX_GOAWAY_ID } from "@zquic/h3";
import { ZquicError } from "@zquic/wire";
import { fields, get, h3Pair, header } from "./h3-harness.js";

const { H3_NO_ERROR, H3_REQUEST_CANCELLED, H3_REQUEST_REJECTED } = H3ErrorCode;

function codeOf(action: () => unknown): string {
  try {
    action();
  } catch (e) {
    if (e instanceof ZquicError) return e.code;
    throw e;
  }
  return "no error";
}

describe("HTTP/3 graceful shutdown (GOAWAY)", () => {
  it("a server's GOAWAY lets processed requests finish and rejects the rest, which the client may retry", () => {
    const pair = h3Pair({
      seed: 31,
      onServer: (e, h3) => {
        if (e.type !== "request") return;
        // The first request seen starts the shutdown; it is still answered.
        if (h3.goawaySent === undefined) h3.goaway();
        h3.sendResponse(e.streamId, [[":status", "200"]], { endStream: true });
      },
    });
    expect(pair.run(() => pair.client.transport.isEstablished).reason).toBe("until");
    const ids = [0, 1, 2].map((i) => pair.client.h3.sendRequest(get(`/${i}`), { endStream: true })!);
    const settled = (id: number) => pair.client.events.some((e) => (e.type === "end" || e.type === "request_rejected") && e.streamId === id);
    expect(pair.run(() => ids.every(settled)).reason).toBe("until");
    const [first, ...rest] = ids as [number, number, number];
    expect(pair.server().h3.goawaySent).toBe(first + 4);
    expect(pair.client.events.find((e) => e.type === "goaway")).toEqual({ type: "goaway", id: first + 4 });
    expect(pair.client.events.some((e) => e.type === "end" && e.streamId === first)).toBe(true);
    for (const id of rest) expect(pair.client.events.filter((e) => "streamId" in e && e.streamId === id).map((e) => e.type)).toEqual(["request_rejected"]);
    expect(pair.server().events.filter((e) => e.type === "request").map((e) => e.streamId)).toEqual([first]);
    // No new requests on a connection that is going away.
    expect(codeOf(() => pair.client.h3.sendRequest(get("/late"), { endStream: true }))).toBe("GOAWAY_RECEIVED");
    // The shutdown completes with H3_NO_ERROR.
    pair.client.h3.close();
    expect(pair.run(() => pair.server().events.some((e) => e.type === "closed")).reason).toBe("until");
    expect(pair.server().events.at(-1)).toMatchObject({ type: "closed", reason: { code: H3_NO_ERROR, application: true } });
  });

  it("shuts down in two phases, with identifiers that only fall", () => {
    const pair = h3Pair({ seed: 32 });
    expect(pair.run(() => pair.client.events.some((e) => e.type === "settings")).reason).toBe("until");
    const server = pair.server().h3;
    server.goaway(MAX_GOAWAY_ID);
    expect(codeOf(() => server.goaway(MAX_GOAWAY_ID + 4))).toBe("INVALID_ARGUMENT");
    server.goaway();
    expect(codeOf(() => server.goaway(8))).toBe("GOAWAY_RAISED");
    expect(codeOf(() => server.goaway(6))).toBe("INVALID_ARGUMENT");
    expect(pair.run(() => pair.client.events.filter((e) => e.type === "goaway").length === 2).reason).toBe("until");
    expect(pair.client.events.filter((e) => e.type === "goaway").map((e) => e.id)).toEqual([MAX_GOAWAY_ID, 0]);
    expect(pair.client.events.some((e) => e.type === "connection_error")).toBe(false);
  });

  it("a client's GOAWAY stops new pushes", () => {
    const pair = h3Pair({ seed: 33 });
    expect(pair.run(() => pair.client.events.some((e) => e.type === "settings")).reason).toBe("until");
    pair.client.h3.allowPush(10);
    pair.client.h3.goaway();
    const id = pair.client.h3.sendRequest(get("/"), { endStream: true })!;
    expect(pair.run(() => pair.server().events.some((e) => e.type === "goaway") && pair.server().events.some((e) => e.type === "request")).reason).toBe("until");
    expect(pair.server().events.find((e) => e.type === "goaway")).toEqual({ type: "goaway", id: 0 });
    expect(codeOf(() => pair.server().h3.pushPromise(id, get("/pushed")))).toBe("GOAWAY_RECEIVED");
  });
});

describe("HTTP/3 request cancellation", () => {
  it("a client cancels a request mid-response; the server learns both directions are cancelled", () => {
    const pair = h3Pair({
      seed: 34,
      onServer: (e, h3) => {
        if (e.type !== "request") return;
        h3.sendResponse(e.streamId, [[":status", "200"]]);
        h3.sendData(e.streamId, new Uint8Array(1000));
      },
      onClient: (e, h3) => {
        if (e.type === "data") h3.resetStream(e.streamId);
      },
    });
    expect(pair.run(() => pair.client.transport.isEstablished).reason).toBe("until");
    const id = pair.client.h3.sendRequest(fields({ ":method": "POST", ":scheme": "https", ":authority": "localhost", ":path": "/upload" }))!;
    pair.client.h3.sendData(id, new Uint8Array(10));
    const server = () => pair.server().events.filter((e) => "streamId" in e && e.streamId === id).map((e) => e.type);
    expect(pair.run(() => server().includes("stream_reset") && server().includes("stop_sending")).reason).toBe("until");
    expect(pair.server().events.find((e) => e.type === "stream_reset")).toMatchObject({ errorCode: H3_REQUEST_CANCELLED });
    expect(pair.server().events.find((e) => e.type === "stop_sending")).toMatchObject({ errorCode: H3_REQUEST_CANCELLED });
    expect(codeOf(() => pair.server().h3.sendData(id, new Uint8Array(1)))).toBe("STREAM_STOPPED");
    expect(codeOf(() => pair.client.h3.sendData(id, new Uint8Array(1)))).toBe("STREAM_STOPPED");
  });

  it("a request cancelled in the packet that carries it still reaches the server's application, followed by stop_sending", () => {
    const pair = h3Pair({ seed: 35 });
    expect(pair.run(() => pair.client.transport.isEstablished && pair.hasServer()).reason).toBe("until");
    // The request is complete (FIN) before the cancel, so only STOP_SENDING goes out with it.
    const id = pair.client.h3.sendRequest(get("/cancelled-at-once"), { endStream: true })!;
    pair.client.h3.resetStream(id, H3_REQUEST_CANCELLED);
    const server = () => pair.server().events.filter((e) => "streamId" in e && e.streamId === id).map((e) => e.type);
    expect(pair.run(() => server().includes("stop_sending"), 2000).reason).toBe("until");
    expect(server().slice(0, 2)).toEqual(["request", "stop_sending"]);
    expect(pair.server().events.find((e) => e.type === "stop_sending")).toMatchObject({ errorCode: H3_REQUEST_CANCELLED });
    expect(codeOf(() => pair.server().h3.sendResponse(id, [[":status", "200"]]))).toBe("STREAM_STOPPED");
  });

  it("a server cancels one request and rejects another, which the client may retry", () => {
    const pair = h3Pair({
      seed: 35,
      onServer: (e, h3) => {
        if (e.type !== "request") return;
        const path = header(e.headers, ":path");
        if (path === "/cancel") {
          h3.sendResponse(e.streamId, [[":status", "200"]]);
          h3.resetStream(e.streamId, H3_REQUEST_CANCELLED);
        } else {
          h3.resetStream(e.streamId, H3_REQUEST_REJECTED);
        }
      },
    });
    expect(pair.run(() => pair.client.transport.isEstablished).reason).toBe("until");
    const cancelled = pair.client.h3.sendRequest(get("/cancel"), { endStream: true })!;
    const rejected = pair.client.h3.sendRequest(get("/reject"), { endStream: true })!;
    const last = (id: number) => pair.client.events.filter((e) => "streamId" in e && e.streamId === id).at(-1);
    expect(pair.run(() => last(cancelled)?.type === "stream_reset" && last(rejected) !== undefined).reason).toBe("until");
    expect(last(cancelled)).toEqual({ type: "stream_reset", streamId: cancelled, errorCode: H3_REQUEST_CANCELLED });
    expect(pair.client.events.filter((e) => "streamId" in e && e.streamId === rejected)).toEqual([{ type: "request_rejected", streamId: rejected }]);
  });
});
