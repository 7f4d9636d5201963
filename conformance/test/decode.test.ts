import { describe, expect, it } from "vitest";
import { jsonArrayElements } from "../capture/decode.js";
import { datagramFromRow, parseRow, ROW_FIELDS } from "../capture/field-rows.js";
import { flattenFields } from "../capture/fields.js";
import { datagramFrom, quicPacketFrom } from "../capture/packet.js";

async function* lines(text: string): AsyncGenerator<string> {
  yield* text.split("\n");
}

function row(values: Partial<Record<(typeof ROW_FIELDS)[number], string>>): string {
  return ROW_FIELDS.map((field) => values[field] ?? "").join("\t");
}

describe("tshark JSON", () => {
  it("splits the pretty-printed array into frames", async () => {
    const text = ['[', '  {', '    "a": 1', '  },', '  {', '    "b": [', '      2', '    ]', '  }', ']'].join("\n");
    const elements: unknown[] = [];
    for await (const element of jsonArrayElements(lines(text))) elements.push(element);
    expect(elements).toEqual([{ a: 1 }, { b: [2] }]);
  });

  it("flattens nested subtrees and arrays by field name", () => {
    const fields = flattenFields({ "quic.frame": [{ "quic.frame_type": "6", tls: { "tls.handshake": [{ "tls.handshake.type": "8" }, { "tls.handshake.type": "11" }] } }, { "quic.frame_type": "0" }] });
    expect(fields.get("quic.frame_type")).toEqual(["6", "0"]);
    expect(fields.get("tls.handshake.type")).toEqual(["8", "11"]);
  });

  it("reads a v1 Initial with its ClientHello", () => {
    const packet = quicPacketFrom({
      "quic.header_form": "1",
      "quic.long.packet_type": "0",
      "quic.version": "0x00000001",
      "quic.dcid": "49:9b",
      "quic.scid": "dc:18",
      "quic.token_length": "0",
      "quic.packet_number": "0",
      "quic.payload": "00:01:02",
      "quic.frame": { "quic.crypto.offset": "0", "quic.crypto.length": "371", tls: { "tls.handshake": { "tls.handshake.type": "1", "tls.handshake.ciphersuites": { "tls.handshake.ciphersuite": ["0x1301", "0x1303"] } } } },
    });
    expect(packet).toMatchObject({ type: "initial", version: 1, dcid: "499b", scid: "dc18", tokenLength: 0, packetNumber: 0, payloadBytes: 3, tlsHandshakeTypes: [1], cipherSuites: ["0x1301", "0x1303"], crypto: [{ offset: 0, length: 371 }] });
  });

  it("reads QUIC v2 long-header types from their own field", () => {
    expect(quicPacketFrom({ "quic.header_form": "1", "quic.version": "0x6b3343cf", "quic.long.packet_type_v2": "0" }).type).toBe("retry");
    expect(quicPacketFrom({ "quic.header_form": "1", "quic.version": "0x6b3343cf", "quic.long.packet_type_v2": "3" }).type).toBe("handshake");
    expect(quicPacketFrom({ "quic.header_form": "1", "quic.version": "0x00000000" }).type).toBe("version-negotiation");
  });

  it("reads a frame's addresses, size, ECN and coalesced packets", () => {
    const datagram = datagramFrom({
      frame: { "frame.number": "2", "frame.time_epoch": "1.5" },
      ipv6: { "ipv6.src": "::1", "ipv6.dst": "::1", "ipv6.tclass_tree": { "ipv6.tclass.ecn": "2" } },
      udp: { "udp.srcport": "443", "udp.dstport": "5000", "udp.length": "1208" },
      quic: [{ "quic.header_form": "1", "quic.long.packet_type": "0" }, { "quic.header_form": "1", "quic.long.packet_type": "2" }],
    });
    expect(datagram).toMatchObject({ number: 2, time: 1.5, family: 6, size: 1200, ecn: 2, source: { address: "::1", port: 443 } });
    expect(datagram?.packets.map((p) => p.type)).toEqual(["initial", "handshake"]);
  });
});

describe("tshark field rows", () => {
  it("reads a short-header datagram's facts", () => {
    const datagram = datagramFromRow(
      parseRow(row({ "frame.number": "7", "frame.time_epoch": "2.25", "ip.src": "127.0.0.1", "ip.dst": "127.0.0.2", "udp.srcport": "1", "udp.dstport": "2", "udp.length": "60", "ip.dsfield.ecn": "2", "quic.header_form": "0", "quic.dcid": "abcd", "quic.packet_length": "52", "quic.key_phase": "1", "quic.path_challenge.data": "0102030405060708", "quic.ack.ect0_count": "3" })),
    );
    expect(datagram).toMatchObject({ number: 7, time: 2.25, family: 4, size: 52, ecn: 2 });
    expect(datagram?.packets).toEqual([expect.objectContaining({ type: "1rtt", dcid: "abcd", keyPhase: 1, payloadBytes: 49, pathChallenges: ["0102030405060708"], ackEcn: true })]);
  });

  it("keeps datagrams that are not QUIC, without packets, and drops non-UDP rows", () => {
    expect(datagramFromRow(parseRow(row({ "frame.number": "1", "frame.time_epoch": "0", "ip.src": "127.0.0.1", "ip.dst": "127.0.0.1", "udp.srcport": "1", "udp.dstport": "2", "udp.length": "9" })))?.packets).toEqual([]);
    expect(datagramFromRow(parseRow(row({ "frame.number": "1" })))).toBeUndefined();
  });
});
