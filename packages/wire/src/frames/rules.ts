/**
 * RFC 9000 §12.4 Table 3 (with §12.5 and §17.2.x) and RFC 9221 §4–§5: which
 * packet types may carry each frame type, and how each counts for
 * acknowledgment, congestion control, path probing and flow control.
 *
 * @module
 */
import { TransportError, WireError } from "../errors.js";
import { FrameType, type Frame } from "./types.js";

/** The packet types that carry frames, by their qlog names. */
export type FramePacketType = "initial" | "0RTT" | "handshake" | "1RTT";

/** One row of {@link FRAME_TABLE}. */
export interface FrameTableRow {
  /** First and last frame type value of the row. */
  readonly types: readonly [number, number];
  readonly name: string;
  /**
   * The "Pkts" column: `I` Initial, `H` Handshake, `0` 0-RTT, `1` 1-RTT, `_`
   * not allowed, in that order.
   */
  readonly packets: string;
  /**
   * The "Spec" column: `N` not ack-eliciting, `C` not counted in flight, `P`
   * probing, `F` flow controlled.
   */
  readonly spec: string;
}

/** RFC 9000 §12.4 Table 3 as amended by §12.5, plus RFC 9221's DATAGRAM. */
export const FRAME_TABLE: readonly FrameTableRow[] = [
  { types: [0x00, 0x00], name: "PADDING", packets: "IH01", spec: "NP" },
  { types: [0x01, 0x01], name: "PING", packets: "IH01", spec: "" },
  { types: [0x02, 0x03], name: "ACK", packets: "IH_1", spec: "NC" },
  { types: [0x04, 0x04], name: "RESET_STREAM", packets: "__01", spec: "" },
  { types: [0x05, 0x05], name: "STOP_SENDING", packets: "__01", spec: "" },
  { types: [0x06, 0x06], name: "CRYPTO", packets: "IH_1", spec: "" },
  { types: [0x07, 0x07], name: "NEW_TOKEN", packets: "___1", spec: "" },
  { types: [0x08, 0x0f], name: "STREAM", packets: "__01", spec: "F" },
  { types: [0x10, 0x10], name: "MAX_DATA", packets: "__01", spec: "" },
  { types: [0x11, 0x11], name: "MAX_STREAM_DATA", packets: "__01", spec: "" },
  { types: [0x12, 0x13], name: "MAX_STREAMS", packets: "__01", spec: "" },
  { types: [0x14, 0x14], name: "DATA_BLOCKED", packets: "__01", spec: "" },
  { types: [0x15, 0x15], name: "STREAM_DATA_BLOCKED", packets: "__01", spec: "" },
  { types: [0x16, 0x17], name: "STREAMS_BLOCKED", packets: "__01", spec: "" },
  { types: [0x18, 0x18], name: "NEW_CONNECTION_ID", packets: "__01", spec: "P" },
  // Table 3 says "__01", but §12.5 lists RETIRE_CONNECTION_ID among the frames 0-RTT cannot carry.
  { types: [0x19, 0x19], name: "RETIRE_CONNECTION_ID", packets: "___1", spec: "" },
  { types: [0x1a, 0x1a], name: "PATH_CHALLENGE", packets: "__01", spec: "P" },
  { types: [0x1b, 0x1b], name: "PATH_RESPONSE", packets: "___1", spec: "P" },
  // Table 3 marks 0x1c-0x1d "ih01": only type 0x1c may appear in Initial and Handshake packets.
  { types: [0x1c, 0x1c], name: "CONNECTION_CLOSE", packets: "IH01", spec: "N" },
  { types: [0x1d, 0x1d], name: "CONNECTION_CLOSE", packets: "__01", spec: "N" },
  { types: [0x1e, 0x1e], name: "HANDSHAKE_DONE", packets: "___1", spec: "" },
  // RFC 9221 §5: DATAGRAM needs 0-RTT or 1-RTT keys, is ack-eliciting and congestion controlled.
  { types: [0x30, 0x31], name: "DATAGRAM", packets: "__01", spec: "" },
];

/** The position of each packet type's character in {@link FrameTableRow.packets}. */
const packetColumn: Readonly<Record<FramePacketType, number>> = { initial: 0, handshake: 1, "0RTT": 2, "1RTT": 3 };
const packetLetter = "IH01";

/** A row of the table decoded into bits, for lookups on the hot path. */
interface FrameRule {
  /** Bit `packetColumn[t]` set when packet type t may carry the frame. */
  readonly packets: number;
  readonly ackEliciting: boolean;
  readonly inFlight: boolean;
  readonly probing: boolean;
  readonly flowControlled: boolean;
}

const rules = new Map<number, FrameRule>();
for (const row of FRAME_TABLE) {
  let packets = 0;
  for (let column = 0; column < 4; column++) if (row.packets[column] === packetLetter[column]) packets |= 1 << column;
  const rule: FrameRule = {
    packets,
    ackEliciting: !row.spec.includes("N"),
    inFlight: !row.spec.includes("C"),
    probing: row.spec.includes("P"),
    flowControlled: row.spec.includes("F"),
  };
  for (let type = row.types[0]; type <= row.types[1]; type++) rules.set(type, rule);
}

/** The type value of frames whose kind alone fixes it (STREAM and DATAGRAM: their base value). */
const frameTypeByKind: Readonly<Record<Exclude<Frame["type"], "ack" | "max_streams" | "streams_blocked" | "connection_close">, number>> = {
  padding: FrameType.PADDING,
  ping: FrameType.PING,
  reset_stream: FrameType.RESET_STREAM,
  stop_sending: FrameType.STOP_SENDING,
  crypto: FrameType.CRYPTO,
  new_token: FrameType.NEW_TOKEN,
  stream: FrameType.STREAM,
  max_data: FrameType.MAX_DATA,
  max_stream_data: FrameType.MAX_STREAM_DATA,
  data_blocked: FrameType.DATA_BLOCKED,
  stream_data_blocked: FrameType.STREAM_DATA_BLOCKED,
  new_connection_id: FrameType.NEW_CONNECTION_ID,
  retire_connection_id: FrameType.RETIRE_CONNECTION_ID,
  path_challenge: FrameType.PATH_CHALLENGE,
  path_response: FrameType.PATH_RESPONSE,
  handshake_done: FrameType.HANDSHAKE_DONE,
  datagram: FrameType.DATAGRAM,
};

/**
 * The frame type value of `frame`: exact except for STREAM and DATAGRAM, whose
 * flag bits depend on how the frame is written (the base value is returned).
 */
export function frameTypeOf(frame: Frame): number {
  switch (frame.type) {
    case "ack":
      return frame.ecn ? FrameType.ACK_ECN : FrameType.ACK;
    case "max_streams":
      return frame.bidirectional ? FrameType.MAX_STREAMS_BIDI : FrameType.MAX_STREAMS_UNI;
    case "streams_blocked":
      return frame.bidirectional ? FrameType.STREAMS_BLOCKED_BIDI : FrameType.STREAMS_BLOCKED_UNI;
    case "connection_close":
      return frame.application ? FrameType.CONNECTION_CLOSE_APPLICATION : FrameType.CONNECTION_CLOSE;
    default:
      return frameTypeByKind[frame.type];
  }
}

function ruleOf(frame: Frame): FrameRule {
  return rules.get(frameTypeOf(frame))!;
}

/** RFC 9000 §12.4, §12.5: true when a packet of `packetType` may carry `frame`. */
export function isFrameAllowedIn(frame: Frame, packetType: FramePacketType): boolean {
  return (ruleOf(frame).packets & (1 << packetColumn[packetType])) !== 0;
}

/**
 * RFC 9000 §12.4: throws {@link WireError} with PROTOCOL_VIOLATION (and the
 * frame type) when a packet of `packetType` may not carry `frame`.
 */
export function checkFrameAllowedIn(frame: Frame, packetType: FramePacketType): void {
  if (!isFrameAllowedIn(frame, packetType)) {
    const frameType = frameTypeOf(frame);
    throw new WireError(`frame type 0x${frameType.toString(16)} is not allowed in ${packetType} packets`, TransportError.PROTOCOL_VIOLATION, frameType);
  }
}

/** RFC 9000 §13.2 (Table 3 "N"): true when `frame` makes its packet ack-eliciting. */
export function isAckEliciting(frame: Frame): boolean {
  return ruleOf(frame).ackEliciting;
}

/** RFC 9002 §2 (Table 3 "C"): true when `frame` makes its packet count toward bytes in flight. */
export function countsInFlight(frame: Frame): boolean {
  return ruleOf(frame).inFlight;
}

/** RFC 9000 §9.1 (Table 3 "P"): true when `frame` may appear in a packet that probes a new path. */
export function isProbingFrame(frame: Frame): boolean {
  return ruleOf(frame).probing;
}

/** RFC 9000 §4 (Table 3 "F"): true when `frame`'s contents count against flow control. */
export function isFlowControlled(frame: Frame): boolean {
  return ruleOf(frame).flowControlled;
}

/** RFC 9000 §13.2: a packet is ack-eliciting when any of its frames is. */
export function isAckElicitingPacket(frames: readonly Frame[]): boolean {
  return frames.some(isAckEliciting);
}

/** RFC 9002 §2: a packet counts toward bytes in flight when any of its frames does. */
export function isInFlightPacket(frames: readonly Frame[]): boolean {
  return frames.some(countsInFlight);
}

/** RFC 9000 §9.1: a probing packet carries only probing frames. */
export function isProbingPacket(frames: readonly Frame[]): boolean {
  return frames.every(isProbingFrame);
}
