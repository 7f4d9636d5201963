import { toHex, type Frame, type TransportParameters } from "@zquic/wire";
import type { CloseReason } from "./close.js";
import type { PacketKind } from "./connection.js";
import type { Role } from "./streams/stream-id.js";

/**
 * Receives one JSON-SEQ record at a time (RFC 7464: a Record Separator, the
 * JSON text, a line feed), ready to append to a `.sqlog` file.
 */
export type QlogSink = (record: string) => void;

/** The event schema of the quic events draft this writer follows (draft-ietf-quic-qlog-quic-events-13). */
const QUIC_EVENT_SCHEMA = "urn:ietf:params:qlog:events:quic-13";
const RECORD_SEPARATOR = "\u001e";

/** A qlog frame (draft-ietf-quic-qlog-quic-events §8): snake_case fields, byte fields as lengths or hex. */
type QlogFrame = Record<string, unknown> & { frame_type: string };

/** draft-ietf-quic-qlog-quic-events §8.13: each frame as qlog spells it. */
export function qlogFrame(frame: Frame): QlogFrame {
  switch (frame.type) {
    case "padding":
      return { frame_type: "padding", raw: { payload_length: frame.length } };
    case "ack":
      return {
        frame_type: "ack",
        ack_delay: frame.ackDelay,
        acked_ranges: frame.ranges.map((r) => (r.smallest === r.largest ? [r.smallest] : [r.smallest, r.largest])).reverse(),
        ...(frame.ecn ? { ect0: frame.ecn.ect0, ect1: frame.ecn.ect1, ce: frame.ecn.ce } : {}),
      };
    case "reset_stream":
      return { frame_type: "reset_stream", stream_id: frame.streamId, error_code: frame.errorCode, final_size: frame.finalSize };
    case "stop_sending":
      return { frame_type: "stop_sending", stream_id: frame.streamId, error_code: frame.errorCode };
    case "crypto":
      return { frame_type: "crypto", offset: frame.offset, length: frame.data.length };
    case "new_token":
      return { frame_type: "new_token", token: { raw: { length: frame.token.length } } };
    case "stream":
      return { frame_type: "stream", stream_id: frame.streamId, offset: frame.offset, length: frame.data.length, fin: frame.fin };
    case "max_data":
      return { frame_type: "max_data", maximum: frame.maximum };
    case "max_stream_data":
      return { frame_type: "max_stream_data", stream_id: frame.streamId, maximum: frame.maximum };
    case "max_streams":
      return { frame_type: "max_streams", stream_type: frame.bidirectional ? "bidirectional" : "unidirectional", maximum: frame.maximum };
    case "data_blocked":
      return { frame_type: "data_blocked", limit: frame.limit };
    case "stream_data_blocked":
      return { frame_type: "stream_data_blocked", stream_id: frame.streamId, limit: frame.limit };
    case "streams_blocked":
      return { frame_type: "streams_blocked", stream_type: frame.bidirectional ? "bidirectional" : "unidirectional", limit: frame.limit };
    case "new_connection_id":
      return {
        frame_type: "new_connection_id",
        sequence_number: frame.sequenceNumber,
        retire_prior_to: frame.retirePriorTo,
        connection_id_length: frame.connectionId.length,
        connection_id: toHex(frame.connectionId),
        stateless_reset_token: toHex(frame.statelessResetToken),
      };
    case "retire_connection_id":
      return { frame_type: "retire_connection_id", sequence_number: frame.sequenceNumber };
    case "path_challenge":
      return { frame_type: "path_challenge", data: toHex(frame.data) };
    case "path_response":
      return { frame_type: "path_response", data: toHex(frame.data) };
    case "connection_close":
      return {
        frame_type: "connection_close",
        error_space: frame.application ? "application" : "transport",
        error_code: frame.errorCode,
        reason_bytes: toHex(frame.reason),
        ...(frame.frameType !== undefined ? { trigger_frame_type: frame.frameType } : {}),
      };
    case "datagram":
      return { frame_type: "datagram", length: frame.data.length };
    case "ping":
    case "handshake_done":
      return { frame_type: frame.type };
  }
}

/** What a packet_sent / packet_received event says about one packet. */
export interface QlogPacket {
  readonly kind: PacketKind;
  readonly pn: number;
  readonly size: number;
  readonly frames?: readonly QlogFrame[];
  readonly isMtuProbe?: boolean;
}

/** The congestion and RTT figures of recovery_metrics_updated (draft §7.2), in ms and bytes. */
export interface QlogMetrics {
  readonly min_rtt: number;
  readonly smoothed_rtt: number;
  readonly latest_rtt: number;
  readonly rtt_variance: number;
  readonly pto_count: number;
  readonly congestion_window: number;
  readonly bytes_in_flight: number;
  readonly ssthresh: number;
}

/**
 * A qlog trace of one connection (draft-ietf-quic-qlog-main-schema-14 §5,
 * draft-ietf-quic-qlog-quic-events-13), written as JSON-SEQ through a sink.
 * Times are the connection's monotonic `now` in ms (clock_type "monotonic").
 */
export class QlogTrace {
  private lastMetrics: QlogMetrics | undefined;

  constructor(
    private readonly sink: QlogSink,
    role: Role,
    /** The original Destination Connection ID: the trace's group_id, as tools expect. */
    odcid: Uint8Array,
  ) {
    this.write({
      file_schema: "urn:ietf:params:qlog:file:sequential",
      serialization_format: "application/qlog+json-seq",
      title: `zquic ${role}`,
      trace: {
        common_fields: {
          group_id: toHex(odcid),
          time_format: "relative_to_epoch",
          reference_time: { clock_type: "monotonic", epoch: "unknown" },
        },
        vantage_point: { name: "zquic", type: role },
        event_schemas: [QUIC_EVENT_SCHEMA],
      },
    });
  }

  private write(record: unknown): void {
    this.sink(`${RECORD_SEPARATOR}${JSON.stringify(record)}\n`);
  }

  private event(time: number, name: string, data: Record<string, unknown>): void {
    this.write({ time, name: `quic:${name}`, data });
  }

  /** draft §5.1: the versions each side offered and the one chosen (none when nothing overlaps). */
  versionInformation(time: number, versions: { readonly client: readonly number[]; readonly server: readonly number[]; readonly chosen?: number }): void {
    const hex = (version: number) => (version >>> 0).toString(16).padStart(8, "0");
    this.event(time, "version_information", {
      client_versions: versions.client.map(hex),
      server_versions: versions.server.map(hex),
      ...(versions.chosen !== undefined ? { chosen_version: hex(versions.chosen) } : {}),
    });
  }

  packetSent(time: number, packet: QlogPacket): void {
    this.event(time, "packet_sent", {
      header: { packet_type: packet.kind, packet_number: packet.pn },
      raw: { length: packet.size },
      ...(packet.frames ? { frames: packet.frames } : {}),
      ...(packet.isMtuProbe ? { is_mtu_probe_packet: true } : {}),
    });
  }

  packetReceived(time: number, packet: QlogPacket): void {
    this.event(time, "packet_received", {
      header: { packet_type: packet.kind, packet_number: packet.pn },
      raw: { length: packet.size },
      ...(packet.frames ? { frames: packet.frames } : {}),
    });
  }

  /** draft §5.7: why a packet was dropped. */
  packetDropped(time: number, kind: PacketKind | "unknown", size: number, trigger: "key_unavailable" | "decryption_failure" | "duplicate" | "header_parse_error" | "unsupported"): void {
    this.event(time, "packet_dropped", { header: { packet_type: kind }, raw: { length: size }, trigger });
  }

  packetLost(time: number, kind: PacketKind, pn: number): void {
    this.event(time, "packet_lost", { header: { packet_type: kind, packet_number: pn } });
  }

  /** draft §7.2: only the fields that changed since the last event. */
  metricsUpdated(time: number, metrics: QlogMetrics): void {
    const previous = this.lastMetrics;
    const changed: Record<string, number> = {};
    for (const [key, value] of Object.entries(metrics) as [keyof QlogMetrics, number][]) {
      if (previous === undefined || previous[key] !== value) changed[key] = value;
    }
    this.lastMetrics = metrics;
    if (Object.keys(changed).length > 0) this.event(time, "recovery_metrics_updated", changed);
  }

  keyUpdated(time: number, keyType: string, trigger: "tls" | "remote_update" | "local_update", keyPhase?: number): void {
    this.event(time, "key_updated", { key_type: keyType, trigger, ...(keyPhase !== undefined ? { key_phase: keyPhase } : {}) });
  }

  stateUpdated(time: number, state: "handshake_complete" | "handshake_confirmed" | "closing" | "draining" | "closed"): void {
    this.event(time, "connection_state_updated", { new: state });
  }

  parametersSet(time: number, owner: "local" | "remote", params: Partial<TransportParameters>): void {
    const data: Record<string, unknown> = { owner };
    for (const [key, value] of Object.entries(params)) {
      if (value === undefined) continue;
      data[key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)] = value instanceof Uint8Array ? toHex(value) : value;
    }
    this.event(time, "parameters_set", data);
  }

  connectionClosed(time: number, reason: CloseReason): void {
    this.event(time, "connection_closed", {
      owner: reason.initiator === "remote" ? "remote" : "local",
      ...(reason.application ? { application_code: reason.code } : { connection_code: reason.code }),
      reason: reason.reason,
      trigger: reason.initiator === "idle" ? "idle_timeout" : reason.initiator === "stateless_reset" ? "stateless_reset" : reason.initiator === "version_negotiation" ? "version_mismatch" : "error",
    });
  }
}
