import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { Writer, concatBytes, fromHex, toHex } from "@zquic/wire";
import {
  DEFAULT_SETTINGS,
  FrameParser,
  FrameType,
  H3Error,
  H3ErrorCode,
  StreamType,
  decodeSettings,
  encodeFrame,
  greaseSetting,
  isReservedCodepoint,
  readUniStreamHeader,
  toByteString,
  writeFrameHeader,
  writeSettings,
  writeUniStreamHeader,
  type BufferedFrame,
  type Frame,
  type FrameEvent,
  type FrameStream,
  type Settings,
} from "@zquic/h3";

const varint = fc.oneof(fc.nat({ max: 63 }), fc.nat({ max: 16383 }), fc.maxSafeNat());
const bytes = fc.uint8Array({ maxLength: 40 });
const settingValue = fc.oneof(fc.nat({ max: 1 << 20 }), fc.maxSafeNat());

const settings: fc.Arbitrary<Settings> = fc.record({
  qpackMaxTableCapacity: settingValue,
  maxFieldSectionSize: fc.oneof(fc.constant(Infinity), settingValue),
  qpackBlockedStreams: settingValue,
  enableConnectProtocol: fc.boolean(),
  h3Datagram: fc.boolean(),
  // GREASE and other extension settings; understood and HTTP/2 identifiers are excluded.
  unknown: fc.uniqueArray(fc.bigInt({ min: 0x09n, max: (1n << 62n) - 1n }).filter((id) => id !== 0x33n), { maxLength: 4 }).chain((ids) =>
    fc.tuple(...ids.map((id) => fc.bigInt({ min: 0n, max: (1n << 62n) - 1n }).map((value) => ({ id, value })))),
  ),
});

const controlFrame: fc.Arbitrary<BufferedFrame> = fc.oneof(
  fc.record({ type: fc.constant("cancel_push" as const), pushId: varint }),
  fc.record({ type: fc.constant("goaway" as const), id: varint }),
  fc.record({ type: fc.constant("max_push_id" as const), pushId: varint }),
  fc.record({ type: fc.constant("priority_update" as const), element: fc.constantFrom("request" as const, "push" as const), elementId: varint, priority: fc.stringMatching(/^[ -~]{0,20}$/) }),
);
const requestFrame: fc.Arbitrary<Frame> = fc.oneof(
  fc.record({ type: fc.constant("headers" as const), fieldSection: bytes }),
  fc.record({ type: fc.constant("push_promise" as const), pushId: varint, fieldSection: bytes }),
  fc.record({ type: fc.constant("data" as const), data: bytes }),
  // Reserved types (0x1f * N + 0x21) as GREASE.
  fc.record({ type: fc.constant("unknown" as const), frameType: fc.nat({ max: 1000 }).map((n) => 0x1f * n + 0x21), payload: bytes }),
);

/** Feeds `input` to a parser in pieces cut at `cuts`, collecting every event. */
function parse(stream: FrameStream, input: Uint8Array, cuts: number[] = []): FrameEvent[] {
  const parser = new FrameParser({ stream });
  const events: FrameEvent[] = [];
  let at = 0;
  for (const cut of [...cuts.map((c) => c % (input.length + 1)).sort((a, b) => a - b), input.length]) {
    parser.push(input.slice(at, Math.max(at, cut)));
    at = Math.max(at, cut);
    for (let e = parser.poll(); e !== null; e = parser.poll()) events.push(e);
  }
  parser.end();
  return events;
}

/** The frames `events` describe, DATA chunks joined and unknown payloads dropped. */
function framesOf(events: FrameEvent[]): unknown[] {
  const frames: unknown[] = [];
  for (const e of events) {
    if (e.kind === "frame") frames.push(e.frame);
    else if (e.kind === "data_frame") frames.push({ type: "data", data: new Uint8Array(), length: e.length });
    else if (e.kind === "unknown_frame") frames.push({ type: "unknown", frameType: e.frameType, length: e.length });
    else {
      const last = frames[frames.length - 1] as { data: Uint8Array };
      last.data = concatBytes(last.data, e.chunk);
    }
  }
  return frames;
}

function expected(frame: Frame): unknown {
  if (frame.type === "data") return { type: "data", data: frame.data, length: frame.data.length };
  if (frame.type === "unknown") return { type: "unknown", frameType: frame.frameType, length: frame.payload.length };
  return frame;
}

function h3Code(fn: () => unknown): number | undefined {
  try {
    fn();
    return undefined;
  } catch (e) {
    if (e instanceof H3Error) return e.errorCode;
    throw e;
  }
}

describe("HTTP/3 frames (RFC 9114 §7)", () => {
  it("encodes frames as §7.2 lays them out", () => {
    expect(toHex(encodeFrame({ type: "data", data: fromHex("616263") }))).toBe("0003616263");
    expect(toHex(encodeFrame({ type: "goaway", id: 4 }))).toBe("070104");
    expect(toHex(encodeFrame({ type: "max_push_id", pushId: 300 }))).toBe("0d02412c");
    expect(toHex(encodeFrame({ type: "settings", settings: { ...DEFAULT_SETTINGS, qpackMaxTableCapacity: 4096, qpackBlockedStreams: 16 } }))).toBe("04050150000710");
    expect(toHex(encodeFrame({ type: "settings", settings: { ...DEFAULT_SETTINGS, enableConnectProtocol: true, h3Datagram: true } }))).toBe("0404080133" + "01");
    expect(toHex(encodeFrame({ type: "priority_update", element: "request", elementId: 0, priority: "u=1" }))).toBe("800f070004" + "00753d31");
    expect(toHex(encodeFrame({ type: "push_promise", pushId: 1, fieldSection: fromHex("0000d1") }))).toBe("0504010000d1");
  });

  it("round-trips control-stream frames after SETTINGS, split anywhere", () => {
    fc.assert(
      fc.property(settings, fc.array(controlFrame, { maxLength: 6 }), fc.array(fc.nat(), { maxLength: 8 }), (s, frames, cuts) => {
        const all: Frame[] = [{ type: "settings", settings: s }, ...frames];
        const events = parse("control", concatBytes(...all.map(encodeFrame)), cuts);
        expect(framesOf(events)).toEqual(all.map(expected));
      }),
    );
  });

  it("round-trips request-stream frames, streaming DATA, split anywhere", () => {
    fc.assert(
      fc.property(fc.array(requestFrame, { maxLength: 8 }), fc.array(fc.nat(), { maxLength: 8 }), (frames, cuts) => {
        const events = parse("request", concatBytes(...frames.map(encodeFrame)), cuts);
        expect(framesOf(events)).toEqual(frames.map(expected));
      }),
    );
  });

  it("passes DATA on without buffering it", () => {
    const parser = new FrameParser({ stream: "request" });
    const header = new Writer();
    writeFrameHeader(header, FrameType.DATA, 1 << 30);
    parser.push(header.toBytes());
    expect(parser.poll()).toEqual({ kind: "data_frame", length: 1 << 30 });
    const piece = new Uint8Array(1000).fill(7);
    parser.push(piece);
    const event = parser.poll();
    expect(event?.kind === "data" && event.chunk.buffer).toBe(piece.buffer);
    expect(parser.poll()).toBeNull();
    expect(h3Code(() => parser.end())).toBe(H3ErrorCode.H3_FRAME_ERROR);
  });

  it("skips unknown and reserved frame types", () => {
    const events = parse("request", fromHex("21 03 aabbcc" + "3f 00" + "00 01 ff"));
    expect(events).toEqual([
      { kind: "unknown_frame", frameType: 0x21, length: 3 },
      { kind: "unknown_frame", frameType: 0x3f, length: 0 },
      { kind: "data_frame", length: 1 },
      { kind: "data", chunk: fromHex("ff") },
    ]);
  });

  it("applies the framing rules with their error codes", () => {
    const settingsFrame = "0400";
    const cases: [FrameStream, string, number][] = [
      // §7.2.8: HTTP/2-only frame types.
      ["request", "0200", H3ErrorCode.H3_FRAME_UNEXPECTED],
      ["request", "0600", H3ErrorCode.H3_FRAME_UNEXPECTED],
      ["control", settingsFrame + "0800", H3ErrorCode.H3_FRAME_UNEXPECTED],
      ["push", "0900", H3ErrorCode.H3_FRAME_UNEXPECTED],
      // Table 1.
      ["control", settingsFrame + "0000", H3ErrorCode.H3_FRAME_UNEXPECTED],
      ["control", settingsFrame + "0100", H3ErrorCode.H3_FRAME_UNEXPECTED],
      ["request", "0400", H3ErrorCode.H3_FRAME_UNEXPECTED],
      ["request", "070100", H3ErrorCode.H3_FRAME_UNEXPECTED],
      ["push", "050100", H3ErrorCode.H3_FRAME_UNEXPECTED],
      ["request", "800f07000100", H3ErrorCode.H3_FRAME_UNEXPECTED],
      // §6.2.1: SETTINGS first on the control stream, and only once (§7.2.4).
      ["control", "070100", H3ErrorCode.H3_MISSING_SETTINGS],
      ["control", "2100", H3ErrorCode.H3_MISSING_SETTINGS],
      ["control", settingsFrame + settingsFrame, H3ErrorCode.H3_FRAME_UNEXPECTED],
      // §7.1, §10.8: payloads exactly as long as their fields.
      ["control", settingsFrame + "070200ff", H3ErrorCode.H3_FRAME_ERROR],
      ["control", settingsFrame + "070140", H3ErrorCode.H3_FRAME_ERROR],
      ["control", settingsFrame + "0309c0000000000000000000", H3ErrorCode.H3_FRAME_ERROR],
      ["control", "040101", H3ErrorCode.H3_FRAME_ERROR],
      ["request", "0502", H3ErrorCode.H3_FRAME_ERROR],
      // §7.2.4, §7.2.4.1: SETTINGS contents.
      ["control", "04040101" + "0102", H3ErrorCode.H3_SETTINGS_ERROR],
      ["control", "04020200", H3ErrorCode.H3_SETTINGS_ERROR],
      ["control", "04020500", H3ErrorCode.H3_SETTINGS_ERROR],
      ["control", "04020802", H3ErrorCode.H3_SETTINGS_ERROR],
      ["control", "04023302", H3ErrorCode.H3_SETTINGS_ERROR],
      // §10.5: a buffered frame beyond the limit.
      ["request", "01" + "80010001", H3ErrorCode.H3_EXCESSIVE_LOAD],
    ];
    for (const [stream, hex, code] of cases) {
      expect([stream, hex, h3Code(() => parse(stream, fromHex(hex)))]).toEqual([stream, hex, code]);
    }
  });

  it("gives events or an H3Error for random and mutated streams, never anything else", () => {
    const stream = fc.constantFrom<FrameStream>("control", "request", "push");
    const valid = fc.array(fc.oneof(requestFrame, controlFrame), { maxLength: 5 }).map((frames) => concatBytes(...frames.map(encodeFrame)));
    fc.assert(
      fc.property(stream, fc.oneof(fc.uint8Array({ maxLength: 80 }), valid), fc.array(fc.tuple(fc.nat(), fc.nat({ max: 255 })), { maxLength: 3 }), fc.array(fc.nat(), { maxLength: 5 }), (kind, input, flips, cuts) => {
        for (const [at, xor] of flips) if (input.length > 0) input[at % input.length]! ^= xor;
        h3Code(() => parse(kind, input, cuts));
      }),
      { numRuns: 1000 },
    );
  });
});

describe("SETTINGS (RFC 9114 §7.2.4)", () => {
  it("round-trips, restoring defaults for absent settings", () => {
    fc.assert(
      fc.property(settings, (s) => {
        const w = new Writer();
        writeSettings(w, s);
        expect(decodeSettings(w.view())).toEqual(s);
      }),
    );
    expect(decodeSettings(new Uint8Array())).toEqual(DEFAULT_SETTINGS);
  });

  it("keeps GREASE settings aside and can make one", () => {
    let seed = 1;
    const random = (n: number) => Uint8Array.from({ length: n }, () => (seed = (seed * 1103515245 + 12345) & 0xff));
    const grease = greaseSetting(random);
    expect(isReservedCodepoint(grease.id)).toBe(true);
    const w = new Writer();
    writeSettings(w, { ...DEFAULT_SETTINGS, qpackBlockedStreams: 100, unknown: [grease] });
    expect(decodeSettings(w.view())).toEqual({ ...DEFAULT_SETTINGS, qpackBlockedStreams: 100, unknown: [grease] });
  });

  it("refuses to encode what the peer would reject", () => {
    expect(() => writeSettings(new Writer(), { ...DEFAULT_SETTINGS, unknown: [{ id: 0x02n, value: 0n }] })).toThrow(/forbidden/);
    expect(() => writeSettings(new Writer(), { ...DEFAULT_SETTINGS, unknown: [{ id: 0x06n, value: 0n }] })).toThrow(/understood/);
    expect(() => writeSettings(new Writer(), { ...DEFAULT_SETTINGS, qpackBlockedStreams: -1 })).toThrow(/non-negative/);
  });
});

describe("unidirectional stream headers (RFC 9114 §6.2)", () => {
  it("round-trip, and ask for more bytes when split", () => {
    fc.assert(
      fc.property(fc.oneof(fc.constantFrom(...Object.values(StreamType)), varint), varint, (type, pushId) => {
        const header = type === StreamType.PUSH ? { type, pushId } : { type };
        const w = new Writer();
        writeUniStreamHeader(w, header);
        const encoded = concatBytes(w.view(), fromHex("0401"));
        expect(readUniStreamHeader(encoded)).toEqual({ header, length: w.length });
        for (let cut = 0; cut < w.length; cut++) expect(readUniStreamHeader(encoded.subarray(0, cut))).toBeUndefined();
      }),
    );
    expect(() => writeUniStreamHeader(new Writer(), { type: StreamType.PUSH })).toThrow(/push ID/);
  });
});

describe("byte strings in frames", () => {
  it("carries PRIORITY_UPDATE text octet for octet", () => {
    const priority = toByteString(fromHex("753d31"));
    const events = parse("control", concatBytes(fromHex("0400"), encodeFrame({ type: "priority_update", element: "push", elementId: 9, priority })));
    expect(events[1]).toEqual({ kind: "frame", frame: { type: "priority_update", element: "push", elementId: 9, priority: "u=1" } });
  });
});
