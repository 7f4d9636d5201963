// RFC 9204 Appendix B, byte for byte: an encoder told to index every line (and not to use
// Huffman, as the examples do not) produces the example's bytes, and a decoder fed them
// decodes the listed fields, reaching the listed table states.
import { describe, expect, it } from "vitest";
import { fromHex, toHex } from "@zquic/wire";
import { QpackDecoder, QpackEncoder, type EncoderTableState, type IndexingPolicy } from "@zquic/h3";

const indexEverything: IndexingPolicy = () => "index";

/** The example's table figure: [Abs, Ref, Name, Value] rows, the acknowledged line, Size. */
function table(state: EncoderTableState): { rows: [number, number, string, string][]; acknowledged: number; size: number } {
  return {
    rows: state.entries.map((e) => [e.index, e.references, e.name, e.value]),
    acknowledged: state.knownReceivedCount,
    size: state.size,
  };
}

function decoderRows(decoder: QpackDecoder): [number, string, string][] {
  return decoder.snapshot().entries.map((e) => [e.index, e.name, e.value]);
}

describe("RFC 9204 Appendix B", () => {
  const encoder = new QpackEncoder({ maxTableCapacity: 220, huffman: false, indexingPolicy: indexEverything });
  const decoder = new QpackDecoder({ maxTableCapacity: 220, maxBlockedStreams: 1 });

  it("B.1 literal field line with name reference", () => {
    // Before the peer's SETTINGS the encoder has no dynamic table.
    const section = encoder.encodeFieldSection(0, [[":path", "/index.html"]]);
    expect(toHex(section)).toBe("0000" + "510b2f696e6465782e68746d6c");
    expect(encoder.takeEncoderStreamData().length).toBe(0);
    expect(table(encoder.snapshot())).toEqual({ rows: [], acknowledged: 0, size: 0 });

    expect(decoder.decodeFieldSection(0, section)).toEqual({ fields: [[":path", "/index.html"]] });
    expect(decoder.takeDecoderStreamData().length).toBe(0);
  });

  it("B.2 dynamic table", () => {
    encoder.applyPeerSettings({ maxTableCapacity: 220, blockedStreams: 1 });
    const section = encoder.encodeFieldSection(4, [
      [":authority", "www.example.com"],
      [":path", "/sample/path"],
    ]);
    const instructions = encoder.takeEncoderStreamData();
    expect(toHex(instructions)).toBe("3fbd01" + "c00f7777772e6578616d706c652e636f6d" + "c10c2f73616d706c652f70617468");
    expect(toHex(section)).toBe("0381" + "10" + "11");
    expect(table(encoder.snapshot())).toEqual({
      rows: [
        [0, 1, ":authority", "www.example.com"],
        [1, 1, ":path", "/sample/path"],
      ],
      acknowledged: 0,
      size: 106,
    });

    expect(decoder.handleEncoderStreamData(instructions)).toEqual([]);
    expect(decoder.decodeFieldSection(4, section)).toEqual({
      fields: [
        [":authority", "www.example.com"],
        [":path", "/sample/path"],
      ],
    });
    const acknowledgment = decoder.takeDecoderStreamData();
    expect(toHex(acknowledgment)).toBe("84");

    encoder.handleDecoderStreamData(acknowledgment);
    expect(table(encoder.snapshot())).toEqual({
      rows: [
        [0, 0, ":authority", "www.example.com"],
        [1, 0, ":path", "/sample/path"],
      ],
      acknowledged: 2,
      size: 106,
    });
  });

  it("B.3 speculative insert", () => {
    expect(encoder.insert("custom-key", "custom-value")).toBe(true);
    const instructions = encoder.takeEncoderStreamData();
    expect(toHex(instructions)).toBe("4a637573746f6d2d6b65790c637573746f6d2d76616c7565");
    expect(table(encoder.snapshot())).toMatchObject({ acknowledged: 2, size: 160 });

    expect(decoder.handleEncoderStreamData(instructions)).toEqual([]);
    const increment = decoder.takeDecoderStreamData();
    expect(toHex(increment)).toBe("01");

    encoder.handleDecoderStreamData(increment);
    expect(table(encoder.snapshot())).toEqual({
      rows: [
        [0, 0, ":authority", "www.example.com"],
        [1, 0, ":path", "/sample/path"],
        [2, 0, "custom-key", "custom-value"],
      ],
      acknowledged: 3,
      size: 160,
    });
  });

  let delayedDuplicate: Uint8Array = new Uint8Array();

  it("B.4 duplicate instruction, stream cancellation", () => {
    expect(encoder.insert(":authority", "www.example.com")).toBe(true);
    delayedDuplicate = encoder.takeEncoderStreamData();
    expect(toHex(delayedDuplicate)).toBe("02");

    const section = encoder.encodeFieldSection(8, [
      [":authority", "www.example.com"],
      [":path", "/"],
      ["custom-key", "custom-value"],
    ]);
    expect(toHex(section)).toBe("0500" + "80" + "c1" + "81");
    expect(table(encoder.snapshot())).toEqual({
      rows: [
        [0, 0, ":authority", "www.example.com"],
        [1, 0, ":path", "/sample/path"],
        [2, 1, "custom-key", "custom-value"],
        [3, 1, ":authority", "www.example.com"],
      ],
      acknowledged: 3,
      size: 217,
    });

    // The encoder stream data is delayed: the section blocks, then the stream is cancelled.
    expect(decoder.decodeFieldSection(8, section)).toEqual({ blocked: true });
    expect(decoder.blockedStreamCount).toBe(1);
    decoder.streamCancelled(8);
    const cancellation = decoder.takeDecoderStreamData();
    expect(toHex(cancellation)).toBe("48");

    encoder.handleDecoderStreamData(cancellation);
    expect(table(encoder.snapshot()).rows.map((row) => row[1])).toEqual([0, 0, 0, 0]);
    expect(table(encoder.snapshot())).toMatchObject({ acknowledged: 3, size: 217 });

    // The delayed Duplicate arrives; nothing is waiting for it any more.
    expect(decoder.handleEncoderStreamData(delayedDuplicate)).toEqual([]);
    expect(decoder.blockedStreamCount).toBe(0);
    expect(decoder.snapshot().size).toBe(217);
  });

  it("B.5 dynamic table insert, eviction", () => {
    expect(encoder.insert("custom-key", "custom-value2")).toBe(true);
    const instructions = encoder.takeEncoderStreamData();
    expect(toHex(instructions)).toBe("810d637573746f6d2d76616c756532");
    expect(table(encoder.snapshot())).toEqual({
      rows: [
        [1, 0, ":path", "/sample/path"],
        [2, 0, "custom-key", "custom-value"],
        [3, 0, ":authority", "www.example.com"],
        [4, 0, "custom-key", "custom-value2"],
      ],
      acknowledged: 3,
      size: 215,
    });

    expect(decoder.handleEncoderStreamData(instructions)).toEqual([]);
    expect(decoderRows(decoder)).toEqual([
      [1, ":path", "/sample/path"],
      [2, "custom-key", "custom-value"],
      [3, ":authority", "www.example.com"],
      [4, "custom-key", "custom-value2"],
    ]);
    expect(decoder.snapshot().size).toBe(215);
  });
});

describe("RFC 9204 Appendix B, decoded out of order", () => {
  it("B.2 and B.4 sections that arrive first block, then decode when the inserts arrive", () => {
    const decoder = new QpackDecoder({ maxTableCapacity: 220, maxBlockedStreams: 2 });
    expect(decoder.decodeFieldSection(4, fromHex("03811011"))).toEqual({ blocked: true });
    const b2 = "3fbd01c00f7777772e6578616d706c652e636f6dc10c2f73616d706c652f70617468";
    expect(decoder.handleEncoderStreamData(fromHex(b2))).toEqual([
      {
        streamId: 4,
        fields: [
          [":authority", "www.example.com"],
          [":path", "/sample/path"],
        ],
      },
    ]);
    expect(decoder.decodeFieldSection(8, fromHex("050080c181"))).toEqual({ blocked: true });
    // B.3's insert and B.4's duplicate, split mid-instruction.
    const rest = fromHex("4a637573746f6d2d6b65790c637573746f6d2d76616c7565" + "02");
    expect(decoder.handleEncoderStreamData(rest.subarray(0, 7))).toEqual([]);
    expect(decoder.handleEncoderStreamData(rest.subarray(7, 24))).toEqual([]);
    expect(decoder.handleEncoderStreamData(rest.subarray(24))).toEqual([
      {
        streamId: 8,
        fields: [
          [":authority", "www.example.com"],
          [":path", "/"],
          ["custom-key", "custom-value"],
        ],
      },
    ]);
    // Section Acknowledgments for streams 4 and 8; the acknowledged RIC 4 covers every insert.
    expect(toHex(decoder.takeDecoderStreamData())).toBe("8488");
  });
});
