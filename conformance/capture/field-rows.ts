/**
 * The fast path of decoding: `tshark -T fields` rows, one per datagram.
 * Building tshark's whole JSON tree costs about 1 ms per datagram, so only
 * datagrams with long-header packets are decoded that way (see decode.ts);
 * every other datagram holds at most one QUIC packet — a short header runs
 * to the end of its datagram (RFC 9000 §17.3) — and these few fields describe it.
 *
 * @module
 */
import type { CapturedDatagram, QuicPacket } from "./packet.js";

/** The fields asked of tshark, in column order. */
export const ROW_FIELDS = [
  "frame.number",
  "frame.time_epoch",
  "ip.src",
  "ip.dst",
  "ipv6.src",
  "ipv6.dst",
  "udp.srcport",
  "udp.dstport",
  "udp.length",
  "ip.dsfield.ecn",
  "ipv6.tclass.ecn",
  "quic.header_form",
  "quic.dcid",
  "quic.packet_length",
  "quic.key_phase",
  "quic.path_challenge.data",
  "quic.path_response.data",
  "quic.ack.ect0_count",
] as const;

type Row = { readonly [F in (typeof ROW_FIELDS)[number]]: readonly string[] };

/** Splits one tab-separated row (occurrences joined by commas) into its fields. */
export function parseRow(line: string): Row {
  const columns = line.split("\t");
  return Object.fromEntries(ROW_FIELDS.map((field, i) => [field, columns[i] === undefined || columns[i] === "" ? [] : columns[i]!.split(",")])) as unknown as Row;
}

/** The one 1-RTT packet of a row, if it has QUIC. */
function shortPacket(row: Row): QuicPacket | undefined {
  if (row["quic.header_form"].length === 0) return undefined;
  const dcid = row["quic.dcid"][row["quic.dcid"].length - 1];
  const length = Number(row["quic.packet_length"][row["quic.packet_length"].length - 1] ?? 0);
  const keyPhase = row["quic.key_phase"][0];
  return {
    type: "1rtt",
    ...(dcid === undefined ? {} : { dcid }),
    ...(keyPhase === undefined ? {} : { keyPhase: keyPhase === "1" || keyPhase === "True" ? 1 : 0 }),
    // After the first byte and the DCID: packet number and protected payload.
    payloadBytes: Math.max(0, length - 1 - (dcid?.length ?? 0) / 2),
    decryptionFailed: false,
    tlsHandshakeTypes: [],
    cipherSuites: [],
    hasCertificate: false,
    crypto: [],
    pathChallenges: [...row["quic.path_challenge.data"]],
    pathResponses: [...row["quic.path_response.data"]],
    ackEcn: row["quic.ack.ect0_count"].length > 0,
  };
}

/** The datagram of a row without long-header packets; `undefined` when it is not UDP over IP. */
export function datagramFromRow(row: Row): CapturedDatagram | undefined {
  const family = row["ipv6.src"].length > 0 ? 6 : 4;
  const source = row[family === 6 ? "ipv6.src" : "ip.src"][0];
  const destination = row[family === 6 ? "ipv6.dst" : "ip.dst"][0];
  const length = row["udp.length"][0];
  if (source === undefined || destination === undefined || length === undefined) return undefined;
  const packet = shortPacket(row);
  return {
    number: Number(row["frame.number"][0]),
    time: Number(row["frame.time_epoch"][0]),
    family,
    source: { address: source, port: Number(row["udp.srcport"][0]) },
    destination: { address: destination, port: Number(row["udp.dstport"][0]) },
    size: Number(length) - 8,
    ecn: Number(row[family === 6 ? "ipv6.tclass.ecn" : "ip.dsfield.ecn"][0] ?? 0),
    packets: packet === undefined ? [] : [packet],
  };
}
