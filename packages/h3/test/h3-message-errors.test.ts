import { describe, expect, it } from "vitest";
import { H3ErrorCode, type Field } from "@zquic/h3";
import { ZquicError } from "@zquic/wire";
import { fields, get, h3Pair, header } from "./h3-harness.js";
import { dataFrame, frame, headersFrame, rawStream, readHeaderSections, writeAll } from "./raw-frames.js";

const { H3_MESSAGE_ERROR, H3_REQUEST_INCOMPLETE, H3_REQUEST_CANCELLED } = H3ErrorCode;

const post = (extra: Record<string, string> = {}): Field[] => fields({ ":method": "POST", ":scheme": "https", ":authority": "localhost", ":path": "/upload", ...extra });

/** Malformed requests (RFC 9114 §4.1.2, §4.2, §4.3.1, §4.4) and the stream error each one earns. */
const malformedRequests: [string, Uint8Array[], number][] = [
  ["an uppercase field name", [headersFrame(get("/", { "X-Upper": "1" }))], H3_MESSAGE_ERROR],
  ["no :method", [headersFrame(fields({ ":scheme": "https", ":authority": "localhost", ":path": "/" }))], H3_MESSAGE_ERROR],
  ["no :path", [headersFrame(fields({ ":method": "GET", ":scheme": "https", ":authority": "localhost" }))], H3_MESSAGE_ERROR],
  ["an empty :path", [headersFrame(fields({ ":method": "GET", ":scheme": "https", ":authority": "localhost", ":path": "" }))], H3_MESSAGE_ERROR],
  ["a pseudo-header after a regular field", [headersFrame([[":method", "GET"], ["accept", "*/*"], [":scheme", "https"], [":authority", "localhost"], [":path", "/"]])], H3_MESSAGE_ERROR],
  ["a repeated pseudo-header", [headersFrame([...get("/"), [":path", "/again"]])], H3_MESSAGE_ERROR],
  ["an undefined pseudo-header", [headersFrame([...get("/"), [":foo", "bar"]])], H3_MESSAGE_ERROR],
  ["a response pseudo-header", [headersFrame([...get("/"), [":status", "200"]])], H3_MESSAGE_ERROR],
  ["a connection-specific field", [headersFrame(get("/", { connection: "keep-alive" }))], H3_MESSAGE_ERROR],
  ["transfer-encoding", [headersFrame(post({ "transfer-encoding": "chunked" }))], H3_MESSAGE_ERROR],
  ["te other than trailers", [headersFrame(get("/", { te: "gzip" }))], H3_MESSAGE_ERROR],
  ["CR in a value", [headersFrame(get("/", { "x-bad": "a\rb" }))], H3_MESSAGE_ERROR],
  [":authority and host that differ", [headersFrame(get("/", { host: "elsewhere" }))], H3_MESSAGE_ERROR],
  ["no authority for https", [headersFrame(fields({ ":method": "GET", ":scheme": "https", ":path": "/" }))], H3_MESSAGE_ERROR],
  ["userinfo in :authority", [headersFrame(fields({ ":method": "GET", ":scheme": "https", ":authority": "user@localhost", ":path": "/" }))], H3_MESSAGE_ERROR],
  ["CONNECT with :path", [headersFrame(fields({ ":method": "CONNECT", ":authority": "localhost:443", ":path": "/" }))], H3_MESSAGE_ERROR],
  [":protocol the server did not enable", [headersFrame(fields({ ":method": "CONNECT", ":protocol": "websocket", ":scheme": "https", ":authority": "localhost", ":path": "/chat" }))], H3_MESSAGE_ERROR],
  ["content shorter than content-length", [headersFrame(post({ "content-length": "5" })), dataFrame("abc")], H3_MESSAGE_ERROR],
  ["content longer than content-length", [headersFrame(post({ "content-length": "2" })), dataFrame("abc")], H3_MESSAGE_ERROR],
  ["a content-length that is not a number", [headersFrame(post({ "content-length": "0x10" }))], H3_MESSAGE_ERROR],
  ["a pseudo-header in trailers", [headersFrame(post()), dataFrame("abc"), headersFrame([[":path", "/"]])], H3_MESSAGE_ERROR],
  ["no header section before the end", [], H3_REQUEST_INCOMPLETE],
  ["only a reserved frame before the end", [frame({ type: "unknown", frameType: 0x21, payload: new Uint8Array(3) })], H3_REQUEST_INCOMPLETE],
];

describe("HTTP/3 message validation", () => {
  it("answers each malformed request with a stream error of its code, and nothing else", () => {
    const pair = h3Pair({ seed: 21 });
    expect(pair.run(() => pair.client.transport.isEstablished).reason).toBe("until");
    const ids = malformedRequests.map(([, frames]) => rawStream(pair.client.transport, frames));
    const valid = pair.client.h3.sendRequest(get("/still-fine"), { endStream: true })!;
    const resetOf = (id: number) => pair.client.transportEvents.find((e) => e.type === "stream_reset" && e.streamId === id);
    expect(pair.run(() => ids.every((id) => resetOf(id) !== undefined) && pair.server().events.some((e) => e.type === "request")).reason).toBe("until");
    const server = pair.server();
    malformedRequests.forEach(([what, , code], i) => {
      const id = ids[i]!;
      expect(server.events.find((e) => e.type === "stream_error" && e.streamId === id), what).toMatchObject({ errorCode: code });
      expect(resetOf(id), what).toMatchObject({ errorCode: code });
      expect(server.events.some((e) => e.type === "end" && e.streamId === id), what).toBe(false);
    });
    // A malformed header section never reaches the application; a bad content-length does, then fails.
    const lateFailures = ["content shorter than content-length", "content longer than content-length", "a pseudo-header in trailers"];
    const delivered = malformedRequests.flatMap(([what], i) => (lateFailures.includes(what) ? [ids[i]!] : []));
    expect(server.events.filter((e) => e.type === "request").map((e) => e.streamId)).toEqual([...delivered, valid].sort((a, b) => a - b));
    // Stream errors leave the connection, and other requests, alone.
    expect(server.events.some((e) => e.type === "connection_error")).toBe(false);
  });

  it("rejects malformed responses, and accepts a HEAD response's content-length without content", () => {
    const responses: [string, Uint8Array[], number | "ok"][] = [
      ["no :status", [headersFrame([["content-type", "text/plain"]])], H3_MESSAGE_ERROR],
      ["a 101", [headersFrame([[":status", "101"]])], H3_MESSAGE_ERROR],
      ["a request pseudo-header", [headersFrame([[":status", "200"], [":path", "/"]])], H3_MESSAGE_ERROR],
      ["te in a response", [headersFrame([[":status", "200"], ["te", "trailers"]])], H3_MESSAGE_ERROR],
      ["content shorter than content-length", [headersFrame([[":status", "200"], ["content-length", "10"]]), dataFrame("four")], H3_MESSAGE_ERROR],
      ["only an interim response", [headersFrame([[":status", "103"]])], H3_MESSAGE_ERROR],
      ["a HEAD response with content-length", [headersFrame([[":status", "200"], ["content-length", "10"]])], "ok"],
    ];
    const pair = h3Pair({
      seed: 22,
      onServer: (e) => {
        if (e.type !== "request") return;
        const index = Number(header(e.headers, ":path")!.slice(1));
        // Written under the server's HTTP/3 layer, which would refuse to send them.
        writeAll(pair.server().transport, e.streamId, Buffer.concat(responses[index]![1]), true);
      },
    });
    expect(pair.run(() => pair.client.transport.isEstablished).reason).toBe("until");
    const ids = responses.map(([what], i) => pair.client.h3.sendRequest(fields({ ":method": what.startsWith("a HEAD") ? "HEAD" : "GET", ":scheme": "https", ":authority": "localhost", ":path": `/${i}` }), { endStream: true })!);
    const outcome = (id: number) => pair.client.events.find((e) => (e.type === "stream_error" || e.type === "end") && e.streamId === id);
    expect(pair.run(() => ids.every((id) => outcome(id) !== undefined)).reason).toBe("until");
    responses.forEach(([what, , expected], i) => {
      const event = outcome(ids[i]!);
      if (expected === "ok") expect(event, what).toMatchObject({ type: "end" });
      else expect(event, what).toMatchObject({ type: "stream_error", errorCode: expected });
    });
  });

  it("keeps SETTINGS_MAX_FIELD_SECTION_SIZE both ways", () => {
    const big = "x".repeat(1500);
    const pair = h3Pair({
      seed: 23,
      client: { maxFieldSectionSize: 1000, qpackMaxTableCapacity: 0 },
      server: { maxFieldSectionSize: 1000 },
      onServer: (e) => {
        if (e.type !== "request") return;
        writeAll(pair.server().transport, e.streamId, headersFrame([[":status", "200"], ["x-big", big]]), true);
      },
    });
    expect(pair.run(() => pair.client.events.some((e) => e.type === "settings")).reason).toBe("until");
    // Sending: the server's limit is known, so the section is refused before it leaves.
    expect(() => pair.client.h3.sendRequest(get("/", { "x-big": big }), { endStream: true })).toThrow(expect.objectContaining({ code: "FIELD_SECTION_TOO_LARGE" }));
    // Receiving, as a server: 431 (Request Header Fields Too Large), without the application.
    const oversized = rawStream(pair.client.transport, [headersFrame(get("/", { "x-big": big }))]);
    // Receiving, as a client: the response is discarded and the request cancelled.
    const request = pair.client.h3.sendRequest(get("/"), { endStream: true })!;
    expect(pair.run(() => pair.client.events.some((e) => e.type === "stream_error" && e.streamId === request) && pair.client.transportEvents.some((e) => e.type === "stream_readable" && e.streamId === oversized)).reason).toBe("until");
    expect(pair.client.events.find((e) => e.type === "stream_error")).toMatchObject({ streamId: request, errorCode: H3_REQUEST_CANCELLED });
    pair.run(() => false, 100);
    expect(readHeaderSections(pair.client.transport, oversized)).toEqual([[[":status", "431"]]]);
    expect(pair.server().events.filter((e) => e.type === "request").map((e) => e.streamId)).toEqual([request]);
  });

  it("refuses to send what it would refuse to receive", () => {
    const pair = h3Pair({ seed: 24 });
    expect(pair.run(() => pair.client.events.some((e) => e.type === "settings")).reason).toBe("until");
    const h3 = pair.client.h3;
    const misuse = (send: () => unknown): string => {
      try {
        send();
      } catch (e) {
        expect(e).toBeInstanceOf(ZquicError);
        return (e as ZquicError).code;
      }
      return "accepted";
    };
    expect(misuse(() => h3.sendRequest(get("/", { Upper: "x" })))).toBe("MALFORMED_MESSAGE");
    expect(misuse(() => h3.sendRequest(fields({ ":method": "CONNECT", ":protocol": "websocket", ":scheme": "https", ":authority": "localhost", ":path": "/" })))).toBe("EXTENDED_CONNECT_NOT_ENABLED");
    expect(misuse(() => h3.sendResponse(0, [[":status", "200"]]))).toBe("WRONG_ROLE");
    const id = h3.sendRequest(post({ "content-length": "3" }))!;
    expect(misuse(() => h3.sendData(id, new Uint8Array(4)))).toBe("CONTENT_LENGTH_MISMATCH");
    expect(misuse(() => h3.sendData(id, new Uint8Array(2), { endStream: true }))).toBe("CONTENT_LENGTH_MISMATCH");
    expect(h3.sendData(id, new Uint8Array(1), { endStream: true })).toBe(1);
    expect(misuse(() => h3.sendData(id, new Uint8Array(1)))).toBe("STREAM_FINISHED");
    expect(misuse(() => h3.resetStream(id, H3ErrorCode.H3_REQUEST_REJECTED))).toBe("INVALID_ARGUMENT");
    expect(misuse(() => h3.sendData(999, new Uint8Array(1)))).toBe("STREAM_UNKNOWN");
  });
});
