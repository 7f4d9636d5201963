import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { DEFAULT_SETTINGS, H3Connection, H3ErrorCode, StreamType, encodeFrame, type H3Event } from "@zquic/h3";
import type { ConnectionEvent, Role } from "@zquic/quic";
import { SeededRandom } from "@zquic/sim";
import { concatBytes } from "@zquic/wire";
import { FakeTransport } from "./fake-transport.js";
import { get, h3Pair, Tap } from "./h3-harness.js";
import { dataFrame, headersFrame, rawStream, rawUniStream } from "./raw-frames.js";

const KNOWN_CODES = new Set<number>(Object.values(H3ErrorCode));
const bytes = (...values: number[]) => Uint8Array.from(values);
const settings = encodeFrame({ type: "settings", settings: { ...DEFAULT_SETTINGS, qpackMaxTableCapacity: 4096, qpackBlockedStreams: 8 } });

/** Well-formed stream contents from a client, to mutate. */
const fromClient: Uint8Array[] = [
  concatBytes(bytes(StreamType.CONTROL), settings, encodeFrame({ type: "max_push_id", pushId: 3 }), encodeFrame({ type: "priority_update", element: "request", elementId: 4, priority: "u=2, i" }), encodeFrame({ type: "goaway", id: 7 })),
  concatBytes(headersFrame(get("/", { priority: "u=1" })), dataFrame("ab"), headersFrame([["x-trailer", "1"]])),
  concatBytes(headersFrame([[":method", "POST"], [":scheme", "https"], [":authority", "localhost"], [":path", "/p"], ["content-length", "3"]]), dataFrame("abc")),
  // An encoder stream: capacity 220, an insert with a literal name, a duplicate.
  bytes(StreamType.QPACK_ENCODER, 0x3f, 0xbd, 0x01, 0x43, 0x61, 0x62, 0x63, 0x03, 0x64, 0x65, 0x66, 0x00),
  // A field section that needs the insert above.
  encodeFrame({ type: "headers", fieldSection: bytes(0x02, 0x00, 0x80, 0xd1, 0xd7, 0x50, 0x01, 0x2f) }),
];

/** Well-formed stream contents from a server. */
const fromServer: Uint8Array[] = [
  concatBytes(bytes(StreamType.CONTROL), settings, encodeFrame({ type: "goaway", id: 8 }), encodeFrame({ type: "cancel_push", pushId: 1 })),
  concatBytes(headersFrame([[":status", "103"]]), headersFrame([[":status", "200"], ["content-length", "2"]]), dataFrame("ok"), headersFrame([["x-t", "1"]])),
  concatBytes(encodeFrame({ type: "push_promise", pushId: 0, fieldSection: new Uint8Array([0, 0, 0xd1, 0xd7, 0x50, 0x01, 0x2f]) }), headersFrame([[":status", "200"]])),
  concatBytes(bytes(StreamType.PUSH, 0), headersFrame([[":status", "200"]]), dataFrame("pushed")),
  bytes(StreamType.QPACK_ENCODER, 0x3f, 0xbd, 0x01, 0x43, 0x61, 0x62, 0x63, 0x03, 0x64, 0x65, 0x66),
];

type Edit = [at: number, value: number, kind: "flip" | "insert" | "delete" | "truncate"];

function mutate(template: Uint8Array, edits: readonly Edit[]): Uint8Array {
  let out = Array.from(template);
  for (const [at, value, kind] of edits) {
    const i = out.length === 0 ? 0 : at % out.length;
    if (kind === "flip" && out.length > 0) out[i] = out[i]! ^ (value | 1);
    else if (kind === "insert") out.splice(i, 0, value);
    else if (kind === "delete") out.splice(i, 1);
    else if (kind === "truncate") out = out.slice(0, i);
  }
  return Uint8Array.from(out);
}

const edit: fc.Arbitrary<Edit> = fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 }), fc.constantFrom("flip", "insert", "delete", "truncate"));

/** One thing the peer does: bytes on a stream (random, or a mutated well-formed content), maybe FIN; or a reset. */
interface Action {
  readonly stream: number;
  readonly content: Uint8Array | { readonly template: number; readonly edits: Edit[] };
  readonly split: number;
  readonly fin: boolean;
  readonly reset: number | null;
}

const action = (streams: readonly number[]): fc.Arbitrary<Action> =>
  fc.record({
    stream: fc.constantFrom(...streams),
    content: fc.oneof({ arbitrary: fc.uint8Array({ maxLength: 48 }), weight: 1 }, { arbitrary: fc.record({ template: fc.nat(), edits: fc.array(edit, { maxLength: 3 }) }), weight: 3 }),
    split: fc.nat({ max: 64 }),
    fin: fc.boolean(),
    reset: fc.option(fc.integer({ min: 0, max: 0x120 }), { freq: 8 }),
  });

/**
 * Feeds `actions` to an H3Connection of `role` over a fake transport, after the peer's
 * well-formed control and encoder streams when `preamble` holds (so that later bytes on
 * those streams reach the frames after SETTINGS); checks that only typed errors come out.
 */
function feed(role: Role, templates: readonly Uint8Array[], preamble: boolean, actions: readonly Action[]): void {
  const transport = new FakeTransport(role);
  const h3 = new H3Connection(transport, { random: new SeededRandom(1).bytes, qpackBlockedStreams: 2 });
  if (role === "client") {
    h3.sendRequest(get("/"), { endStream: true });
    h3.allowPush(2);
  }
  const events: H3Event[] = [];
  const apply = (list: ConnectionEvent[]) => {
    for (const e of list) h3.handleEvent(e);
    for (let e = h3.pollEvent(); e !== null; e = h3.pollEvent()) events.push(e);
  };
  const [control, encoder] = role === "server" ? [2, 6] : [3, 7];
  if (preamble) {
    apply(transport.deliver(control, templates[0]!));
    apply(transport.deliver(encoder, templates.find((t) => t[0] === StreamType.QPACK_ENCODER)!));
  }
  for (const a of actions) {
    if (a.reset !== null) {
      apply(transport.reset(a.stream, a.reset));
      continue;
    }
    const content = a.content instanceof Uint8Array ? a.content : mutate(templates[a.content.template % templates.length]!, a.content.edits);
    // Delivered in two pieces, split anywhere.
    const cut = Math.min(a.split, content.length);
    apply(transport.deliver(a.stream, content.subarray(0, cut)));
    apply(transport.deliver(a.stream, content.subarray(cut), a.fin));
  }
  const errors = events.filter((e) => e.type === "connection_error");
  expect(errors.length).toBeLessThanOrEqual(1);
  for (const e of errors) {
    expect(KNOWN_CODES.has(e.errorCode), e.reason).toBe(true);
    expect(e.errorCode, e.reason).not.toBe(H3ErrorCode.H3_INTERNAL_ERROR);
    expect(transport.closes).toEqual([{ errorCode: e.errorCode, reason: e.reason }]);
  }
  for (const e of events) if (e.type === "stream_error") expect(KNOWN_CODES.has(e.errorCode), e.reason).toBe(true);
}

describe("hostile input never throws out of the HTTP/3 layer", () => {
  it("as a server: random and mutated bytes on control, QPACK, request and unknown streams", () => {
    fc.assert(
      fc.property(fc.boolean(), fc.array(action([0, 4, 8, 2, 6, 10, 14, 18]), { minLength: 1, maxLength: 12 }), (preamble, actions) => feed("server", fromClient, preamble, actions)),
      { numRuns: 400, seed: 0x5e12 },
    );
  });

  it("as a client: random and mutated bytes on control, QPACK, response and push streams", () => {
    fc.assert(
      fc.property(fc.boolean(), fc.array(action([0, 3, 7, 11, 15, 0, 3, 7, 11, 15, 1]), { minLength: 1, maxLength: 12 }), (preamble, actions) => feed("client", fromServer, preamble, actions)),
      { numRuns: 400, seed: 0xc11e },
    );
  });

  it("through the simulator: garbage after SETTINGS, and on a request stream, closes or resets with a typed error", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 40 }), fc.uint8Array({ maxLength: 40 }), fc.nat(), (control, request, seed) => {
        const tap = new Tap().hold(StreamType.CONTROL);
        const pair = h3Pair({ seed: seed % 1000, wrapClient: tap.wrap });
        expect(pair.run(() => pair.client.transport.isEstablished).reason).toBe("until");
        rawUniStream(pair.client.transport, concatBytes(bytes(StreamType.CONTROL), settings, control));
        const id = rawStream(pair.client.transport, [headersFrame(get("/")), request]);
        const server = () => pair.server();
        pair.run(() => server().events.some((e) => e.type === "connection_error" || ((e.type === "stream_error" || e.type === "end") && e.streamId === id)), 2000);
        const error = server().events.find((e) => e.type === "connection_error");
        if (error !== undefined) {
          expect(KNOWN_CODES.has(error.errorCode) && error.errorCode !== H3ErrorCode.H3_INTERNAL_ERROR, error.reason).toBe(true);
          expect(pair.run(() => pair.client.transportEvents.some((e) => e.type === "closed")).reason).toBe("until");
          expect(pair.client.transportEvents.find((e) => e.type === "closed")).toMatchObject({ reason: { code: error.errorCode } });
        }
        for (const e of server().events) if (e.type === "stream_error") expect(KNOWN_CODES.has(e.errorCode)).toBe(true);
      }),
      { numRuns: 12, seed: 0x517 },
    );
  });
});
