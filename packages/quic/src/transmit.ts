import type { PacketKeys } from "@zquic/crypto";
import {
  cryptoFrameHeaderSize,
  datagramFrameHeaderSize,
  frameSize,
  packetNumberLength,
  readFrames,
  streamFrameHeaderSize,
  writeCryptoFrameHeader,
  writeDatagramFrameHeader,
  writeStreamFrameHeader,
  type ConnectionCloseFrame,
  type Frame,
} from "@zquic/wire";
import type { Ecn, Transmit } from "@zquic/wire";
import { Lifecycle } from "./close.js";
import type { Connection, PacketKind } from "./connection.js";
import { DatagramBuilder, type Draft } from "./packet-builder.js";
import type { PacketSpaceState } from "./packet-space.js";
import { challengeDue, type Path } from "./path.js";
import { MIN_DATAGRAM_SIZE, MIN_SENDABLE } from "./pmtud.js";
import { qlogFrame } from "./qlog.js";
import { PacketSpace } from "./sent-packet.js";
import type { SentFrame } from "./sent-frames.js";

/** Room kept for one small control frame. */
const CONTROL_FRAME_ROOM = 24;

/**
 * Assembles the next datagram (RFC 9000 §12.2 coalescing; DESIGN §3 frame
 * order): probes for other paths first, then Initial, Handshake and
 * application packets on the active path, within the anti-amplification limit,
 * the congestion window and pacing.
 */
export function transmitDatagram(connection: Connection, now: number): Transmit | null {
  if (connection.lifecycle.state === "closing") return transmitClose(connection);
  if (connection.paths.probing) {
    for (const path of connection.paths.pathsWithProbes(now, connection.currentPto())) {
      const probe = transmitPathProbe(connection, path, now);
      if (probe !== null) return probe;
    }
  }
  const path = connection.paths.active;
  const budget = Math.min(connection.maxDatagramSize, path.amplificationAllowance);
  if (budget < MIN_SENDABLE) return null;
  const limits = sendingLimits(connection, now);
  const mtuProbe = transmitMtuProbe(connection, path, now, limits);
  if (mtuProbe !== null) return mtuProbe;
  // RFC 9002 §7, §7.7: ack-eliciting packets wait for the pacer and for room in the window for the whole datagram.
  // A sliver of window is left for the next acknowledgment to widen rather than filled with a small packet, which costs as much as a full one.
  const windowOpen = limits.congestionRoom >= budget && !limits.paced;
  const builder = new DatagramBuilder(budget);
  for (const space of connection.spaces) buildPacket(connection, builder, space, now, windowOpen, path);
  const drafts = builder.packets;
  // RFC 9002 §7.8: with window to spare and nothing to send, the sender is application-limited.
  connection.recovery.applicationLimited = drafts.every((draft) => !draft.ackEliciting) && !limits.paced && limits.congestionRoom >= connection.maxDatagramSize;
  if (drafts.length === 0) return null;
  return finish(connection, builder, path, now, datagramMinimum(connection, drafts));
}

/** How much the congestion controller and the pacer allow now (RFC 9002 §7, §7.7). */
interface SendingLimits {
  /** Bytes the congestion window still allows in flight. */
  readonly congestionRoom: number;
  readonly paced: boolean;
}

function sendingLimits(connection: Connection, now: number): SendingLimits {
  const { recovery } = connection;
  const window = recovery.congestion.window;
  const earliest = connection.pacer.earliestSendTime(now, connection.maxDatagramSize, window, recovery.rtt.smoothedRtt);
  const paced = earliest > now;
  connection.pacingDeadline = paced ? earliest : undefined;
  return { congestionRoom: window - recovery.bytesInFlight, paced };
}

/** The keys and packet type a space sends with now, if any. */
function packetKeysFor(connection: Connection, space: PacketSpaceState): { keys: PacketKeys; kind: PacketKind; generation: number } | undefined {
  if (space.discarded) return undefined;
  if (space.id === PacketSpace.Initial) return space.writeKeys && { keys: space.writeKeys, kind: "initial", generation: 0 };
  if (space.id === PacketSpace.Handshake) return space.writeKeys && { keys: space.writeKeys, kind: "handshake", generation: 0 };
  const oneRtt = connection.oneRtt;
  if (oneRtt !== undefined) {
    maybeUpdateKeys(connection);
    return { keys: oneRtt.currentWriteKeys, kind: "1RTT", generation: oneRtt.writeGeneration };
  }
  // RFC 9001 §4.6.1: a client sends 0-RTT until 1-RTT keys are available.
  if (connection.role === "client" && connection.zeroRttKeys !== undefined) return { keys: connection.zeroRttKeys, kind: "0RTT", generation: 0 };
  return undefined;
}

/**
 * RFC 9001 §6.1, §6.6: start a key update after the configured packet budget,
 * and in any case well before the AEAD's confidentiality limit.
 */
function maybeUpdateKeys(connection: Connection): void {
  const keys = connection.oneRtt!;
  if (!connection.handshake.confirmed) return;
  const budget = connection.config.keyUpdateInterval > 0 ? connection.config.keyUpdateInterval : Infinity;
  if (keys.packetsWithWriteKeys >= Math.min(budget, keys.confidentialityLimit * 0.75)) connection.initiateKeyUpdate(connection.lastNow);
}

/** Opens a packet of `space` in the datagram, if the space has keys and room is left. */
function openPacket(connection: Connection, builder: DatagramBuilder, space: PacketSpaceState): Draft | undefined {
  const sending = packetKeysFor(connection, space);
  if (sending === undefined) return undefined;
  const pnLength = packetNumberLength(space.nextPn, connection.recovery.largestAcked(space.id));
  const fields = {
    kind: sending.kind,
    version: connection.version,
    dcid: connection.cids.activePeerCid,
    scid: connection.localHandshakeCid,
    token: connection.token,
    keyPhase: connection.oneRtt?.keyPhase ?? false,
    fixedBit: connection.quicBit.next(),
  };
  return builder.open(space, sending.keys, sending.generation, fields, space.nextPn, pnLength, CONTROL_FRAME_ROOM);
}

function buildPacket(connection: Connection, builder: DatagramBuilder, space: PacketSpaceState, now: number, windowOpen: boolean, path: Path): Draft | undefined {
  const ackDue = space.ack.ackDue(now);
  // RFC 9002 §7.5: probes are sent whatever the window and the pacer say.
  const unlimited = space.probesOwed > 0 || windowOpen;
  // RFC 9000 §8.2, §9.3: path validation does not wait for the window either, so that the first datagram on a new path carries the challenge.
  const pathFramesOnly = !unlimited && space.id === PacketSpace.Application && owesPathFrames(connection, path, now);
  const eliciting = (unlimited && owesAckEliciting(connection, space, path)) || pathFramesOnly;
  if (!eliciting && !ackDue) return undefined;
  const draft = openPacket(connection, builder, space);
  if (draft === undefined) return undefined;
  // RFC 9000 §13.2.1: an ACK that is not due yet rides along in a packet that is sent anyway.
  if (space.ack.hasUnacknowledged && draft.kind !== "0RTT") writeAck(connection, builder, draft, now);
  if (pathFramesOnly) writePathFrames(connection, builder, draft, path);
  else if (eliciting) {
    writeCrypto(builder, draft);
    if (space.id === PacketSpace.Application) writeApplicationFrames(connection, builder, draft, path);
    if ((space.probesOwed > 0 || connection.owed.ping) && !draft.ackEliciting && builder.put(draft, { type: "ping" })) connection.owed.ping = false;
  }
  if (!draft.ackEliciting && !(draft.hasAck && ackDue)) {
    builder.abandon(draft);
    return undefined;
  }
  return draft;
}

/**
 * True when a packet of `space` may carry an ack-eliciting frame: a probe or
 * PING, CRYPTO data, or what an {@link APPLICATION_FRAMES} source owes. A
 * packet is assembled only when this holds or an ACK is due.
 */
function owesAckEliciting(connection: Connection, space: PacketSpaceState, path: Path): boolean {
  if (space.probesOwed > 0 || connection.owed.ping || space.cryptoSend.hasPending()) return true;
  if (space.id !== PacketSpace.Application) return false;
  for (const source of APPLICATION_FRAMES) if (source.owes(connection, path)) return true;
  return false;
}

/** RFC 9000 §13.2: an ACK frame, with as many ranges as fit in a quarter of the packet. */
function writeAck(connection: Connection, builder: DatagramBuilder, draft: Draft, now: number): void {
  const exponent = connection.config.ackDelayExponent;
  for (let maxRanges = connection.config.maxAckRanges; ; maxRanges = Math.max(1, maxRanges >> 1)) {
    const ack = draft.space.ack.buildAck(now, exponent, maxRanges);
    if (ack === undefined) return;
    if (frameSize(ack) <= draft.room / 4 || maxRanges === 1) {
      if (builder.put(draft, ack, { kind: "ack", space: draft.space.id, largest: ack.ranges[0]!.largest }, false)) draft.hasAck = true;
      return;
    }
  }
}

/** The payload of a STREAM, CRYPTO or DATAGRAM frame whose header of `headerSize` bytes was just written: copied straight in. */
function putPayload(builder: DatagramBuilder, draft: Draft, headerSize: number, data: Uint8Array, record?: SentFrame): void {
  builder.payloadWriter(draft).bytes(data);
  draft.room -= headerSize + data.length;
  if (record !== undefined) draft.frames.push(record);
  draft.ackEliciting = true;
}

/** CRYPTO frames (RFC 9000 §19.6): retransmissions first, then new handshake data. */
function writeCrypto(builder: DatagramBuilder, draft: Draft): void {
  if (draft.kind === "0RTT") return;
  const crypto = draft.space.cryptoSend;
  while (crypto.hasPending() && draft.room > CONTROL_FRAME_ROOM) {
    const chunk = crypto.next(draft.room - cryptoFrameHeaderSize(crypto.end, draft.room));
    if (chunk === undefined) return;
    const length = chunk.data.length;
    writeCryptoFrameHeader(builder.payloadWriter(draft), chunk.offset, length);
    putPayload(builder, draft, cryptoFrameHeaderSize(chunk.offset, length), chunk.data, { kind: "crypto", space: draft.space.id, offset: chunk.offset, length });
  }
}

/** Writes a control frame owed by a component, or hands it back when it does not fit. */
function putOwed(builder: DatagramBuilder, draft: Draft, frame: Frame, record: SentFrame, giveBack: () => void): void {
  if (!builder.put(draft, frame, record)) giveBack();
}

/** Something that may owe frames to 0-RTT and 1-RTT packets. */
interface FrameSource {
  /** May hold when nothing turns out to be sendable or to fit; never fails to hold while `write` would add a frame. */
  readonly owes: (connection: Connection, path: Path) => boolean;
  readonly write: (connection: Connection, builder: DatagramBuilder, draft: Draft, path: Path) => void;
}

/** What 0-RTT and 1-RTT packets carry besides ACK and CRYPTO frames, in the order they are written (DESIGN §3). */
const APPLICATION_FRAMES: readonly FrameSource[] = [
  { owes: (connection, path) => owesPathFrames(connection, path, connection.lastNow), write: writePathFrames },
  { owes: (connection) => connection.handshake.handshakeDoneOwed && connection.role === "server", write: writeHandshakeDone },
  { owes: (connection) => connection.owed.newTokens.length > 0, write: writeNewTokens },
  { owes: (connection) => connection.cids.owesFrames, write: writeCidFrames },
  { owes: (connection) => connection.streams.connectionRecv.updatePending, write: writeMaxData },
  { owes: (connection) => connection.streams.owesControlFrames, write: writeStreamControlFrames },
  { owes: (connection) => connection.datagrams.pending, write: writeDatagrams },
  { owes: (connection) => connection.streams.hasSendable, write: writeStreams },
  { owes: (connection) => connection.streams.owesDataBlocked, write: writeDataBlocked },
];

/** Control frames, datagrams and stream data in a 0-RTT or 1-RTT packet. */
function writeApplicationFrames(connection: Connection, builder: DatagramBuilder, draft: Draft, path: Path): void {
  for (const source of APPLICATION_FRAMES) if (source.owes(connection, path)) source.write(connection, builder, draft, path);
}

/** RFC 9000 §19.20: HANDSHAKE_DONE, from a server in 1-RTT. */
function writeHandshakeDone(connection: Connection, builder: DatagramBuilder, draft: Draft): void {
  if (draft.kind === "1RTT" && builder.put(draft, { type: "handshake_done" }, { kind: "handshake_done" })) connection.handshake.handshakeDoneOwed = false;
}

/** RFC 9000 §19.7: NEW_TOKEN, in 1-RTT. */
function writeNewTokens(connection: Connection, builder: DatagramBuilder, draft: Draft): void {
  if (draft.kind !== "1RTT") return;
  for (const token of connection.owed.newTokens.splice(0)) {
    putOwed(builder, draft, { type: "new_token", token }, { kind: "new_token", token }, () => connection.owed.newTokens.push(token));
  }
}

/** RFC 9000 §19.9: MAX_DATA. */
function writeMaxData(connection: Connection, builder: DatagramBuilder, draft: Draft): void {
  const window = connection.streams.connectionRecv;
  const maximum = window.takeUpdate();
  if (maximum !== undefined) putOwed(builder, draft, { type: "max_data", maximum }, { kind: "max_data", maximum }, () => window.updateLost(maximum));
}

/** RFC 9000 §19.15, §19.16: NEW_CONNECTION_ID, and RETIRE_CONNECTION_ID in 1-RTT packets. */
function writeCidFrames(connection: Connection, builder: DatagramBuilder, draft: Draft): void {
  const { cids } = connection;
  if (draft.kind === "1RTT") {
    for (const sequenceNumber of cids.takeRetirements()) {
      putOwed(builder, draft, { type: "retire_connection_id", sequenceNumber }, { kind: "retire_connection_id", sequenceNumber }, () => cids.retirementLost(sequenceNumber));
    }
  }
  for (const frame of cids.takeNewCidFrames()) putOwed(builder, draft, frame, { kind: "new_connection_id", frame }, () => cids.newCidLost(frame));
}

const STREAM_TYPES = [true, false] as const;

/** MAX_STREAMS, STREAMS_BLOCKED, MAX_STREAM_DATA, STOP_SENDING (1-RTT only) and STREAM_DATA_BLOCKED (RFC 9000 §19.5–§19.14). */
function writeStreamControlFrames(connection: Connection, builder: DatagramBuilder, draft: Draft): void {
  const { streams } = connection;
  for (const bidirectional of STREAM_TYPES) {
    const maximum = streams.takeMaxStreams(bidirectional);
    if (maximum !== undefined) {
      putOwed(builder, draft, { type: "max_streams", bidirectional, maximum }, { kind: "max_streams", bidirectional, maximum }, () => streams.maxStreamsLost(bidirectional, maximum));
    }
    const limit = streams.takeStreamsBlocked(bidirectional);
    if (limit !== undefined) builder.put(draft, { type: "streams_blocked", bidirectional, limit }, { kind: "streams_blocked", bidirectional, limit });
  }
  for (const [streamId, maximum] of streams.takeMaxStreamData()) {
    putOwed(builder, draft, { type: "max_stream_data", streamId, maximum }, { kind: "max_stream_data", streamId, maximum }, () => streams.maxStreamDataLost(streamId, maximum));
  }
  if (draft.kind === "1RTT") {
    for (const [streamId, errorCode] of streams.takeStopSending()) {
      putOwed(builder, draft, { type: "stop_sending", streamId, errorCode }, { kind: "stop_sending", streamId }, () => streams.stopSendingLost(streamId));
    }
  }
  for (const [streamId, limit] of streams.takeStreamDataBlocked()) {
    builder.put(draft, { type: "stream_data_blocked", streamId, limit }, { kind: "stream_data_blocked", streamId, limit });
  }
}

/** True when PATH_RESPONSE or a PATH_CHALLENGE is due on `path`. */
function owesPathFrames(connection: Connection, path: Path, now: number): boolean {
  return path.responses.length > 0 || (path.challenge !== undefined && challengeDue(path, now, connection.currentPto()));
}

/** RFC 9000 §8.2: PATH_RESPONSE and our PATH_CHALLENGE on the path the packet goes on, in 1-RTT. */
function writePathFrames(connection: Connection, builder: DatagramBuilder, draft: Draft, path: Path): void {
  if (draft.kind !== "1RTT") return;
  while (path.responses.length > 0 && draft.room > CONTROL_FRAME_ROOM) {
    builder.put(draft, { type: "path_response", data: path.responses.shift()! });
    draft.needsFullSize = true;
  }
  const challenge = path.challenge;
  if (challenge !== undefined && challengeDue(path, connection.lastNow, connection.currentPto()) && builder.put(draft, { type: "path_challenge", data: challenge.data })) {
    challenge.sentAt = connection.lastNow;
    draft.needsFullSize = true;
  }
}

/** RFC 9221 §5: DATAGRAM frames, never retransmitted. */
function writeDatagrams(connection: Connection, builder: DatagramBuilder, draft: Draft): void {
  for (let data = connection.datagrams.takeFitting(draft.room); data !== undefined; data = connection.datagrams.takeFitting(draft.room)) {
    writeDatagramFrameHeader(builder.payloadWriter(draft), data.length);
    putPayload(builder, draft, datagramFrameHeaderSize(data.length), data);
  }
}

/** STREAM and RESET_STREAM frames in the scheduler's order (RFC 9000 §2.3), within flow control. */
function writeStreams(connection: Connection, builder: DatagramBuilder, draft: Draft): void {
  const { streams } = connection;
  while (draft.room > CONTROL_FRAME_ROOM) {
    const send = streams.nextSendable();
    if (send === undefined) break;
    const reset = send.takeReset();
    if (reset !== undefined) {
      const frame: Frame = { type: "reset_stream", streamId: send.id, errorCode: reset.errorCode, finalSize: reset.finalSize };
      if (!builder.put(draft, frame, { kind: "reset_stream", streamId: send.id })) {
        send.onResetLost();
        break;
      }
      continue;
    }
    const chunk = send.nextChunk(draft.room - streamFrameHeaderSize(send.id, send.buffer.end, draft.room), streams.connectionSend.available);
    if (chunk === undefined) break;
    const { offset, fin } = chunk;
    const length = chunk.data.length;
    writeStreamFrameHeader(builder.payloadWriter(draft), send.id, offset, length, fin);
    putPayload(builder, draft, streamFrameHeaderSize(send.id, offset, length), chunk.data, { kind: "stream", streamId: send.id, offset, length, fin });
    streams.connectionSend.used += chunk.newBytes;
    streams.served(send);
  }
}

/** RFC 9000 §4.1, §19.12: DATA_BLOCKED when the peer's MAX_DATA holds data back, once per limit. */
function writeDataBlocked(connection: Connection, builder: DatagramBuilder, draft: Draft): void {
  const limit = connection.streams.connectionSend.takeBlocked();
  if (limit !== undefined) builder.put(draft, { type: "data_blocked", limit }, { kind: "data_blocked", limit });
}

/**
 * RFC 9000 §14.1: datagrams carrying a client's Initial (or a server's
 * ack-eliciting Initial) are expanded to 1200 bytes; so are PATH_CHALLENGE and
 * PATH_RESPONSE datagrams (§8.2.1).
 */
function datagramMinimum(connection: Connection, drafts: readonly Draft[]): number {
  const hasInitial = drafts.some((d) => d.kind === "initial" && (connection.role === "client" || d.ackEliciting));
  return hasInitial || drafts.some((d) => d.needsFullSize) ? MIN_DATAGRAM_SIZE : 0;
}

/** Seals the datagram, records its packets with loss recovery, and returns it. */
function finish(connection: Connection, builder: DatagramBuilder, path: Path, now: number, minimumSize: number): Transmit {
  const ecn: Ecn = connection.recovery.ecn.codepoint;
  const qlog = connection.qlog;
  const data = builder.seal(
    minimumSize,
    qlog &&
      ((draft, payload) =>
        qlog.packetSent(now, {
          kind: draft.kind,
          pn: draft.pn,
          size: builder.packetSize(draft),
          frames: readFrames(payload, draft.kind).map(qlogFrame),
          ...(draft.mtuProbe ? { isMtuProbe: true } : {}),
        })),
  );
  for (const draft of builder.packets) {
    const pn = draft.space.takePn();
    if (draft.kind === "1RTT") connection.oneRtt!.writeKeys(pn);
    const size = builder.packetSize(draft);
    connection.stats.packetsSent[draft.kind]++;
    connection.recovery.onPacketSent({
      pn,
      space: draft.space.id,
      timeSent: now,
      size,
      ackEliciting: draft.ackEliciting,
      inFlight: draft.ackEliciting || draft.padded,
      info: { frames: draft.frames, keyGeneration: draft.keyGeneration },
      ecn,
      isMtuProbe: draft.mtuProbe !== undefined,
    });
    if (draft.hasAck) draft.space.ack.onAckSent();
    if (draft.ackEliciting) {
      if (draft.space.probesOwed > 0) draft.space.probesOwed--;
      connection.lastAckElicitingSent = now;
      if (!connection.idle.ackElicitingSentSinceReceive) {
        // RFC 9000 §10.1: the first ack-eliciting packet after receiving restarts the idle timer.
        connection.idle.ackElicitingSentSinceReceive = true;
        connection.restartIdleTimer(now);
      }
    }
    // RFC 9001 §4.9.1: a client drops Initial keys once it sends a Handshake packet.
    if (draft.kind === "handshake" && connection.role === "client") connection.discardSpace(PacketSpace.Initial);
  }
  if (!path.validated) path.bytesSent += data.length;
  connection.stats.bytesSent += data.length;
  connection.pacer.onSent(now, data.length, connection.recovery.congestion.window, connection.recovery.rtt.smoothedRtt);
  return { data, path: path.addresses, ecn };
}

/**
 * RFC 9000 §10.2.1, §10.2.3: while closing, each datagram carries only
 * CONNECTION_CLOSE, in every space the peer may be able to read.
 */
function transmitClose(connection: Connection): Transmit | null {
  const frame = connection.lifecycle.takeCloseFrame();
  if (frame === undefined) return null;
  const path = connection.paths.active;
  const builder = new DatagramBuilder(Math.min(connection.maxDatagramSize, path.amplificationAllowance));
  const inHandshake = !connection.handshake.confirmed;
  for (const space of connection.spaces) {
    if (space.id !== PacketSpace.Application && !inHandshake) continue;
    const draft = openPacket(connection, builder, space);
    if (draft === undefined) continue;
    const closeFrame: ConnectionCloseFrame = space.id === PacketSpace.Application ? frame : Lifecycle.forHandshakeSpaces(frame);
    // RFC 9000 §12.5: 0-RTT packets cannot carry an application CONNECTION_CLOSE.
    if (draft.kind === "0RTT" || !builder.put(draft, closeFrame, undefined, false)) builder.abandon(draft);
  }
  if (builder.packets.length === 0) return null;
  const data = builder.seal(datagramMinimum(connection, builder.packets));
  for (const draft of builder.packets) {
    draft.space.takePn();
    if (draft.kind === "1RTT") connection.oneRtt!.writeKeys(draft.pn);
  }
  if (!path.validated) path.bytesSent += data.length;
  return { data, path: path.addresses };
}

/** RFC 8899 §4.1, RFC 9000 §14.4: a padded PING of the size being probed, once the handshake is confirmed. */
function transmitMtuProbe(connection: Connection, path: Path, now: number, limits: SendingLimits): Transmit | null {
  if (!connection.handshake.confirmed || limits.paced || !path.validated) return null;
  const size = connection.mtu.probeSize(now);
  if (size === undefined || size > limits.congestionRoom) return null;
  const builder = new DatagramBuilder(size);
  const draft = openPacket(connection, builder, connection.spaces[PacketSpace.Application]);
  if (draft === undefined || draft.kind !== "1RTT") return null;
  builder.put(draft, { type: "ping" });
  draft.mtuProbe = size;
  draft.frames.push({ kind: "mtu_probe", size });
  connection.mtu.onProbeSent(size);
  return finish(connection, builder, path, now, size);
}

/** RFC 9000 §9: PATH_CHALLENGE / PATH_RESPONSE on a path that is not the active one. */
function transmitPathProbe(connection: Connection, path: Path, now: number): Transmit | null {
  const builder = new DatagramBuilder(Math.min(MIN_DATAGRAM_SIZE, path.amplificationAllowance));
  const draft = openPacket(connection, builder, connection.spaces[PacketSpace.Application]);
  if (draft === undefined || draft.kind !== "1RTT") return null;
  writePathFrames(connection, builder, draft, path);
  if (!draft.ackEliciting) return null;
  return finish(connection, builder, path, now, MIN_DATAGRAM_SIZE);
}
