import { createCipheriv } from "node:crypto";
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import {
  QUIC_V1,
  QUIC_V2,
  RETRY_INTEGRITY_TAG_LENGTH,
  SUPPORTED_VERSIONS,
  TransportError,
  WireError,
  Writer,
  ZquicError,
  concatBytes,
  fixedBit,
  fromHex,
  isLongHeader,
  isReservedVersion,
  isSupportedVersion,
  keyPhaseBit,
  readInvariantHeader,
  readPacketHeader,
  reservedBits,
  retryPseudoPacket,
  spinBit,
  toHex,
  utf8,
  writeLongHeader,
  writePacketLength,
  writeRetry,
  writeShortHeader,
  writeVersionNegotiation,
  type LongHeaderFields,
  type PacketHeader,
  type PacketNumberLength,
  type ProtectedLongPacketType,
} from "@zquic/wire";
import { bytes, connectionId, mutated } from "@zquic/testkit";
import { v1Retry, v1ServerInitialPacket, v2Retry, v2ServerInitialPacket } from "./rfc-vectors.js";

const clientDcid = fromHex("8394c8f03e515708");
const serverScid = fromHex("f067a5502a4262b5");

/** Writes a long header with its Length patched as if `bodyLength` bytes of packet number and payload followed. */
function longHeaderHex(fields: LongHeaderFields, bodyLength: number): string {
  const writer = new Writer();
  const layout = writeLongHeader(writer, fields);
  writePacketLength(writer.buffer, layout, layout.packetNumberOffset + bodyLength);
  return toHex(writer.view());
}

function wireError(action: () => unknown): WireError {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(WireError);
    return error as WireError;
  }
  throw new Error("expected a WireError, but nothing was thrown");
}

describe("RFC 9001 and RFC 9369 Appendix A headers", () => {
  const versions: [string, number, string, string][] = [
    ["v1", QUIC_V1, "c300000001088394c8f03e5157080000449e00000002", "c1000000010008f067a5502a4262b50040750001"],
    ["v2", QUIC_V2, "d36b3343cf088394c8f03e5157080000449e00000002", "d16b3343cf0008f067a5502a4262b50040750001"],
  ];
  for (const [name, version, clientHeader, serverHeader] of versions) {
    it(`writes the ${name} client Initial header (A.2): packet number 2 in 4 bytes, Length 1182`, () => {
      const hex = longHeaderHex(
        { packetType: "initial", version, dcid: clientDcid, scid: new Uint8Array(0), packetNumber: 2, packetNumberLength: 4 },
        1182,
      );
      expect(hex).toBe(clientHeader);
    });

    it(`writes the ${name} server Initial header (A.3): packet number 1 in 2 bytes, Length 117`, () => {
      const hex = longHeaderHex(
        { packetType: "initial", version, dcid: new Uint8Array(0), scid: serverScid, packetNumber: 1, packetNumberLength: 2 },
        117,
      );
      expect(hex).toBe(serverHeader);
    });
  }

  for (const [name, packetHex] of [["v1", v1ServerInitialPacket], ["v2", v2ServerInitialPacket]] as const) {
    it(`reads the protected ${name} server Initial (A.3) and finds where it ends`, () => {
      const datagram = fromHex(packetHex);
      const header = readPacketHeader(datagram, 0, 8);
      expect(header).toMatchObject({ packetType: "initial", version: name === "v1" ? QUIC_V1 : QUIC_V2, packetStart: 0 });
      if (header.packetType !== "initial") return;
      expect(toHex(header.dcid)).toBe("");
      expect(toHex(header.scid)).toBe("f067a5502a4262b5");
      expect(header.token.length).toBe(0);
      expect(header.packetNumberOffset).toBe(18);
      expect(header.packetEnd).toBe(datagram.length);
    });
  }

  it("writes and reads the short header of A.5 (empty DCID, packet number 654360564 in 3 bytes)", () => {
    const writer = new Writer();
    const pnOffset = writeShortHeader(writer, {
      dcid: new Uint8Array(0),
      packetNumber: 654360564,
      packetNumberLength: 3,
      spinBit: false,
      keyPhase: false,
    });
    expect(toHex(writer.view())).toBe("4200bff4");
    expect(pnOffset).toBe(1);
    const packet = fromHex("4cfe4189655e5cd55c41f69080575d7999c25a5bfb");
    expect(readPacketHeader(packet, 0, 0)).toEqual({
      packetType: "1RTT",
      firstByte: 0x4c,
      dcid: new Uint8Array(0),
      packetStart: 0,
      packetNumberOffset: 1,
      packetEnd: 21,
    });
  });

  const retries: [string, string, number, string, string][] = [
    ["v1", v1Retry, QUIC_V1, "be0c690b9f66575a1d766b54e368c84e", "461599d35d632bf2239825bb"],
    ["v2", v2Retry, QUIC_V2, "8fb4b01b56ac48e260fbcbcead7ccc92", "d86969bc2d7c6d9990efb04a"],
  ];
  for (const [name, retryHex, version, key, nonce] of retries) {
    it(`reads and rewrites the ${name} Retry (A.4)`, () => {
      const packet = fromHex(retryHex);
      const retry = readPacketHeader(packet, 0, 8);
      if (retry.packetType !== "retry") throw new Error(`read ${retry.packetType}, not retry`);
      expect(retry.version).toBe(version);
      expect(toHex(retry.dcid)).toBe("");
      expect(toHex(retry.scid)).toBe("f067a5502a4262b5");
      expect(retry.token).toEqual(utf8("token"));
      expect(toHex(retry.integrityTag)).toBe(retryHex.slice(-2 * RETRY_INTEGRITY_TAG_LENGTH));
      expect(toHex(retry.withoutIntegrityTag)).toBe(retryHex.slice(0, -2 * RETRY_INTEGRITY_TAG_LENGTH));
      const writer = new Writer();
      writeRetry(writer, { version, dcid: retry.dcid, scid: retry.scid, token: retry.token, unusedBits: 0x0f });
      expect(toHex(writer.view())).toBe(toHex(retry.withoutIntegrityTag));
    });

    it(`builds the ${name} Retry pseudo-packet whose AES-128-GCM tag (RFC 9001 §5.8) is the one in A.4`, () => {
      const packet = fromHex(retryHex);
      const retry = readPacketHeader(packet, 0, 8);
      if (retry.packetType !== "retry") throw new Error(`read ${retry.packetType}, not retry`);
      const pseudo = retryPseudoPacket(clientDcid, retry.withoutIntegrityTag);
      expect(toHex(pseudo)).toBe("08" + toHex(clientDcid) + toHex(retry.withoutIntegrityTag));
      const cipher = createCipheriv("aes-128-gcm", fromHex(key), fromHex(nonce));
      cipher.setAAD(pseudo);
      cipher.final();
      expect(toHex(cipher.getAuthTag())).toBe(toHex(retry.integrityTag));
    });
  }
});

describe("long header layout", () => {
  it("distinguishes the packet types per version (RFC 9369 §3.2)", () => {
    const types: ProtectedLongPacketType[] = ["initial", "0RTT", "handshake"];
    const bits = (version: number, packetType: ProtectedLongPacketType) =>
      (fromHex(longHeaderHex({ packetType, version, dcid: clientDcid, scid: serverScid, packetNumber: 0, packetNumberLength: 1 }, 1))[0]! & 0x30) >> 4;
    expect(types.map((t) => bits(QUIC_V1, t))).toEqual([0, 1, 2]);
    expect(types.map((t) => bits(QUIC_V2, t))).toEqual([1, 2, 3]);
  });

  it("splits coalesced Initial, Handshake and 1-RTT packets (RFC 9000 §12.2)", () => {
    const writer = new Writer();
    const parts: [ProtectedLongPacketType, number][] = [
      ["initial", 40],
      ["handshake", 30],
    ];
    for (const [packetType, payloadLength] of parts) {
      const layout = writeLongHeader(writer, { packetType, version: QUIC_V1, dcid: clientDcid, scid: serverScid, token: packetType === "initial" ? utf8("tok") : undefined, packetNumber: 7, packetNumberLength: 2 });
      writer.zeros(payloadLength);
      writePacketLength(writer.buffer, layout, writer.offset);
    }
    writeShortHeader(writer, { dcid: clientDcid, packetNumber: 9, packetNumberLength: 1, spinBit: true, keyPhase: false });
    writer.zeros(25);
    const datagram = writer.toBytes();
    const headers: PacketHeader[] = [];
    for (let offset = 0; offset < datagram.length; ) {
      const header = readPacketHeader(datagram, offset, clientDcid.length);
      headers.push(header);
      offset = header.packetEnd;
    }
    expect(headers.map((h) => h.packetType)).toEqual(["initial", "handshake", "1RTT"]);
    expect(headers[0]).toMatchObject({ token: utf8("tok"), packetStart: 0 });
    expect(headers[1]!.packetStart).toBe(headers[0]!.packetEnd);
    expect(headers[2]!.packetEnd).toBe(datagram.length);
    expect(spinBit(headers[2]!.firstByte)).toBe(true);
  });

  it("refuses to write what the wire cannot carry", () => {
    const base = { version: QUIC_V1, dcid: clientDcid, scid: serverScid, packetNumber: 0, packetNumberLength: 1 as const };
    expect(() => writeLongHeader(new Writer(), { ...base, packetType: "handshake", token: utf8("x") })).toThrow(ZquicError);
    expect(() => writeLongHeader(new Writer(), { ...base, packetType: "initial", dcid: new Uint8Array(21) })).toThrow(ZquicError);
    expect(() => writeLongHeader(new Writer(), { ...base, packetType: "initial", version: 0x1a2a3a4a })).toThrow(ZquicError);
    const layout = writeLongHeader(new Writer(), { ...base, packetType: "initial" });
    expect(() => writePacketLength(new Uint8Array(100), layout, layout.packetNumberOffset + 16384)).toThrow(ZquicError);
    expect(() => writeShortHeader(new Writer(), { dcid: new Uint8Array(21), packetNumber: 0, packetNumberLength: 1, spinBit: false, keyPhase: false })).toThrow(ZquicError);
    expect(() => writeRetry(new Writer(), { version: QUIC_V1, dcid: clientDcid, scid: serverScid, token: utf8("t"), unusedBits: 16 })).toThrow(ZquicError);
    expect(() => writeVersionNegotiation(new Writer(), { dcid: clientDcid, scid: serverScid, supportedVersions: [] })).toThrow(ZquicError);
  });
});

describe("first byte bits", () => {
  it("reads form, fixed, spin, key phase and reserved bits", () => {
    expect(isLongHeader(0xc0)).toBe(true);
    expect(isLongHeader(0x40)).toBe(false);
    expect(fixedBit(0x80)).toBe(false);
    expect(fixedBit(0x40)).toBe(true);
    expect(spinBit(0x60)).toBe(true);
    expect(keyPhaseBit(0x44)).toBe(true);
    expect(keyPhaseBit(0x40)).toBe(false);
    expect(reservedBits(0xcc)).toBe(0x0c);
    expect(reservedBits(0xc3)).toBe(0);
    expect(reservedBits(0x5f)).toBe(0x18);
    expect(reservedBits(0x47)).toBe(0);
  });

  it("exposes a cleared Fixed Bit instead of rejecting it (RFC 9287)", () => {
    const writer = new Writer();
    writeShortHeader(writer, { dcid: clientDcid, packetNumber: 1, packetNumberLength: 1, spinBit: false, keyPhase: true, fixedBit: false });
    writer.zeros(20);
    const header = readPacketHeader(writer.toBytes(), 0, 8);
    expect(fixedBit(header.firstByte)).toBe(false);
    expect(keyPhaseBit(header.firstByte)).toBe(true);
  });
});

describe("versions and Version Negotiation (RFC 8999, RFC 9000 §15, §17.2.1)", () => {
  it("knows v1 and v2 and the reserved 0x?a?a?a?a pattern", () => {
    expect(SUPPORTED_VERSIONS).toEqual([QUIC_V1, QUIC_V2]);
    expect(isSupportedVersion(QUIC_V2)).toBe(true);
    expect(isSupportedVersion(0xff00001d)).toBe(false);
    expect(isReservedVersion(0x1a2a3a4a)).toBe(true);
    expect(isReservedVersion(0xfafafafa)).toBe(true);
    expect(isReservedVersion(QUIC_V1)).toBe(false);
  });

  it("writes and reads a Version Negotiation packet", () => {
    const writer = new Writer();
    writeVersionNegotiation(writer, { dcid: serverScid, scid: clientDcid, supportedVersions: [QUIC_V2, QUIC_V1, 0x0a0a0a0a] });
    expect(toHex(writer.view())).toBe("c000000000" + "08f067a5502a4262b5" + "088394c8f03e515708" + "6b3343cf" + "00000001" + "0a0a0a0a");
    expect(readPacketHeader(writer.view(), 0, 8)).toEqual({
      packetType: "version_negotiation",
      firstByte: 0xc0,
      version: 0,
      dcid: serverScid,
      scid: clientDcid,
      supportedVersions: [QUIC_V2, QUIC_V1, 0x0a0a0a0a],
      packetStart: 0,
      packetEnd: writer.length,
    });
  });

  it("ignores a Version Negotiation packet without versions or with a truncated one (RFC 8999 §6)", () => {
    for (const tail of ["", "000000"]) {
      const error = wireError(() => readPacketHeader(fromHex("8000000000" + "00" + "00" + tail), 0, 0));
      expect(error.transportCode).toBe(TransportError.PROTOCOL_VIOLATION);
    }
  });

  it("reads the invariant header of an unknown version with 255-byte connection IDs", () => {
    const dcid = new Uint8Array(255).fill(1);
    const scid = new Uint8Array(200).fill(2);
    const datagram = concatBytes(fromHex("c51a2a3a4a"), Uint8Array.of(255), dcid, Uint8Array.of(200), scid, utf8("whatever"));
    expect(readInvariantHeader(datagram, 0, 8)).toEqual({ form: "long", firstByte: 0xc5, version: 0x1a2a3a4a, dcid, scid });
    const error = wireError(() => readPacketHeader(datagram, 0, 8));
    expect(error.message).toContain("1a2a3a4a");
    expect(readInvariantHeader(fromHex("4011223344aabb"), 0, 4)).toEqual({ form: "short", firstByte: 0x40, dcid: fromHex("11223344") });
  });

  it("drops a v1 long header with a 21-byte connection ID (RFC 9000 §17.2)", () => {
    const datagram = concatBytes(fromHex("c000000001"), Uint8Array.of(21), new Uint8Array(21), fromHex("00" + "00" + "01" + "00"));
    expect(wireError(() => readPacketHeader(datagram, 0, 8)).transportCode).toBe(TransportError.PROTOCOL_VIOLATION);
  });

  it("rejects a Length running past the datagram, and a Retry too short for its tag", () => {
    const writer = new Writer();
    const layout = writeLongHeader(writer, { packetType: "handshake", version: QUIC_V1, dcid: clientDcid, scid: serverScid, packetNumber: 0, packetNumberLength: 1 });
    writer.zeros(10);
    writePacketLength(writer.buffer, layout, writer.offset + 1);
    wireError(() => readPacketHeader(writer.view(), 0, 8));
    wireError(() => readPacketHeader(fromHex(v1Retry).subarray(0, 30), 0, 8));
  });
});

describe("packet header properties", () => {
  const version = fc.constantFrom(QUIC_V1, QUIC_V2);
  const pnLength = fc.constantFrom<PacketNumberLength>(1, 2, 3, 4);
  const longHeader = fc.record({
    packetType: fc.constantFrom<ProtectedLongPacketType>("initial", "0RTT", "handshake"),
    version,
    dcid: connectionId,
    scid: connectionId,
    token: bytes(0, 40),
    packetNumber: fc.nat(2 ** 31 - 1),
    packetNumberLength: pnLength,
    fixedBit: fc.boolean(),
  });

  it("long headers of both versions read back as written, Length and all", () => {
    fc.assert(
      fc.property(longHeader, fc.integer({ min: 1, max: 300 }), (fields, payloadLength) => {
        const token = fields.packetType === "initial" ? fields.token : new Uint8Array(0);
        const writer = new Writer();
        const layout = writeLongHeader(writer, { ...fields, token });
        writer.zeros(payloadLength);
        writePacketLength(writer.buffer, layout, writer.offset);
        writer.bytes(utf8("next packet"));
        const header = readPacketHeader(writer.view(), 0, 8);
        expect(header).toEqual({
          packetType: fields.packetType,
          firstByte: writer.buffer[0],
          version: fields.version,
          dcid: fields.dcid,
          scid: fields.scid,
          token,
          packetStart: 0,
          packetNumberOffset: layout.packetNumberOffset,
          packetEnd: writer.length - "next packet".length,
        });
        expect(fixedBit(header.firstByte)).toBe(fields.fixedBit);
        expect((header.firstByte & 0x03) + 1).toBe(fields.packetNumberLength);
        const pn = writer.buffer.subarray(layout.packetNumberOffset, layout.packetNumberOffset + fields.packetNumberLength);
        expect(pn.reduce((value, byte) => value * 256 + byte, 0)).toBe(fields.packetNumber % 2 ** (8 * fields.packetNumberLength));
      }),
    );
  });

  it("short headers, Retry and Version Negotiation packets read back as written", () => {
    const short = fc.record({ dcid: connectionId, packetNumber: fc.nat(), packetNumberLength: pnLength, spinBit: fc.boolean(), keyPhase: fc.boolean() });
    fc.assert(
      fc.property(short, (fields) => {
        const writer = new Writer();
        const pnOffset = writeShortHeader(writer, fields);
        writer.zeros(fields.packetNumberLength);
        const header = readPacketHeader(writer.view(), 0, fields.dcid.length);
        expect(header).toMatchObject({ packetType: "1RTT", dcid: fields.dcid, packetNumberOffset: pnOffset, packetEnd: writer.length });
        expect(spinBit(header.firstByte)).toBe(fields.spinBit);
        expect(keyPhaseBit(header.firstByte)).toBe(fields.keyPhase);
      }),
    );
    const retry = fc.record({ version, dcid: connectionId, scid: connectionId, token: bytes(0, 40), unusedBits: fc.nat(15), tag: bytes(16, 16) });
    fc.assert(
      fc.property(retry, ({ tag, ...fields }) => {
        const writer = new Writer();
        writeRetry(writer, fields);
        writer.bytes(tag);
        expect(readPacketHeader(writer.view(), 0, 8)).toMatchObject({ packetType: "retry", version: fields.version, dcid: fields.dcid, scid: fields.scid, token: fields.token, integrityTag: tag });
      }),
    );
    const vn = fc.record({ dcid: bytes(0, 255), scid: bytes(0, 255), supportedVersions: fc.array(fc.nat({ max: 0xffffffff }), { minLength: 1, maxLength: 8 }), unusedBits: fc.nat(0x7f) });
    fc.assert(
      fc.property(vn, (fields) => {
        const writer = new Writer();
        writeVersionNegotiation(writer, fields);
        expect(readPacketHeader(writer.view(), 0, 8)).toMatchObject({ packetType: "version_negotiation", dcid: fields.dcid, scid: fields.scid, supportedVersions: fields.supportedVersions });
      }),
    );
  });

  function readsOrFailsCleanly(datagram: Uint8Array, dcidLength: number): void {
    for (const read of [() => readPacketHeader(datagram, 0, dcidLength), () => readInvariantHeader(datagram, 0, dcidLength)]) {
      try {
        const header = read();
        if ("packetEnd" in header) expect(header.packetEnd).toBeLessThanOrEqual(datagram.length);
      } catch (error) {
        expect(error).toBeInstanceOf(WireError);
      }
    }
  }

  it("random and mutated datagrams give a header or a WireError", () => {
    const datagram = fc.oneof(fc.uint8Array({ maxLength: 80 }), fc.noBias(fc.uint8Array({ maxLength: 80 })));
    fc.assert(fc.property(datagram, fc.nat(20), readsOrFailsCleanly), { numRuns: 500 });
    const validPacket = fc.oneof(
      longHeader.map((fields) => {
        const writer = new Writer();
        const layout = writeLongHeader(writer, { ...fields, token: fields.packetType === "initial" ? fields.token : undefined });
        writer.zeros(20);
        writePacketLength(writer.buffer, layout, writer.offset);
        return writer.toBytes();
      }),
      fc.constantFrom(fromHex(v1Retry), fromHex(v2Retry), fromHex(v1ServerInitialPacket)),
    );
    fc.assert(fc.property(validPacket.chain(mutated), fc.nat(20), readsOrFailsCleanly));
  });
});
