import { protect, type PacketKeys } from "@zquic/crypto";
import {
  Writer,
  cryptoFrameHeaderSize,
  datagramFrameHeaderSize,
  frameSize,
  packetNumberLength,
  streamFrameHeaderSize,
  varintSize,
  writeCryptoFrameHeader,
  writeDatagramFrameHeader,
  writeFrame,
  writeLongHeader,
  writePacketLength,
  writeShortHeader,
  writeStreamFrameHeader,
  readFrames,
  type ConnectionCloseFrame,
  type Frame,
  type PacketNumberLength,
} from "@zquic/wire";
import type { Ecn, Transmit } from "./address.js";
import { Lifecycle } from "./close.js";
import type { Connection, PacketKind } from "./connection.js";
import { MIN_DATAGRAM_SIZE, MIN_SENDABLE } from "./pmtud.js";
import type { PacketSpaceState } from "./packet-space.js";
import { challengeDue, type Path } from "./path.js";
import { PacketSpace } from "./sent-packet.js";
import type { SentFrame } from "./sent-frames.js";
import { qlogFrame } from "./qlog.js";

/** RFC 9001 §5.3: every AEAD here appends a 16-byte tag. */
const AEAD_TAG_LENGTH = 16;
/** Below this much room a packet is not worth starting. */
const MIN_PACKET_ROOM = MIN_SENDABLE;
/** Room kept for one small control frame. */
const CONTROL_FRAME_ROOM = 24;


/** A packet being assembled: frames go into `payload`; the header and protection come last. */
interface Draft {
  readonly space: PacketSpaceState;
  readonly kind: PacketKind;
  readonly keys: PacketKeys;
  readonly keyGeneration: number;
  readonly pnLength: PacketNumberLength;
  readonly headerSize: number;
  readonly payload: Writer;
  readonly frames: SentFrame[];
  /** Room left for frames. */
  room: number;
  ackEliciting: boolean;
  hasAck: boolean;
  /** PADDING was added: the packet counts as in flight (RFC 9002 §3). */
  padded: boolean;
  /** RFC 9000 §8.2.1: PATH_CHALLENGE / PATH_RESPONSE datagrams are expanded to 1200 bytes. */
  needsFullSize: boolean;
  /** RFC 8899: a PMTU probe, padded to exactly this size. */
  mtuProbe?: number;
}

const draftSize = (draft: Draft) => draft.headerSize + draft.payload.length + AEAD_TAG_LENGTH;

/**
 * Assembles the next datagram (RFC 9000 §12.2 coalescing; DESIGN §3 frame
 * order): probes for other paths first, then Initial, Handshake and
 * application packets on the active path, within the anti-amplification limit,
 * the congestion window and pacing.
 */
export function transmitDatagram(connection: Connection, now: number): Transmit | null {
  if (connection.lifecycle.state === "closing") return transmitClose(connection);
  for (const path of connection.paths.pathsWithProbes(now, connection.currentPto())) {
    const probe = transmitPathProbe(connection, path, now);
    if (probe !== null) return probe;
  }
  const path = connection.paths.active;
  const budget = Math.min(connection.maxDatagramSize, path.amplificationAllowance);
  if (budget < MIN_PACKET_ROOM) return null;
  const limits = sendingLimits(connection, now);
  const probe = transmitMtuProbe(connection, path, now, limits);
  if (probe !== null) return probe;
  const drafts: Draft[] = [];
  let used = 0;
  for (const space of connection.spaces) {
    const draft = buildPacket(connection, space, now, budget - used, limits, path);
    if (draft === undefined) continue;
    drafts.push(draft);
    used += draftSize(draft);
    limits.congestionRoom -= draft.ackEliciting ? draftSize(draft) : 0;
  }
  // RFC 9002 §7.8: with window to spare and nothing to send, the sender is application-limited.
  connection.recovery.applicationLimited = drafts.every((draft) => !draft.ackEliciting) && !limits.paced && limits.congestionRoom >= connection.maxDatagramSize;
  if (drafts.length === 0) return null;
  padDatagram(connection, drafts, budget);
  return finish(connection, drafts, path, now);
}

/** How much the congestion controller and the pacer allow now (RFC 9002 §7, §7.7). */
interface SendingLimits {
  congestionRoom: number;
  paced: boolean;
}

function sendingLimits(connection: Connection, now: number): SendingLimits {
  const { recovery } = connection;
  const window = recovery.congestion.window;
  const congestionRoom = window - recovery.bytesInFlight;
  const earliest = connection.pacer.earliestSendTime(now, connection.maxDatagramSize, window, recovery.rtt.smoothedRtt);
  const paced = earliest > now;
  connection.pacingDeadline = paced ? earliest : undefined;
  return { congestionRoom, paced };
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
  const limit = Math.min(budget, keys.confidentialityLimit * 0.75);
  if (keys.packetsWithWriteKeys >= limit) keys.initiate(connection.lastNow);
}

function headerSize(connection: Connection, kind: PacketKind, pnLength: number): number {
  const dcid = connection.cids.activePeerCid.length;
  if (kind === "1RTT") return 1 + dcid + pnLength;
  const token = kind === "initial" ? varintSize(connection.token.length) + connection.token.length : 0;
  return 1 + 4 + 1 + dcid + 1 + connection.localHandshakeCid.length + token + 2 + pnLength;
}

function startDraft(connection: Connection, space: PacketSpaceState, room: number): Draft | undefined {
  const sending = packetKeysFor(connection, space);
  if (sending === undefined) return undefined;
  const pnLength = packetNumberLength(space.nextPn, connection.recovery.largestAcked(space.id));
  const size = headerSize(connection, sending.kind, pnLength);
  const payloadRoom = Math.min(room, 16_000) - size - AEAD_TAG_LENGTH;
  if (payloadRoom < MIN_PACKET_ROOM - size) return undefined;
  return {
    space,
    kind: sending.kind,
    keys: sending.keys,
    keyGeneration: sending.generation,
    pnLength,
    headerSize: size,
    payload: new Writer(Math.max(64, payloadRoom)),
    frames: [],
    room: payloadRoom,
    ackEliciting: false,
    hasAck: false,
    padded: false,
    needsFullSize: false,
  };
}

/** Writes a whole frame if it fits; `record` is what acknowledgment or loss must reach. */
function put(draft: Draft, frame: Frame, record?: SentFrame, ackEliciting = true): boolean {
  const size = frameSize(frame);
  if (size > draft.room) return false;
  writeFrame(draft.payload, frame);
  draft.room -= size;
  if (record !== undefined) draft.frames.push(record);
  if (ackEliciting) draft.ackEliciting = true;
  return true;
}

function buildPacket(connection: Connection, space: PacketSpaceState, now: number, room: number, limits: SendingLimits, path: Path): Draft | undefined {
  const draft = startDraft(connection, space, room);
  if (draft === undefined) return undefined;
  const ackDue = space.ack.ackDue(now);
  if (space.ack.hasUnacknowledged && draft.kind !== "0RTT") writeAck(connection, draft, now);

  const probing = space.probesOwed > 0;
  // RFC 9002 §7: ack-eliciting packets wait for the congestion window and the pacer, probes excepted.
  const mayElicit = probing || (limits.congestionRoom > 0 && !limits.paced);
  if (mayElicit) {
    writeCrypto(draft);
    if (space.id === PacketSpace.Application) writeApplicationFrames(connection, draft, path, probing ? draft.room : Math.min(draft.room, limits.congestionRoom));
    if ((probing || connection.owed.ping) && !draft.ackEliciting && put(draft, { type: "ping" })) connection.owed.ping = false;
  }
  if (!draft.ackEliciting && !(draft.hasAck && ackDue)) return undefined;
  return draft;
}

/** RFC 9000 §13.2: an ACK frame, with as many ranges as fit in a quarter of the packet. */
function writeAck(connection: Connection, draft: Draft, now: number): void {
  const exponent = connection.config.ackDelayExponent;
  let maxRanges = connection.config.maxAckRanges;
  for (;;) {
    const ack = draft.space.ack.buildAck(now, exponent, maxRanges);
    if (ack === undefined) return;
    const size = frameSize(ack);
    if (size <= draft.room / 4 || maxRanges === 1) {
      if (put(draft, ack, { kind: "ack", space: draft.space.id, largest: ack.ranges[0]!.largest }, false)) draft.hasAck = true;
      return;
    }
    maxRanges = Math.max(1, maxRanges >> 1);
  }
}

/** CRYPTO frames (RFC 9000 §19.6): retransmissions first, then new handshake data. */
function writeCrypto(draft: Draft): void {
  if (draft.kind === "0RTT") return;
  const crypto = draft.space.cryptoSend;
  while (crypto.hasPending() && draft.room > CONTROL_FRAME_ROOM) {
    const maxLength = draft.room - cryptoFrameHeaderSize(crypto.end, draft.room);
    const chunk = crypto.next(maxLength);
    if (chunk === undefined) return;
    writeCryptoFrameHeader(draft.payload, chunk.offset, chunk.data.length);
    draft.payload.bytes(chunk.data);
    draft.room -= cryptoFrameHeaderSize(chunk.offset, chunk.data.length) + chunk.data.length;
    draft.frames.push({ kind: "crypto", space: draft.space.id, offset: chunk.offset, length: chunk.data.length });
    draft.ackEliciting = true;
  }
}

/** Control frames, datagrams and stream data in a 0-RTT or 1-RTT packet. */
function writeApplicationFrames(connection: Connection, draft: Draft, path: Path, dataRoom: number): void {
  const oneRtt = draft.kind === "1RTT";
  const { streams, cids } = connection;
  if (oneRtt) {
    writePathFrames(connection, draft, path);
    if (connection.role === "server" && connection.handshake.handshakeDoneOwed) {
      if (put(draft, { type: "handshake_done" }, { kind: "handshake_done" })) connection.handshake.handshakeDoneOwed = false;
    }
    while (connection.owed.newTokens.length > 0 && draft.room > CONTROL_FRAME_ROOM) {
      const token = connection.owed.newTokens.shift()!;
      if (!put(draft, { type: "new_token", token }, { kind: "new_token", token })) {
        connection.owed.newTokens.unshift(token);
        break;
      }
    }
    for (const sequenceNumber of cids.takeRetirements()) {
      if (!put(draft, { type: "retire_connection_id", sequenceNumber }, { kind: "retire_connection_id", sequenceNumber })) cids.retirementLost(sequenceNumber);
    }
  }
  for (const frame of cids.takeNewCidFrames()) {
    if (!put(draft, frame, { kind: "new_connection_id", frame })) cids.newCidLost(frame);
  }
  const maxData = streams.connectionRecv.takeUpdate();
  if (maxData !== undefined && !put(draft, { type: "max_data", maximum: maxData }, { kind: "max_data", maximum: maxData })) streams.connectionRecv.updateLost(maxData);
  for (const bidirectional of [true, false]) {
    const maximum = streams.takeMaxStreams(bidirectional);
    if (maximum !== undefined && !put(draft, { type: "max_streams", bidirectional, maximum }, { kind: "max_streams", bidirectional, maximum })) {
      streams.maxStreamsLost(bidirectional, maximum);
    }
    const limit = streams.takeStreamsBlocked(bidirectional);
    if (limit !== undefined) put(draft, { type: "streams_blocked", bidirectional, limit }, { kind: "streams_blocked", bidirectional, limit });
  }
  for (const [streamId, maximum] of streams.takeMaxStreamData()) {
    if (!put(draft, { type: "max_stream_data", streamId, maximum }, { kind: "max_stream_data", streamId, maximum })) streams.maxStreamDataLost(streamId, maximum);
  }
  if (oneRtt) {
    for (const [streamId, errorCode] of streams.takeStopSending()) {
      if (!put(draft, { type: "stop_sending", streamId, errorCode }, { kind: "stop_sending", streamId })) streams.get(streamId)?.recv?.onStopLost();
    }
  }
  for (const [streamId, limit] of streams.takeStreamDataBlocked()) {
    put(draft, { type: "stream_data_blocked", streamId, limit }, { kind: "stream_data_blocked", streamId, limit });
  }
  writeDatagrams(connection, draft);
  writeStreams(connection, draft, dataRoom);
}

/** RFC 9000 §8.2: PATH_RESPONSE and our PATH_CHALLENGE on the active path. */
function writePathFrames(connection: Connection, draft: Draft, path: Path): void {
  while (path.responses.length > 0 && draft.room > CONTROL_FRAME_ROOM) {
    put(draft, { type: "path_response", data: path.responses.shift()! });
    draft.needsFullSize = true;
  }
  const challenge = path.challenge;
  if (challenge !== undefined && challengeDue(path, connection.lastNow, connection.currentPto()) && put(draft, { type: "path_challenge", data: challenge.data })) {
    challenge.sentAt = connection.lastNow;
    draft.needsFullSize = true;
  }
}

/** RFC 9221 §5: DATAGRAM frames, never retransmitted. */
function writeDatagrams(connection: Connection, draft: Draft): void {
  for (let data = connection.datagrams.takeFitting(draft.room); data !== undefined; data = connection.datagrams.takeFitting(draft.room)) {
    writeDatagramFrameHeader(draft.payload, data.length);
    draft.payload.bytes(data);
    draft.room -= datagramFrameHeaderSize(data.length) + data.length;
    draft.ackEliciting = true;
  }
}

/** STREAM and RESET_STREAM frames in the scheduler's order (RFC 9000 §2.3), within flow control. */
function writeStreams(connection: Connection, draft: Draft, dataRoom: number): void {
  const { streams } = connection;
  let budget = dataRoom;
  while (draft.room > CONTROL_FRAME_ROOM && budget > CONTROL_FRAME_ROOM) {
    const send = streams.nextSendable();
    if (send === undefined) break;
    const reset = send.takeReset();
    if (reset !== undefined) {
      const frame: Frame = { type: "reset_stream", streamId: send.id, errorCode: reset.errorCode, finalSize: reset.finalSize };
      if (!put(draft, frame, { kind: "reset_stream", streamId: send.id })) {
        send.onResetLost();
        break;
      }
      continue;
    }
    const room = Math.min(draft.room, budget);
    const headerBound = streamFrameHeaderSize(send.id, send.buffer.end, room);
    const connectionCredit = streams.connectionSend.available;
    const chunk = send.nextChunk(room - headerBound, connectionCredit);
    if (chunk === undefined) break;
    writeStreamFrameHeader(draft.payload, send.id, chunk.offset, chunk.data.length, chunk.fin);
    draft.payload.bytes(chunk.data);
    const written = streamFrameHeaderSize(send.id, chunk.offset, chunk.data.length) + chunk.data.length;
    draft.room -= written;
    budget -= written;
    streams.connectionSend.used += chunk.newBytes;
    draft.frames.push({ kind: "stream", streamId: send.id, offset: chunk.offset, length: chunk.data.length, fin: chunk.fin });
    draft.ackEliciting = true;
    streams.served(send);
  }
  // RFC 9000 §4.1: tell the peer when its MAX_DATA holds data back.
  const blocked = streams.blockedByConnection ? streams.connectionSend.takeBlocked() : undefined;
  if (blocked !== undefined) put(draft, { type: "data_blocked", limit: blocked }, { kind: "data_blocked", limit: blocked });
}

/**
 * RFC 9000 §14.1: datagrams carrying a client's Initial (or a server's
 * ack-eliciting Initial) are expanded to 1200 bytes; so are PATH_CHALLENGE and
 * PATH_RESPONSE datagrams (§8.2.1). Padding goes at the end of the last packet.
 */
function padDatagram(connection: Connection, drafts: Draft[], budget: number): void {
  const hasInitial = drafts.some((d) => d.kind === "initial" && (connection.role === "client" || d.ackEliciting));
  const fullSize = hasInitial || drafts.some((d) => d.needsFullSize);
  const size = drafts.reduce((total, d) => total + draftSize(d), 0);
  const last = drafts[drafts.length - 1]!;
  // RFC 9001 §5.4.2: the sample needs 4 bytes after the packet number start.
  const minimumPayload = Math.max(0, 4 - last.pnLength - last.payload.length);
  const target = fullSize ? Math.min(budget, MIN_DATAGRAM_SIZE) : 0;
  const padding = Math.max(minimumPayload, target - size);
  if (padding > 0) pad(last, padding);
  for (const draft of drafts) pad(draft, 4 - draft.pnLength - draft.payload.length);
}

function pad(draft: Draft, bytes: number): void {
  if (bytes <= 0) return;
  draft.payload.zeros(bytes);
  draft.padded = true;
}

/** Protects the drafts, records them with loss recovery, and returns the datagram. */
function finish(connection: Connection, drafts: Draft[], path: Path, now: number): Transmit {
  const ecn: Ecn = connection.recovery.ecn.codepoint;
  const packets: Uint8Array[] = [];
  let total = 0;
  for (const draft of drafts) {
    const pn = draft.space.takePn();
    const keys = draft.kind === "1RTT" ? connection.oneRtt!.writeKeys(pn) : draft.keys;
    const packet = protect(keys, writeHeader(connection, draft, pn), draft.payload.view(), pn);
    packets.push(packet);
    total += packet.length;
    connection.stats.packetsSent[draft.kind]++;
    if (connection.qlog !== undefined) {
      const frames = readFrames(draft.payload.view(), draft.kind).map(qlogFrame);
      connection.qlog.packetSent(now, { kind: draft.kind, pn, size: packet.length, frames, ...(draft.mtuProbe ? { isMtuProbe: true } : {}) });
    }
    const inFlight = draft.ackEliciting || draft.padded;
    connection.recovery.onPacketSent({
      pn,
      space: draft.space.id,
      timeSent: now,
      size: packet.length,
      ackEliciting: draft.ackEliciting,
      inFlight,
      info: { frames: draft.frames, keyGeneration: draft.keyGeneration },
      ecn,
      ...(draft.mtuProbe !== undefined ? { isMtuProbe: true } : {}),
    });
    if (draft.hasAck) draft.space.ack.onAckSent();
    if (draft.ackEliciting && draft.space.probesOwed > 0) draft.space.probesOwed--;
    if (draft.ackEliciting) connection.lastAckElicitingSent = now;
    if (draft.ackEliciting && !connection.idle.ackElicitingSentSinceReceive) {
      // RFC 9000 §10.1: the first ack-eliciting packet after receiving restarts the idle timer.
      connection.idle.ackElicitingSentSinceReceive = true;
      connection.restartIdleTimer(now);
    }
    // RFC 9001 §4.9.1: a client drops Initial keys once it sends a Handshake packet.
    if (draft.kind === "handshake" && connection.role === "client") connection.discardSpace(PacketSpace.Initial);
  }
  if (!path.validated) path.bytesSent += total;
  connection.stats.bytesSent += total;
  connection.pacer.onSent(now, total, connection.recovery.congestion.window, connection.recovery.rtt.smoothedRtt);
  const data = packets.length === 1 ? packets[0]! : concat(packets, total);
  return { data, path: { local: path.local, remote: path.remote }, ecn };
}

function writeHeader(connection: Connection, draft: Draft, pn: number): Uint8Array {
  const writer = new Writer(draft.headerSize);
  const dcid = connection.cids.activePeerCid;
  if (draft.kind === "1RTT") {
    writeShortHeader(writer, { dcid, packetNumber: pn, packetNumberLength: draft.pnLength, spinBit: false, keyPhase: connection.oneRtt!.keyPhase });
    return writer.toBytes();
  }
  const layout = writeLongHeader(writer, {
    packetType: draft.kind,
    version: connection.version,
    dcid,
    scid: connection.localHandshakeCid,
    ...(draft.kind === "initial" ? { token: connection.token } : {}),
    packetNumber: pn,
    packetNumberLength: draft.pnLength,
  });
  const header = writer.toBytes();
  writePacketLength(header, layout, header.length + draft.payload.length + AEAD_TAG_LENGTH);
  return header;
}

function concat(parts: Uint8Array[], total: number): Uint8Array {
  const out = new Uint8Array(total);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/**
 * RFC 9000 §10.2.1, §10.2.3: while closing, each datagram carries only
 * CONNECTION_CLOSE, in every space the peer may be able to read.
 */
function transmitClose(connection: Connection): Transmit | null {
  const frame = connection.lifecycle.takeCloseFrame();
  if (frame === undefined) return null;
  const path = connection.paths.active;
  const budget = Math.min(connection.maxDatagramSize, Math.max(path.amplificationAllowance, 0));
  const drafts: Draft[] = [];
  let used = 0;
  const inHandshake = !connection.handshake.confirmed;
  for (const space of connection.spaces) {
    if (space.id !== PacketSpace.Application && !inHandshake) continue;
    const draft = startDraft(connection, space, budget - used);
    if (draft === undefined || draft.kind === "0RTT") continue;
    const closeFrame: ConnectionCloseFrame = space.id === PacketSpace.Application ? frame : Lifecycle.forHandshakeSpaces(frame);
    if (!put(draft, closeFrame, undefined, false)) continue;
    drafts.push(draft);
    used += draftSize(draft);
  }
  if (drafts.length === 0) return null;
  padDatagram(connection, drafts, budget);
  const packets = drafts.map((draft) => {
    const pn = draft.space.takePn();
    const keys = draft.kind === "1RTT" ? connection.oneRtt!.writeKeys(pn) : draft.keys;
    return protect(keys, writeHeader(connection, draft, pn), draft.payload.view(), pn);
  });
  const total = packets.reduce((sum, p) => sum + p.length, 0);
  if (!path.validated) path.bytesSent += total;
  return { data: concat(packets, total), path: { local: path.local, remote: path.remote } };
}

/** RFC 8899 §4.1, RFC 9000 §14.4: a padded PING of the size being probed, once the handshake is confirmed. */
function transmitMtuProbe(connection: Connection, path: Path, now: number, limits: SendingLimits): Transmit | null {
  if (!connection.handshake.confirmed || limits.paced || !path.validated) return null;
  const size = connection.mtu.probeSize(now);
  if (size === undefined || size > limits.congestionRoom) return null;
  const draft = startDraft(connection, connection.spaces[PacketSpace.Application], size);
  if (draft === undefined || draft.kind !== "1RTT") return null;
  put(draft, { type: "ping" });
  pad(draft, size - draftSize(draft));
  draft.mtuProbe = size;
  draft.frames.push({ kind: "mtu_probe", size });
  connection.mtu.onProbeSent(size);
  return finish(connection, [draft], path, now);
}

/** RFC 9000 §9: PATH_CHALLENGE / PATH_RESPONSE on a path that is not the active one. */
function transmitPathProbe(connection: Connection, path: Path, now: number): Transmit | null {
  const space = connection.spaces[PacketSpace.Application];
  const budget = Math.min(MIN_DATAGRAM_SIZE, path.amplificationAllowance);
  const draft = startDraft(connection, space, budget);
  if (draft === undefined || draft.kind !== "1RTT") return null;
  writePathFrames(connection, draft, path);
  if (!draft.ackEliciting) return null;
  padDatagram(connection, [draft], budget);
  return finish(connection, [draft], path, now);
}
