import { describe, expect, it } from "vitest";
import { CapsuleType, H3ErrorCode, StreamType, encodeCapsule, encodeFrame, encodeHttpDatagram } from "@zquic/h3";
import { ZquicError } from "@zquic/wire";
import { fields, get, h3Pair, header, Tap } from "./h3-harness.js";
import { writeAll } from "./raw-frames.js";

const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);
const text = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);

const connectUdp = fields({ ":method": "CONNECT", ":protocol": "connect-udp", ":scheme": "https", ":authority": "localhost", ":path": "/.well-known/masque/udp/192.0.2.6/443/", "capsule-protocol": "?1" });

function codeOf(action: () => unknown): string {
  try {
    action();
  } catch (e) {
    if (e instanceof ZquicError) return e.code;
    throw e;
  }
  return "no error";
}

describe("extended CONNECT and HTTP Datagrams (RFC 9220, RFC 9297)", () => {
  it("opens a tunnel, and carries datagrams both ways in QUIC DATAGRAM frames and in capsules", () => {
    const pair = h3Pair({
      seed: 41,
      client: { h3Datagram: true },
      server: { h3Datagram: true, enableConnectProtocol: true },
      onServer: (e, h3) => {
        if (e.type === "request") h3.sendResponse(e.streamId, fields({ ":status": "200", "capsule-protocol": "?1" }));
        // An echo: every datagram goes back, prefixed.
        if (e.type === "datagram") h3.sendDatagram(e.streamId, utf8(`echo:${text(e.data)}`));
        if (e.type === "capsule") h3.sendData(e.streamId, encodeCapsule({ type: e.capsule.type, value: utf8(`echo:${text(e.capsule.value)}`) }));
      },
    });
    expect(pair.run(() => pair.client.events.some((e) => e.type === "settings")).reason).toBe("until");
    const h3 = pair.client.h3;
    const id = h3.sendRequest(connectUdp)!;
    expect(pair.run(() => pair.client.events.some((e) => e.type === "response")).reason).toBe("until");
    const request = pair.server().events.find((e) => e.type === "request")!;
    expect(header(request.headers, ":protocol")).toBe("connect-udp");

    h3.sendDatagram(id, utf8("over-quic"));
    h3.sendData(id, encodeCapsule({ type: CapsuleType.DATAGRAM, value: utf8("in-a-capsule") }));
    h3.sendData(id, encodeCapsule({ type: 0x29 * 3 + 0x17, value: utf8("reserved") }));
    const datagrams = () => pair.client.events.filter((e) => e.type === "datagram").map((e) => text(e.data));
    expect(pair.run(() => datagrams().length === 2 && pair.client.events.some((e) => e.type === "capsule")).reason).toBe("until");
    expect(datagrams().sort()).toEqual(["echo:in-a-capsule", "echo:over-quic"]);
    expect(pair.server().events.filter((e) => e.type === "datagram").map((e) => ({ streamId: e.streamId, data: text(e.data) }))).toEqual(
      expect.arrayContaining([
        { streamId: id, data: "over-quic" },
        { streamId: id, data: "in-a-capsule" },
      ]),
    );
    expect(pair.client.events.find((e) => e.type === "capsule")).toMatchObject({ streamId: id, capsule: { type: 0x29 * 3 + 0x17, value: utf8("echo:reserved") } });
    // A tunnel carries DATA only: no trailers.
    expect(codeOf(() => h3.sendTrailers(id, [["x", "y"]]))).toBe("INVALID_STATE");
  });

  it("refuses extended CONNECT and datagrams the peer did not enable, and aborts a GET that gets a datagram", () => {
    const pair = h3Pair({ seed: 42, client: { h3Datagram: true }, server: { h3Datagram: true } });
    expect(pair.run(() => pair.client.events.some((e) => e.type === "settings")).reason).toBe("until");
    expect(codeOf(() => pair.client.h3.sendRequest(connectUdp))).toBe("EXTENDED_CONNECT_NOT_ENABLED");
    const id = pair.client.h3.sendRequest(get("/"))!;
    expect(codeOf(() => pair.client.h3.sendDatagram(id, utf8("x")))).toBe("INVALID_ARGUMENT");
    expect(pair.run(() => pair.server().events.some((e) => e.type === "request")).reason).toBe("until");
    // RFC 9297 §2: a datagram for a request without datagram semantics aborts it with H3_DATAGRAM_ERROR.
    pair.client.transport.sendDatagram(encodeHttpDatagram({ streamId: id, payload: utf8("stray") }));
    expect(pair.run(() => pair.server().events.some((e) => e.type === "stream_error")).reason).toBe("until");
    expect(pair.server().events.find((e) => e.type === "stream_error")).toMatchObject({ streamId: id, errorCode: H3ErrorCode.H3_DATAGRAM_ERROR });

    const plain = h3Pair({ seed: 43 });
    expect(plain.run(() => plain.client.events.some((e) => e.type === "settings")).reason).toBe("until");
    expect(codeOf(() => plain.client.h3.sendDatagram(0, utf8("x")))).toBe("DATAGRAMS_NOT_NEGOTIATED");
  });
});

describe("extensible priorities (RFC 9218)", () => {
  it("applies the Priority header, PRIORITY_UPDATE frames, and updates that arrive before their stream", () => {
    const tap = new Tap();
    const clientTap = new Tap();
    const pair = h3Pair({
      seed: 44,
      wrapServer: tap.wrap,
      wrapClient: clientTap.wrap,
      onServer: (e, h3) => {
        if (e.type === "request") h3.sendResponse(e.streamId, [[":status", "200"]]);
      },
    });
    expect(pair.run(() => pair.client.events.some((e) => e.type === "settings")).reason).toBe("until");
    const h3 = pair.client.h3;
    const first = h3.sendRequest(get("/a", { priority: "u=1, i" }))!;
    expect(pair.run(() => pair.client.events.some((e) => e.type === "response")).reason).toBe("until");
    expect(tap.priorities).toEqual([{ streamId: first, urgency: 1, incremental: true }]);

    h3.setPriority(first, { urgency: 6, incremental: false });
    // An update for a request stream the client has not opened yet (RFC 9218 §7: the server keeps it).
    const future = first + 8;
    writeAll(pair.client.transport, clientTap.streamOfType(StreamType.CONTROL)!, encodeFrame({ type: "priority_update", element: "request", elementId: future, priority: "u=0" }), false);
    expect(pair.run(() => tap.priorities.length === 2).reason).toBe("until");
    expect(tap.priorities[1]).toEqual({ streamId: first, urgency: 6, incremental: false });
    h3.sendRequest(get("/b"));
    // The update overrides the header of the request it was meant for.
    expect(h3.sendRequest(get("/c", { priority: "u=5" }))).toBe(future);
    expect(pair.run(() => pair.client.events.filter((e) => e.type === "response").length === 3).reason).toBe("until");
    expect(tap.priorities.slice(2)).toEqual([{ streamId: future, urgency: 0, incremental: false }]);
  });
});

describe("server push (RFC 9114 §4.6)", () => {
  it("is off by default", () => {
    const pair = h3Pair({ seed: 45, onServer: (e, h3) => e.type === "request" && h3.sendResponse(e.streamId, [[":status", "200"]], { endStream: true }) });
    expect(pair.run(() => pair.client.transport.isEstablished).reason).toBe("until");
    const id = pair.client.h3.sendRequest(get("/"), { endStream: true })!;
    expect(pair.run(() => pair.server().events.some((e) => e.type === "request")).reason).toBe("until");
    expect(codeOf(() => pair.server().h3.pushPromise(id, get("/style.css")))).toBe("PUSH_NOT_ALLOWED");
  });

  it("promises, pushes and cancels responses once the client allows it", () => {
    const promised: number[] = [];
    const pair = h3Pair({
      seed: 46,
      onServer: (e, h3) => {
        if (e.type !== "request") return;
        for (const path of ["/style.css", "/script.js"]) {
          const pushId = h3.pushPromise(e.streamId, get(path));
          promised.push(pushId);
          const push = h3.openPushStream(pushId)!;
          h3.sendResponse(push, fields({ ":status": "200", "content-length": String(path.length) }));
          if (path === "/style.css") h3.sendData(push, utf8(path), { endStream: true });
        }
        h3.sendResponse(e.streamId, [[":status", "200"]], { endStream: true });
      },
      onClient: (e, h3) => {
        // The client does not want the script after all.
        if (e.type === "push_promise" && header(e.headers, ":path") === "/script.js") h3.cancelPush(e.pushId);
      },
    });
    expect(pair.run(() => pair.client.transport.isEstablished).reason).toBe("until");
    pair.client.h3.allowPush(5);
    const id = pair.client.h3.sendRequest(get("/index.html"), { endStream: true })!;
    const pushStream = () => pair.eventsOf(pair.client, "push_stream").find((e) => e.pushId === promised[0]);
    expect(pair.run(() => pair.server().events.some((e) => e.type === "push_cancelled") && pushStream() !== undefined && pair.client.events.some((e) => e.type === "end" && e.streamId === pushStream()!.streamId)).reason).toBe("until");
    const promises = pair.client.events.filter((e) => e.type === "push_promise");
    expect(promises.map((p) => [p.streamId, p.pushId, header(p.headers, ":path")])).toEqual([
      [id, 0, "/style.css"],
      [id, 1, "/script.js"],
    ]);
    const { streamId } = pushStream()!;
    expect(pair.client.events.filter((e) => "streamId" in e && e.streamId === streamId).map((e) => e.type)).toEqual(["push_stream", "response", "data", "end"]);
    expect(text(pair.eventsOf(pair.client, "data").find((e) => e.streamId === streamId)!.data)).toBe("/style.css");
    expect(pair.server().events.find((e) => e.type === "push_cancelled")).toEqual({ type: "push_cancelled", pushId: 1 });
    expect(pair.client.events.some((e) => e.type === "connection_error") || pair.server().events.some((e) => e.type === "connection_error")).toBe(false);
  });
});
