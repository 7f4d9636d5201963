import { describe, expect, it } from "vitest";
import fc from "fast-check";
import {
  DEFAULT_TRANSPORT_PARAMETERS,
  QUIC_V1,
  QUIC_V2,
  Reader,
  TransportError,
  WireError,
  Writer,
  ZquicError,
  decodeTransportParameters,
  encodeTransportParameters,
  fromHex,
  isReservedTransportParameter,
  toHex,
  type EndpointRole,
  type TransportParameters,
} from "@zquic/wire";
import { bytes, connectionId, fixedBytes, mutated } from "@zquic/testkit";
import { v1ClientCrypto } from "./rfc-vectors.js";

const iscid = fromHex("0102030405060708");
const clientParams: TransportParameters = { ...DEFAULT_TRANSPORT_PARAMETERS, initialSourceConnectionId: iscid };
const serverParams: TransportParameters = { ...clientParams, originalDestinationConnectionId: fromHex("aabbccdd") };

/** One (id, value) parameter. */
function param(id: number, valueHex: string): string {
  const writer = new Writer();
  writer.varint(id).varintBytes(fromHex(valueHex));
  return toHex(writer.view());
}

/** The encoding of `extraHex` after the parameters a client must send. */
const fromClient = (extraHex: string) => fromHex(param(0x0f, "0102030405060708") + extraHex);
/** The same for a server. */
const fromServer = (extraHex: string) => fromHex(param(0x0f, "0102030405060708") + param(0x00, "aabbccdd") + extraHex);

function transportParameterError(action: () => unknown): void {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(WireError);
    expect((error as WireError).transportCode).toBe(TransportError.TRANSPORT_PARAMETER_ERROR);
    return;
  }
  throw new Error("expected a TRANSPORT_PARAMETER_ERROR, but nothing was thrown");
}

describe("the transport parameters of RFC 9001 Appendix A.2", () => {
  // The quic_transport_parameters extension (0x0039, 50 bytes) of the ClientHello in the client's CRYPTO frame.
  const extension =
    "0408ffffffffffffffff05048000ffff07048000ffff0801100104800075300901100f088394c8f03e51570806048000ffff";

  it("are the last 50 bytes of the client's ClientHello", () => {
    expect(v1ClientCrypto.endsWith("00390032" + extension)).toBe(true);
  });

  it("decode with 2^62 − 1 saturated to 2^53 − 1 and the other values exact", () => {
    const params = decodeTransportParameters(fromHex(extension), "client");
    expect(params).toEqual({
      ...DEFAULT_TRANSPORT_PARAMETERS,
      initialMaxData: Number.MAX_SAFE_INTEGER,
      initialMaxStreamDataBidiLocal: 65535,
      initialMaxStreamDataBidiRemote: 65535,
      initialMaxStreamDataUni: 65535,
      initialMaxStreamsBidi: 16,
      initialMaxStreamsUni: 16,
      maxIdleTimeout: 30000,
      initialSourceConnectionId: fromHex("8394c8f03e515708"),
    });
  });
});

describe("encoding", () => {
  it("leaves out defaults and writes parameters in identifier order", () => {
    expect(toHex(encodeTransportParameters(clientParams))).toBe(param(0x0f, "0102030405060708"));
    const params = { ...clientParams, maxIdleTimeout: 30000, disableActiveMigration: true, greaseQuicBit: true, maxDatagramFrameSize: 65535 };
    expect(toHex(encodeTransportParameters(params))).toBe(
      param(0x01, "80007530") + param(0x0c, "") + param(0x0f, "0102030405060708") + param(0x20, "8000ffff") + param(0x2ab2, ""),
    );
  });

  it("writes the preferred address of Figure 22 and version_information of RFC 9368 §3", () => {
    const params: TransportParameters = {
      ...serverParams,
      preferredAddress: {
        ipv4Address: fromHex("c0000201"),
        ipv4Port: 443,
        ipv6Address: fromHex("20010db8000000000000000000000001"),
        ipv6Port: 4433,
        connectionId: fromHex("cafe"),
        statelessResetToken: fromHex("00112233445566778899aabbccddeeff"),
      },
      versionInformation: { chosenVersion: QUIC_V1, availableVersions: [QUIC_V1, QUIC_V2] },
    };
    const encoded = encodeTransportParameters(params);
    expect(toHex(encoded)).toBe(
      param(0x00, "aabbccdd") +
        param(0x0d, "c0000201" + "01bb" + "20010db8000000000000000000000001" + "1151" + "02cafe" + "00112233445566778899aabbccddeeff") +
        param(0x0f, "0102030405060708") +
        param(0x11, "00000001" + "00000001" + "6b3343cf"),
    );
    expect(decodeTransportParameters(encoded, "server")).toEqual(params);
  });

  it("adds one reserved 31 * N + 27 parameter when asked to grease, which decoding skips", () => {
    let draws = 0;
    const random = (length: number) => Uint8Array.from({ length }, (_, i) => (draws++ * 37 + i * 11) & 0xff);
    const encoded = encodeTransportParameters(clientParams, { grease: random });
    const reader = new Reader(encoded);
    const ids: number[] = [];
    while (!reader.done) {
      ids.push(reader.varint());
      reader.skip(reader.varint());
    }
    expect(ids).toHaveLength(2);
    expect(isReservedTransportParameter(ids[1]!)).toBe(true);
    expect(decodeTransportParameters(encoded, "client")).toEqual(clientParams);
  });

  it("refuses values RFC 9000 §18.2 forbids", () => {
    const bad: Partial<TransportParameters>[] = [
      { maxUdpPayloadSize: 1199 },
      { ackDelayExponent: 21 },
      { maxAckDelay: 2 ** 14 },
      { activeConnectionIdLimit: 1 },
      { initialMaxStreamsBidi: 2 ** 60 + 2 ** 10 },
      { initialMaxData: -1 },
      { initialMaxData: 1.5 },
      { statelessResetToken: new Uint8Array(15) },
      { initialSourceConnectionId: new Uint8Array(21) },
      { versionInformation: { chosenVersion: 0, availableVersions: [] } },
      {
        preferredAddress: {
          ipv4Address: new Uint8Array(4),
          ipv4Port: 0,
          ipv6Address: new Uint8Array(16),
          ipv6Port: 0,
          connectionId: new Uint8Array(0),
          statelessResetToken: new Uint8Array(16),
        },
      },
    ];
    for (const change of bad) expect(() => encodeTransportParameters({ ...serverParams, ...change })).toThrow(ZquicError);
    const preferredAddress = {
      ipv4Address: new Uint8Array(4),
      ipv4Port: 0,
      ipv6Address: new Uint8Array(16),
      ipv6Port: 0,
      connectionId: new Uint8Array(4),
      statelessResetToken: new Uint8Array(16),
    };
    expect(() => encodeTransportParameters({ ...serverParams, preferredAddress })).not.toThrow();
    expect(() => encodeTransportParameters({ ...serverParams, preferredAddress, initialSourceConnectionId: new Uint8Array(0) })).toThrow(ZquicError);
  });
});

describe("decoding rules (RFC 9000 §7.3, §7.4, §18; RFC 9368 §4; RFC 9287 §3)", () => {
  const cases: [string, Uint8Array, EndpointRole][] = [
    ["a duplicate parameter", fromClient(param(0x01, "10") + param(0x01, "10")), "client"],
    ["a duplicate unknown parameter", fromClient(param(0x1b, "") + param(0x1b, "")), "client"],
    ["max_udp_payload_size below 1200", fromClient(param(0x03, "44af")), "client"],
    ["ack_delay_exponent above 20", fromClient(param(0x0a, "15")), "client"],
    ["max_ack_delay of 2^14", fromClient(param(0x0b, "80004000")), "client"],
    ["active_connection_id_limit below 2", fromClient(param(0x0e, "01")), "client"],
    ["initial_max_streams_bidi above 2^60", fromClient(param(0x08, "d000000000000001")), "client"],
    ["initial_max_streams_uni above 2^60", fromClient(param(0x09, "ffffffffffffffff")), "client"],
    ["an integer with trailing bytes", fromClient(param(0x04, "0100")), "client"],
    ["an integer shorter than its varint", fromClient(param(0x04, "40")), "client"],
    ["an empty integer", fromClient(param(0x04, "")), "client"],
    ["original_destination_connection_id from a client", fromClient(param(0x00, "aa")), "client"],
    ["stateless_reset_token from a client", fromClient(param(0x02, "00".repeat(16))), "client"],
    ["preferred_address from a client", fromClient(param(0x0d, "00".repeat(41))), "client"],
    ["retry_source_connection_id from a client", fromClient(param(0x10, "aa")), "client"],
    ["a 15-byte stateless_reset_token", fromServer(param(0x02, "00".repeat(15))), "server"],
    ["a 17-byte stateless_reset_token", fromServer(param(0x02, "00".repeat(17))), "server"],
    ["a 21-byte connection ID", fromServer(param(0x10, "00".repeat(21))), "server"],
    ["disable_active_migration with a value", fromClient(param(0x0c, "00")), "client"],
    ["grease_quic_bit with a value", fromClient(param(0x2ab2, "01")), "client"],
    ["a preferred address with an empty connection ID", fromServer(param(0x0d, "00".repeat(24) + "00" + "00".repeat(16))), "server"],
    ["a preferred address with a 21-byte connection ID", fromServer(param(0x0d, "00".repeat(24) + "15" + "00".repeat(21 + 16))), "server"],
    ["a truncated preferred address", fromServer(param(0x0d, "00".repeat(24) + "04" + "aabbccdd" + "00".repeat(15))), "server"],
    ["a preferred address with trailing bytes", fromServer(param(0x0d, "00".repeat(24) + "01" + "aa" + "00".repeat(17))), "server"],
    ["version_information of 3 bytes", fromClient(param(0x11, "000001")), "client"],
    ["version_information of 6 bytes", fromClient(param(0x11, "000000010000")), "client"],
    ["a Chosen Version of 0", fromServer(param(0x11, "00000000")), "server"],
    ["an Available Version of 0", fromServer(param(0x11, "00000001" + "00000000")), "server"],
    ["a client's Chosen Version missing from its Available Versions", fromClient(param(0x11, "00000001" + "6b3343cf")), "client"],
    ["no initial_source_connection_id", fromHex(param(0x01, "10")), "client"],
    [
      "preferred_address from a server with a zero-length connection ID",
      fromHex(param(0x00, "aa") + param(0x0f, "") + param(0x0d, "00".repeat(24) + "01aa" + "00".repeat(16))),
      "server",
    ],
    ["no original_destination_connection_id from a server", fromClient(""), "server"],
    ["a length past the end", fromClient("0105" + "10"), "client"],
    ["a truncated identifier", fromClient("80"), "client"],
  ];
  for (const [name, encoded, role] of cases) {
    it(`rejects ${name}`, () => transportParameterError(() => decodeTransportParameters(encoded, role)));
  }

  it("accepts the limits themselves and skips unknown and reserved parameters", () => {
    const encoded = fromClient(
      param(0x03, "44b0") + param(0x0a, "14") + param(0x0b, "7fff") + param(0x0e, "02") + param(0x08, "d000000000000000") + param(27, "abcdef") + param(0x7fff, "00"),
    );
    expect(decodeTransportParameters(encoded, "client")).toEqual({
      ...clientParams,
      maxUdpPayloadSize: 1200,
      ackDelayExponent: 20,
      maxAckDelay: 16383,
      activeConnectionIdLimit: 2,
      // 2^60 is allowed, and like every integer above 2^53 − 1 saturates there.
      initialMaxStreamsBidi: Number.MAX_SAFE_INTEGER,
    });
    // A server's Chosen Version need not be among its Available Versions, which may be empty (RFC 9368 §3).
    expect(decodeTransportParameters(fromServer(param(0x11, "00000001")), "server").versionInformation).toEqual({ chosenVersion: 1, availableVersions: [] });
  });

  it("recognises reserved identifiers", () => {
    expect([27, 58, 31 * 1000 + 27].every(isReservedTransportParameter)).toBe(true);
    expect([0, 26, 28, 0x2ab2].some(isReservedTransportParameter)).toBe(false);
  });
});

describe("transport parameter properties", () => {
  const optional = <T>(arbitrary: fc.Arbitrary<T>) => fc.option(arbitrary, { nil: undefined });
  const integer = (max: number) => fc.oneof(fc.nat(63), fc.nat(Math.min(max, 2 ** 30)), fc.integer({ min: 0, max }));
  const params = (role: EndpointRole): fc.Arbitrary<TransportParameters> =>
    fc
      .record({
        originalDestinationConnectionId: role === "server" ? connectionId : fc.constant(undefined),
        maxIdleTimeout: integer(Number.MAX_SAFE_INTEGER),
        statelessResetToken: role === "server" ? optional(fixedBytes(16)) : fc.constant(undefined),
        maxUdpPayloadSize: fc.integer({ min: 1200, max: 65527 }),
        initialMaxData: integer(Number.MAX_SAFE_INTEGER),
        initialMaxStreamDataBidiLocal: integer(Number.MAX_SAFE_INTEGER),
        initialMaxStreamDataBidiRemote: integer(Number.MAX_SAFE_INTEGER),
        initialMaxStreamDataUni: integer(Number.MAX_SAFE_INTEGER),
        initialMaxStreamsBidi: integer(Number.MAX_SAFE_INTEGER),
        initialMaxStreamsUni: integer(Number.MAX_SAFE_INTEGER),
        ackDelayExponent: fc.nat(20),
        maxAckDelay: fc.nat(2 ** 14 - 1),
        disableActiveMigration: fc.boolean(),
        preferredAddress:
          role === "server"
            ? optional(
                fc.record({
                  ipv4Address: fixedBytes(4),
                  ipv4Port: fc.nat(65535),
                  ipv6Address: fixedBytes(16),
                  ipv6Port: fc.nat(65535),
                  connectionId: bytes(1, 20),
                  statelessResetToken: fixedBytes(16),
                }),
              )
            : fc.constant(undefined),
        activeConnectionIdLimit: fc.integer({ min: 2, max: 2 ** 20 }),
        initialSourceConnectionId: connectionId,
        retrySourceConnectionId: role === "server" ? optional(connectionId) : fc.constant(undefined),
        versionInformation: optional(
          fc.array(fc.integer({ min: 1, max: 0xffffffff }), { minLength: 1, maxLength: 5 }).map((versions) => ({ chosenVersion: versions[0]!, availableVersions: versions })),
        ),
        maxDatagramFrameSize: integer(65535),
        greaseQuicBit: fc.boolean(),
      })
      // RFC 9000 §18.2: no preferred address from a server with a zero-length connection ID.
      .map((record) => (record.initialSourceConnectionId.length === 0 ? { ...record, preferredAddress: undefined } : record))
      .map((record) => Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined)) as unknown as TransportParameters);
  const random = fc.uint8Array({ minLength: 64, maxLength: 64 }).map((pool) => (length: number) => pool.slice(0, length));

  for (const role of ["client", "server"] as const) {
    it(`${role} parameters round-trip, with and without greasing`, () => {
      fc.assert(
        fc.property(params(role), fc.option(random, { nil: undefined }), (p, grease) => {
          expect(decodeTransportParameters(encodeTransportParameters(p, { grease }), role)).toEqual(p);
        }),
      );
    });
  }

  function decodesOrFailsCleanly(encoded: Uint8Array): void {
    for (const role of ["client", "server"] as const) {
      try {
        decodeTransportParameters(encoded, role);
      } catch (error) {
        expect(error).toBeInstanceOf(WireError);
        expect((error as WireError).transportCode).toBe(TransportError.TRANSPORT_PARAMETER_ERROR);
      }
    }
  }

  it("random and mutated encodings decode or give TRANSPORT_PARAMETER_ERROR", () => {
    fc.assert(fc.property(fc.oneof(fc.uint8Array({ maxLength: 80 }), fc.noBias(fc.uint8Array({ maxLength: 80 }))), decodesOrFailsCleanly));
    fc.assert(fc.property(params("server").map((p) => encodeTransportParameters(p)).chain(mutated), decodesOrFailsCleanly));
  });
});
