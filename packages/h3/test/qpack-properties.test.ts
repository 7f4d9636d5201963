// QPACK end to end: random field sections through an encoder and a decoder whose streams
// are delivered in random chunks and in random order; and hostile input to both.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { Writer, fromHex, toHex } from "@zquic/wire";
import {
  H3ErrorCode,
  QpackDecoder,
  QpackEncoder,
  QpackError,
  defaultIndexingPolicy,
  toByteString,
  type Field,
  type IndexingPolicy,
} from "@zquic/h3";

const NAMES = [":authority", ":path", ":method", "user-agent", "cookie", "accept", "authorization", "x-custom", "x-trace", "content-type", "etag"];
const VALUES = ["", "/", "GET", "www.example.com", "text/html", "gzip, deflate, br", "session=0123456789abcdefghijklmnop", "a", "Mozilla/5.0"];

const name = fc.oneof(fc.constantFrom(...NAMES), fc.stringMatching(/^[a-z0-9-]{1,12}$/));
const value = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...VALUES) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 60 }).map(toByteString) },
);
const field: fc.Arbitrary<Field> = fc.tuple(name, value, fc.boolean(), fc.nat({ max: 9 })).map(([n, v, flag, roll]) => (flag && roll === 0 ? [n, v, true] : [n, v]));
const fieldLists = fc.array(fc.array(field, { maxLength: 12 }), { minLength: 1, maxLength: 24, size: "medium" });

const POLICIES: Record<string, IndexingPolicy> = {
  default: defaultIndexingPolicy,
  index: () => "index",
  literal: () => "literal",
};

const setup = fc.record({
  // Mostly small tables, so that entries are evicted and drained.
  peerCapacity: fc.oneof({ weight: 1, arbitrary: fc.constant(0) }, { weight: 4, arbitrary: fc.integer({ min: 32, max: 300 }) }, { weight: 1, arbitrary: fc.integer({ min: 0, max: 4096 }) }),
  wantedCapacity: fc.oneof({ weight: 3, arbitrary: fc.integer({ min: 32, max: 400 }) }, { weight: 1, arbitrary: fc.constant(4096) }),
  blockedStreams: fc.nat({ max: 3 }),
  huffman: fc.boolean(),
  policy: fc.constantFrom(...Object.keys(POLICIES)),
  settingsAfter: fc.nat({ max: 4 }),
});

/** A one-way byte channel that delivers what was written in chunks of any size. */
class Channel {
  private readonly pending = new Writer();
  private start = 0;
  write(bytes: Uint8Array): void {
    this.pending.bytes(bytes);
  }
  get length(): number {
    return this.pending.length - this.start;
  }
  take(size: number): Uint8Array {
    const chunk = this.pending.buffer.slice(this.start, this.start + Math.min(size, this.length));
    this.start += chunk.length;
    return chunk;
  }
}

function sameFields(decoded: readonly Field[], sent: readonly Field[]): void {
  expect(decoded.map(([n, v]) => [n, v])).toEqual(sent.map(([n, v]) => [n, v]));
  sent.forEach((line, i) => {
    if (line[2] === true) expect(decoded[i]![2]).toBe(true);
  });
}

describe("QPACK encoder → decoder", () => {
  it("gives back every field section, whatever the capacities and delivery order", () => {
    fc.assert(
      fc.property(fieldLists, setup, fc.array(fc.nat(), { maxLength: 400, size: "medium" }), (lists, config, schedule) => {
        const encoder = new QpackEncoder({ maxTableCapacity: config.wantedCapacity, huffman: config.huffman, indexingPolicy: POLICIES[config.policy] });
        const decoder = new QpackDecoder({ maxTableCapacity: config.peerCapacity, maxBlockedStreams: config.blockedStreams, maxFieldSectionSize: 1 << 20 });
        const encoderStream = new Channel();
        const decoderStream = new Channel();
        const inFlight: { streamId: number; bytes: Uint8Array }[] = [];
        const decoded = new Map<number, Field[]>();
        let encoded = 0;

        const record = (streamId: number, fields: Field[]) => {
          expect(decoded.has(streamId)).toBe(false);
          decoded.set(streamId, fields);
        };
        const encodeNext = () => {
          if (encoded === config.settingsAfter) encoder.applyPeerSettings({ maxTableCapacity: config.peerCapacity, blockedStreams: config.blockedStreams });
          const streamId = 4 * encoded;
          inFlight.push({ streamId, bytes: encoder.encodeFieldSection(streamId, lists[encoded++]!) });
          encoderStream.write(encoder.takeEncoderStreamData());
        };
        const deliverEncoderStream = (size: number) => {
          for (const section of decoder.handleEncoderStreamData(encoderStream.take(size))) {
            if (!("fields" in section)) throw new Error("unexpected tooLarge");
            record(section.streamId, section.fields);
          }
        };
        const deliverSection = (pick: number) => {
          const [{ streamId, bytes }] = inFlight.splice(pick % inFlight.length, 1) as [{ streamId: number; bytes: Uint8Array }];
          const result = decoder.decodeFieldSection(streamId, bytes);
          if ("fields" in result) record(streamId, result.fields);
          else expect(result).toEqual({ blocked: true });
        };
        const deliverDecoderStream = (size: number) => {
          decoderStream.write(decoder.takeDecoderStreamData());
          encoder.handleDecoderStreamData(decoderStream.take(size));
        };

        for (const choice of schedule) {
          const size = choice >> 3;
          switch (choice % 4) {
            case 0:
              if (encoded < lists.length) encodeNext();
              break;
            case 1:
              deliverEncoderStream(size % 40);
              break;
            case 2:
              if (inFlight.length > 0) deliverSection(size);
              break;
            case 3:
              deliverDecoderStream(size % 20);
              break;
          }
        }
        while (encoded < lists.length) encodeNext();
        while (inFlight.length > 0) deliverSection(0);
        deliverEncoderStream(Infinity);
        deliverDecoderStream(Infinity);

        lists.forEach((fields, i) => sameFields(decoded.get(4 * i)!, fields));
        expect(decoder.blockedStreamCount).toBe(0);
        const state = encoder.snapshot();
        expect(state.blockingStreams).toBe(0);
        expect(state.entries.every((e) => e.references === 0)).toBe(true);
        expect(state.capacity).toBeLessThanOrEqual(config.peerCapacity);
        if (config.settingsAfter >= lists.length || config.peerCapacity === 0) expect(state.insertCount).toBe(0);
      }),
      { numRuns: 300 },
    );
  });

  it("never indexes credentials or lines marked sensitive, and compresses repeated lines", () => {
    const encoder = new QpackEncoder();
    const decoder = new QpackDecoder({ maxTableCapacity: 4096, maxBlockedStreams: 16 });
    encoder.applyPeerSettings({ maxTableCapacity: 4096, blockedStreams: 16 });
    const fields: Field[] = [
      [":authority", "example.org"],
      ["user-agent", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36"],
      ["authorization", "Bearer secret-token"],
      ["x-api-key", "k-123", true],
    ];
    const first = encoder.encodeFieldSection(0, fields);
    decoder.handleEncoderStreamData(encoder.takeEncoderStreamData());
    const result = decoder.decodeFieldSection(0, first);
    expect(result).toEqual({
      fields: [
        [":authority", "example.org"],
        ["user-agent", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36"],
        ["authorization", "Bearer secret-token", true],
        ["x-api-key", "k-123", true],
      ],
    });
    expect(encoder.snapshot().entries.map((e) => e.name)).toEqual([":authority", "user-agent"]);
    encoder.handleDecoderStreamData(decoder.takeDecoderStreamData());
    const second = encoder.encodeFieldSection(4, fields);
    const staticOnly = new QpackEncoder().encodeFieldSection(0, fields);
    expect(first.length).toBeLessThan(staticOnly.length / 2);
    expect(second.length).toBe(first.length);
    expect(encoder.takeEncoderStreamData().length).toBe(0);
    expect(decoder.decodeFieldSection(4, second)).toEqual(result);
  });

  it("never evicts an unacknowledged or referenced entry (§2.1.1)", () => {
    const encoder = new QpackEncoder({ maxTableCapacity: 100, indexingPolicy: () => "index" });
    const decoder = new QpackDecoder({ maxTableCapacity: 100, maxBlockedStreams: 1 });
    encoder.applyPeerSettings({ maxTableCapacity: 100, blockedStreams: 1 });
    expect(encoder.insert("x-a", "1".repeat(10))).toBe(true); // 45 octets
    const section = encoder.encodeFieldSection(0, [["x-a", "1".repeat(10)]]);
    expect(encoder.insert("x-b", "2".repeat(10))).toBe(true);
    expect(encoder.insert("x-c", "3".repeat(10))).toBe(false); // would evict x-a, unacknowledged
    decoder.handleEncoderStreamData(encoder.takeEncoderStreamData());
    encoder.handleDecoderStreamData(decoder.takeDecoderStreamData()); // Insert Count Increment
    expect(encoder.snapshot().knownReceivedCount).toBe(2);
    expect(encoder.insert("x-c", "3".repeat(10))).toBe(false); // x-a acknowledged, but referenced
    expect(decoder.decodeFieldSection(0, section)).toEqual({ fields: [["x-a", "1".repeat(10)]] });
    encoder.handleDecoderStreamData(decoder.takeDecoderStreamData()); // Section Acknowledgment
    expect(encoder.insert("x-c", "3".repeat(10))).toBe(true);
    expect(encoder.snapshot().entries.map((e) => e.name)).toEqual(["x-b", "x-c"]);
  });

  it("duplicates a draining entry instead of referencing it (§2.1.1.1)", () => {
    const encoder = new QpackEncoder({ maxTableCapacity: 200, huffman: false, indexingPolicy: () => "index" });
    const decoder = new QpackDecoder({ maxTableCapacity: 200, maxBlockedStreams: 1 });
    encoder.applyPeerSettings({ maxTableCapacity: 200, blockedStreams: 1 });
    encoder.insert("x-a", "1"); // 36 octets
    for (const name of ["x-b", "x-c", "x-d"]) encoder.insert(name, "v".repeat(5)); // 40 each: x-a is now beyond 3/4 of the capacity
    decoder.handleEncoderStreamData(encoder.takeEncoderStreamData());
    const section = encoder.encodeFieldSection(0, [["x-a", "1"]]);
    expect(toHex(encoder.takeEncoderStreamData())).toBe("03"); // Duplicate, relative index 3
    expect(toHex(section)).toBe("0680" + "10"); // RIC 5, Base 4, post-Base index 0
    decoder.handleEncoderStreamData(fromHex("03"));
    expect(decoder.decodeFieldSection(0, section)).toEqual({ fields: [["x-a", "1"]] });
  });

  it("fails when a peer blocks more streams than allowed (§2.1.2)", () => {
    const decoder = new QpackDecoder({ maxTableCapacity: 100, maxBlockedStreams: 1 });
    // Required Insert Count 1 with nothing inserted yet.
    expect(decoder.decodeFieldSection(0, fromHex("020080"))).toEqual({ blocked: true });
    expect(() => decoder.decodeFieldSection(4, fromHex("020080"))).toThrow(expect.objectContaining({ errorCode: H3ErrorCode.QPACK_DECOMPRESSION_FAILED }));
    expect(() => decoder.decodeFieldSection(0, fromHex("020080"))).toThrow(/blocked field section/);
  });

  it("rejects text that is not a byte string without changing state", () => {
    const encoder = new QpackEncoder();
    encoder.applyPeerSettings({ maxTableCapacity: 4096, blockedStreams: 16 });
    expect(() => encoder.encodeFieldSection(0, [["x-ok", "fine"], ["x-emoji", "☃"]])).toThrow(/U\+2603/);
    expect(encoder.takeEncoderStreamData().length).toBe(0);
    expect(encoder.snapshot().insertCount).toBe(0);
  });

  it("reports a field section over the size limit instead of decoding it", () => {
    const encoder = new QpackEncoder();
    const decoder = new QpackDecoder({ maxFieldSectionSize: 100 });
    const fields: Field[] = [["x-a", "1".repeat(40)], ["x-b", "2".repeat(40)]];
    expect(decoder.decodeFieldSection(0, encoder.encodeFieldSection(0, fields.slice(0, 1)))).toEqual({ fields: fields.slice(0, 1) });
    expect(decoder.decodeFieldSection(4, encoder.encodeFieldSection(4, fields))).toEqual({ tooLarge: true });
  });

  it("enforces the peer's settings on the encoder", () => {
    const remembered = { maxTableCapacity: 1024, blockedStreams: 4 };
    const encoder = new QpackEncoder({ rememberedPeerSettings: remembered });
    expect(() => encoder.applyPeerSettings({ maxTableCapacity: 2048, blockedStreams: 4 })).toThrow(QpackError);
    const again = new QpackEncoder({ rememberedPeerSettings: remembered });
    again.applyPeerSettings(remembered);
    expect(() => again.applyPeerSettings(remembered)).toThrow(/once/);
  });
});

describe("QPACK hostile input", () => {
  /** A decoder that has seen some inserts, and an encoder whose sections it can decode. */
  function warmPair(): { encoder: QpackEncoder; decoder: QpackDecoder } {
    const encoder = new QpackEncoder({ maxTableCapacity: 300, indexingPolicy: () => "index" });
    const decoder = new QpackDecoder({ maxTableCapacity: 300, maxBlockedStreams: 2 });
    encoder.applyPeerSettings({ maxTableCapacity: 300, blockedStreams: 2 });
    for (const v of ["one", "two", "three"]) encoder.insert("x-warm", v);
    decoder.handleEncoderStreamData(encoder.takeEncoderStreamData());
    return { encoder, decoder };
  }

  /** Runs `fn`; anything but success or a QpackError with `code` fails the property. */
  function onlyQpackError(code: number, fn: () => void): void {
    try {
      fn();
    } catch (e) {
      if (!(e instanceof QpackError)) throw e;
      expect(e.errorCode).toBe(code);
    }
  }

  it("random field sections decode or fail with QPACK_DECOMPRESSION_FAILED", () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 60 }), { maxLength: 5 }), (sections) => {
        const { decoder } = warmPair();
        sections.forEach((bytes, i) => onlyQpackError(H3ErrorCode.QPACK_DECOMPRESSION_FAILED, () => void decoder.decodeFieldSection(4 * i, bytes)));
      }),
      { numRuns: 500 },
    );
  });

  it("mutated field sections decode or fail with QPACK_DECOMPRESSION_FAILED", () => {
    fc.assert(
      fc.property(fc.array(field, { minLength: 1, maxLength: 8 }), fc.array(fc.tuple(fc.nat(), fc.nat({ max: 255 })), { minLength: 1, maxLength: 4 }), fc.nat({ max: 4 }), (fields, flips, cut) => {
        const { encoder, decoder } = warmPair();
        const bytes = encoder.encodeFieldSection(0, [...fields, ["x-warm", "two"]]);
        decoder.handleEncoderStreamData(encoder.takeEncoderStreamData());
        for (const [at, xor] of flips) bytes[at % bytes.length]! ^= xor;
        onlyQpackError(H3ErrorCode.QPACK_DECOMPRESSION_FAILED, () => void decoder.decodeFieldSection(0, bytes.subarray(0, bytes.length - cut)));
      }),
      { numRuns: 500 },
    );
  });

  it("random and mutated encoder streams apply or fail with QPACK_ENCODER_STREAM_ERROR", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 120 }), fc.array(field, { maxLength: 6 }), fc.array(fc.tuple(fc.nat(), fc.nat({ max: 255 })), { maxLength: 3 }), fc.array(fc.nat({ max: 30 }), { maxLength: 10 }), (noise, fields, flips, cuts) => {
        const encoder = new QpackEncoder({ maxTableCapacity: 200, indexingPolicy: () => "index" });
        encoder.applyPeerSettings({ maxTableCapacity: 200, blockedStreams: 0 });
        for (const [n, v] of fields) encoder.insert(n, v);
        const valid = encoder.takeEncoderStreamData();
        for (const [at, xor] of flips) if (valid.length > 0) valid[at % valid.length]! ^= xor;
        const stream = new Uint8Array([...valid, ...noise]);
        const decoder = new QpackDecoder({ maxTableCapacity: 200, maxBlockedStreams: 1 });
        onlyQpackError(H3ErrorCode.QPACK_ENCODER_STREAM_ERROR, () => {
          let at = 0;
          for (const cut of cuts) {
            decoder.handleEncoderStreamData(stream.subarray(at, at + cut));
            at += cut;
          }
          decoder.handleEncoderStreamData(stream.subarray(at));
        });
        expect(decoder.snapshot().size).toBeLessThanOrEqual(200);
      }),
      { numRuns: 500 },
    );
  });

  it("random decoder streams apply or fail with QPACK_DECODER_STREAM_ERROR", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 60 }), (noise) => {
        const { encoder } = warmPair();
        encoder.encodeFieldSection(0, [["x-warm", "one"]]);
        onlyQpackError(H3ErrorCode.QPACK_DECODER_STREAM_ERROR, () => encoder.handleDecoderStreamData(noise));
      }),
      { numRuns: 500 },
    );
  });

  it("names the decoder-stream errors of RFC 9204 §4.4", () => {
    const { encoder } = warmPair();
    expect(() => encoder.handleDecoderStreamData(new Uint8Array([0x80]))).toThrow(/no unacknowledged field section/);
    expect(() => warmPair().encoder.handleDecoderStreamData(new Uint8Array([0x00]))).toThrow(/Increment of 0/);
    expect(() => warmPair().encoder.handleDecoderStreamData(new Uint8Array([0x04]))).toThrow(/Increment of 4/);
  });

  it("names the encoder-stream errors of RFC 9204 §3.2 and §4.3", () => {
    const decoder = () => new QpackDecoder({ maxTableCapacity: 100 });
    expect(() => decoder().handleEncoderStreamData(new Uint8Array([0x3f, 0x46]))).toThrow(/exceeds the maximum/); // capacity 101
    expect(() => decoder().handleEncoderStreamData(new Uint8Array([0x3f, 0x45, 0xff, 0x24, 0x00]))).toThrow(/static table index 99/);
    expect(() => decoder().handleEncoderStreamData(new Uint8Array([0x3f, 0x45, 0x00]))).toThrow(/relative index 0/);
    // Capacity 40, then a 33-octet entry "a": "" fits; "ab": "cd…" of 41 octets does not.
    expect(() => decoder().handleEncoderStreamData(new Uint8Array([0x3f, 0x09, 0x41, 0x61, 0x00, 0x42, 0x61, 0x62, 0x07, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69]))).toThrow(/exceeds the table capacity/);
  });
});
