/**
 * RFC 9000 §18: transport parameters, with version_information (RFC 9368 §3),
 * max_datagram_frame_size (RFC 9221 §3) and grease_quic_bit (RFC 9287 §3).
 *
 * @module
 */
import { TransportError, WireError, ZquicError } from "./errors.js";
import { MAX_CONNECTION_ID_LENGTH, MAX_STREAM_COUNT, STATELESS_RESET_TOKEN_LENGTH } from "./limits.js";
import { Reader } from "./reader.js";
import { Writer } from "./writer.js";

/** RFC 9000 §18.2 Figure 22: the server's preferred address, with the connection ID of sequence number 1. */
export interface PreferredAddress {
  /** 4 bytes, network order; all zero with port 0 when the server offers no IPv4 address. */
  readonly ipv4Address: Uint8Array;
  readonly ipv4Port: number;
  /** 16 bytes, network order; all zero with port 0 when the server offers no IPv6 address. */
  readonly ipv6Address: Uint8Array;
  readonly ipv6Port: number;
  /** 1 to 20 bytes. */
  readonly connectionId: Uint8Array;
  /** 16 bytes. */
  readonly statelessResetToken: Uint8Array;
}

/** RFC 9368 §3: the Chosen Version and the Available Versions. */
export interface VersionInformation {
  readonly chosenVersion: number;
  readonly availableVersions: readonly number[];
}

/**
 * The transport parameters of one endpoint, with the RFC defaults for absent
 * integers and flags; optional fields are `undefined` when absent. Integers
 * above 2^53 − 1 on the wire decode as 2^53 − 1 (they all mean "practically
 * unlimited"). Decoded byte fields are copies.
 */
export interface TransportParameters {
  /** 0x00, server only: the Destination Connection ID of the client's first Initial (RFC 9000 §7.3). */
  readonly originalDestinationConnectionId?: Uint8Array;
  /** 0x01: milliseconds; 0 disables the idle timeout. */
  readonly maxIdleTimeout: number;
  /** 0x02, server only: 16 bytes. */
  readonly statelessResetToken?: Uint8Array;
  /** 0x03: default 65527; values below 1200 are invalid. */
  readonly maxUdpPayloadSize: number;
  /** 0x04 */
  readonly initialMaxData: number;
  /** 0x05 */
  readonly initialMaxStreamDataBidiLocal: number;
  /** 0x06 */
  readonly initialMaxStreamDataBidiRemote: number;
  /** 0x07 */
  readonly initialMaxStreamDataUni: number;
  /** 0x08: at most 2^60. */
  readonly initialMaxStreamsBidi: number;
  /** 0x09: at most 2^60. */
  readonly initialMaxStreamsUni: number;
  /** 0x0a: default 3; values above 20 are invalid. */
  readonly ackDelayExponent: number;
  /** 0x0b: milliseconds, default 25; 2^14 or more is invalid. */
  readonly maxAckDelay: number;
  /** 0x0c */
  readonly disableActiveMigration: boolean;
  /** 0x0d, server only. */
  readonly preferredAddress?: PreferredAddress;
  /** 0x0e: default 2; values below 2 are invalid. */
  readonly activeConnectionIdLimit: number;
  /** 0x0f: the Source Connection ID of the sender's first Initial; required from both sides (RFC 9000 §7.3). */
  readonly initialSourceConnectionId?: Uint8Array;
  /** 0x10, server only: the Source Connection ID of its Retry packet. */
  readonly retrySourceConnectionId?: Uint8Array;
  /** 0x11 (RFC 9368 §3). */
  readonly versionInformation?: VersionInformation;
  /** 0x20 (RFC 9221 §3): 0 means DATAGRAM frames are not supported. */
  readonly maxDatagramFrameSize: number;
  /** 0x2ab2 (RFC 9287 §3): the sender accepts packets with the QUIC Bit cleared. */
  readonly greaseQuicBit: boolean;
}

/** RFC 9000 §18.2 (and RFC 9221, RFC 9287): the values that apply when a parameter is absent. */
export const DEFAULT_TRANSPORT_PARAMETERS: TransportParameters = Object.freeze({
  maxIdleTimeout: 0,
  maxUdpPayloadSize: 65527,
  initialMaxData: 0,
  initialMaxStreamDataBidiLocal: 0,
  initialMaxStreamDataBidiRemote: 0,
  initialMaxStreamDataUni: 0,
  initialMaxStreamsBidi: 0,
  initialMaxStreamsUni: 0,
  ackDelayExponent: 3,
  maxAckDelay: 25,
  disableActiveMigration: false,
  activeConnectionIdLimit: 2,
  maxDatagramFrameSize: 0,
  greaseQuicBit: false,
});

/** Which endpoint sent a set of transport parameters. */
export type EndpointRole = "client" | "server";

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
type ParameterKey = keyof TransportParameters;

/** How one transport parameter is read, written and checked. */
interface ParameterCodec {
  readonly id: number;
  readonly key: ParameterKey;
  /** RFC 9000 §18.2: a client MUST NOT send it. */
  readonly serverOnly: boolean;
  /** Reads the value from exactly the parameter's bytes; an invalid one throws TRANSPORT_PARAMETER_ERROR. */
  read(value: Reader): unknown;
  /** True when `value` need not be sent (absent or the default). */
  isDefault(value: unknown): boolean;
  /** Writes `value`; an invalid one throws {@link ZquicError}. */
  write(writer: Writer, value: unknown): void;
}

function invalidReceived(message: string): never {
  throw new WireError(message, TransportError.TRANSPORT_PARAMETER_ERROR);
}

function invalidToSend(message: string): never {
  throw new ZquicError("TRANSPORT_PARAMETER", message);
}

/** Which side of the wire a check runs on, so a problem becomes the right error. */
type Fail = (message: string) => never;

type IntegerKey = { [K in ParameterKey]-?: TransportParameters[K] extends number ? K : never }[ParameterKey];
type BytesKey = "originalDestinationConnectionId" | "initialSourceConnectionId" | "retrySourceConnectionId";
type FlagKey = "disableActiveMigration" | "greaseQuicBit";

/**
 * An integer parameter (RFC 9000 §18.2: a varint filling the value) within
 * `min`..`max`; without `max`, any varint, saturating at 2^53 − 1.
 */
function integer(id: number, key: IntegerKey, min = 0, max?: number): ParameterCodec {
  const check = (value: bigint, fail: Fail): void => {
    if (value < BigInt(min) || (max !== undefined && value > BigInt(max))) {
      fail(`${key} (0x${id.toString(16)}) of ${value} is outside ${min}..${max ?? "2^62-1"}`);
    }
  };
  return {
    id,
    key,
    serverOnly: false,
    read: (reader) => {
      const value = reader.varintBig();
      check(value, invalidReceived);
      return value > MAX_SAFE ? Number.MAX_SAFE_INTEGER : Number(value);
    },
    isDefault: (value) => value === DEFAULT_TRANSPORT_PARAMETERS[key],
    write: (writer, value) => {
      if (!Number.isSafeInteger(value) || (value as number) < 0) invalidToSend(`${key} must be a non-negative safe integer, not ${String(value)}`);
      check(BigInt(value as number), invalidToSend);
      writer.varint(value as number);
    },
  };
}

/** A parameter whose value is a connection ID of 0–20 bytes. */
function connectionId(id: number, key: BytesKey, serverOnly: boolean): ParameterCodec {
  const check = (length: number, fail: Fail): void => {
    if (length > MAX_CONNECTION_ID_LENGTH) fail(`${key} (0x${id.toString(16)}) of ${length} bytes exceeds ${MAX_CONNECTION_ID_LENGTH}`);
  };
  return {
    id,
    key,
    serverOnly,
    read: (reader) => {
      check(reader.remaining, invalidReceived);
      return reader.bytesCopy(reader.remaining);
    },
    isDefault: (value) => value === undefined,
    write: (writer, value) => {
      check((value as Uint8Array).length, invalidToSend);
      writer.bytes(value as Uint8Array);
    },
  };
}

/** A parameter that is present or not and carries no value. */
function flag(id: number, key: FlagKey): ParameterCodec {
  return {
    id,
    key,
    serverOnly: false,
    read: (reader) => {
      // RFC 9000 §18.2, RFC 9287 §3: the value is empty.
      if (!reader.done) invalidReceived(`${key} (0x${id.toString(16)}) must be empty`);
      return true;
    },
    isDefault: (value) => value !== true,
    write: () => {},
  };
}

function readFixed(reader: Reader, length: number, what: string): Uint8Array {
  if (reader.remaining < length) invalidReceived(`${what} needs ${length} bytes`);
  return reader.bytesCopy(length);
}

function writeFixed(writer: Writer, bytes: Uint8Array, length: number, what: string): void {
  if (bytes.length !== length) invalidToSend(`${what} must be ${length} bytes, not ${bytes.length}`);
  writer.bytes(bytes);
}

const statelessResetToken: ParameterCodec = {
  id: 0x02,
  key: "statelessResetToken",
  serverOnly: true,
  read: (reader) => readFixed(reader, STATELESS_RESET_TOKEN_LENGTH, "stateless_reset_token"),
  isDefault: (value) => value === undefined,
  write: (writer, value) => writeFixed(writer, value as Uint8Array, STATELESS_RESET_TOKEN_LENGTH, "stateless_reset_token"),
};

/** RFC 9000 §18.2: a preferred address's connection ID is 1..20 bytes (a zero-length one is an error). */
function checkPreferredConnectionId(length: number, fail: Fail): void {
  if (length < 1 || length > MAX_CONNECTION_ID_LENGTH) fail(`preferred_address connection ID of ${length} bytes is outside 1..${MAX_CONNECTION_ID_LENGTH}`);
}

const preferredAddress: ParameterCodec = {
  id: 0x0d,
  key: "preferredAddress",
  serverOnly: true,
  read: (reader): PreferredAddress => {
    const ipv4Address = readFixed(reader, 4, "preferred_address IPv4 address");
    const ipv4Port = reader.u16();
    const ipv6Address = readFixed(reader, 16, "preferred_address IPv6 address");
    const ipv6Port = reader.u16();
    const cidLength = reader.u8();
    checkPreferredConnectionId(cidLength, invalidReceived);
    const connectionId = readFixed(reader, cidLength, "preferred_address connection ID");
    const token = readFixed(reader, STATELESS_RESET_TOKEN_LENGTH, "preferred_address stateless reset token");
    return { ipv4Address, ipv4Port, ipv6Address, ipv6Port, connectionId, statelessResetToken: token };
  },
  isDefault: (value) => value === undefined,
  write: (writer, value) => {
    const address = value as PreferredAddress;
    checkPreferredConnectionId(address.connectionId.length, invalidToSend);
    writeFixed(writer, address.ipv4Address, 4, "preferred_address IPv4 address");
    writer.u16(address.ipv4Port);
    writeFixed(writer, address.ipv6Address, 16, "preferred_address IPv6 address");
    writer.u16(address.ipv6Port);
    writer.prefixedBytes(1, address.connectionId);
    writeFixed(writer, address.statelessResetToken, STATELESS_RESET_TOKEN_LENGTH, "preferred_address stateless reset token");
  },
};

/** RFC 9368 §4: version 0 in either field is a parsing failure. */
function checkVersionInformation(info: VersionInformation, fail: Fail): void {
  if (info.chosenVersion === 0 || info.availableVersions.includes(0)) fail("version_information must not contain version 0");
}

const versionInformation: ParameterCodec = {
  id: 0x11,
  key: "versionInformation",
  serverOnly: false,
  read: (reader): VersionInformation => {
    // RFC 9368 §4: too short, or a length not divisible by four, is a parsing failure.
    if (reader.remaining < 4 || reader.remaining % 4 !== 0) invalidReceived(`version_information of ${reader.remaining} bytes`);
    const chosenVersion = reader.u32();
    const availableVersions: number[] = [];
    while (!reader.done) availableVersions.push(reader.u32());
    const info = { chosenVersion, availableVersions };
    checkVersionInformation(info, invalidReceived);
    return info;
  },
  isDefault: (value) => value === undefined,
  write: (writer, value) => {
    const info = value as VersionInformation;
    checkVersionInformation(info, invalidToSend);
    writer.u32(info.chosenVersion);
    for (const version of info.availableVersions) writer.u32(version);
  },
};

/** RFC 9000 §18.2: a server that chose a zero-length connection ID MUST NOT send preferred_address. */
function checkPreferredAddressAllowed(params: TransportParameters, fail: Fail): void {
  if (params.preferredAddress !== undefined && params.initialSourceConnectionId?.length === 0) {
    fail("preferred_address needs a server with a non-empty connection ID");
  }
}

/** Every transport parameter this package knows, in identifier order. */
const PARAMETERS: readonly ParameterCodec[] = [
  connectionId(0x00, "originalDestinationConnectionId", true),
  integer(0x01, "maxIdleTimeout"),
  statelessResetToken,
  integer(0x03, "maxUdpPayloadSize", 1200),
  integer(0x04, "initialMaxData"),
  integer(0x05, "initialMaxStreamDataBidiLocal"),
  integer(0x06, "initialMaxStreamDataBidiRemote"),
  integer(0x07, "initialMaxStreamDataUni"),
  integer(0x08, "initialMaxStreamsBidi", 0, MAX_STREAM_COUNT),
  integer(0x09, "initialMaxStreamsUni", 0, MAX_STREAM_COUNT),
  integer(0x0a, "ackDelayExponent", 0, 20),
  integer(0x0b, "maxAckDelay", 0, 2 ** 14 - 1),
  flag(0x0c, "disableActiveMigration"),
  preferredAddress,
  integer(0x0e, "activeConnectionIdLimit", 2),
  connectionId(0x0f, "initialSourceConnectionId", false),
  connectionId(0x10, "retrySourceConnectionId", true),
  versionInformation,
  integer(0x20, "maxDatagramFrameSize"),
  flag(0x2ab2, "greaseQuicBit"),
];

const parametersById = new Map(PARAMETERS.map((codec) => [codec.id, codec]));

/** RFC 9000 §18.1: identifiers of the form 31 * N + 27 are reserved for greasing. */
export function isReservedTransportParameter(id: number): boolean {
  return id >= 27 && (id - 27) % 31 === 0;
}

/** Options for {@link encodeTransportParameters}. */
export interface EncodeTransportParametersOptions {
  /**
   * When given, adds one reserved parameter (RFC 9000 §18.1) with a random
   * identifier and 0–15 random bytes, drawn from this source of random bytes.
   */
  readonly grease?: (length: number) => Uint8Array;
}

/**
 * RFC 9000 §18: encodes `params`, leaving out integers and flags at their
 * defaults and absent optional fields. Throws {@link ZquicError} for a value
 * §18.2 forbids.
 */
export function encodeTransportParameters(params: TransportParameters, options: EncodeTransportParametersOptions = {}): Uint8Array {
  checkPreferredAddressAllowed(params, invalidToSend);
  const writer = new Writer(128);
  const value = new Writer(64);
  for (const codec of PARAMETERS) {
    const field = params[codec.key];
    if (codec.isDefault(field)) continue;
    codec.write(value.reset(), field);
    writer.varint(codec.id).varintBytes(value.view());
  }
  if (options.grease) {
    const random = options.grease(5);
    const n = ((random[0]! << 24) >>> 0) + ((random[1]! << 16) | (random[2]! << 8) | random[3]!);
    const length = random[4]! & 0x0f;
    writer.varint(31 * n + 27).varintBytes(length > 0 ? options.grease(length) : new Uint8Array(0));
  }
  return writer.toBytes();
}

/**
 * RFC 9000 §18: decodes the transport parameters `senderRole` sent. Unknown
 * (including reserved) parameters are skipped. Throws {@link WireError} with
 * TRANSPORT_PARAMETER_ERROR for malformed encodings, duplicates, values §18.2
 * forbids (preferred_address from a server with a zero-length connection ID
 * among them), server-only parameters from a client, a missing
 * initial_source_connection_id or (from a server) original_destination_connection_id
 * (§7.3), and a client's version_information whose Chosen Version is not
 * among its Available Versions (RFC 9368 §4).
 */
export function decodeTransportParameters(bytes: Uint8Array, senderRole: EndpointRole): TransportParameters {
  const reader = new Reader(bytes, 0, bytes.length, TransportError.TRANSPORT_PARAMETER_ERROR);
  const params: Mutable<TransportParameters> = { ...DEFAULT_TRANSPORT_PARAMETERS };
  const seen = new Set<bigint>();
  while (!reader.done) {
    const id = reader.varintBig();
    const value = reader.sub(reader.varint());
    // RFC 9000 §7.4: a duplicate is a TRANSPORT_PARAMETER_ERROR.
    if (seen.has(id)) invalidReceived(`transport parameter 0x${id.toString(16)} appears twice`);
    seen.add(id);
    const codec = parametersById.get(Number(id));
    // RFC 9000 §7.4.2: unknown parameters, reserved ones among them (§18.1), are ignored.
    if (codec === undefined) continue;
    if (codec.serverOnly && senderRole === "client") invalidReceived(`a client sent the server-only parameter 0x${codec.id.toString(16)}`);
    (params as Record<ParameterKey, unknown>)[codec.key] = codec.read(value);
    if (!value.done) invalidReceived(`transport parameter 0x${codec.id.toString(16)} has ${value.remaining} bytes too many`);
  }
  if (params.initialSourceConnectionId === undefined) invalidReceived("initial_source_connection_id is missing");
  if (senderRole === "server" && params.originalDestinationConnectionId === undefined) {
    invalidReceived("the server did not send original_destination_connection_id");
  }
  checkPreferredAddressAllowed(params, invalidReceived);
  const info = params.versionInformation;
  if (senderRole === "client" && info !== undefined && !info.availableVersions.includes(info.chosenVersion)) {
    invalidReceived("the client's Chosen Version is not among its Available Versions");
  }
  return params;
}
