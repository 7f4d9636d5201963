import { cipherSuites, initialKeys, packetKeys, type CryptoProvider, type PacketKeys, type RandomSource } from "@zquic/crypto";
import { TlsClient, TlsServer, type TlsClientConfig, type TlsServerConfig, type TlsSession, type TlsOutput } from "@zquic/tls";
import {
  DEFAULT_TRANSPORT_PARAMETERS,
  TransportError,
  QUIC_V1,
  isSupportedVersion,
  Writer,
  equalBytes,
  ZquicError,
  decodeTransportParameters,
  encodeTransportParameters,
  transportErrorName,
  type PreferredAddress,
  type TransportParameters,
} from "@zquic/wire";
import { bytesToIp, ipToBytes, type Ecn, type NetworkPath, type SocketAddress, type Transmit } from "@zquic/wire";
import { Lifecycle, type CloseReason } from "./close.js";
import { CidManager, type CidSource } from "./cid-manager.js";
import type { TransportConfig } from "./config.js";
import { createCongestionController } from "./congestion/controller.js";
import { DatagramQueue } from "./datagrams.js";
import type { ConnectionEvent } from "./events.js";
import { KeyUpdate } from "./key-update.js";
import { Pacer } from "./pacer.js";
import { MIN_DATAGRAM_SIZE, MIN_SENDABLE, MtuDiscovery } from "./pmtud.js";
import { PacketSpaceState, spaceLevel } from "./packet-space.js";
import { PathManager, type Path } from "./path.js";
import { QlogTrace, type QlogSink } from "./qlog.js";
import { QuicBit } from "./quic-bit.js";
import { Recovery, type HandshakeStatus } from "./recovery.js";
import { PacketSpace, type SpaceId } from "./sent-packet.js";
import type { PacketRecord } from "./sent-frames.js";
import { StreamMap } from "./streams/stream-map.js";
import type { StreamReadResult } from "./streams/recv-stream.js";
import type { StreamPriority } from "./streams/priority.js";
import type { Role } from "./streams/stream-id.js";
import { checkHandshakeCids, localTransportParameters } from "./transport-parameters.js";
import { receiveDatagram } from "./receive.js";
import { transmitDatagram } from "./transmit.js";
import { onPacketsAcknowledged, onPacketsLost } from "./frame-ledger.js";
import { decodeResumption, encodeResumption } from "./resumption.js";

export { MIN_DATAGRAM_SIZE };

/** RFC 9000 §10.3: a stateless reset ends in a 16-byte token and is at least 21 bytes long. */
const RESET_TOKEN_LENGTH = 16;
const MIN_STATELESS_RESET = 21;



/** Packet kinds counted in {@link ConnectionStats}. */
export type PacketKind = "initial" | "handshake" | "0RTT" | "1RTT";

/** What a connection counted so far. */
export interface ConnectionStats {
  readonly packetsSent: Record<PacketKind, number>;
  readonly packetsReceived: Record<PacketKind, number>;
  packetsLost: number;
  /** UDP payload bytes. */
  bytesSent: number;
  bytesReceived: number;
}

/** TLS settings the connection completes with its own transport parameters. */
export type ClientTlsOptions = Omit<TlsClientConfig, "transportParameters" | "provider" | "random">;
export type ServerTlsOptions = Omit<TlsServerConfig, "transportParameters" | "provider" | "random">;

/** Everything needed to create a connection; the endpoint fills most of it. */
export interface ConnectionOptions {
  readonly role: Role;
  readonly version: number;
  readonly config: TransportConfig;
  readonly provider: CryptoProvider;
  readonly random: RandomSource;
  readonly now: number;
  readonly path: NetworkPath;
  /** Fresh CIDs and reset tokens from the endpoint. */
  readonly cidSource: CidSource;
  /** Our Source Connection ID for the handshake. */
  readonly localCid: Uint8Array;
  /** Client: the random Destination Connection ID of its first Initial. Server: the client's SCID. */
  readonly peerCid: Uint8Array;
  /** Server: the DCID of the client's first Initial (RFC 9000 §7.3). */
  readonly originalDcid?: Uint8Array;
  /** Server: the DCID of the Initial that created the connection; the Initial keys come from it (RFC 9001 §5.2). */
  readonly clientDcid?: Uint8Array;
  /** Server: the SCID of the Retry it sent for this connection. */
  readonly retryScid?: Uint8Array;
  /** Server: the client's address is already validated (Retry or NEW_TOKEN; RFC 9000 §8.1). */
  readonly addressValidated?: boolean;
  /** Client: a token for its Initial packets (from NEW_TOKEN). */
  readonly token?: Uint8Array;
  readonly tls: ({ role: "client" } & ClientTlsOptions) | ({ role: "server" } & ServerTlsOptions);
  /** Client: a session to resume, as delivered by a `session_ticket` event. */
  readonly resumption?: Uint8Array;
  /** The versions we support, in preference order (RFC 9368 version_information). */
  readonly versions?: readonly number[];
  /** Server: makes a NEW_TOKEN token for this client, sent once the handshake is confirmed (RFC 9000 §8.1.3). */
  readonly issueNewToken?: () => Uint8Array;
  /** Where this connection's qlog trace goes (JSON-SEQ records). */
  readonly qlog?: QlogSink;
  /** Server: addresses to offer as preferred_address (RFC 9000 §9.6). */
  readonly preferredAddress?: { readonly ipv4?: SocketAddress; readonly ipv6?: SocketAddress };
}

/**
 * A QUIC connection (RFC 9000), sans-I/O: fed datagrams and time, asked for
 * datagrams, timeouts and events. This class orchestrates; the work lives in
 * `receive.ts` (packets in), `transmit.ts` (packets out), `frame-handler.ts`,
 * `frame-ledger.ts` (what happens when frames are acknowledged or lost) and
 * the components it holds.
 */
export class Connection {
  /** Which side of the connection this endpoint is. */
  readonly role: Role;
  /** The QUIC version in use. */
  version: number;
  /** @internal */ readonly config: TransportConfig;
  /** @internal */ readonly provider: CryptoProvider;
  /** @internal */ readonly random: RandomSource;
  /** @internal RFC 9287: the QUIC Bit of each packet sent. */
  readonly quicBit: QuicBit;
  /** @internal */ spaces!: readonly [PacketSpaceState, PacketSpaceState, PacketSpaceState];
  /** @internal 1-RTT keys, once both directions are installed. */
  oneRtt: KeyUpdate | undefined;
  /** @internal 0-RTT keys: the client writes, the server reads. */
  zeroRttKeys: PacketKeys | undefined;
  private pendingOneRtt: { read?: PacketKeys; write?: PacketKeys } = {};
  /** @internal */ tls!: TlsSession<never>;
  /** @internal */ recovery!: Recovery<PacketRecord>;
  /** @internal */ readonly pacer: Pacer;
  /** @internal */ readonly streams: StreamMap;
  /** @internal */ readonly cids: CidManager;
  /** @internal */ readonly paths: PathManager;
  /** @internal */ readonly datagrams: DatagramQueue;
  /** @internal */ readonly lifecycle = new Lifecycle();
  private readonly events: ConnectionEvent[] = [];
  /** The peer's transport parameters, once received. */
  peerParams: TransportParameters | undefined;
  /** @internal Handshake progress. */
  readonly handshake = {
    complete: false,
    confirmed: false,
    /** Server: the client's address is validated (RFC 9000 §8.1). */
    peerAddressValidated: false,
    /** Server: HANDSHAKE_DONE still to be sent (RFC 9001 §4.1.2). */
    handshakeDoneOwed: false,
    /** Client: the server's first Initial has fixed its CID (RFC 9000 §7.2). */
    peerCidChosen: false,
    /** The peer's Source Connection ID from its first Initial (RFC 9000 §7.3). */
    peerInitialScid: undefined as Uint8Array | undefined,
    /** Client: the SCID of a Retry it accepted. */
    retryScid: undefined as Uint8Array | undefined,
    /** Client: the DCID of its very first Initial. */
    originalDcid: undefined as Uint8Array | undefined,
  };
  /** @internal Client: the token to put in Initial packets. */
  token: Uint8Array;
  /** @internal Length of the CIDs we issue (short headers carry no length). */
  readonly localCidLength: number;
  /** @internal Our Source Connection ID in long headers (sequence number 0). */
  readonly localHandshakeCid: Uint8Array;
  private readonly localResetToken: Uint8Array;
  /** Server: the preferred_address transport parameter, when configured. */
  private readonly preferredAddress: PreferredAddress | undefined;
  /** @internal Idle timeout bookkeeping (RFC 9000 §10.1). */
  readonly idle = { timeout: 0, deadline: undefined as number | undefined, ackElicitingSentSinceReceive: false };
  /** @internal Frames owed by this endpoint outside any component. */
  readonly owed = { ping: false, newTokens: [] as Uint8Array[] };
  /** @internal Server: when the 0-RTT keys go (RFC 9001 §4.9.3: kept a while for reordered packets). */
  zeroRttDiscardAt: number | undefined;
  /** @internal When the last ack-eliciting packet was sent, for keep-alives. */
  lastAckElicitingSent = 0;
  /** @internal When pacing next allows an ack-eliciting packet. */
  pacingDeadline: number | undefined;
  /** @internal The largest UDP payload we send on the active path. */
  maxDatagramSize = MIN_DATAGRAM_SIZE;
  /** @internal DPLPMTUD for the active path (RFC 8899). */
  readonly mtu: MtuDiscovery;
  /** @internal The qlog trace, when one was asked for. */
  readonly qlog: QlogTrace | undefined;
  /** @internal Packets that arrived before their keys (RFC 9001 §5.7), re-fed when keys arrive. */
  readonly undecryptable: { datagram: Uint8Array; path: NetworkPath; ecn: Ecn }[] = [];
  /** Counters for tests, benchmarks and logs. */
  readonly stats: ConnectionStats = {
    packetsSent: { initial: 0, handshake: 0, "0RTT": 0, "1RTT": 0 },
    packetsReceived: { initial: 0, handshake: 0, "0RTT": 0, "1RTT": 0 },
    packetsLost: 0,
    bytesSent: 0,
    bytesReceived: 0,
  };
  /** @internal The time of the latest input, for API calls that take no `now`. */
  lastNow: number;
  private closedEventSent = false;

  constructor(private readonly options: ConnectionOptions) {
    const { role, config, now } = options;
    this.role = role;
    this.version = options.version;
    this.config = config;
    this.provider = options.provider;
    this.random = options.random;
    this.quicBit = new QuicBit(options.random);
    this.lastNow = now;
    this.localCidLength = options.localCid.length;
    this.localHandshakeCid = options.localCid;
    this.token = options.token ?? new Uint8Array(0);
    this.streams = new StreamMap(role, {
      maxStreamsBidi: config.maxStreamsBidi,
      maxStreamsUni: config.maxStreamsUni,
      streamWindowBidiLocal: config.initialMaxStreamDataBidiLocal,
      streamWindowBidiRemote: config.initialMaxStreamDataBidiRemote,
      streamWindowUni: config.initialMaxStreamDataUni,
      maxStreamWindow: config.maxStreamWindow,
      connectionWindow: config.initialMaxData,
      maxConnectionWindow: config.maxConnectionWindow,
      sendBufferSize: config.sendBufferSize,
    });
    this.cids = new CidManager(options.cidSource, config.activeConnectionIdLimit, options.localCid.length === 0);
    this.localResetToken = this.cids.addLocal(options.localCid).resetToken!;
    // RFC 9000 §5.1.1: the preferred address CID has sequence number 1.
    this.preferredAddress = role === "server" && options.preferredAddress !== undefined ? preferredAddressParameter(options.preferredAddress, this.cids.addLocal(options.cidSource.newCid())) : undefined;
    this.paths = new PathManager(options.path, role === "client" || options.addressValidated === true, role === "server");
    this.handshake.peerAddressValidated = role === "client" || options.addressValidated === true;
    this.datagrams = new DatagramQueue(config.datagramQueueLength, config.maxDatagramFrameSize);
    this.pacer = new Pacer(MIN_DATAGRAM_SIZE);
    this.mtu = new MtuDiscovery(Math.max(MIN_DATAGRAM_SIZE, config.maxDatagramSize));
    this.qlog = options.qlog && new QlogTrace(options.qlog, role, role === "client" ? options.peerCid : options.originalDcid ?? options.localCid);
    if (role === "client") this.handshake.originalDcid = options.peerCid;
    this.startAttempt(options.version, now);
  }

  /**
   * Sets up everything a handshake attempt owns: packet number spaces, loss
   * recovery, Initial keys and the TLS session. A client runs it again with a
   * new version after Version Negotiation (RFC 9368 §2.2, §4).
   */
  private startAttempt(version: number, now: number): void {
    const { role, config, options } = this;
    this.version = version;
    const policy = (immediate: boolean) => ({
      immediate,
      maxAckDelay: config.maxAckDelay,
      ackElicitingThreshold: config.ackElicitingThreshold,
      maxAckElicitingThreshold: Math.max(config.ackElicitingThreshold, config.maxAckElicitingThreshold),
      maxRanges: config.maxAckRanges,
    });
    this.spaces = [
      new PacketSpaceState(PacketSpace.Initial, policy(true)),
      new PacketSpaceState(PacketSpace.Handshake, policy(true)),
      new PacketSpaceState(PacketSpace.Application, policy(false)),
    ];
    this.recovery = new Recovery<PacketRecord>({
      role,
      congestion: createCongestionController(config.congestionControl, MIN_DATAGRAM_SIZE),
      initialRtt: config.initialRtt,
    });
    this.cids.setPeerInitial(options.peerCid);
    // RFC 9001 §5.2: Initial keys from the client's first Destination Connection ID.
    this.installInitialKeys(role === "client" ? options.peerCid : options.clientDcid ?? options.originalDcid ?? options.localCid);

    const transportParameters = this.encodeLocalParameters(now);
    const common = { provider: options.provider, random: options.random, transportParameters };
    // RFC 9000 §7.4.1: 0-RTT is accepted only while the limits it relied on still hold.
    const earlyDataContext = encodeEarlyDataContext(config);
    const tls = options.tls;
    const resumption = role === "client" && options.resumption !== undefined ? decodeResumption(options.resumption) : undefined;
    this.tls = (
      tls.role === "client"
        ? new TlsClient({ ...tls, ...common, ...(resumption ? { resumption: resumption.ticket } : {}) })
        : new TlsServer({
            earlyDataContext,
            acceptEarlyData: (context) => equalBytes(context, earlyDataContext),
            answerTransportParameters: (clientParameters) => this.negotiateVersion(clientParameters),
            ...tls,
            ...common,
          })
    ) as TlsSession<never>;
    if (resumption !== undefined) this.applyRememberedParameters(resumption.parameters);
    this.restartIdleTimer(now);
    this.tls.start();
    this.drainTls(now);
  }

  /** Our transport parameters for the current version (RFC 9000 §18, RFC 9368 §3). */
  private encodeLocalParameters(now: number): Uint8Array {
    const { options } = this;
    const params = localTransportParameters(this.config, this.role, {
      localInitialScid: options.localCid,
      ...(options.originalDcid ? { originalDcid: options.originalDcid } : {}),
      ...(options.retryScid ? { retryScid: options.retryScid } : {}),
      statelessResetToken: this.localResetToken,
      ...(this.preferredAddress ? { preferredAddress: this.preferredAddress } : {}),
    }, { chosen: this.version, available: this.versions });
    this.qlog?.parametersSet(now, "local", params);
    return encodeTransportParameters({ ...DEFAULT_TRANSPORT_PARAMETERS, ...params }, { grease: options.random });
  }

  /**
   * Server, RFC 9368 §2.3: compatible version negotiation. With the client's
   * transport parameters in hand, switch to our most preferred version it
   * also offers (v1 and v2 are compatible, RFC 9369 §4); our Initial packets
   * use it from the first one.
   */
  private negotiateVersion(clientParameters: Uint8Array): Uint8Array {
    let offered: readonly number[] = [];
    try {
      offered = decodeTransportParameters(clientParameters, "client").versionInformation?.availableVersions ?? [];
    } catch {
      // Malformed parameters close the connection once they are applied.
    }
    const negotiated = this.versions.find((version) => offered.includes(version));
    if (negotiated !== undefined && negotiated !== this.version && isSupportedVersion(negotiated)) {
      this.version = negotiated;
      this.installInitialKeys(this.initialKeyDcid);
    }
    return this.encodeLocalParameters(this.lastNow);
  }

  /**
   * @internal Client, RFC 9368 §2.3: the server's first Initial came in another
   * version we offered; from now on we speak it. False when we did not offer it.
   */
  adoptServerVersion(version: number): boolean {
    if (this.role !== "client" || this.versionAdopted || this.spaces[PacketSpace.Handshake].readKeys !== undefined) return false;
    if (!this.versions.includes(version) || !isSupportedVersion(version)) return false;
    this.versionAdopted = true;
    this.version = version;
    this.installInitialKeys(this.initialKeyDcid);
    return true;
  }

  /** The versions this connection may use, in preference order. */
  private get versions(): readonly number[] {
    return this.options.versions ?? [this.options.version];
  }

  /** The DCID the Initial keys come from: the client's first DCID, or the one a Retry chose. */
  private initialKeyDcid: Uint8Array = new Uint8Array(0);

  /** @internal RFC 9001 §5.2 (and RFC 9369 §3.3.1 for v2): Initial keys for `dcid`. */
  installInitialKeys(dcid: Uint8Array): void {
    this.initialKeyDcid = dcid;
    const keys = initialKeys(this.provider, this.version, dcid);
    const initial = this.spaces[PacketSpace.Initial];
    initial.readKeys = this.role === "client" ? keys.server : keys.client;
    initial.writeKeys = this.role === "client" ? keys.client : keys.server;
  }

  // ---- the sans-I/O surface ----

  /** Processes one UDP datagram that arrived on `path`. Never throws for anything the peer sent. */
  handleDatagram(now: number, datagram: Uint8Array, path: NetworkPath, ecn: Ecn = 0): void {
    this.lastNow = now;
    if (this.lifecycle.state === "closed" || this.lifecycle.state === "draining") return;
    receiveDatagram(this, now, datagram, path, ecn);
    this.afterInput(now);
  }

  /** The next datagram to send, or `null`. Call until it returns `null`. */
  pollTransmit(now: number): Transmit | null {
    this.lastNow = now;
    if (this.lifecycle.state === "closed" || this.lifecycle.state === "draining") return null;
    return transmitDatagram(this, now);
  }

  /** The earliest time `handleTimeout` must be called, or `undefined`. */
  pollTimeout(): number | undefined {
    const state = this.lifecycle.state;
    if (state === "closed") return undefined;
    if (state === "closing" || state === "draining") return this.lifecycle.deadline;
    let earliest = earlier(this.idle.deadline, this.recovery.lossDetectionDeadline(this.handshakeStatus()));
    // An ACK that cannot be sent yet (no keys, or the anti-amplification limit) arms no timer.
    if (this.paths.active.amplificationAllowance >= MIN_SENDABLE) {
      for (const space of this.spaces) if (this.canSendAck(space)) earliest = earlier(earliest, space.ack.ackDeadline());
    }
    earliest = earlier(earliest, this.pacingDeadline);
    if (this.paths.validating) earliest = earlier(earliest, this.paths.nextDeadline(this.currentPto()));
    earliest = earlier(earliest, this.oneRtt?.discardDeadline);
    earliest = earlier(earliest, this.zeroRttDiscardAt);
    return earlier(earliest, this.keepAliveDeadline());
  }

  /** Tells the connection that time `now` has come. */
  handleTimeout(now: number): void {
    this.lastNow = now;
    if (this.lifecycle.onTimeout(now)) {
      this.emitClosed();
      return;
    }
    if (this.lifecycle.state !== "open") return;
    if (this.idle.deadline !== undefined && now >= this.idle.deadline) {
      // RFC 9000 §10.1: silently closed.
      this.lifecycle.terminate({ code: TransportError.NO_ERROR, application: false, reason: "idle timeout", initiator: "idle" });
      this.emitClosed();
      return;
    }
    if (this.pacingDeadline !== undefined && now >= this.pacingDeadline) this.pacingDeadline = undefined;
    if (this.zeroRttDiscardAt !== undefined && now >= this.zeroRttDiscardAt) {
      this.zeroRttKeys = undefined;
      this.zeroRttDiscardAt = undefined;
    }
    const keepAlive = this.keepAliveDeadline();
    if (keepAlive !== undefined && now >= keepAlive) {
      this.owed.ping = true;
      this.lastAckElicitingSent = now;
    }
    this.oneRtt?.onTimeout(now);
    const expired = this.paths.expireValidations(now);
    if (expired.revertedTo !== undefined) this.events.push({ type: "path_changed", path: expired.revertedTo });
    if (expired.activeFailed) {
      this.closeWithError(TransportError.NO_VIABLE_PATH, "path validation failed");
      return;
    }
    const status = this.handshakeStatus();
    const deadline = this.recovery.lossDetectionDeadline(status);
    if (deadline !== undefined && now >= deadline) {
      const outcome = this.recovery.onLossDetectionTimeout(now, status);
      onPacketsLost(this, outcome.lost);
      if (outcome.probe !== undefined) this.owePtoProbe(outcome.probe.space, outcome.probe.count);
    }
  }

  /** True when `space` can carry an ACK frame now (RFC 9000 §13.2.6: 0-RTT packets cannot). */
  private canSendAck(space: PacketSpaceState): boolean {
    if (space.discarded) return false;
    return space.id === PacketSpace.Application ? this.oneRtt !== undefined : space.writeKeys !== undefined;
  }

  /** The next event for the application, or `null`. */
  pollEvent(): ConnectionEvent | null {
    return this.events.shift() ?? this.streams.pollEvent() ?? null;
  }

  // ---- the application surface ----

  /** True once the TLS handshake completed. */
  get isEstablished(): boolean {
    return this.handshake.complete && this.lifecycle.state === "open";
  }

  /** Where the connection is in its lifecycle (RFC 9000 §10): stream calls need `"open"`. */
  get state(): "open" | "closing" | "draining" | "closed" {
    return this.lifecycle.state;
  }

  /** Why the connection stopped, once it did. */
  get closeReason(): CloseReason | undefined {
    return this.lifecycle.reason;
  }

  /** True while the application may use the connection (not closing, draining or closed). */
  get isOpen(): boolean {
    return this.lifecycle.state === "open";
  }

  /** True once the connection ended (a `closed` event was or will be emitted). */
  get isClosed(): boolean {
    return this.lifecycle.state === "closed";
  }

  /** The negotiated ALPN protocol. */
  get alpn(): string | undefined {
    return this.tls.alpn;
  }

  /** The negotiated TLS cipher suite (RFC 8446 §B.4), once the server has chosen it. */
  get cipherSuite(): number | undefined {
    return this.tls.cipherSuite;
  }

  /**
   * RFC 9000 §10.1: when (ms, the caller's clock) the connection closes for
   * idleness unless a packet arrives first; `undefined` without an idle timeout.
   */
  get idleDeadline(): number | undefined {
    return this.idle.deadline;
  }

  /** The path packets are sent on. */
  get path(): NetworkPath {
    return this.paths.active;
  }

  /** Latest RTT estimates (ms). */
  get rtt(): { smoothed: number; min: number; latest: number; variance: number } {
    const rtt = this.recovery.rtt;
    return { smoothed: rtt.smoothedRtt, min: rtt.minRtt, latest: rtt.latestRtt, variance: rtt.rttVar };
  }

  /**
   * Opens a stream; `undefined` when the peer's stream limit is reached (a
   * `streams_available` event follows when it rises). Before the handshake
   * completes, only a client resuming with 0-RTT may open streams.
   */
  openStream(bidirectional = true): number | undefined {
    this.wake();
    this.checkOpen();
    return this.streams.open(bidirectional);
  }

  /** Buffers stream data; returns how many bytes were taken (fewer when the send buffer is full). */
  streamWrite(streamId: number, data: Uint8Array, fin = false): number {
    this.wake();
    this.checkOpen();
    return this.streams.write(streamId, data, fin);
  }

  /** Ends the sending part of a stream. */
  streamFinish(streamId: number): void {
    this.wake();
    this.checkOpen();
    this.streams.finish(streamId);
  }

  /** Reads in-order stream data; `undefined` when none is available yet. Throws `STREAM_RESET` when the peer reset it. */
  streamRead(streamId: number, maxBytes?: number): StreamReadResult | undefined {
    this.wake(); // reading returns flow-control credit (MAX_STREAM_DATA, MAX_DATA)
    return this.streams.read(streamId, maxBytes, this.lastNow, this.recovery.rtt.smoothedRtt);
  }

  /** Abandons sending on a stream (RESET_STREAM). */
  streamReset(streamId: number, errorCode: number): void {
    this.wake();
    this.checkOpen();
    this.streams.reset(streamId, errorCode);
  }

  /** Asks the peer to stop sending on a stream (STOP_SENDING) and discards its data. */
  streamStopSending(streamId: number, errorCode: number): void {
    this.wake();
    this.checkOpen();
    this.streams.stopSending(streamId, errorCode);
  }

  /** Sets a stream's scheduling priority (RFC 9218 urgency and incremental). */
  setStreamPriority(streamId: number, priority: StreamPriority): void {
    this.wake();
    this.streams.setPriority(streamId, priority);
  }

  /** How many bytes a write to `streamId` would take now. */
  streamWritable(streamId: number): number {
    return this.streams.writable(streamId);
  }

  /** The largest datagram payload `sendDatagram` takes now (0 when the peer accepts none). */
  get maxDatagramPayload(): number {
    const pathLimit = this.maxDatagramSize - 1 - 20 - 4 - 16 - 3;
    return Math.max(0, Math.min(this.datagrams.maxPayload, pathLimit));
  }

  /** Queues an unreliable datagram (RFC 9221). Throws when it cannot ever be sent. */
  sendDatagram(data: Uint8Array): void {
    this.wake();
    this.checkOpen();
    if (data.length > this.maxDatagramPayload) {
      throw new ZquicError("DATAGRAM_TOO_LARGE", `datagram of ${data.length} bytes exceeds the current maximum of ${this.maxDatagramPayload} (see maxDatagramPayload)`);
    }
    this.datagrams.push(data);
  }

  /** Sends a PING (keeps the path and the peer's idle timer alive). */
  ping(): void {
    this.wake();
    this.owed.ping = true;
  }

  /** RFC 9001 §6: starts a key update. False when one is not allowed yet. */
  updateKeys(): boolean {
    this.wake();
    if (!this.handshake.confirmed) return false;
    return this.initiateKeyUpdate(this.lastNow);
  }

  /** @internal RFC 9001 §6.1: starts a key update if one is allowed now, and records it in the qlog. */
  initiateKeyUpdate(now: number): boolean {
    const keys = this.oneRtt;
    if (keys === undefined || !keys.initiate(now)) return false;
    this.qlog?.keyUpdated(now, `${this.role}_1rtt_secret`, "local_update", keys.writeGeneration);
    return true;
  }

  /** Closes the connection with an application error code (CONNECTION_CLOSE 0x1d). */
  close(errorCode = 0, reason = ""): void {
    this.wake();
    this.startClose({ code: errorCode, application: true, reason, initiator: "local" });
  }

  // ---- internal orchestration ----

  private checkOpen(): void {
    if (this.lifecycle.state !== "open") {
      throw new ZquicError("CONNECTION_CLOSED", `the connection is ${this.lifecycle.state}${this.lifecycle.reason ? `: ${this.lifecycle.reason.reason}` : ""}`);
    }
  }

  /** @internal Closes with a transport error (RFC 9000 §10.2). */
  closeWithError(code: number, reason: string, frameType?: number): void {
    this.startClose({ code, application: false, reason, initiator: "local", ...(frameType !== undefined ? { frameType } : {}) });
  }

  private startClose(reason: CloseReason): void {
    if (this.lifecycle.state !== "open") return;
    this.lifecycle.close(reason, this.lastNow, this.currentPto());
    this.events.push({ type: "closing", reason });
    this.qlog?.stateUpdated(this.lastNow, "closing");
  }

  /** @internal The peer sent CONNECTION_CLOSE (RFC 9000 §10.2.2). */
  onPeerClose(reason: CloseReason): void {
    const wasOpen = this.lifecycle.state === "open";
    this.lifecycle.drain(reason, this.lastNow, this.currentPto());
    if (wasOpen) this.events.push({ type: "closing", reason });
    this.qlog?.stateUpdated(this.lastNow, "draining");
  }

  /**
   * RFC 9000 §10.3.1: true (and the connection is over) when `datagram` ends in
   * the stateless reset token of one of the peer's CIDs.
   */
  detectStatelessReset(datagram: Uint8Array): boolean {
    if (datagram.length < MIN_STATELESS_RESET || this.lifecycle.state === "closed") return false;
    if (!this.cids.matchesResetToken(datagram.subarray(datagram.length - RESET_TOKEN_LENGTH))) return false;
    this.onStatelessReset();
    return true;
  }

  /** @internal A stateless reset arrived (RFC 9000 §10.3.1). */
  onStatelessReset(): void {
    this.lifecycle.terminate({ code: TransportError.NO_ERROR, application: false, reason: "stateless reset", initiator: "stateless_reset" });
    this.emitClosed();
  }

  /** @internal Ends a client whose versions the server does not support (RFC 9000 §6.2). */
  abandon(reason: CloseReason): void {
    this.lifecycle.terminate(reason);
    this.emitClosed();
  }

  private emitClosed(): void {
    if (this.closedEventSent || this.lifecycle.reason === undefined) return;
    this.closedEventSent = true;
    this.qlog?.connectionClosed(this.lastNow, this.lifecycle.reason);
    this.qlog?.stateUpdated(this.lastNow, "closed");
    this.events.push({ type: "closed", reason: this.lifecycle.reason });
  }

  /** @internal The current PTO with backoff, for closing, draining and validation timers. */
  currentPto(): number {
    const space = this.oneRtt !== undefined ? PacketSpace.Application : PacketSpace.Handshake;
    return this.recovery.ptoPeriod(space) * 2 ** Math.min(this.recovery.ptoCount, 8);
  }

  /** @internal The facts loss detection depends on (RFC 9002 §6.2). */
  handshakeStatus(): HandshakeStatus {
    return {
      handshakeConfirmed: this.handshake.confirmed,
      hasHandshakeKeys: this.spaces[PacketSpace.Handshake].writeKeys !== undefined,
      atAmplificationLimit: this.paths.active.amplificationAllowance === 0,
    };
  }

  /**
   * @internal RFC 9002 §6.2.4: a PTO fired; send ack-eliciting probes in
   * `space`, and in the other spaces with ack-eliciting packets in flight or
   * CRYPTO data not yet acknowledged: the peer may hold keys for only one of
   * them, and the congestion window, full of probes it cannot acknowledge,
   * would otherwise keep that data back for good.
   */
  owePtoProbe(space: SpaceId, count: number): void {
    for (const state of this.spaces) {
      if (state.discarded) continue;
      const crypto = state.cryptoSend;
      const unacknowledged = crypto.sent - crypto.ackedPrefix;
      if (state.id !== space && unacknowledged === 0 && !this.recovery.hasAckElicitingInFlight(state.id)) continue;
      state.probesOwed = Math.max(state.probesOwed, state.id === space ? count : 1);
      // Resend unacknowledged CRYPTO data in the probe rather than a bare PING.
      crypto.onLost(crypto.ackedPrefix, unacknowledged, false);
    }
  }

  /** RFC 9000 §10.1.2: when a PING is due to keep an idle connection open. */
  private keepAliveDeadline(): number | undefined {
    const interval = this.config.keepAliveInterval;
    if (interval <= 0 || !this.handshake.complete || this.owed.ping) return undefined;
    return this.lastAckElicitingSent + interval;
  }

  /** @internal Server, RFC 9001 §4.9.3: the first 1-RTT packet arrived; 0-RTT keys go after three PTOs. */
  onFirstOneRttPacket(now: number): void {
    if (this.role === "server" && this.zeroRttKeys !== undefined && this.zeroRttDiscardAt === undefined) this.zeroRttDiscardAt = now + 3 * this.currentPto();
  }

  /** @internal RFC 9000 §10.1: restart the idle timer. */
  restartIdleTimer(now: number): void {
    const peer = this.peerParams?.maxIdleTimeout ?? 0;
    const local = this.config.maxIdleTimeout;
    const timeout = local === 0 ? peer : peer === 0 ? local : Math.min(local, peer);
    if (timeout === 0) {
      this.idle.deadline = undefined;
      return;
    }
    // RFC 9000 §10.1: at least three PTOs, so probes can fire first.
    this.idle.deadline = now + Math.max(timeout, 3 * this.currentPto());
  }

  /** @internal Emits an event for the application. */
  emit(event: ConnectionEvent): void {
    this.events.push(event);
  }

  /** @internal After a datagram: TLS may have more to say, keys may have arrived, limits may be owed. */
  private afterInput(now: number): void {
    this.drainTls(now);
    if (this.role === "client" && !this.handshake.complete && this.tls.waiting !== undefined) {
      // Asynchronous certificate verification: the caller polls again when it settles.
    }
  }

  /** @internal Feeds in-order CRYPTO bytes of `space` to TLS (RFC 9001 §4.1.3). */
  deliverCrypto(space: PacketSpaceState, now: number): void {
    for (let data = space.cryptoRecv.read(); data !== undefined; data = space.cryptoRecv.read()) {
      this.tls.receive(spaceLevel[space.id], data);
    }
    this.drainTls(now);
  }

  /** Promise that settles when asynchronous TLS work (certificate verification) finished; poll again then. */
  get waiting(): Promise<void> | undefined {
    return this.tls.waiting;
  }

  /**
   * @internal Called by every application call that may give the connection
   * something to send or move its timers, so that an endpoint polls only the
   * connections that can have changed.
   */
  onWake: (() => void) | undefined;

  private wake(): void {
    this.onWake?.();
  }

  /** Re-runs TLS output processing; call after `waiting` settles. */
  resume(now: number): void {
    this.wake();
    this.lastNow = now;
    this.drainTls(now);
  }

  /** @internal Applies everything TLS produced (RFC 9001 §4.1). */
  drainTls(now: number): void {
    for (let output = this.tls.poll(); output !== null; output = this.tls.poll()) this.applyTlsOutput(output, now);
    if (this.peerParams === undefined && this.tls.peerTransportParameters !== undefined) this.applyPeerParameters(this.tls.peerTransportParameters);
  }

  private applyTlsOutput(output: TlsOutput, now: number): void {
    switch (output.kind) {
      case "handshake_data": {
        const space = this.spaces[levelSpace(output.level)];
        space.cryptoSend.write(output.data);
        return;
      }
      case "install_key":
        this.installKey(output.level, output.direction, output.secret, output.suite, now);
        return;
      case "handshake_complete":
        this.onHandshakeComplete(now);
        return;
      case "early_data":
        this.onEarlyDataDecision(output.accepted);
        return;
      case "session_ticket":
        if (this.peerParams !== undefined) this.events.push({ type: "session_ticket", ticket: encodeResumption({ ticket: output.ticket, parameters: this.peerParams }) });
        return;
      case "alert":
        this.closeWithError(output.transportError, `TLS alert ${output.alert}: ${output.reason}`, 0x06);
        return;
    }
  }

  private installKey(level: string, direction: "read" | "write", secret: Uint8Array, suiteId: number, now: number): void {
    const suite = cipherSuites.get(suiteId);
    if (suite === undefined) {
      this.closeWithError(TransportError.INTERNAL_ERROR, `TLS chose unknown cipher suite 0x${suiteId.toString(16)}`);
      return;
    }
    const keys = packetKeys(this.provider, suite, secret, this.version);
    const writer = direction === "write" ? this.role : this.role === "client" ? "server" : "client";
    this.qlog?.keyUpdated(now, `${writer}_${level === "early" ? "0rtt" : level === "application" ? "1rtt" : level}_secret`, "tls");
    if (level === "early") {
      this.zeroRttKeys = keys;
      if (direction === "read") this.retryUndecryptable(now);
      return;
    }
    if (level === "handshake") {
      const space = this.spaces[PacketSpace.Handshake];
      if (direction === "read") space.readKeys = keys;
      else space.writeKeys = keys;
      this.retryUndecryptable(now);
      return;
    }
    if (level === "application") {
      this.pendingOneRtt[direction] = keys;
      const { read, write } = this.pendingOneRtt;
      if (read !== undefined && write !== undefined) {
        this.oneRtt = new KeyUpdate(this.provider, read, write);
        this.pendingOneRtt = {};
        // RFC 9001 §4.9.3: a client sends no 0-RTT once it can send 1-RTT.
        if (this.role === "client") this.zeroRttKeys = undefined;
        this.retryUndecryptable(now);
      }
    }
  }

  /** RFC 9001 §5.7: packets that arrived before their keys get a second chance. */
  private retryUndecryptable(now: number): void {
    const queued = this.undecryptable.splice(0);
    for (const entry of queued) receiveDatagram(this, now, entry.datagram, entry.path, entry.ecn, true);
  }

  private onHandshakeComplete(now: number): void {
    if (this.handshake.complete) return;
    this.handshake.complete = true;
    this.qlog?.stateUpdated(now, "handshake_complete");
    this.events.push({ type: "handshake_completed", alpn: this.tls.alpn, resumed: this.tls.resumed });
    if (this.role === "server") {
      // RFC 9001 §4.1.2: the server's handshake is confirmed when it completes.
      this.handshake.handshakeDoneOwed = true;
      this.confirmHandshake(now);
    }
  }

  /** @internal RFC 9001 §4.1.2, §4.9.2: handshake confirmed; Handshake keys are discarded. */
  confirmHandshake(now: number): void {
    if (this.handshake.confirmed) return;
    this.handshake.confirmed = true;
    this.qlog?.stateUpdated(now, "handshake_confirmed");
    this.discardSpace(PacketSpace.Handshake);
    if (this.options.issueNewToken !== undefined) this.owed.newTokens.push(this.options.issueNewToken());
    if (this.role === "client") this.probePreferredAddress(now);
    this.events.push({ type: "handshake_confirmed" });
  }

  /** @internal RFC 9001 §4.9: drops a space's keys and forgets its packets in flight. */
  discardSpace(space: SpaceId): void {
    const state = this.spaces[space];
    if (state.discarded) return;
    state.discard();
    this.recovery.discardSpace(space);
  }

  private onEarlyDataDecision(accepted: boolean): void {
    this.events.push({ type: "early_data", accepted });
    if (!accepted) {
      // RFC 9001 §4.6.2: everything sent in 0-RTT is lost and goes again in 1-RTT.
      const lost = this.recovery.declareAllLost(PacketSpace.Application);
      onPacketsLost(this, lost);
      this.zeroRttKeys = undefined;
    }
  }

  /** Client resuming: the server's remembered limits govern 0-RTT (RFC 9000 §7.4.1). */
  private applyRememberedParameters(params: TransportParameters): void {
    this.streams.setPeerLimits({
      maxStreamsBidi: params.initialMaxStreamsBidi,
      maxStreamsUni: params.initialMaxStreamsUni,
      streamDataBidiLocal: params.initialMaxStreamDataBidiLocal,
      streamDataBidiRemote: params.initialMaxStreamDataBidiRemote,
      streamDataUni: params.initialMaxStreamDataUni,
      maxData: params.initialMaxData,
    });
    this.datagrams.peerMaxFrameSize = params.maxDatagramFrameSize;
  }

  private applyPeerParameters(bytes: Uint8Array): void {
    let params: TransportParameters;
    try {
      params = decodeTransportParameters(bytes, this.role === "client" ? "server" : "client");
    } catch (error) {
      const code = (error as { transportCode?: number }).transportCode ?? TransportError.TRANSPORT_PARAMETER_ERROR;
      this.closeWithError(code, `peer transport parameters: ${(error as Error).message}`);
      return;
    }
    const mismatch = checkHandshakeCids(params, this.role, {
      peerInitialScid: this.handshake.peerInitialScid ?? new Uint8Array(0),
      ...(this.handshake.originalDcid ? { originalDcid: this.handshake.originalDcid } : {}),
      ...(this.handshake.retryScid ? { retryScid: this.handshake.retryScid } : {}),
    });
    if (mismatch !== undefined) {
      this.closeWithError(mismatch.code, mismatch.reason);
      return;
    }
    const versionProblem = this.checkVersionInformation(params);
    if (versionProblem !== undefined) {
      this.closeWithError(TransportError.VERSION_NEGOTIATION_ERROR, versionProblem);
      return;
    }
    this.peerParams = params;
    this.qlog?.parametersSet(this.lastNow, "remote", params);
    this.applyRememberedParameters(params);
    this.recovery.maxAckDelay = params.maxAckDelay;
    this.mtu.setPeerMaximum(params.maxUdpPayloadSize);
    this.cids.setPeerLimit(params.activeConnectionIdLimit);
    if (params.greaseQuicBit && this.config.greaseQuicBit) this.quicBit.startGreasing();
    if (params.statelessResetToken !== undefined) this.cids.setPeerInitial(this.cids.activePeerCid, params.statelessResetToken);
    if (params.preferredAddress !== undefined) this.cids.addPeerPreferred(params.preferredAddress.connectionId, params.preferredAddress.statelessResetToken);
    this.restartIdleTimer(this.lastNow);
  }

  /**
   * RFC 9368 §4: the peer's Chosen Version must be the version in use, and a
   * client that moved versions after Version Negotiation checks the server
   * did not offer a version it prefers (a downgrade).
   */
  private checkVersionInformation(params: TransportParameters): string | undefined {
    // RFC 9368 §8: a v1 server that sends none after Version Negotiation is taken to support v1 alone.
    const info = params.versionInformation ?? (this.versionNegotiated && this.version === QUIC_V1 ? { chosenVersion: QUIC_V1, availableVersions: [QUIC_V1] } : undefined);
    if (info === undefined) return this.versionNegotiated ? "version_information missing after Version Negotiation" : undefined;
    // The client's Chosen Version is the one its first Initial used; the server's is the negotiated one.
    const expected = this.role === "server" ? this.options.version : this.version;
    if (info.chosenVersion !== expected) return `peer chose version 0x${info.chosenVersion.toString(16)}, expected 0x${expected.toString(16)}`;
    if (this.role === "client" && this.versionNegotiated) {
      if (info.availableVersions.length === 0) return "the server's Available Versions are empty after Version Negotiation";
      const rank = (version: number) => this.versions.indexOf(version);
      const better = info.availableVersions.find((version) => rank(version) >= 0 && rank(version) < rank(this.version));
      if (better !== undefined) return `downgrade: the server supports 0x${better.toString(16)}, which we prefer`;
    }
    return undefined;
  }

  /** @internal An ACK acknowledged packets and declared others lost. */
  onAckOutcome(acked: Parameters<typeof onPacketsAcknowledged>[1], lost: Parameters<typeof onPacketsLost>[1]): void {
    onPacketsAcknowledged(this, acked);
    onPacketsLost(this, lost);
    if (this.qlog !== undefined) this.logMetrics();
  }

  /** @internal qlog recovery_metrics_updated. */
  logMetrics(): void {
    const { rtt, congestion } = this.recovery;
    this.qlog?.metricsUpdated(this.lastNow, {
      min_rtt: rtt.minRtt,
      smoothed_rtt: rtt.smoothedRtt,
      latest_rtt: rtt.latestRtt,
      rtt_variance: rtt.rttVar,
      pto_count: this.recovery.ptoCount,
      congestion_window: Math.round(congestion.window),
      bytes_in_flight: this.recovery.bytesInFlight,
      ssthresh: Number.isFinite(congestion.slowStartThreshold) ? Math.round(congestion.slowStartThreshold) : -1,
    });
  }

  /** @internal RFC 9000 §17.2.5.2: the server asked for address validation with a Retry. */
  onRetry(scid: Uint8Array, token: Uint8Array): void {
    this.handshake.retryScid = scid;
    this.token = token;
    this.cids.setPeerInitial(scid);
    this.installInitialKeys(scid);
    // RFC 9002 §6.3: what was sent before the Retry is lost, but it is not a congestion signal.
    onPacketsLost(this, this.recovery.declareAllLost(PacketSpace.Initial));
    onPacketsLost(this, this.recovery.declareAllLost(PacketSpace.Application));
  }

  /** @internal RFC 9000 §6.2, RFC 9368 §4: move to a version the server offers, or give up. */
  onVersionNegotiation(offered: readonly number[]): void {
    const next = this.versions.find((version) => version !== this.version && offered.includes(version));
    this.qlog?.versionInformation(this.lastNow, { client: this.versions, server: offered, ...(next !== undefined ? { chosen: next } : {}) });
    if (next === undefined) {
      this.abandon({ code: TransportError.VERSION_NEGOTIATION_ERROR, application: false, reason: `no common QUIC version (server offers ${offered.map((v) => `0x${v.toString(16)}`).join(", ")})`, initiator: "version_negotiation" });
      return;
    }
    this.versionNegotiated = true;
    this.startAttempt(next, this.lastNow);
  }

  /** Client: it already moved to the server's version once. */
  private versionAdopted = false;

  /** True after an incompatible Version Negotiation restarted the handshake (RFC 9368 §4). */
  private versionNegotiated = false;

  /** @internal RFC 9000 §8.2.3: a PATH_RESPONSE validated a path. */
  onPathResponse(data: Uint8Array, now: number): void {
    const path = this.paths.onPathResponse(data);
    if (path === undefined) return;
    if (path !== this.paths.active && this.role === "client" && this.pendingMigration === path) {
      this.pendingMigration = undefined;
      this.switchPath(path, now);
    }
  }

  /** @internal RFC 9000 §9.3: the peer moved (migration or NAT rebinding); follow it and validate the new path. */
  onPeerMigrated(path: Path, now: number): void {
    if (this.role === "server" && this.peerParams?.disableActiveMigration && !this.handshake.confirmed) return;
    this.switchPath(path, now);
    this.validatePath(path, now);
  }

  /**
   * @internal RFC 9000 §8.2.1, §9.6.2: validate `path` unless it is valid or
   * being validated; a server probes every new path a client probes it on,
   * its preferred address included.
   */
  validatePath(path: Path, now: number): void {
    if (!path.validated && path.challenge === undefined) this.paths.startValidation(path, this.random(8), now + this.validationTimeout());
  }

  private switchPath(path: Path, now: number): void {
    const addressChanged = this.paths.migrate(path);
    // RFC 9000 §9.4: a new address means a new congestion controller, RTT estimate and PMTU.
    if (addressChanged) {
      this.mtu.reset();
      this.setMaxDatagramSize(MIN_DATAGRAM_SIZE);
      this.recovery.onNewPath(createCongestionController(this.config.congestionControl, MIN_DATAGRAM_SIZE));
    }
    // RFC 9000 §9.5: a new path gets a new peer CID when one is available.
    this.cids.switchPeerCid();
    this.restartIdleTimer(now);
    this.emit({ type: "path_changed", path });
  }

  /** RFC 9000 §8.2.4: three PTOs, using the initial RTT for the new path if larger. */
  private validationTimeout(): number {
    return 3 * Math.max(this.currentPto(), 2 * this.config.initialRtt);
  }

  private pendingMigration: Path | undefined;

  /**
   * Client, RFC 9000 §9.6: once the handshake is confirmed, validate the
   * server's preferred address (same address family) and move there when the
   * PATH_RESPONSE comes back.
   */
  private probePreferredAddress(now: number): void {
    const preferred = this.peerParams?.preferredAddress;
    if (preferred === undefined) return;
    const ipv6 = this.paths.active.remote.address.includes(":");
    const bytes = ipv6 ? preferred.ipv6Address : preferred.ipv4Address;
    const port = ipv6 ? preferred.ipv6Port : preferred.ipv4Port;
    if (port === 0 || bytes.every((b) => b === 0)) return;
    const path = this.paths.pathFor({ local: this.paths.active.local, remote: { address: bytesToIp(bytes), port } });
    if (path === undefined || path === this.paths.active) return;
    this.pendingMigration = path;
    this.paths.startValidation(path, this.random(8), now + this.validationTimeout());
  }

  /**
   * Client: moves the connection to a new local address (RFC 9000 §9.2). The
   * caller must already receive on `local`. Packets go out on the new path at
   * once; a PATH_CHALLENGE validates it.
   */
  migrate(local: SocketAddress): void {
    this.wake();
    if (this.role !== "client") throw new ZquicError("MIGRATION_ROLE", "only a client initiates migration (RFC 9000 §9)");
    if (!this.handshake.confirmed) throw new ZquicError("MIGRATION_EARLY", "migration must wait until the handshake is confirmed (RFC 9000 §9)");
    if (this.peerParams?.disableActiveMigration) throw new ZquicError("MIGRATION_DISABLED", "the server disabled active migration");
    const path = this.paths.pathFor({ local, remote: this.paths.active.remote });
    if (path === undefined) throw new ZquicError("MIGRATION_PATHS", "too many paths are being probed");
    path.validated = true; // RFC 9000 §9.3: the peer's address is unchanged; only reachability is probed.
    this.paths.startValidation(path, this.random(8), this.lastNow + this.validationTimeout());
    this.switchPath(path, this.lastNow);
  }

  /** @internal The path carries datagrams of `size` bytes (RFC 8899): packets may grow. */
  setMaxDatagramSize(size: number): void {
    if (size === this.maxDatagramSize) return;
    this.maxDatagramSize = size;
    this.recovery.congestion.onMtuChanged(size);
    this.pacer.onMtuChanged(size);
  }

  /** @internal A readable description for logs. */
  describeError(code: number): string {
    return transportErrorName(code);
  }
}

/** RFC 9000 §18.2: the preferred_address parameter for the configured addresses and the CID of sequence 1. */
function preferredAddressParameter(addresses: { readonly ipv4?: SocketAddress; readonly ipv6?: SocketAddress }, issued: { cid: Uint8Array; resetToken: Uint8Array | undefined }): PreferredAddress {
  const ip = (address: SocketAddress | undefined, length: number) => {
    const bytes = address === undefined ? undefined : ipToBytes(address.address);
    if (address !== undefined && bytes?.length !== length) throw new ZquicError("PREFERRED_ADDRESS", `preferred address ${address.address} is not an IPv${length === 4 ? 4 : 6} literal`);
    return bytes ?? new Uint8Array(length);
  };
  return {
    ipv4Address: ip(addresses.ipv4, 4),
    ipv4Port: addresses.ipv4?.port ?? 0,
    ipv6Address: ip(addresses.ipv6, 16),
    ipv6Port: addresses.ipv6?.port ?? 0,
    connectionId: issued.cid,
    statelessResetToken: issued.resetToken!,
  };
}

/** The server limits a 0-RTT client relies on (RFC 9000 §7.4.1), sealed into session tickets. */
function encodeEarlyDataContext(config: TransportConfig): Uint8Array {
  const writer = new Writer(64);
  for (const value of [
    config.initialMaxData,
    config.initialMaxStreamDataBidiLocal,
    config.initialMaxStreamDataBidiRemote,
    config.initialMaxStreamDataUni,
    config.maxStreamsBidi,
    config.maxStreamsUni,
    config.maxDatagramFrameSize,
    config.activeConnectionIdLimit,
  ]) writer.varint(value);
  return writer.toBytes();
}

/** The earlier of two optional times. */
function earlier(a: number | undefined, b: number | undefined): number | undefined {
  return a === undefined || (b !== undefined && b < a) ? b : a;
}

/** The packet number space that carries a TLS encryption level. */
function levelSpace(level: string): SpaceId {
  return level === "initial" ? PacketSpace.Initial : level === "handshake" ? PacketSpace.Handshake : PacketSpace.Application;
}
