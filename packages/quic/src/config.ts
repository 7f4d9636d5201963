/**
 * Transport configuration: what an application may tune, with defaults chosen
 * for a general-purpose stack. Everything is data; nothing here changes at run time.
 *
 * @module
 */

/** The congestion controllers available (RFC 9002 NewReno, RFC 9438 CUBIC). */
export type CongestionAlgorithm = "newreno" | "cubic";

/** Tunables of one connection. All durations in milliseconds, sizes in bytes. */
export interface TransportConfig {
  /** RFC 9000 §10.1: max_idle_timeout we advertise; 0 disables it. */
  readonly maxIdleTimeout: number;
  /** initial_max_data. */
  readonly initialMaxData: number;
  /** initial_max_stream_data_bidi_local / _remote / _uni. */
  readonly initialMaxStreamDataBidiLocal: number;
  readonly initialMaxStreamDataBidiRemote: number;
  readonly initialMaxStreamDataUni: number;
  /** initial_max_streams_bidi / _uni: how many streams the peer may have open at once. */
  readonly maxStreamsBidi: number;
  readonly maxStreamsUni: number;
  /** Caps for receive-window auto-tuning. */
  readonly maxConnectionWindow: number;
  readonly maxStreamWindow: number;
  /** Bytes an application may have written but not yet sent, per stream, before writes are held back. */
  readonly sendBufferSize: number;
  /** RFC 9000 §18.2: ack_delay_exponent and max_ack_delay we advertise. */
  readonly ackDelayExponent: number;
  readonly maxAckDelay: number;
  /** RFC 9000 §13.2.2: ACK after this many ack-eliciting packets... */
  readonly ackElicitingThreshold: number;
  /**
   * ...or after up to this many when the peer sends many packets per round
   * trip (about four ACKs per round trip still go out). Equal to
   * `ackElicitingThreshold` turns the adaptation off.
   */
  readonly maxAckElicitingThreshold: number;
  /** ACK ranges remembered and sent per packet number space. */
  readonly maxAckRanges: number;
  /** active_connection_id_limit we advertise. */
  readonly activeConnectionIdLimit: number;
  /** max_udp_payload_size we advertise (what we accept). */
  readonly maxUdpPayloadSize: number;
  /** RFC 8899: the largest datagram DPLPMTUD probes for; 1200 disables probing. */
  readonly maxDatagramSize: number;
  readonly congestionControl: CongestionAlgorithm;
  /** RFC 9002 §6.2.2: the RTT assumed before the first sample. */
  readonly initialRtt: number;
  /** RFC 9221: max_datagram_frame_size we advertise; 0 turns DATAGRAM support off. */
  readonly maxDatagramFrameSize: number;
  /** DATAGRAM frames queued for sending or reading before the oldest is dropped. */
  readonly datagramQueueLength: number;
  /** RFC 9287: advertise grease_quic_bit and grease the bit when the peer does too. */
  readonly greaseQuicBit: boolean;
  /** RFC 9000 §13.4: mark packets ECT(0) and validate the peer's counts. */
  readonly ecn: boolean;
  /** disable_active_migration we advertise. */
  readonly disableActiveMigration: boolean;
  /** RFC 9001 §6: initiate a key update after this many packets with one key (0: only on demand). */
  readonly keyUpdateInterval: number;
  /** RFC 9000 §10.1.2: send PINGs so the connection stays open while idle (0: off). */
  readonly keepAliveInterval: number;
}

/** Defaults: generous windows with auto-tuning, CUBIC, datagrams on, ECN on. */
export const DEFAULT_TRANSPORT_CONFIG: TransportConfig = {
  maxIdleTimeout: 30_000,
  initialMaxData: 4 << 20,
  initialMaxStreamDataBidiLocal: 1 << 20,
  initialMaxStreamDataBidiRemote: 1 << 20,
  initialMaxStreamDataUni: 1 << 20,
  maxStreamsBidi: 100,
  maxStreamsUni: 100,
  maxConnectionWindow: 32 << 20,
  maxStreamWindow: 16 << 20,
  sendBufferSize: 1 << 20,
  ackDelayExponent: 3,
  maxAckDelay: 25,
  ackElicitingThreshold: 2,
  maxAckElicitingThreshold: 10,
  maxAckRanges: 64,
  activeConnectionIdLimit: 4,
  maxUdpPayloadSize: 1472,
  maxDatagramSize: 1452,
  congestionControl: "cubic",
  initialRtt: 333,
  maxDatagramFrameSize: 65_535,
  datagramQueueLength: 256,
  greaseQuicBit: true,
  ecn: true,
  disableActiveMigration: false,
  keyUpdateInterval: 0,
  keepAliveInterval: 0,
};

/** A complete config from defaults and overrides. */
export function transportConfig(overrides: Partial<TransportConfig> = {}): TransportConfig {
  return { ...DEFAULT_TRANSPORT_CONFIG, ...overrides };
}
