import { describe, expect, it } from "vitest";
import { DEFAULT_SETTINGS, H3ErrorCode, StreamType, encodeFrame } from "@zquic/h3";
import type { Connection } from "@zquic/quic";
import { concatBytes } from "@zquic/wire";
import { get, h3Pair, Tap, type H3Pair } from "./h3-harness.js";
import { dataFrame, headersFrame, rawStream, rawUniStream, writeAll } from "./raw-frames.js";

const {
  H3_STREAM_CREATION_ERROR,
  H3_CLOSED_CRITICAL_STREAM,
  H3_FRAME_UNEXPECTED,
  H3_FRAME_ERROR,
  H3_ID_ERROR,
  H3_SETTINGS_ERROR,
  H3_MISSING_SETTINGS,
  QPACK_DECOMPRESSION_FAILED,
  QPACK_ENCODER_STREAM_ERROR,
} = H3ErrorCode;

const bytes = (...values: number[]) => Uint8Array.from(values);
const settings = encodeFrame({ type: "settings", settings: DEFAULT_SETTINGS });
const controlStream = (...frames: Uint8Array[]) => concatBytes(bytes(StreamType.CONTROL), settings, ...frames);

/** The sides of a connection whose client control and QPACK encoder streams never leave (so a test can send its own). */
interface Rig {
  readonly pair: H3Pair;
  readonly client: Connection;
  readonly server: Connection;
  /** The server's control stream, to append frames to. */
  readonly serverControl: number;
}

type Injection = (rig: Rig) => void;

/** Connection errors (RFC 9114 §6, §7, §8; RFC 9204 §4.2, §6): what is sent, who must close, with what. */
const cases: [string, Injection, "server" | "client", number][] = [
  ["a control stream that starts with another frame", ({ client }) => rawUniStream(client, concatBytes(bytes(0x00), encodeFrame({ type: "goaway", id: 0 }))), "server", H3_MISSING_SETTINGS],
  ["a second SETTINGS frame", ({ client }) => rawUniStream(client, controlStream(settings)), "server", H3_FRAME_UNEXPECTED],
  ["DATA on the control stream", ({ client }) => rawUniStream(client, controlStream(dataFrame("x"))), "server", H3_FRAME_UNEXPECTED],
  ["HEADERS on the control stream", ({ client }) => rawUniStream(client, controlStream(headersFrame(get("/")))), "server", H3_FRAME_UNEXPECTED],
  ["an HTTP/2 frame type", ({ client }) => rawUniStream(client, controlStream(bytes(0x06, 0x00))), "server", H3_FRAME_UNEXPECTED],
  ["an HTTP/2 setting", ({ client }) => rawUniStream(client, concatBytes(bytes(0x00, 0x04, 0x02, 0x02, 0x00))), "server", H3_SETTINGS_ERROR],
  ["a GOAWAY whose length is not its ID's", ({ client }) => rawUniStream(client, controlStream(bytes(0x07, 0x02, 0x00, 0x00))), "server", H3_FRAME_ERROR],
  ["a closed control stream", ({ client }) => rawUniStream(client, controlStream(), true), "server", H3_CLOSED_CRITICAL_STREAM],
  [
    "a reset control stream",
    ({ client, pair }) => {
      const id = rawUniStream(client, controlStream());
      // Reset once its data went out: a reset before the stream type is merely tolerated (§6.2).
      pair.run(() => false, 100);
      client.streamReset(id, 0x100);
    },
    "server",
    H3_CLOSED_CRITICAL_STREAM,
  ],
  ["STOP_SENDING on the peer's control stream", ({ client, serverControl }) => client.streamStopSending(serverControl, 0x100), "server", H3_CLOSED_CRITICAL_STREAM],
  [
    "a second control stream",
    ({ client }) => {
      rawUniStream(client, controlStream());
      rawUniStream(client, controlStream());
    },
    "server",
    H3_STREAM_CREATION_ERROR,
  ],
  [
    "a second QPACK encoder stream",
    ({ client }) => {
      rawUniStream(client, bytes(StreamType.QPACK_ENCODER));
      rawUniStream(client, bytes(StreamType.QPACK_ENCODER));
    },
    "server",
    H3_STREAM_CREATION_ERROR,
  ],
  ["a push stream from a client", ({ client }) => rawUniStream(client, bytes(StreamType.PUSH, 0)), "server", H3_STREAM_CREATION_ERROR],
  ["MAX_PUSH_ID that falls", ({ client }) => rawUniStream(client, controlStream(encodeFrame({ type: "max_push_id", pushId: 5 }), encodeFrame({ type: "max_push_id", pushId: 3 }))), "server", H3_ID_ERROR],
  ["CANCEL_PUSH before any MAX_PUSH_ID", ({ client }) => rawUniStream(client, controlStream(encodeFrame({ type: "cancel_push", pushId: 0 }))), "server", H3_ID_ERROR],
  ["PRIORITY_UPDATE for a stream that is not a request stream", ({ client }) => rawUniStream(client, controlStream(encodeFrame({ type: "priority_update", element: "request", elementId: 2, priority: "u=1" }))), "server", H3_ID_ERROR],
  ["PRIORITY_UPDATE for a push never promised", ({ client }) => rawUniStream(client, controlStream(encodeFrame({ type: "max_push_id", pushId: 9 }), encodeFrame({ type: "priority_update", element: "push", elementId: 1, priority: "u=1" }))), "server", H3_ID_ERROR],
  ["a QPACK capacity above the maximum", ({ client }) => rawUniStream(client, bytes(StreamType.QPACK_ENCODER, 0x3f, 0xe1, 0x3f)), "server", QPACK_ENCODER_STREAM_ERROR],
  ["DATA before HEADERS", ({ client }) => rawStream(client, [dataFrame("early")]), "server", H3_FRAME_UNEXPECTED],
  ["HEADERS after the trailers", ({ client }) => rawStream(client, [headersFrame(get("/")), headersFrame([["x-trailer", "1"]]), headersFrame([["x-again", "1"]])]), "server", H3_FRAME_UNEXPECTED],
  ["PUSH_PROMISE from a client", ({ client }) => rawStream(client, [headersFrame(get("/")), encodeFrame({ type: "push_promise", pushId: 0, fieldSection: new Uint8Array([0, 0]) })]), "server", H3_FRAME_UNEXPECTED],
  ["a request stream that ends inside a frame", ({ client }) => rawStream(client, [headersFrame(get("/")), bytes(0x00, 0x05, 0x61)]), "server", H3_FRAME_ERROR],
  ["a field section with a static index past the table", ({ client }) => rawStream(client, [encodeFrame({ type: "headers", fieldSection: bytes(0x00, 0x00, 0xff, 0x40) })]), "server", QPACK_DECOMPRESSION_FAILED],
  ["a field section referencing entries never inserted", ({ client }) => rawStream(client, [encodeFrame({ type: "headers", fieldSection: bytes(0x00, 0x00, 0x80) })]), "server", QPACK_DECOMPRESSION_FAILED],
  ["a GOAWAY with a stream ID that is not a client request stream", ({ server, serverControl }) => writeAll(server, serverControl, encodeFrame({ type: "goaway", id: 5 }), false), "client", H3_ID_ERROR],
  ["a GOAWAY ID that rises", ({ server, serverControl }) => writeAll(server, serverControl, concatBytes(encodeFrame({ type: "goaway", id: 8 }), encodeFrame({ type: "goaway", id: 12 })), false), "client", H3_ID_ERROR],
  ["MAX_PUSH_ID from a server", ({ server, serverControl }) => writeAll(server, serverControl, encodeFrame({ type: "max_push_id", pushId: 1 }), false), "client", H3_FRAME_UNEXPECTED],
  ["PRIORITY_UPDATE from a server", ({ server, serverControl }) => writeAll(server, serverControl, encodeFrame({ type: "priority_update", element: "request", elementId: 0, priority: "u=1" }), false), "client", H3_FRAME_UNEXPECTED],
  ["a push stream the client did not allow", ({ server }) => rawUniStream(server, bytes(StreamType.PUSH, 0)), "client", H3_ID_ERROR],
  ["a server-initiated bidirectional stream", ({ server }) => rawStream(server, [headersFrame(get("/"))]), "client", H3_STREAM_CREATION_ERROR],
];

function rig(seed: number, hold = true): Rig {
  const clientTap = hold ? new Tap().hold(StreamType.CONTROL, StreamType.QPACK_ENCODER) : new Tap();
  const serverTap = new Tap();
  const pair = h3Pair({ seed, wrapClient: clientTap.wrap, wrapServer: serverTap.wrap });
  // The client learns the server's SETTINGS; the server has seen none of the client's.
  expect(pair.run(() => pair.client.events.some((e) => e.type === "settings")).reason).toBe("until");
  return { pair, client: pair.client.transport, server: pair.server().transport, serverControl: serverTap.streamOfType(StreamType.CONTROL)! };
}

describe("HTTP/3 connection errors", () => {
  cases.forEach(([what, inject, victim, code], i) => {
    it(`closes with ${code.toString(16)} on ${what}`, () => {
      const r = rig(100 + i);
      inject(r);
      const { pair } = r;
      const side = victim === "server" ? pair.server() : pair.client;
      const peer = victim === "server" ? pair.client : pair.server();
      expect(pair.run(() => peer.transportEvents.some((e) => e.type === "closed")).reason).toBe("until");
      expect(side.events.filter((e) => e.type === "connection_error")).toEqual([expect.objectContaining({ errorCode: code })]);
      expect(peer.transportEvents.find((e) => e.type === "closed")).toMatchObject({ reason: { code, application: true, initiator: "remote" } });
    });
  });

  it("ignores unknown and reserved stream types, asking the peer to stop them", () => {
    const { pair, client } = rig(90, false);
    const unknown = rawUniStream(client, bytes(0x40, 0x54, 1, 2, 3));
    const reserved = rawUniStream(client, bytes(0x21, 9, 9), true);
    const request = pair.client.h3.sendRequest(get("/"), { endStream: true })!;
    expect(pair.run(() => pair.server().events.some((e) => e.type === "request") && pair.client.transportEvents.some((e) => e.type === "stream_stop_sending" && e.streamId === unknown)).reason).toBe("until");
    expect(pair.client.transportEvents.find((e) => e.type === "stream_stop_sending" && e.streamId === unknown)).toMatchObject({ errorCode: H3_STREAM_CREATION_ERROR });
    expect(pair.server().events.find((e) => e.type === "request")).toMatchObject({ streamId: request });
    expect(pair.server().events.some((e) => e.type === "connection_error")).toBe(false);
    expect(reserved).toBeGreaterThan(unknown);
  });
});
