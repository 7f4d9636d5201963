/**
 * Decoded datagrams, reduced to the facts the interop runner's checks use.
 * A {@link CapturedDatagram} is one UDP datagram of the capture; its
 * {@link QuicPacket}s are the (possibly coalesced) QUIC packets inside.
 *
 * @module
 */
import type { SocketAddress } from "../relay/address.js";
import { all, byteCount, first, flattenFields, hex, numeric, type Fields } from "./fields.js";

/** QUIC packet types, by the names of RFC 9000 §17. */
export type PacketType = "initial" | "0rtt" | "handshake" | "retry" | "1rtt" | "version-negotiation" | "unknown";

/** Long-header type numbers: QUIC v1 (RFC 9000 §17.2) and v2 (RFC 9369 §3.2), as Wireshark reports them. */
const LONG_TYPES_V1: readonly PacketType[] = ["initial", "0rtt", "handshake", "retry"];
const LONG_TYPES_V2: readonly PacketType[] = ["retry", "initial", "0rtt", "handshake"];

/** One CRYPTO frame's range in its packet number space. */
export interface CryptoRange {
  readonly offset: number;
  readonly length: number;
}

/** One QUIC packet, as far as tshark could decode (and decrypt) it. */
export interface QuicPacket {
  readonly type: PacketType;
  /** Long header only. */
  readonly version?: number;
  /** Connection IDs as lowercase hex. */
  readonly dcid?: string;
  readonly scid?: string;
  readonly packetNumber?: number;
  /** Initial only: the Token field (hex) and its length. */
  readonly tokenLength?: number;
  readonly token?: string;
  /** Retry only: the Retry Token (hex). */
  readonly retryToken?: string;
  /** Short header only: the Key Phase bit. */
  readonly keyPhase?: 0 | 1;
  /** Payload bytes: a long header's (decrypted) payload as the runner counts it; a short header's packet after its DCID. */
  readonly payloadBytes: number;
  readonly decryptionFailed: boolean;
  /** TLS handshake message types carried in CRYPTO frames (1 ClientHello, 2 ServerHello, 11 Certificate …). */
  readonly tlsHandshakeTypes: readonly number[];
  /** Cipher suites named in TLS messages (offered in a ClientHello, chosen in a ServerHello), e.g. `0x1303`. */
  readonly cipherSuites: readonly string[];
  /** A TLS Certificate message with certificates is in this packet. */
  readonly hasCertificate: boolean;
  readonly crypto: readonly CryptoRange[];
  /** The server's initial_max_streams_bidi transport parameter, when this packet carries it. */
  readonly initialMaxStreamsBidi?: number;
  /** PATH_CHALLENGE / PATH_RESPONSE data (hex). */
  readonly pathChallenges: readonly string[];
  readonly pathResponses: readonly string[];
  /** An ACK frame with ECN counts (ACK_ECN, type 0x03) is in this packet. */
  readonly ackEcn: boolean;
}

/** One UDP datagram of the capture. */
export interface CapturedDatagram {
  /** Frame number in the capture, from 1. */
  readonly number: number;
  /** Capture time, seconds since the epoch. */
  readonly time: number;
  readonly family: 4 | 6;
  readonly source: SocketAddress;
  readonly destination: SocketAddress;
  /** UDP payload bytes. */
  readonly size: number;
  /** The IP header's ECN field: 0 Not-ECT, 1 ECT(1), 2 ECT(0), 3 CE. */
  readonly ecn: number;
  readonly packets: readonly QuicPacket[];
}

function packetType(fields: Fields): PacketType {
  if (first(fields, "quic.header_form") === "0") return "1rtt";
  if (numeric(first(fields, "quic.version")) === 0) return "version-negotiation";
  const v2 = numeric(first(fields, "quic.long.packet_type_v2"));
  if (v2 !== undefined) return LONG_TYPES_V2[v2] ?? "unknown";
  const v1 = numeric(first(fields, "quic.long.packet_type"));
  return v1 === undefined ? "unknown" : (LONG_TYPES_V1[v1] ?? "unknown");
}

function keyPhase(fields: Fields): 0 | 1 | undefined {
  const bit = first(fields, "quic.key_phase");
  // Wireshark versions print the bit as "1" or "True".
  return bit === undefined ? undefined : bit === "1" || bit === "True" ? 1 : 0;
}

function payloadBytes(fields: Fields, type: PacketType): number {
  // A short header is the first byte and the DCID; what follows is counted as in field-rows.ts.
  if (type === "1rtt") return Math.max(0, (numeric(first(fields, "quic.packet_length")) ?? 0) - 1 - byteCount(first(fields, "quic.dcid")));
  return byteCount(first(fields, "quic.payload") ?? first(fields, "quic.remaining_payload"));
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

/** The facts of one QUIC packet from its tshark layer. */
export function quicPacketFrom(layer: unknown): QuicPacket {
  const fields = flattenFields(layer);
  const type = packetType(fields);
  const offsets = all(fields, "quic.crypto.offset");
  const lengths = all(fields, "quic.crypto.length");
  return {
    type,
    ...optional("version", type === "1rtt" ? undefined : numeric(first(fields, "quic.version"))),
    ...optional("dcid", hex(first(fields, "quic.dcid"))),
    ...optional("scid", hex(first(fields, "quic.scid"))),
    ...optional("packetNumber", numeric(first(fields, "quic.packet_number"))),
    ...optional("tokenLength", numeric(first(fields, "quic.token_length"))),
    ...optional("token", hex(first(fields, "quic.token"))),
    ...optional("retryToken", hex(first(fields, "quic.retry_token"))),
    ...optional("keyPhase", keyPhase(fields)),
    payloadBytes: payloadBytes(fields, type),
    decryptionFailed: fields.has("quic.decryption_failed"),
    tlsHandshakeTypes: all(fields, "tls.handshake.type").map(Number),
    cipherSuites: [...all(fields, "tls.handshake.ciphersuite")],
    hasCertificate: fields.has("tls.handshake.certificates_length"),
    crypto: offsets.map((offset, i) => ({ offset: Number(offset), length: Number(lengths[i] ?? 0) })),
    ...optional("initialMaxStreamsBidi", numeric(first(fields, "tls.quic.parameter.initial_max_streams_bidi"))),
    pathChallenges: all(fields, "quic.path_challenge.data").map((data) => hex(data)!),
    pathResponses: all(fields, "quic.path_response.data").map((data) => hex(data)!),
    ackEcn: fields.has("quic.ack.ect0_count"),
  };
}

type Layers = Readonly<Record<string, unknown>>;

function layerFields(layers: Layers, name: string): Fields {
  return flattenFields(layers[name] ?? {});
}

/** The datagram of one tshark JSON frame (`_source.layers`), or `undefined` when it is not UDP over IP. */
export function datagramFrom(layers: Layers): CapturedDatagram | undefined {
  const frame = layerFields(layers, "frame");
  const udp = layerFields(layers, "udp");
  const family = layers.ipv6 === undefined ? 4 : 6;
  const ip = layerFields(layers, family === 6 ? "ipv6" : "ip");
  const prefix = family === 6 ? "ipv6" : "ip";
  const length = numeric(first(udp, "udp.length"));
  const source = first(ip, `${prefix}.src`);
  const destination = first(ip, `${prefix}.dst`);
  if (length === undefined || source === undefined || destination === undefined) return undefined;
  const quic = layers.quic;
  return {
    number: Number(first(frame, "frame.number")),
    time: Number(first(frame, "frame.time_epoch")),
    family,
    source: { address: source, port: Number(first(udp, "udp.srcport")) },
    destination: { address: destination, port: Number(first(udp, "udp.dstport")) },
    size: length - 8,
    ecn: numeric(first(ip, family === 6 ? "ipv6.tclass.ecn" : "ip.dsfield.ecn")) ?? 0,
    packets: (quic === undefined ? [] : Array.isArray(quic) ? quic : [quic]).map(quicPacketFrom),
  };
}
