import { describe, expect, it } from "vitest";
import fc from "fast-check";
import {
  Reader,
  TransportError,
  WireError,
  Writer,
  ZquicError,
  concatBytes,
  cryptoFrameHeaderSize,
  datagramFrameHeaderSize,
  frameSize,
  fromHex,
  readFrame,
  readFrames,
  streamFrameHeaderSize,
  toHex,
  utf8,
  writeCryptoFrameHeader,
  writeDatagramFrameHeader,
  writeFrame,
  writeStreamFrameHeader,
  type Frame,
} from "@zquic/wire";
import { frame, frameArbitraries, mutated } from "@zquic/testkit";
import { v1ClientCrypto, v1ServerPayload } from "./rfc-vectors.js";

function encode(...frames: Frame[]): Uint8Array {
  const writer = new Writer();
  for (const f of frames) writeFrame(writer, f);
  return writer.toBytes();
}

/** The WireError `action` throws, failing the test when it throws anything else or nothing. */
function wireError(action: () => unknown): WireError {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(WireError);
    return error as WireError;
  }
  throw new Error("expected a WireError, but nothing was thrown");
}

function decodeOne(hex: string): Frame {
  const reader = new Reader(fromHex(hex));
  const decoded = readFrame(reader);
  expect(reader.done).toBe(true);
  return decoded;
}

/** Consecutive PADDING frames decode as one (RFC 9000 §19.1). */
function coalescePadding(frames: readonly Frame[]): Frame[] {
  const out: Frame[] = [];
  for (const f of frames) {
    const last = out[out.length - 1];
    if (f.type === "padding" && last?.type === "padding") out[out.length - 1] = { type: "padding", length: last.length + f.length };
    else out.push(f);
  }
  return out;
}

describe("RFC 9001 Appendix A payloads", () => {
  it("decodes the client Initial payload (A.2): one CRYPTO frame then PADDING to 1162 bytes, and re-encodes it byte for byte", () => {
    const crypto = fromHex(v1ClientCrypto);
    const payload = concatBytes(crypto, new Uint8Array(1162 - crypto.length));
    const frames = readFrames(payload, "initial");
    expect(frames).toHaveLength(2);
    const [first, second] = frames;
    expect(first).toMatchObject({ type: "crypto", offset: 0 });
    expect(first?.type === "crypto" && first.data.length).toBe(241);
    expect(second).toEqual({ type: "padding", length: 917 });
    expect(toHex(encode(...frames))).toBe(toHex(payload));
  });

  it("decodes the server Initial payload (A.3): ACK of packet 0 and a 90-byte CRYPTO frame, and re-encodes it", () => {
    const payload = fromHex(v1ServerPayload);
    const frames = readFrames(payload, "initial");
    expect(frames[0]).toEqual({ type: "ack", ranges: [{ smallest: 0, largest: 0 }], ackDelay: 0 });
    expect(frames[1]).toMatchObject({ type: "crypto", offset: 0 });
    expect(frames[1]?.type === "crypto" && frames[1].data.length).toBe(90);
    expect(toHex(encode(...frames))).toBe(v1ServerPayload);
  });
});

describe("frame encodings written by hand from RFC 9000 §19 and RFC 9221 §4", () => {
  const reason = utf8("bad");
  const cases: [string, Frame, string][] = [
    ["PADDING ×3", { type: "padding", length: 3 }, "000000"],
    ["PING", { type: "ping" }, "01"],
    ["ACK 8..10, 2..5", { type: "ack", ackDelay: 2, ranges: [{ smallest: 8, largest: 10 }, { smallest: 2, largest: 5 }] }, "020a0201020103"],
    [
      "ACK_ECN",
      { type: "ack", ackDelay: 0, ranges: [{ smallest: 7, largest: 7 }], ecn: { ect0: 1, ect1: 2, ce: 3 } },
      "03070000" + "00" + "010203",
    ],
    ["RESET_STREAM", { type: "reset_stream", streamId: 4, errorCode: 0x100, finalSize: 1000 }, "040441004" + "3e8"],
    ["STOP_SENDING", { type: "stop_sending", streamId: 8, errorCode: 1 }, "050801"],
    ["CRYPTO", { type: "crypto", offset: 0, data: utf8("hi") }, "0600026869"],
    ["NEW_TOKEN", { type: "new_token", token: fromHex("abcd") }, "0702abcd"],
    ["STREAM offset 0 with FIN", { type: "stream", streamId: 4, offset: 0, data: utf8("abc"), fin: true }, "0b0403616263"],
    ["STREAM offset 64", { type: "stream", streamId: 4, offset: 64, data: utf8("abc"), fin: false }, "0e04404003616263"],
    ["MAX_DATA", { type: "max_data", maximum: 16384 }, "1080004000"],
    ["MAX_STREAM_DATA", { type: "max_stream_data", streamId: 1, maximum: 63 }, "11013f"],
    ["MAX_STREAMS bidi", { type: "max_streams", bidirectional: true, maximum: 100 }, "124064"],
    ["MAX_STREAMS uni", { type: "max_streams", bidirectional: false, maximum: 3 }, "1303"],
    ["DATA_BLOCKED", { type: "data_blocked", limit: 5 }, "1405"],
    ["STREAM_DATA_BLOCKED", { type: "stream_data_blocked", streamId: 2, limit: 5 }, "150205"],
    ["STREAMS_BLOCKED bidi", { type: "streams_blocked", bidirectional: true, limit: 7 }, "1607"],
    ["STREAMS_BLOCKED uni", { type: "streams_blocked", bidirectional: false, limit: 7 }, "1707"],
    [
      "NEW_CONNECTION_ID",
      {
        type: "new_connection_id",
        sequenceNumber: 1,
        retirePriorTo: 0,
        connectionId: fromHex("0102030405060708"),
        statelessResetToken: fromHex("000102030405060708090a0b0c0d0e0f"),
      },
      "1801000801020304050607080001" + "02030405060708090a0b0c0d0e0f",
    ],
    ["RETIRE_CONNECTION_ID", { type: "retire_connection_id", sequenceNumber: 2 }, "1902"],
    ["PATH_CHALLENGE", { type: "path_challenge", data: fromHex("0011223344556677") }, "1a0011223344556677"],
    ["PATH_RESPONSE", { type: "path_response", data: fromHex("0011223344556677") }, "1b0011223344556677"],
    [
      "CONNECTION_CLOSE (transport)",
      { type: "connection_close", application: false, errorCode: TransportError.FRAME_ENCODING_ERROR, frameType: 0x08, reason },
      "1c070803626164",
    ],
    ["CONNECTION_CLOSE (application)", { type: "connection_close", application: true, errorCode: 0x1234, reason: new Uint8Array(0) }, "1d523400"],
    ["HANDSHAKE_DONE", { type: "handshake_done" }, "1e"],
    ["DATAGRAM", { type: "datagram", data: utf8("abc") }, "3103616263"],
  ];
  for (const [name, f, hex] of cases) {
    it(`${name} is ${hex}`, () => {
      expect(toHex(encode(f))).toBe(hex);
      expect(frameSize(f)).toBe(hex.length / 2);
      expect(decodeOne(hex)).toEqual(f);
    });
  }

  it("decodes all eight STREAM types 0x08-0x0f (OFF, LEN, FIN)", () => {
    for (let type = 0x08; type <= 0x0f; type++) {
      const off = type & 0x04 ? "05" : "";
      const len = type & 0x02 ? "02" : "";
      // Without LEN the data runs to the end of the payload.
      const decoded = decodeOne(type.toString(16).padStart(2, "0") + "04" + off + len + "6869");
      expect(decoded).toEqual({ type: "stream", streamId: 4, offset: type & 0x04 ? 5 : 0, data: utf8("hi"), fin: (type & 0x01) === 1 });
    }
  });

  it("decodes a DATAGRAM without a Length field (0x30) to the end of the payload", () => {
    expect(decodeOne("30616263")).toEqual({ type: "datagram", data: utf8("abc") });
    expect(decodeOne("30")).toEqual({ type: "datagram", data: new Uint8Array(0) });
  });

  it("coalesces consecutive PADDING bytes and stops at the next frame", () => {
    expect(readFrames(fromHex("0000000100"), "1RTT")).toEqual([{ type: "padding", length: 3 }, { type: "ping" }, { type: "padding", length: 1 }]);
  });

  it("decodes byte fields as views into the payload", () => {
    const payload = fromHex("0b0403616263");
    const decoded = readFrames(payload, "1RTT")[0];
    expect(decoded?.type === "stream" && decoded.data.buffer).toBe(payload.buffer);
  });

  it("header writers produce exactly the bytes writeFrame does, in the size they report", () => {
    const data = utf8("payload");
    const cases: [Frame, (w: Writer) => void, number][] = [
      [{ type: "stream", streamId: 9, offset: 70000, data, fin: true }, (w) => writeStreamFrameHeader(w, 9, 70000, data.length, true), streamFrameHeaderSize(9, 70000, data.length)],
      [{ type: "crypto", offset: 300, data }, (w) => writeCryptoFrameHeader(w, 300, data.length), cryptoFrameHeaderSize(300, data.length)],
      [{ type: "datagram", data }, (w) => writeDatagramFrameHeader(w, data.length), datagramFrameHeaderSize(data.length)],
    ];
    for (const [f, writeHeader, headerSize] of cases) {
      const w = new Writer();
      writeHeader(w);
      expect(w.length).toBe(headerSize);
      w.bytes(data);
      expect(toHex(w.view())).toBe(toHex(encode(f)));
    }
  });
});

describe("decoding rules of RFC 9000 §12.4 and §19", () => {
  const FRAME_ENCODING_ERROR = TransportError.FRAME_ENCODING_ERROR;
  const PROTOCOL_VIOLATION = TransportError.PROTOCOL_VIOLATION;
  const cases: [string, string, number, number | undefined][] = [
    ["unknown frame type 0x1f", "1f", FRAME_ENCODING_ERROR, 0x1f],
    ["unknown frame type 0x40 in two bytes", "4040", FRAME_ENCODING_ERROR, 0x40],
    ["PING in a two-byte type (§12.4)", "4001", PROTOCOL_VIOLATION, 0x01],
    ["STREAM type in four bytes", "8000000b0400", PROTOCOL_VIOLATION, 0x0b],
    ["truncated RESET_STREAM", "0404", FRAME_ENCODING_ERROR, 0x04],
    ["truncated PATH_CHALLENGE", "1a00112233", FRAME_ENCODING_ERROR, 0x1a],
    ["STREAM with a Length past the payload", "0a040568", FRAME_ENCODING_ERROR, 0x0a],
    ["ACK whose first range goes below 0", "0205000006", FRAME_ENCODING_ERROR, 0x02],
    ["ACK whose gap goes below 0", "020500010004" + "00", FRAME_ENCODING_ERROR, 0x02],
    ["ACK whose range length goes below 0", "020500010000" + "04", FRAME_ENCODING_ERROR, 0x02],
    ["ACK with a Range Count the payload cannot hold", "02050040ff00", FRAME_ENCODING_ERROR, 0x02],
    ["ACK_ECN without ECN counts", "0305000000", FRAME_ENCODING_ERROR, 0x03],
    ["STREAM ending at 2^62", "0e04" + "ffffffffffffffff" + "01" + "00", FRAME_ENCODING_ERROR, 0x0e],
    ["STREAM ending at 2^62 + 1", "0e04" + "fffffffffffffffe" + "03" + "000000", FRAME_ENCODING_ERROR, 0x0e],
    ["CRYPTO ending at 2^62", "06" + "ffffffffffffffff" + "01" + "00", FRAME_ENCODING_ERROR, 0x06],
    ["NEW_TOKEN with an empty token", "0700", FRAME_ENCODING_ERROR, 0x07],
    ["NEW_CONNECTION_ID of length 0", "180100" + "00" + "00".repeat(16), FRAME_ENCODING_ERROR, 0x18],
    ["NEW_CONNECTION_ID of length 21", "180100" + "15" + "aa".repeat(21) + "00".repeat(16), FRAME_ENCODING_ERROR, 0x18],
    ["Retire Prior To above Sequence Number", "180102" + "01aa" + "00".repeat(16), FRAME_ENCODING_ERROR, 0x18],
    // 2^60 and 2^60 + 1 are the same JavaScript number: this needs exact arithmetic.
    ["Retire Prior To 2^60 + 1 above Sequence Number 2^60", "18" + "d000000000000000" + "d000000000000001" + "01aa" + "00".repeat(16), FRAME_ENCODING_ERROR, 0x18],
    ["MAX_STREAMS above 2^60", "12" + "d000000000000001", FRAME_ENCODING_ERROR, 0x12],
    ["MAX_STREAMS uni above 2^60", "13" + "ffffffffffffffff", FRAME_ENCODING_ERROR, 0x13],
    ["STREAMS_BLOCKED above 2^60", "16" + "d000000000000001", FRAME_ENCODING_ERROR, 0x16],
    ["STREAMS_BLOCKED uni above 2^60", "17" + "d000000000000001", FRAME_ENCODING_ERROR, 0x17],
    ["CONNECTION_CLOSE with a reason past the payload", "1c00000568", FRAME_ENCODING_ERROR, 0x1c],
    ["DATAGRAM with a Length past the payload", "310568", FRAME_ENCODING_ERROR, 0x31],
  ];
  for (const [name, hex, code, frameType] of cases) {
    it(`rejects ${name}`, () => {
      const error = wireError(() => readFrames(fromHex(hex), "1RTT"));
      expect(error.transportCode).toBe(code);
      expect(error.frameType).toBe(frameType);
    });
  }

  it("accepts the limits themselves: data ending at 2^62 − 1, 2^60 streams, Retire Prior To = Sequence Number", () => {
    expect(decodeOne("0e04" + "ffffffffffffffff" + "00")).toMatchObject({ type: "stream", data: new Uint8Array(0) });
    expect(decodeOne("0e04" + "fffffffffffffffe" + "01" + "aa")).toMatchObject({ type: "stream", data: fromHex("aa") });
    expect(decodeOne("06" + "fffffffffffffffd" + "02" + "aabb")).toMatchObject({ type: "crypto", data: fromHex("aabb") });
    expect(decodeOne("12" + "d000000000000000")).toEqual({ type: "max_streams", bidirectional: true, maximum: 2 ** 60 });
    expect(decodeOne("17" + "d000000000000000")).toEqual({ type: "streams_blocked", bidirectional: false, limit: 2 ** 60 });
    expect(decodeOne("180505" + "01aa" + "00".repeat(16))).toMatchObject({ sequenceNumber: 5, retirePriorTo: 5 });
  });

  it("treats an empty payload as a PROTOCOL_VIOLATION (§12.4)", () => {
    expect(wireError(() => readFrames(new Uint8Array(0), "1RTT")).transportCode).toBe(PROTOCOL_VIOLATION);
  });

  it("applies Table 3 to each frame, with PROTOCOL_VIOLATION and the frame type", () => {
    const ack = encode({ type: "ack", ackDelay: 0, ranges: [{ smallest: 0, largest: 0 }] });
    const error = wireError(() => readFrames(ack, "0RTT"));
    expect(error.transportCode).toBe(PROTOCOL_VIOLATION);
    expect(error.frameType).toBe(0x02);
    const appClose = encode({ type: "connection_close", application: true, errorCode: 0, reason: new Uint8Array(0) });
    expect(wireError(() => readFrames(appClose, "handshake")).frameType).toBe(0x1d);
    expect(readFrames(appClose, "1RTT")).toHaveLength(1);
  });
});

describe("encoding refuses frames that are invalid on the wire", () => {
  const token = new Uint8Array(16);
  const invalid: [string, Frame][] = [
    ["an ACK without ranges", { type: "ack", ackDelay: 0, ranges: [] }],
    ["an ACK with overlapping ranges", { type: "ack", ackDelay: 0, ranges: [{ smallest: 5, largest: 9 }, { smallest: 2, largest: 5 }] }],
    ["an ACK with adjacent ranges", { type: "ack", ackDelay: 0, ranges: [{ smallest: 5, largest: 9 }, { smallest: 2, largest: 4 }] }],
    ["an ACK with ranges smallest first", { type: "ack", ackDelay: 0, ranges: [{ smallest: 1, largest: 2 }, { smallest: 8, largest: 9 }] }],
    ["an ACK range upside down", { type: "ack", ackDelay: 0, ranges: [{ smallest: 9, largest: 5 }] }],
    ["an ACK below packet 0", { type: "ack", ackDelay: 0, ranges: [{ smallest: -1, largest: 5 }] }],
    ["an empty NEW_TOKEN", { type: "new_token", token: new Uint8Array(0) }],
    ["an empty connection ID", { type: "new_connection_id", sequenceNumber: 1, retirePriorTo: 0, connectionId: new Uint8Array(0), statelessResetToken: token }],
    ["a 21-byte connection ID", { type: "new_connection_id", sequenceNumber: 1, retirePriorTo: 0, connectionId: new Uint8Array(21), statelessResetToken: token }],
    ["a 15-byte reset token", { type: "new_connection_id", sequenceNumber: 1, retirePriorTo: 0, connectionId: new Uint8Array(8), statelessResetToken: new Uint8Array(15) }],
    ["Retire Prior To above Sequence Number", { type: "new_connection_id", sequenceNumber: 1, retirePriorTo: 2, connectionId: new Uint8Array(8), statelessResetToken: token }],
    ["MAX_STREAMS above 2^60", { type: "max_streams", bidirectional: true, maximum: 2 ** 60 + 2 ** 10 }],
    ["STREAMS_BLOCKED above 2^60", { type: "streams_blocked", bidirectional: false, limit: 2 ** 61 }],
    ["a 7-byte PATH_CHALLENGE", { type: "path_challenge", data: new Uint8Array(7) }],
    ["a 9-byte PATH_RESPONSE", { type: "path_response", data: new Uint8Array(9) }],
    ["zero bytes of PADDING", { type: "padding", length: 0 }],
    ["an application CONNECTION_CLOSE with a Frame Type", { type: "connection_close", application: true, errorCode: 0, frameType: 1, reason: new Uint8Array(0) }],
  ];
  for (const [name, f] of invalid) {
    it(`refuses ${name} with a ZquicError`, () => {
      expect(() => encode(f)).toThrow(ZquicError);
    });
  }
});

describe("frame properties", () => {
  for (const [kind, arbitrary] of Object.entries(frameArbitraries)) {
    it(`${kind}: decode(encode(frame)) = frame, in frameSize(frame) bytes`, () => {
      fc.assert(
        fc.property(arbitrary as fc.Arbitrary<Frame>, (f) => {
          const bytes = encode(f);
          expect(bytes.length).toBe(frameSize(f));
          const reader = new Reader(bytes);
          expect(readFrame(reader)).toEqual(f);
          expect(reader.done).toBe(true);
        }),
      );
    });
  }

  it("a payload of many frames decodes to the same frames (PADDING runs coalesced)", () => {
    fc.assert(
      fc.property(fc.array(frame, { minLength: 1, maxLength: 12 }), (frames) => {
        expect(readFrames(encode(...frames), "1RTT")).toEqual(coalescePadding(frames));
      }),
    );
  });

  /** Decodes frame by frame: each call must consume at least one byte, and only WireError may escape. */
  function decodesOrFailsCleanly(bytes: Uint8Array): void {
    const reader = new Reader(bytes);
    try {
      while (!reader.done) {
        const before = reader.offset;
        readFrame(reader);
        expect(reader.offset).toBeGreaterThan(before);
      }
    } catch (error) {
      expect(error).toBeInstanceOf(WireError);
    }
    try {
      readFrames(bytes, "1RTT");
    } catch (error) {
      expect(error).toBeInstanceOf(WireError);
    }
  }

  it("random bytes decode to frames or a WireError, consuming at least one byte per frame", () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 64 }), decodesOrFailsCleanly));
    // Bytes that start with a known frame type reach deeper into the decoders; unbiased bytes make long varints common.
    const tail = fc.oneof(fc.uint8Array({ maxLength: 40 }), fc.noBias(fc.uint8Array({ maxLength: 40 })));
    const typed = fc.tuple(fc.constantFrom(...[...Array(0x1f).keys()], 0x30, 0x31), tail);
    fc.assert(
      fc.property(typed, ([type, rest]) => decodesOrFailsCleanly(concatBytes(Uint8Array.of(type), rest))),
      { numRuns: 1000 },
    );
  });

  it("mutated valid payloads decode to frames or a WireError", () => {
    const payloadAndMutation = fc.array(frame, { minLength: 1, maxLength: 4 }).chain((frames) => mutated(encode(...frames)));
    fc.assert(fc.property(payloadAndMutation, decodesOrFailsCleanly));
  });
});
