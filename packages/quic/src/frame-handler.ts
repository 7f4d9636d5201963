import { TransportError, frameSize, frameTypeOf, fromUtf8, type Frame, type FramePacketType } from "@zquic/wire";
import type { Connection } from "./connection.js";
import { MAX_CRYPTO_BUFFER, type PacketSpaceState } from "./packet-space.js";
import type { Path } from "./path.js";
import { PacketSpace } from "./sent-packet.js";

/** Where a frame arrived. */
export interface FrameContext {
  readonly space: PacketSpaceState;
  readonly packetType: FramePacketType;
  /** The Destination Connection ID of the packet (RETIRE_CONNECTION_ID checks it). */
  readonly dcid: Uint8Array;
  readonly path: Path;
  readonly now: number;
}

type Outcome = { ok: true } | { ok: false; code: number; reason: string } | undefined | void;

/**
 * Hands one received frame to its owner (RFC 9000 §19). Violations close the
 * connection with the frame's type in the CONNECTION_CLOSE.
 */
export function handleFrame(connection: Connection, frame: Frame, context: FrameContext): void {
  const outcome = dispatch(connection, frame, context);
  if (outcome !== undefined && outcome !== null && !outcome.ok) connection.closeWithError(outcome.code, outcome.reason, frameTypeOf(frame));
}

function violation(reason: string, code: number = TransportError.PROTOCOL_VIOLATION): Outcome {
  return { ok: false, code, reason };
}

function dispatch(connection: Connection, frame: Frame, context: FrameContext): Outcome {
  const { streams, role } = connection;
  switch (frame.type) {
    case "padding":
    case "ping":
      return undefined;
    case "ack": {
      // RFC 9000 §19.3: the ACK Delay is scaled by the peer's exponent; it is meaningless outside 1-RTT.
      const exponent = connection.peerParams?.ackDelayExponent ?? 3;
      const ackDelay = context.space.id === PacketSpace.Application ? (frame.ackDelay * 2 ** exponent) / 1000 : 0;
      const outcome = connection.recovery.onAckReceived(
        context.space.id,
        { ranges: frame.ranges, ackDelay, ...(frame.ecn ? { ecn: frame.ecn } : {}) },
        context.now,
        connection.handshakeStatus(),
      );
      if (outcome.kind === "error") return violation(outcome.reason, outcome.code);
      connection.onAckOutcome(outcome.acked, outcome.lost);
      return undefined;
    }
    case "crypto": {
      const space = context.space;
      if (space.cryptoRecv.insert(frame.offset, frame.data) < 0 || space.cryptoRecv.highest - space.cryptoRecv.readOffset > MAX_CRYPTO_BUFFER) {
        // RFC 9000 §7.5: more CRYPTO data than we buffer.
        return violation("CRYPTO data exceeds the buffer", TransportError.CRYPTO_BUFFER_EXCEEDED);
      }
      connection.deliverCrypto(space, context.now);
      return undefined;
    }
    case "stream":
      return streams.onStreamFrame(frame.streamId, frame.offset, frame.data, frame.fin);
    case "reset_stream":
      return streams.onResetStream(frame.streamId, frame.errorCode, frame.finalSize);
    case "stop_sending":
      return streams.onStopSending(frame.streamId, frame.errorCode);
    case "max_data":
      streams.onMaxData(frame.maximum);
      return undefined;
    case "max_stream_data":
      return streams.onMaxStreamData(frame.streamId, frame.maximum);
    case "max_streams":
      streams.onMaxStreams(frame.bidirectional, frame.maximum);
      return undefined;
    case "data_blocked":
    case "streams_blocked":
      // Informational (RFC 9000 §4.1, §4.6): our windows grow without waiting for them.
      return undefined;
    case "stream_data_blocked":
      return streams.onStreamDataBlocked(frame.streamId);
    case "new_connection_id":
      return connection.cids.onNewConnectionId(frame);
    case "retire_connection_id":
      return connection.cids.onRetireConnectionId(frame.sequenceNumber, context.dcid);
    case "path_challenge":
      connection.paths.onPathChallenge(context.path, frame.data);
      return undefined;
    case "path_response":
      connection.onPathResponse(frame.data, context.now);
      return undefined;
    case "new_token":
      // RFC 9000 §19.7: only servers send NEW_TOKEN.
      if (role === "server") return violation("NEW_TOKEN from a client");
      connection.emit({ type: "new_token", token: frame.token.slice() });
      return undefined;
    case "handshake_done":
      // RFC 9000 §19.20: only servers send HANDSHAKE_DONE.
      if (role === "server") return violation("HANDSHAKE_DONE from a client");
      connection.confirmHandshake(context.now);
      return undefined;
    case "datagram": {
      const problem = connection.datagrams.checkIncoming(frameSize(frame));
      if (problem !== undefined) return violation(problem.reason, problem.code);
      connection.emit({ type: "datagram", data: frame.data.slice() });
      return undefined;
    }
    case "connection_close":
      connection.onPeerClose({
        code: frame.errorCode,
        application: frame.application,
        reason: fromUtf8(frame.reason),
        initiator: "remote",
        ...(frame.frameType !== undefined ? { frameType: frame.frameType } : {}),
      });
      return undefined;
  }
}
