import { openPayload, removeHeaderProtection, verifyRetryIntegrity, type PacketKeys } from "@zquic/crypto";
import {
  TransportError,
  WireError,
  constantTimeEqual,
  decodePacketNumber,
  equalBytes,
  isAckElicitingPacket,
  isProbingPacket,
  keyPhaseBit,
  readFrames,
  readPacketHeader,
  retryPseudoPacket,
  reservedBits,
  type Frame,
  type LongHeaderPacket,
  type PacketHeader,
  type RetryPacket,
  type ShortHeaderPacket,
  type VersionNegotiationPacket,
} from "@zquic/wire";
import type { Ecn, NetworkPath } from "@zquic/wire";
import type { Connection } from "./connection.js";
import { handleFrame, type FrameContext } from "./frame-handler.js";
import type { Path } from "./path.js";
import { qlogFrame } from "./qlog.js";
import { PacketSpace, type SpaceId } from "./sent-packet.js";

/** RFC 9001 §5.7: undecryptable packets buffered until their keys arrive, per connection. */
const MAX_BUFFERED_DATAGRAMS = 16;

type ProtectedHeader = LongHeaderPacket | ShortHeaderPacket;

const packetSpace: Readonly<Record<ProtectedHeader["packetType"], SpaceId>> = {
  initial: PacketSpace.Initial,
  handshake: PacketSpace.Handshake,
  "0RTT": PacketSpace.Application,
  "1RTT": PacketSpace.Application,
};

/**
 * RFC 9000 §12.2: splits a datagram into its coalesced packets and processes
 * each. Nothing here throws for anything the peer sent: bad packets are
 * dropped, protocol violations close the connection.
 */
export function receiveDatagram(connection: Connection, now: number, datagram: Uint8Array, networkPath: NetworkPath, ecn: Ecn, buffered = false): void {
  const path = connection.paths.pathFor(networkPath);
  if (path === undefined) return;
  // RFC 9000 §8.1: everything received on a path counts toward what may be sent on it (once).
  if (!buffered) {
    path.bytesReceived += datagram.length;
    connection.stats.bytesReceived += datagram.length;
  }
  if (connection.lifecycle.state === "closing") {
    connection.lifecycle.onPacketWhileClosing();
    return;
  }
  let firstDcid: Uint8Array | undefined;
  for (let offset = 0; offset < datagram.length && connection.lifecycle.state === "open"; ) {
    let header: PacketHeader;
    try {
      header = readPacketHeader(datagram, offset, connection.localCidLength);
    } catch {
      return; // RFC 9000 §12.2: an unparsable packet ends the datagram.
    }
    const firstByte = datagram[offset]!;
    offset = header.packetEnd;
    // RFC 9000 §17.2: the QUIC Bit must be set, unless we said it may be greased (RFC 9287 §3).
    if ((firstByte & 0x40) === 0 && !connection.config.greaseQuicBit && header.packetType !== "version_negotiation") continue;
    // RFC 9000 §12.2: coalesced packets with another Destination Connection ID are dropped.
    if (firstDcid === undefined) firstDcid = header.dcid;
    else if (!equalBytes(firstDcid, header.dcid)) continue;
    switch (header.packetType) {
      case "version_negotiation":
        onVersionNegotiation(connection, header);
        return;
      case "retry":
        onRetry(connection, header);
        return;
      default:
        if (!processPacket(connection, now, datagram, header, path, ecn)) return;
    }
  }
}

/**
 * One Initial, 0-RTT, Handshake or 1-RTT packet. Returns false when the rest
 * of the datagram must not be processed.
 */
function processPacket(connection: Connection, now: number, datagram: Uint8Array, header: ProtectedHeader, path: Path, ecn: Ecn): boolean {
  const spaceId = packetSpace[header.packetType];
  const space = connection.spaces[spaceId];
  if (space.discarded) return true;
  if (header.packetType !== "1RTT" && header.version !== connection.version) {
    // RFC 9368 §2.3: the server may answer our first Initial in another version we offered.
    const switched = header.packetType === "initial" && connection.adoptServerVersion(header.version);
    if (!switched) return true;
  }
  const keys = headerKeys(connection, header);
  if (keys === undefined) {
    // RFC 9001 §5.7: keep packets that may become readable soon (Handshake or 1-RTT before keys).
    connection.qlog?.packetDropped(now, header.packetType, header.packetEnd - header.packetStart, "key_unavailable");
    if (header.packetType !== "initial" && connection.undecryptable.length < MAX_BUFFERED_DATAGRAMS) {
      connection.undecryptable.push({ datagram: datagram.slice(header.packetStart, header.packetEnd), path, ecn });
    }
    return true;
  }
  const packet = datagram.subarray(header.packetStart, header.packetEnd);
  const pnOffset = header.packetNumberOffset - header.packetStart;
  const unmasked = removeHeaderProtection(keys.headerProtection, packet, pnOffset);
  if (unmasked === null) return true;
  const pn = decodePacketNumber(space.ack.largestReceived, unmasked.truncatedPn, unmasked.pnLength);
  let payloadKeys = keys;
  let generation = 0;
  if (header.packetType === "1RTT") {
    const choice = connection.oneRtt!.readKeys(keyPhaseBit(unmasked.firstByte), pn);
    if (choice === undefined) return true;
    payloadKeys = choice.keys;
    generation = choice.generation;
  }
  const plaintext = openPayload(payloadKeys, packet, pnOffset + unmasked.pnLength, pn);
  if (plaintext === null) {
    connection.qlog?.packetDropped(now, header.packetType, packet.length, "decryption_failure");
    if (header.packetType === "1RTT") connection.detectStatelessReset(datagram);
    return true;
  }
  // RFC 9000 §17.2, §17.3.1: reserved bits must be zero once protection is removed.
  if (reservedBits(unmasked.firstByte) !== 0) {
    connection.closeWithError(TransportError.PROTOCOL_VIOLATION, "reserved header bits set");
    return false;
  }
  if (header.packetType === "1RTT") {
    connection.onFirstOneRttPacket(now);
    const keyResult = connection.oneRtt!.onDecrypted(generation, pn, now, connection.currentPto());
    if (typeof keyResult === "number") {
      connection.closeWithError(keyResult, "key update out of order");
      return false;
    }
    if (keyResult === "updated") {
      connection.emit({ type: "key_updated", generation });
      connection.qlog?.keyUpdated(now, `${connection.role === "client" ? "server" : "client"}_1rtt_secret`, "remote_update", generation);
    }
  }
  if (space.ack.isDuplicate(pn)) {
    connection.qlog?.packetDropped(now, header.packetType, packet.length, "duplicate");
    return true;
  }
  connection.stats.packetsReceived[header.packetType]++;

  let frames: Frame[];
  try {
    frames = readFrames(plaintext, header.packetType);
  } catch (error) {
    if (!(error instanceof WireError)) throw error;
    connection.closeWithError(error.transportCode, error.message);
    return false;
  }
  // RFC 9000 §12.4: a packet with no frames is a PROTOCOL_VIOLATION.
  if (frames.length === 0) {
    connection.closeWithError(TransportError.PROTOCOL_VIOLATION, "packet without frames");
    return false;
  }
  connection.qlog?.packetReceived(now, { kind: header.packetType, pn, size: packet.length, frames: frames.map(qlogFrame) });
  if (header.packetType === "initial" || header.packetType === "handshake") learnPeerCid(connection, header);

  const context: FrameContext = { space, packetType: header.packetType, dcid: header.dcid, path, now };
  for (const frame of frames) {
    handleFrame(connection, frame, context);
    if (connection.lifecycle.state !== "open") break;
  }
  if (connection.lifecycle.state === "closed") return false;
  space.ack.onPacketReceived(pn, now, isAckElicitingPacket(frames), ecn, connection.recovery.rtt.smoothedRtt);

  if (connection.role === "server" && header.packetType === "handshake") {
    // RFC 9000 §8.1: a Handshake packet proves the client's address; RFC 9001 §4.9.1: Initial keys go.
    connection.handshake.peerAddressValidated = true;
    connection.paths.active.validated = true;
    connection.discardSpace(PacketSpace.Initial);
  }
  // RFC 9000 §9: only clients move; a server follows the newest non-probing packet to its new address.
  if (connection.role === "server" && header.packetType === "1RTT" && path !== connection.paths.active) {
    if (!isProbingPacket(frames) && pn === space.ack.largestReceived) connection.onPeerMigrated(path, now);
    else connection.validatePath(path, now);
  }
  // RFC 9000 §10.1: any successfully processed packet restarts the idle timer.
  connection.idle.ackElicitingSentSinceReceive = false;
  connection.restartIdleTimer(now);
  return true;
}

/** The keys that remove header protection for this packet, if we have them. */
function headerKeys(connection: Connection, header: ProtectedHeader): PacketKeys | undefined {
  switch (header.packetType) {
    case "initial":
      return connection.spaces[PacketSpace.Initial].readKeys;
    case "handshake":
      return connection.spaces[PacketSpace.Handshake].readKeys;
    case "0RTT":
      return connection.role === "server" ? connection.zeroRttKeys : undefined;
    case "1RTT":
      // RFC 9001 §5.7: a server does not process 1-RTT packets before the handshake completes.
      if (connection.role === "server" && !connection.handshake.complete) return undefined;
      return connection.oneRtt?.headerKeys;
  }
}

/**
 * RFC 9000 §7.2: each side adopts the peer's Source Connection ID from the
 * first packet it could decrypt; a header that failed authentication (it may
 * have been corrupted on the way) must not name the peer.
 */
function learnPeerCid(connection: Connection, header: LongHeaderPacket): void {
  if (connection.handshake.peerInitialScid !== undefined) return;
  connection.handshake.peerInitialScid = header.scid;
  connection.cids.setPeerInitial(header.scid);
}

/** RFC 9000 §6.2: Version Negotiation, honoured only before any other packet from the server. */
function onVersionNegotiation(connection: Connection, packet: VersionNegotiationPacket): void {
  if (connection.role !== "client" || connection.handshake.peerInitialScid !== undefined) return;
  // RFC 9000 §6.2: a VN listing the version we use is ignored (a downgrade attempt or garbage).
  if (packet.supportedVersions.includes(connection.version)) return;
  connection.onVersionNegotiation(packet.supportedVersions);
}

/** RFC 9000 §17.2.5.2: a client processes at most one Retry, before any other server packet. */
function onRetry(connection: Connection, packet: RetryPacket): void {
  const handshake = connection.handshake;
  if (connection.role !== "client" || handshake.peerInitialScid !== undefined || handshake.retryScid !== undefined) return;
  if (packet.token.length === 0 || packet.version !== connection.version) return;
  const originalDcid = handshake.originalDcid!;
  const pseudo = retryPseudoPacket(originalDcid, packet.withoutIntegrityTag);
  if (!verifyRetryIntegrity(connection.provider, connection.version, pseudo, packet.integrityTag)) return;
  // RFC 9000 §7.3: a Retry must carry a new CID.
  if (constantTimeEqual(packet.scid, originalDcid)) return;
  connection.onRetry(packet.scid, packet.token);
}
