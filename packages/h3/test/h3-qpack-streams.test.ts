import { describe, expect, it } from "vitest";
import { H3ErrorCode, StreamType, fieldSectionSize } from "@zquic/h3";
import { fields, get, h3Pair, header, Tap } from "./h3-harness.js";

const headers = get("/size/5", { "user-agent": "zquic-test/1.0 (a client long enough to be worth indexing)", "x-session": "c0ffee-c0ffee-c0ffee" });

describe("QPACK over HTTP/3 connections", () => {
  it("inserts into the dynamic table, blocks the request until the inserts arrive, then references them", () => {
    const tap = new Tap().hold(StreamType.QPACK_ENCODER);
    const pair = h3Pair({
      seed: 11,
      wrapClient: tap.wrap,
      onServer: (e, h3) => {
        if (e.type === "request") h3.sendResponse(e.streamId, [[":status", "200"]], { endStream: true });
      },
    });
    // The client's encoder may use a dynamic table once the server's SETTINGS allow one.
    expect(pair.run(() => pair.client.events.some((e) => e.type === "settings")).reason).toBe("until");
    const first = pair.client.h3.sendRequest(headers, { endStream: true })!;
    expect(tap.bytesOfType(StreamType.QPACK_ENCODER)).toBeGreaterThan(1);
    const inserted = pair.client.h3.qpackState().encoder.insertCount;
    expect(inserted).toBeGreaterThan(0);

    // Held back, the inserts cannot reach the server: its decoder blocks the request.
    pair.run(() => false, 300);
    const server = pair.server();
    expect(server.events.filter((e) => e.type === "request")).toEqual([]);
    expect(server.h3.qpackState().decoder.insertCount).toBe(0);

    tap.release();
    expect(pair.run(() => pair.client.events.some((e) => e.type === "end" && e.streamId === first)).reason).toBe("until");
    const request = server.events.find((e) => e.type === "request");
    expect(request).toMatchObject({ streamId: first, headers });
    expect(server.h3.qpackState().decoder.insertCount).toBe(inserted);

    // Acknowledged (Section Acknowledgment, Insert Count Increment), the entries are referenced again.
    expect(pair.run(() => pair.client.h3.qpackState().encoder.knownReceivedCount === inserted).reason).toBe("until");
    const second = pair.client.h3.sendRequest(headers, { endStream: true })!;
    expect(pair.client.h3.qpackState().encoder.insertCount).toBe(inserted);
    expect(pair.run(() => pair.client.events.some((e) => e.type === "end" && e.streamId === second)).reason).toBe("until");
    // Both sections reference the entries: far smaller than the field lines they stand for.
    const headersFrame = (id: number) => tap.written.get(id)![0]!.length;
    expect(headersFrame(second)).toBe(headersFrame(first));
    expect(headersFrame(second)).toBeLessThan(fieldSectionSize(headers) / 8);
    expect(server.events.filter((e) => e.type === "request")[1]).toMatchObject({ streamId: second, headers });
  });

  it("cancels a blocked field section with a Stream Cancellation when the request is reset", () => {
    const tap = new Tap().hold(StreamType.QPACK_ENCODER);
    const pair = h3Pair({ seed: 12, wrapClient: tap.wrap });
    expect(pair.run(() => pair.client.events.some((e) => e.type === "settings")).reason).toBe("until");
    // A request still sending its content: the reset reaches a stream the server is still reading.
    const id = pair.client.h3.sendRequest(fields({ ...Object.fromEntries(headers), ":method": "POST" }))!;
    pair.run(() => false, 300);
    const referenced = () => pair.client.h3.qpackState().encoder.entries.some((entry) => entry.references > 0);
    expect(referenced()).toBe(true);

    pair.client.h3.resetStream(id);
    tap.release();
    // The server drops the unprocessed request and tells the encoder to drop its references; its
    // transport answers the STOP_SENDING with a RESET_STREAM echoing H3_REQUEST_CANCELLED.
    expect(pair.run(() => !referenced() && pair.client.transportEvents.some((e) => e.type === "stream_reset" && e.streamId === id)).reason).toBe("until");
    expect(pair.client.transportEvents.find((e) => e.type === "stream_reset" && e.streamId === id)).toMatchObject({ errorCode: H3ErrorCode.H3_REQUEST_CANCELLED });
    pair.run(() => false, 300);
    expect(pair.server().events.filter((e) => e.type !== "settings" && e.type !== "streams_available")).toEqual([]);
    expect(pair.client.h3.qpackState().encoder.blockingStreams).toBe(0);
  });

  it("delivers the headers a blocked section held once a later request unblocks it", () => {
    const tap = new Tap().hold(StreamType.QPACK_ENCODER);
    const pair = h3Pair({ seed: 13, wrapClient: tap.wrap, onServer: (e, h3) => e.type === "request" && h3.sendResponse(e.streamId, [[":status", "204"]], { endStream: true }) });
    expect(pair.run(() => pair.client.events.some((e) => e.type === "settings")).reason).toBe("until");
    const ids = [0, 1, 2].map((i) => pair.client.h3.sendRequest(get(`/${i}`, { "x-trace": `trace-${i}-abcdefghijklmnop` }), { endStream: true })!);
    pair.run(() => false, 200);
    expect(pair.server().events.filter((e) => e.type === "request")).toEqual([]);
    tap.release();
    expect(pair.run(() => ids.every((id) => pair.client.events.some((e) => e.type === "end" && e.streamId === id))).reason).toBe("until");
    const requests = pair.server().events.filter((e) => e.type === "request");
    expect(requests.map((r) => header(r.headers, "x-trace")).sort()).toEqual(["trace-0-abcdefghijklmnop", "trace-1-abcdefghijklmnop", "trace-2-abcdefghijklmnop"]);
  });

  it("delivers a response whose headers waited for the server's inserts, after its FIN was already read", () => {
    const tap = new Tap().hold(StreamType.QPACK_ENCODER);
    const responseHeaders = fields({ ":status": "200", "x-served-by": "zquic-test-origin-with-a-long-name", "x-request-trace": "abcdef-0123456789" });
    const pair = h3Pair({
      seed: 14,
      wrapServer: tap.wrap,
      onServer: (e, h3) => {
        if (e.type === "request") h3.sendResponse(e.streamId, responseHeaders, { endStream: true });
      },
    });
    expect(pair.run(() => pair.client.events.some((e) => e.type === "settings") && pair.server().events.some((e) => e.type === "settings")).reason).toBe("until");
    const id = pair.client.h3.sendRequest(get("/x"), { endStream: true })!;
    // The response, HEADERS and FIN, reaches the client; the inserts it references do not.
    pair.run(() => false, 300);
    expect(pair.server().h3.qpackState().encoder.insertCount).toBeGreaterThan(0);
    expect(pair.client.events.some((e) => e.type === "response")).toBe(false);
    tap.release();
    expect(pair.run(() => pair.client.events.some((e) => e.type === "end" && e.streamId === id)).reason).toBe("until");
    expect(pair.client.events.find((e) => e.type === "response")).toMatchObject({ streamId: id, headers: responseHeaders });
  });
});
