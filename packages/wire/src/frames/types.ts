/**
 * RFC 9000 §19 frames (and RFC 9221 DATAGRAM) as plain data: a discriminated
 * union on `type`. Numbers are varint values (exact up to 2^53 − 1; see
 * {@link Reader.varint}); byte fields are views into the packet on decode.
 *
 * @module
 */

/** RFC 9000 §12.4 Table 3 (and RFC 9221 §4): frame type codes. */
export const FrameType = {
  PADDING: 0x00,
  PING: 0x01,
  ACK: 0x02,
  ACK_ECN: 0x03,
  RESET_STREAM: 0x04,
  STOP_SENDING: 0x05,
  CRYPTO: 0x06,
  NEW_TOKEN: 0x07,
  /** 0x08–0x0f: the low three bits are OFF (0x04), LEN (0x02) and FIN (0x01). */
  STREAM: 0x08,
  MAX_DATA: 0x10,
  MAX_STREAM_DATA: 0x11,
  MAX_STREAMS_BIDI: 0x12,
  MAX_STREAMS_UNI: 0x13,
  DATA_BLOCKED: 0x14,
  STREAM_DATA_BLOCKED: 0x15,
  STREAMS_BLOCKED_BIDI: 0x16,
  STREAMS_BLOCKED_UNI: 0x17,
  NEW_CONNECTION_ID: 0x18,
  RETIRE_CONNECTION_ID: 0x19,
  PATH_CHALLENGE: 0x1a,
  PATH_RESPONSE: 0x1b,
  CONNECTION_CLOSE: 0x1c,
  CONNECTION_CLOSE_APPLICATION: 0x1d,
  HANDSHAKE_DONE: 0x1e,
  /** RFC 9221 §4: 0x30 without a length, 0x31 with one. */
  DATAGRAM: 0x30,
  DATAGRAM_WITH_LENGTH: 0x31,
} as const;

/** RFC 9000 §19.8: the flag bits in the low three bits of a STREAM frame type. */
export const StreamFrameBits = {
  /** An Offset field is present. */
  OFF: 0x04,
  /** A Length field is present; without it the data runs to the end of the packet. */
  LEN: 0x02,
  /** The frame ends the stream. */
  FIN: 0x01,
} as const;

/** One contiguous run of acknowledged packet numbers, inclusive at both ends. */
export interface AckRange {
  readonly smallest: number;
  readonly largest: number;
}

/** RFC 9000 §19.3.2: ECN counts carried by ACK_ECN (type 0x03). */
export interface EcnCounts {
  readonly ect0: number;
  readonly ect1: number;
  readonly ce: number;
}

/** RFC 9000 §19.1: PADDING (0x00). */
export interface PaddingFrame {
  readonly type: "padding";
  /** Number of consecutive 0x00 bytes, coalesced on decode. */
  readonly length: number;
}
/** RFC 9000 §19.2: PING (0x01). */
export interface PingFrame {
  readonly type: "ping";
}
/** RFC 9000 §19.3: ACK (0x02), or ACK with ECN counts (0x03). */
export interface AckFrame {
  readonly type: "ack";
  /**
   * Acknowledged ranges, largest first, disjoint and not adjacent (RFC 9000 §19.3.1):
   * `ranges[0].largest` is the Largest Acknowledged field.
   */
  readonly ranges: readonly AckRange[];
  /** The ACK Delay field as sent: microseconds scaled down by 2^ack_delay_exponent. */
  readonly ackDelay: number;
  /** Present exactly for type 0x03. */
  readonly ecn?: EcnCounts;
}
/** RFC 9000 §19.4: RESET_STREAM (0x04). */
export interface ResetStreamFrame {
  readonly type: "reset_stream";
  readonly streamId: number;
  readonly errorCode: number;
  readonly finalSize: number;
}
/** RFC 9000 §19.5: STOP_SENDING (0x05). */
export interface StopSendingFrame {
  readonly type: "stop_sending";
  readonly streamId: number;
  readonly errorCode: number;
}
/** RFC 9000 §19.6: CRYPTO (0x06). */
export interface CryptoFrame {
  readonly type: "crypto";
  readonly offset: number;
  readonly data: Uint8Array;
}
/** RFC 9000 §19.7: NEW_TOKEN (0x07); the token is never empty. */
export interface NewTokenFrame {
  readonly type: "new_token";
  readonly token: Uint8Array;
}
/** RFC 9000 §19.8: STREAM (0x08–0x0f). */
export interface StreamFrame {
  readonly type: "stream";
  readonly streamId: number;
  readonly offset: number;
  readonly data: Uint8Array;
  readonly fin: boolean;
}
/** RFC 9000 §19.9: MAX_DATA (0x10). */
export interface MaxDataFrame {
  readonly type: "max_data";
  readonly maximum: number;
}
/** RFC 9000 §19.10: MAX_STREAM_DATA (0x11). */
export interface MaxStreamDataFrame {
  readonly type: "max_stream_data";
  readonly streamId: number;
  readonly maximum: number;
}
/** RFC 9000 §19.11: MAX_STREAMS (0x12 bidirectional, 0x13 unidirectional); at most 2^60. */
export interface MaxStreamsFrame {
  readonly type: "max_streams";
  readonly bidirectional: boolean;
  readonly maximum: number;
}
/** RFC 9000 §19.12: DATA_BLOCKED (0x14). */
export interface DataBlockedFrame {
  readonly type: "data_blocked";
  readonly limit: number;
}
/** RFC 9000 §19.13: STREAM_DATA_BLOCKED (0x15). */
export interface StreamDataBlockedFrame {
  readonly type: "stream_data_blocked";
  readonly streamId: number;
  readonly limit: number;
}
/** RFC 9000 §19.14: STREAMS_BLOCKED (0x16 bidirectional, 0x17 unidirectional); at most 2^60. */
export interface StreamsBlockedFrame {
  readonly type: "streams_blocked";
  readonly bidirectional: boolean;
  readonly limit: number;
}
/** RFC 9000 §19.15: NEW_CONNECTION_ID (0x18); Retire Prior To never exceeds the Sequence Number. */
export interface NewConnectionIdFrame {
  readonly type: "new_connection_id";
  readonly sequenceNumber: number;
  readonly retirePriorTo: number;
  /** 1 to 20 bytes. */
  readonly connectionId: Uint8Array;
  /** 16 bytes. */
  readonly statelessResetToken: Uint8Array;
}
/** RFC 9000 §19.16: RETIRE_CONNECTION_ID (0x19). */
export interface RetireConnectionIdFrame {
  readonly type: "retire_connection_id";
  readonly sequenceNumber: number;
}
/** RFC 9000 §19.17: PATH_CHALLENGE (0x1a). */
export interface PathChallengeFrame {
  readonly type: "path_challenge";
  /** 8 bytes. */
  readonly data: Uint8Array;
}
/** RFC 9000 §19.18: PATH_RESPONSE (0x1b). */
export interface PathResponseFrame {
  readonly type: "path_response";
  /** 8 bytes. */
  readonly data: Uint8Array;
}
/** RFC 9000 §19.19: CONNECTION_CLOSE (0x1c transport, 0x1d application). */
export interface ConnectionCloseFrame {
  readonly type: "connection_close";
  /** true for type 0x1d (application error space), false for 0x1c (transport). */
  readonly application: boolean;
  readonly errorCode: number;
  /** The frame type that triggered a transport error (0 when unknown); absent for 0x1d. */
  readonly frameType?: number;
  /** The reason phrase bytes (UTF-8 by convention, not checked). */
  readonly reason: Uint8Array;
}
/** RFC 9000 §19.20: HANDSHAKE_DONE (0x1e). */
export interface HandshakeDoneFrame {
  readonly type: "handshake_done";
}
/** RFC 9221 §4: DATAGRAM (0x30 without a length, 0x31 with one). */
export interface DatagramFrame {
  readonly type: "datagram";
  readonly data: Uint8Array;
}

/** Every frame zquic understands. */
export type Frame =
  | PaddingFrame
  | PingFrame
  | AckFrame
  | ResetStreamFrame
  | StopSendingFrame
  | CryptoFrame
  | NewTokenFrame
  | StreamFrame
  | MaxDataFrame
  | MaxStreamDataFrame
  | MaxStreamsFrame
  | DataBlockedFrame
  | StreamDataBlockedFrame
  | StreamsBlockedFrame
  | NewConnectionIdFrame
  | RetireConnectionIdFrame
  | PathChallengeFrame
  | PathResponseFrame
  | ConnectionCloseFrame
  | HandshakeDoneFrame
  | DatagramFrame;

/** The `type` tag of a {@link Frame}. */
export type FrameKind = Frame["type"];
