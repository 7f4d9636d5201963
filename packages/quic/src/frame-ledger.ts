import type { Connection } from "./connection.js";
import type { PacketRecord, SentFrame } from "./sent-frames.js";
import type { SentPacket } from "./sent-packet.js";
import type { PacketKind } from "./connection.js";

const spaceKind: Readonly<Record<SentPacket<PacketRecord>["space"], PacketKind>> = { 0: "initial", 1: "handshake", 2: "1RTT" };

/**
 * RFC 9000 §13.3: what happens to each kind of information when the packet
 * that carried it is acknowledged or declared lost. Each frame goes back to
 * its owner; nothing is retransmitted as a packet.
 */

/** Packets the peer acknowledged. */
export function onPacketsAcknowledged(connection: Connection, packets: readonly SentPacket<PacketRecord>[]): void {
  const now = connection.lastNow;
  for (const packet of packets) {
    if (packet.space === 2 && connection.oneRtt !== undefined) connection.oneRtt.onAcknowledged(packet.info.keyGeneration, now, connection.currentPto());
    for (const frame of packet.info.frames) acknowledged(connection, frame);
  }
}

/** Packets declared lost: their information is queued to be sent again where that still makes sense. */
export function onPacketsLost(connection: Connection, packets: readonly SentPacket<PacketRecord>[]): void {
  connection.stats.packetsLost += packets.length;
  if (connection.qlog !== undefined) for (const packet of packets) connection.qlog.packetLost(connection.lastNow, spaceKind[packet.space], packet.pn);
  for (const packet of packets) for (const frame of packet.info.frames) lost(connection, frame);
}

function acknowledged(connection: Connection, frame: SentFrame): void {
  const { streams } = connection;
  switch (frame.kind) {
    case "ack":
      connection.spaces[frame.space].ack.onAckAcknowledged(frame.largest);
      return;
    case "crypto":
      connection.spaces[frame.space].cryptoSend.onAcked(frame.offset, frame.length, false);
      return;
    case "stream": {
      streams.get(frame.streamId)?.send?.onStreamFrameAcked(frame.offset, frame.length, frame.fin);
      streams.afterSendUpdate(frame.streamId);
      return;
    }
    case "reset_stream":
      streams.get(frame.streamId)?.send?.onResetAcked();
      streams.afterSendUpdate(frame.streamId);
      return;
    case "stop_sending":
      streams.get(frame.streamId)?.recv?.onStopAcked();
      streams.afterRecvUpdate(frame.streamId);
      return;
    case "handshake_done":
      connection.handshake.handshakeDoneOwed = false;
      return;
    case "mtu_probe":
      connection.mtu.onProbeAcknowledged(frame.size, connection.lastNow);
      connection.setMaxDatagramSize(connection.mtu.current);
      return;
    default:
      return;
  }
}

function lost(connection: Connection, frame: SentFrame): void {
  const { streams } = connection;
  switch (frame.kind) {
    case "ack":
      return;
    case "crypto": {
      const space = connection.spaces[frame.space];
      if (!space.discarded) space.cryptoSend.onLost(frame.offset, frame.length, false);
      return;
    }
    case "stream":
      streams.get(frame.streamId)?.send?.onStreamFrameLost(frame.offset, frame.length, frame.fin);
      streams.afterSendUpdate(frame.streamId);
      return;
    case "reset_stream":
      streams.get(frame.streamId)?.send?.onResetLost();
      streams.afterSendUpdate(frame.streamId);
      return;
    case "stop_sending":
      streams.stopSendingLost(frame.streamId);
      return;
    case "max_data":
      streams.connectionRecv.updateLost(frame.maximum);
      return;
    case "max_stream_data":
      streams.maxStreamDataLost(frame.streamId, frame.maximum);
      return;
    case "max_streams":
      streams.maxStreamsLost(frame.bidirectional, frame.maximum);
      return;
    case "data_blocked":
      streams.connectionSend.blockedLost(frame.limit);
      return;
    case "stream_data_blocked":
      streams.get(frame.streamId)?.send?.credit.blockedLost(frame.limit);
      return;
    case "streams_blocked":
      return;
    case "new_connection_id":
      connection.cids.newCidLost(frame.frame);
      return;
    case "retire_connection_id":
      connection.cids.retirementLost(frame.sequenceNumber);
      return;
    case "handshake_done":
      connection.handshake.handshakeDoneOwed = true;
      return;
    case "new_token":
      connection.owed.newTokens.push(frame.token);
      return;
    case "mtu_probe":
      connection.mtu.onProbeLost(frame.size, connection.lastNow);
      return;
  }
}
