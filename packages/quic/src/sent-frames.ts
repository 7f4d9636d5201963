import type { NewConnectionIdFrame } from "@zquic/wire";
import type { SpaceId } from "./sent-packet.js";

/**
 * What a sent packet carried, as far as acknowledgment or loss matters to the
 * frame's owner (RFC 9000 §13.3: information is retransmitted, not packets).
 * Frames that are never retransmitted (PING, PADDING, DATAGRAM, PATH_*) are
 * not recorded.
 */
export type SentFrame =
  | { readonly kind: "ack"; readonly space: SpaceId; readonly largest: number }
  | { readonly kind: "crypto"; readonly space: SpaceId; readonly offset: number; readonly length: number }
  | { readonly kind: "stream"; readonly streamId: number; readonly offset: number; readonly length: number; readonly fin: boolean }
  | { readonly kind: "reset_stream"; readonly streamId: number }
  | { readonly kind: "stop_sending"; readonly streamId: number }
  | { readonly kind: "max_data"; readonly maximum: number }
  | { readonly kind: "max_stream_data"; readonly streamId: number; readonly maximum: number }
  | { readonly kind: "max_streams"; readonly bidirectional: boolean; readonly maximum: number }
  | { readonly kind: "data_blocked"; readonly limit: number }
  | { readonly kind: "stream_data_blocked"; readonly streamId: number; readonly limit: number }
  | { readonly kind: "streams_blocked"; readonly bidirectional: boolean; readonly limit: number }
  | { readonly kind: "new_connection_id"; readonly frame: NewConnectionIdFrame }
  | { readonly kind: "retire_connection_id"; readonly sequenceNumber: number }
  | { readonly kind: "handshake_done" }
  | { readonly kind: "new_token"; readonly token: Uint8Array }
  | { readonly kind: "mtu_probe"; readonly size: number };

/** What recovery keeps per packet for the connection. */
export interface PacketRecord {
  readonly frames: readonly SentFrame[];
  /** RFC 9001 §6: the key generation of a 1-RTT packet, to know when a key update was acknowledged. */
  readonly keyGeneration: number;
}
