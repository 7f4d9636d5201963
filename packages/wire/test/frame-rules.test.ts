import { describe, expect, it } from "vitest";
import {
  FRAME_TABLE,
  TransportError,
  WireError,
  checkFrameAllowedIn,
  countsInFlight,
  frameTypeOf,
  isAckEliciting,
  isAckElicitingPacket,
  isFlowControlled,
  isFrameAllowedIn,
  isInFlightPacket,
  isProbingFrame,
  isProbingPacket,
  type Frame,
  type FramePacketType,
} from "@zquic/wire";

const empty = new Uint8Array(0);
const eight = new Uint8Array(8);

/** One example of every frame type row, written independently of the table. */
const examples: Record<string, Frame> = {
  PADDING: { type: "padding", length: 1 },
  PING: { type: "ping" },
  ACK: { type: "ack", ackDelay: 0, ranges: [{ smallest: 0, largest: 0 }] },
  ACK_ECN: { type: "ack", ackDelay: 0, ranges: [{ smallest: 0, largest: 0 }], ecn: { ect0: 0, ect1: 0, ce: 0 } },
  RESET_STREAM: { type: "reset_stream", streamId: 0, errorCode: 0, finalSize: 0 },
  STOP_SENDING: { type: "stop_sending", streamId: 0, errorCode: 0 },
  CRYPTO: { type: "crypto", offset: 0, data: empty },
  NEW_TOKEN: { type: "new_token", token: eight },
  STREAM: { type: "stream", streamId: 0, offset: 0, data: empty, fin: false },
  MAX_DATA: { type: "max_data", maximum: 0 },
  MAX_STREAM_DATA: { type: "max_stream_data", streamId: 0, maximum: 0 },
  MAX_STREAMS: { type: "max_streams", bidirectional: true, maximum: 0 },
  DATA_BLOCKED: { type: "data_blocked", limit: 0 },
  STREAM_DATA_BLOCKED: { type: "stream_data_blocked", streamId: 0, limit: 0 },
  STREAMS_BLOCKED: { type: "streams_blocked", bidirectional: false, limit: 0 },
  NEW_CONNECTION_ID: { type: "new_connection_id", sequenceNumber: 0, retirePriorTo: 0, connectionId: eight, statelessResetToken: new Uint8Array(16) },
  RETIRE_CONNECTION_ID: { type: "retire_connection_id", sequenceNumber: 0 },
  PATH_CHALLENGE: { type: "path_challenge", data: eight },
  PATH_RESPONSE: { type: "path_response", data: eight },
  CONNECTION_CLOSE_TRANSPORT: { type: "connection_close", application: false, errorCode: 0, frameType: 0, reason: empty },
  CONNECTION_CLOSE_APPLICATION: { type: "connection_close", application: true, errorCode: 0, reason: empty },
  HANDSHAKE_DONE: { type: "handshake_done" },
  DATAGRAM: { type: "datagram", data: empty },
};

const packetTypes: FramePacketType[] = ["initial", "0RTT", "handshake", "1RTT"];

function allowedIn(f: Frame): FramePacketType[] {
  return packetTypes.filter((t) => isFrameAllowedIn(f, t));
}

describe("RFC 9000 §12.4 Table 3, §12.5 and §17.2: which packets carry which frames", () => {
  it("Initial packets carry only CRYPTO, ACK, PING, PADDING and CONNECTION_CLOSE 0x1c (§17.2.2)", () => {
    const inInitial = Object.entries(examples).filter(([, f]) => isFrameAllowedIn(f, "initial")).map(([name]) => name);
    expect(inInitial.sort()).toEqual(["ACK", "ACK_ECN", "CONNECTION_CLOSE_TRANSPORT", "CRYPTO", "PADDING", "PING"]);
  });

  it("Handshake packets carry the same frames as Initial packets (§17.2.4)", () => {
    for (const f of Object.values(examples)) expect(isFrameAllowedIn(f, "handshake")).toBe(isFrameAllowedIn(f, "initial"));
  });

  it("0-RTT packets never carry ACK, CRYPTO, HANDSHAKE_DONE, NEW_TOKEN, PATH_RESPONSE or RETIRE_CONNECTION_ID (§12.5)", () => {
    const notIn0Rtt = Object.entries(examples).filter(([, f]) => !isFrameAllowedIn(f, "0RTT")).map(([name]) => name);
    expect(notIn0Rtt.sort()).toEqual(["ACK", "ACK_ECN", "CRYPTO", "HANDSHAKE_DONE", "NEW_TOKEN", "PATH_RESPONSE", "RETIRE_CONNECTION_ID"]);
  });

  it("all frames can appear in 1-RTT packets", () => {
    for (const f of Object.values(examples)) expect(isFrameAllowedIn(f, "1RTT")).toBe(true);
  });

  it("CONNECTION_CLOSE 0x1d belongs to the application data space only", () => {
    expect(allowedIn(examples.CONNECTION_CLOSE_APPLICATION!)).toEqual(["0RTT", "1RTT"]);
    expect(allowedIn(examples.CONNECTION_CLOSE_TRANSPORT!)).toEqual(packetTypes);
  });

  it("DATAGRAM needs 0-RTT or 1-RTT keys (RFC 9221 §5)", () => {
    expect(allowedIn(examples.DATAGRAM!)).toEqual(["0RTT", "1RTT"]);
  });

  it("checkFrameAllowedIn throws PROTOCOL_VIOLATION with the frame type", () => {
    expect(() => checkFrameAllowedIn(examples.STREAM!, "1RTT")).not.toThrow();
    try {
      checkFrameAllowedIn(examples.HANDSHAKE_DONE!, "handshake");
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(WireError);
      expect((error as WireError).transportCode).toBe(TransportError.PROTOCOL_VIOLATION);
      expect((error as WireError).frameType).toBe(0x1e);
    }
  });

  it("every frame kind maps to a row of the table", () => {
    for (const f of Object.values(examples)) {
      const type = frameTypeOf(f);
      expect(FRAME_TABLE.some((row) => row.types[0] <= type && type <= row.types[1])).toBe(true);
    }
  });
});

describe("RFC 9000 Table 3 Spec column", () => {
  it("only ACK, PADDING and CONNECTION_CLOSE are not ack-eliciting (N)", () => {
    const notEliciting = Object.entries(examples).filter(([, f]) => !isAckEliciting(f)).map(([name]) => name);
    expect(notEliciting.sort()).toEqual(["ACK", "ACK_ECN", "CONNECTION_CLOSE_APPLICATION", "CONNECTION_CLOSE_TRANSPORT", "PADDING"]);
  });

  it("only ACK is not counted in flight (C)", () => {
    const notInFlight = Object.entries(examples).filter(([, f]) => !countsInFlight(f)).map(([name]) => name);
    expect(notInFlight.sort()).toEqual(["ACK", "ACK_ECN"]);
  });

  it("PADDING, NEW_CONNECTION_ID, PATH_CHALLENGE and PATH_RESPONSE are probing frames (P)", () => {
    const probing = Object.entries(examples).filter(([, f]) => isProbingFrame(f)).map(([name]) => name);
    expect(probing.sort()).toEqual(["NEW_CONNECTION_ID", "PADDING", "PATH_CHALLENGE", "PATH_RESPONSE"]);
  });

  it("only STREAM is flow controlled (F)", () => {
    const flowControlled = Object.entries(examples).filter(([, f]) => isFlowControlled(f)).map(([name]) => name);
    expect(flowControlled).toEqual(["STREAM"]);
  });

  it("packet-level answers follow from the frames", () => {
    const { ACK, PADDING, PING, PATH_CHALLENGE, STREAM } = examples;
    expect(isAckElicitingPacket([ACK!, PADDING!])).toBe(false);
    expect(isAckElicitingPacket([ACK!, PING!])).toBe(true);
    expect(isInFlightPacket([ACK!])).toBe(false);
    expect(isInFlightPacket([ACK!, PADDING!])).toBe(true);
    expect(isProbingPacket([PATH_CHALLENGE!, PADDING!])).toBe(true);
    expect(isProbingPacket([PATH_CHALLENGE!, STREAM!])).toBe(false);
  });
});
