import { initialKeys, protect, retryIntegrityTag, type CryptoProvider, type RandomSource } from "@zquic/crypto";
import { AntiReplay, TicketKeys } from "@zquic/tls";
import {
  QUIC_V1,
  QUIC_V2,
  TransportError,
  Writer,
  ZquicError,
  equalBytes,
  isSupportedVersion,
  readInvariantHeader,
  readPacketHeader,
  retryPseudoPacket,
  toHex,
  writeFrame,
  writeLongHeader,
  writePacketLength,
  writeRetry,
  writeVersionNegotiation,
  type InvariantHeader,
  type LongHeaderPacket,
} from "@zquic/wire";
import type { Ecn, NetworkPath, SocketAddress, Transmit } from "@zquic/wire";
import { transportConfig, type TransportConfig } from "./config.js";
import { TimerQueue } from "./timer-queue.js";
import { Connection, MIN_DATAGRAM_SIZE, type ClientTlsOptions, type ServerTlsOptions } from "./connection.js";
import { ResetTokens, TokenSealer, type TokenLifetimes } from "./token.js";
import type { QlogSink } from "./qlog.js";

/** RFC 9000 §7.2: a client's first Destination Connection ID has at least 8 bytes. */
const MIN_INITIAL_DCID_LENGTH = 8;
/** Endpoint-generated datagrams (VN, Retry, resets, refusals) queued at most. */
const MAX_QUEUED_RESPONSES = 64;
/** Retired CIDs still routed, at most; the oldest goes first. */
const MAX_RETIRED_ROUTES = 4096;
/** Connection attempts held for a manual decision at most. */
const MAX_PENDING_INCOMING = 256;
/** RFC 9000 §10.3: a stateless reset is at least this long. */
const MIN_STATELESS_RESET_LENGTH = 21;

/** How the server decides on address validation with Retry (RFC 9000 §8.1.2). */
export type RetryPolicy = "always" | "never" | { readonly whenHandshakesExceed: number };

/** Server settings of an endpoint. */
export interface ServerOptions {
  readonly tls: ServerTlsOptions;
  readonly retry?: RetryPolicy;
  /** Connections at most; beyond it new ones are refused (CONNECTION_REFUSED). */
  readonly maxConnections?: number;
  /** Handshakes in progress at most; beyond it new ones are refused. */
  readonly maxHandshakes?: number;
  /** Hand each attempt to the application (`incoming` events) instead of deciding by the limits. */
  readonly manualAccept?: boolean;
  /** RFC 9000 §8.1.3: give clients a NEW_TOKEN for their next connection (default true). */
  readonly issueNewTokens?: boolean;
  readonly tokenLifetimes?: TokenLifetimes;
  /** RFC 9000 §10.3: stateless resets sent per second at most (default 20). */
  readonly statelessResetRate?: number;
  /** RFC 9000 §9.6: addresses (where this endpoint also receives) that clients should move to. */
  readonly preferredAddress?: { readonly ipv4?: SocketAddress; readonly ipv6?: SocketAddress };
}

/** Settings of an endpoint. */
export interface EndpointOptions {
  readonly provider: CryptoProvider;
  readonly random: RandomSource;
  readonly transport?: Partial<TransportConfig>;
  /** Length of the connection IDs this endpoint issues (default 8; 0 only for clients). */
  readonly cidLength?: number;
  /** Versions in preference order (default v1, v2). */
  readonly versions?: readonly number[];
  /** Present to accept connections. */
  readonly server?: ServerOptions;
  /**
   * RFC 9000 §10.3.2: the static key stateless reset tokens are derived from (32
   * bytes). Give the same key to a restarted endpoint (or every instance behind
   * one address) so it can reset connections it has forgotten. Random by default.
   */
  readonly statelessResetKey?: Uint8Array;
  /** Opens a qlog sink for a new connection (e.g. a `<odcid>.sqlog` file); undefined means no trace. */
  readonly qlog?: (connection: { role: "client" | "server"; odcid: Uint8Array }) => QlogSink | undefined;
}

/** What a client connection needs. */
export interface ConnectOptions {
  readonly remote: SocketAddress;
  /** The local address datagrams leave from (what the socket is bound to). */
  readonly local: SocketAddress;
  readonly tls: ClientTlsOptions;
  readonly transport?: Partial<TransportConfig>;
  /** Version of the first Initial (default: the endpoint's first). */
  readonly version?: number;
  /** A NEW_TOKEN token from an earlier connection to this server. */
  readonly token?: Uint8Array;
  /** State from a `session_ticket` event of an earlier connection. */
  readonly resumption?: Uint8Array;
}

/** A connection attempt waiting for the application's decision (RFC 9000 §5.2.2). */
export interface Incoming {
  readonly remote: SocketAddress;
  readonly local: SocketAddress;
  readonly version: number;
  /** True when a Retry or NEW_TOKEN token proved the client's address. */
  readonly addressValidated: boolean;
  /** @internal */ readonly key: string;
}

/** What an endpoint tells its application. */
export type EndpointEvent =
  | { readonly type: "incoming"; readonly incoming: Incoming }
  | { readonly type: "connection"; readonly connection: Connection };

interface PendingIncoming {
  readonly incoming: Incoming;
  readonly header: LongHeaderPacket;
  readonly originalDcid: Uint8Array;
  readonly retryScid: Uint8Array | undefined;
  readonly datagrams: { now: number; data: Uint8Array; path: NetworkPath; ecn: Ecn }[];
}

/**
 * A QUIC endpoint (RFC 9000 §5.2, §6, §8.1, §10.3): routes datagrams to
 * connections by Destination Connection ID, answers what no connection owns
 * (Version Negotiation, Retry, stateless reset, refusal), and admits new
 * connections. Sans-I/O: the same four calls as a connection.
 */
export class Endpoint {
  private readonly connections = new Set<Connection>();
  /**
   * Connections that may have something to send: touched by a datagram, a
   * timer or the application since they last had nothing. Only these are
   * polled, so idle connections cost nothing per poll.
   */
  private readonly sendable = new Set<Connection>();
  /** Connections whose deadline may have moved since {@link timers} last heard it. */
  private readonly timerStale = new Set<Connection>();
  private readonly timers = new TimerQueue<Connection>();
  private readonly routes = new Map<string, Connection>();
  /**
   * Clients' first DCIDs, so retransmitted Initials and 0-RTT reach their
   * connection (RFC 9000 §5.2), kept for the connection's life: an Initial
   * delayed past the handshake must not start a second connection.
   */
  private readonly initialRoutes = new Map<string, Connection>();
  private readonly initialRouteOf = new Map<Connection, string>();
  /**
   * CIDs the peer retired, still routed to their connection for three PTOs:
   * packets that use them may still be in flight (RFC 9000 §5.1.2), and a
   * stateless reset in answer would end a healthy connection.
   */
  private readonly retiredRoutes = new Map<string, { readonly connection: Connection; readonly until: number }>();
  private readonly pendingIncoming = new Map<string, PendingIncoming>();
  private readonly responses: Transmit[] = [];
  private readonly events: EndpointEvent[] = [];
  private readonly tokens: TokenSealer;
  private readonly resetTokens: ResetTokens;
  private readonly cidLength: number;
  private readonly versions: readonly number[];
  private readonly transport: TransportConfig;
  /** Server: ticket keys and the 0-RTT replay cache shared by all sessions, unless the TLS options bring their own. */
  private readonly ticketKeys: TicketKeys | undefined;
  private readonly antiReplay: AntiReplay | undefined;
  private resetBudget = { tokens: 0, updatedAt: 0 };
  /** The route used last (see {@link route}). */
  private lastRoute: { readonly cid: Uint8Array; readonly key: string; readonly connection: Connection } | undefined;

  constructor(private readonly options: EndpointOptions) {
    this.cidLength = options.cidLength ?? 8;
    if (this.cidLength > 20 || (options.server !== undefined && this.cidLength < 1)) {
      throw new ZquicError("CID_LENGTH", "cidLength must be 1..20 (0 is allowed only for a client-only endpoint)");
    }
    this.versions = options.versions ?? [QUIC_V1, QUIC_V2];
    this.transport = transportConfig(options.transport);
    this.tokens = new TokenSealer(options.provider, options.random, options.server?.tokenLifetimes);
    this.resetTokens = new ResetTokens(options.provider, options.statelessResetKey ?? options.random(32));
    if (options.server !== undefined) {
      this.ticketKeys = options.server.tls.ticketKeys ?? new TicketKeys({ provider: options.provider, random: options.random });
      this.antiReplay = options.server.tls.antiReplay ?? new AntiReplay({});
    }
  }

  /** A fresh connection ID no connection here uses. */
  private newCid(): Uint8Array {
    for (;;) {
      const cid = this.options.random(this.cidLength);
      if (!this.routes.has(toHex(cid))) return cid;
    }
  }

  private cidSource() {
    return { newCid: () => this.newCid(), resetToken: (cid: Uint8Array) => this.resetTokens.tokenFor(cid) };
  }

  /** Opens a client connection; its first datagram comes out of `pollTransmit`. */
  connect(now: number, options: ConnectOptions): Connection {
    const version = options.version ?? this.versions[0]!;
    const peerCid = this.options.random(Math.max(MIN_INITIAL_DCID_LENGTH, this.cidLength));
    const qlog = this.options.qlog?.({ role: "client", odcid: peerCid });
    const connection = new Connection({
      role: "client",
      version,
      versions: this.versions,
      config: options.transport ? { ...this.transport, ...options.transport } : this.transport,
      provider: this.options.provider,
      random: this.options.random,
      now,
      path: { local: options.local, remote: options.remote },
      cidSource: this.cidSource(),
      localCid: this.cidLength === 0 ? new Uint8Array(0) : this.newCid(),
      peerCid,
      tls: { role: "client", ...options.tls },
      ...(qlog ? { qlog } : {}),
      ...(options.token ? { token: options.token } : {}),
      ...(options.resumption ? { resumption: options.resumption } : {}),
    });
    this.adopt(connection);
    return connection;
  }

  private adopt(connection: Connection): void {
    this.connections.add(connection);
    connection.onWake = () => this.touch(connection);
    this.touch(connection);
    this.syncRoutes(connection);
  }

  /** `connection` may have something to send, and its deadline may have moved. */
  private touch(connection: Connection): void {
    this.sendable.add(connection);
    this.timerStale.add(connection);
  }

  /** Applies a connection's CID changes to the routing table. */
  private syncRoutes(connection: Connection): void {
    if (connection.cids.routingChanged) {
      for (const change of connection.cids.takeRoutingChanges()) {
        const key = toHex(change.cid);
        if (change.type === "add") this.routes.set(key, connection);
        else if (this.routes.get(key) === connection) this.retireRoute(key, connection);
      }
    }
    if (connection.isClosed) this.forget(connection);
  }

  private retireRoute(key: string, connection: Connection): void {
    this.forgetRoute(key);
    if (this.retiredRoutes.size >= MAX_RETIRED_ROUTES) this.retiredRoutes.delete(this.retiredRoutes.keys().next().value!);
    this.retiredRoutes.set(key, { connection, until: connection.lastNow + 3 * connection.currentPto() });
  }

  private forgetRoute(key: string): void {
    this.routes.delete(key);
    if (this.lastRoute?.key === key) this.lastRoute = undefined;
  }

  /**
   * The connection a Destination Connection ID routes to. The last route used
   * is remembered by its bytes, so a run of datagrams for one connection skips
   * building the table's key.
   */
  private route(dcid: Uint8Array, long: boolean, now: number): Connection | undefined {
    const last = this.lastRoute;
    if (last !== undefined && equalBytes(last.cid, dcid)) return last.connection;
    const key = toHex(dcid);
    const connection = this.routes.get(key);
    if (connection !== undefined) {
      this.lastRoute = { cid: dcid.slice(), key, connection };
      return connection;
    }
    if (long) return this.initialRoutes.get(key);
    const retired = this.retiredRoutes.get(key);
    if (retired === undefined) return undefined;
    if (now < retired.until) return retired.connection;
    this.retiredRoutes.delete(key);
    return undefined;
  }

  private dropInitialRoute(connection: Connection): void {
    const key = this.initialRouteOf.get(connection);
    if (key === undefined) return;
    this.initialRoutes.delete(key);
    this.initialRouteOf.delete(connection);
  }

  private forget(connection: Connection): void {
    this.connections.delete(connection);
    connection.onWake = undefined;
    this.sendable.delete(connection);
    this.timerStale.delete(connection);
    this.timers.set(connection, undefined);
    for (const issued of connection.cids.localCids()) {
      const key = toHex(issued.cid);
      if (this.routes.get(key) === connection) this.forgetRoute(key);
    }
    if (this.lastRoute?.connection === connection) this.lastRoute = undefined;
    for (const [key, retired] of this.retiredRoutes) if (retired.connection === connection) this.retiredRoutes.delete(key);
    this.dropInitialRoute(connection);
  }

  /** The open connections. */
  get connectionCount(): number {
    return this.connections.size;
  }

  /** Processes one datagram. Never throws for anything the network delivered. */
  handleDatagram(now: number, datagram: Uint8Array, path: NetworkPath, ecn: Ecn = 0): void {
    let header: InvariantHeader;
    try {
      header = readInvariantHeader(datagram, 0, this.cidLength);
    } catch {
      return;
    }
    const connection = this.route(header.dcid, header.form === "long", now);
    if (connection !== undefined) {
      connection.handleDatagram(now, datagram, path, ecn);
      this.touch(connection);
      this.syncRoutes(connection);
      return;
    }
    if (header.form === "short") {
      // RFC 9000 §10.3.1: an unroutable datagram may be a stateless reset for one of ours.
      for (const candidate of this.connections) {
        if (candidate.detectStatelessReset(datagram)) {
          this.touch(candidate);
          this.syncRoutes(candidate);
          return;
        }
      }
      this.maybeStatelessReset(now, datagram, header.dcid, path);
      return;
    }
    if (!isSupportedVersion(header.version) || !this.versions.includes(header.version)) {
      // RFC 9000 §6.1: answer an unknown version only in a datagram large enough to be an Initial.
      if (this.options.server !== undefined && datagram.length >= MIN_DATAGRAM_SIZE) this.sendVersionNegotiation(header, path);
      return;
    }
    this.onNewAttempt(now, datagram, path, ecn);
  }

  private onNewAttempt(now: number, datagram: Uint8Array, path: NetworkPath, ecn: Ecn): void {
    const server = this.options.server;
    if (server === undefined || datagram.length < MIN_DATAGRAM_SIZE) return;
    let header;
    try {
      header = readPacketHeader(datagram, 0, this.cidLength);
    } catch {
      return;
    }
    if (header.packetType !== "initial" || header.dcid.length < MIN_INITIAL_DCID_LENGTH) return;
    const key = `${toHex(header.dcid)}|${path.remote.address}|${path.remote.port}`;
    const pending = this.pendingIncoming.get(key);
    if (pending !== undefined) {
      if (pending.datagrams.length < 8) pending.datagrams.push({ now, data: datagram.slice(), path, ecn });
      return;
    }
    // RFC 9000 §8.1.3, §8.1.4: a valid token proves the address.
    const token = header.token.length > 0 ? this.tokens.open(header.token, path.remote, now) : undefined;
    const retried = token?.kind === "retry";
    const incoming: PendingIncoming = {
      incoming: { remote: path.remote, local: path.local, version: header.version, addressValidated: token !== undefined, key },
      header,
      originalDcid: retried ? token.originalDcid : header.dcid,
      retryScid: retried ? token.retryScid : undefined,
      datagrams: [{ now, data: datagram.slice(), path, ecn }],
    };
    if (server.manualAccept) {
      if (this.pendingIncoming.size >= MAX_PENDING_INCOMING) return;
      this.pendingIncoming.set(key, incoming);
      this.events.push({ type: "incoming", incoming: incoming.incoming });
      return;
    }
    this.decide(incoming, this.automaticDecision(incoming.incoming), now);
  }

  /** The limits and the Retry policy decide (RFC 9000 §5.2.2, §8.1.2). */
  private automaticDecision(incoming: Incoming): "accept" | "refuse" | "retry" {
    const server = this.options.server!;
    const handshakes = [...this.connections].filter((c) => c.role === "server" && !c.handshake.complete).length;
    if (this.connections.size >= (server.maxConnections ?? Infinity) || handshakes >= (server.maxHandshakes ?? Infinity)) return "refuse";
    if (incoming.addressValidated) return "accept";
    const policy = server.retry ?? "never";
    if (policy === "always" || (typeof policy === "object" && handshakes >= policy.whenHandshakesExceed)) return "retry";
    return "accept";
  }

  /** Accepts a pending attempt (manual mode); `undefined` when none of its packets decrypts. */
  accept(incoming: Incoming, now: number): Connection | undefined {
    return this.decideManually(incoming, "accept", now);
  }

  /** Refuses a pending attempt with CONNECTION_REFUSED. */
  refuse(incoming: Incoming, now: number): void {
    this.decideManually(incoming, "refuse", now);
  }

  /** Asks the client to prove its address with a Retry. */
  retry(incoming: Incoming, now: number): void {
    if (incoming.addressValidated) throw new ZquicError("RETRY_VALIDATED", "this client already proved its address; accept or refuse it");
    this.decideManually(incoming, "retry", now);
  }

  /** Drops a pending attempt without a word. */
  ignore(incoming: Incoming): void {
    this.pendingIncoming.delete(incoming.key);
  }

  private decideManually(incoming: Incoming, decision: "accept" | "refuse" | "retry", now: number): Connection | undefined {
    const pending = this.pendingIncoming.get(incoming.key);
    if (pending === undefined) throw new ZquicError("INCOMING_UNKNOWN", "this incoming attempt was already decided or has expired");
    this.pendingIncoming.delete(incoming.key);
    return this.decide(pending, decision, now);
  }

  private decide(pending: PendingIncoming, decision: "accept" | "refuse" | "retry", now: number): Connection | undefined {
    const { header } = pending;
    const path = pending.datagrams[0]!.path;
    if (decision === "retry") {
      this.sendRetry(header, path, now);
      return undefined;
    }
    if (decision === "refuse") {
      this.sendRefusal(header, path);
      return undefined;
    }
    const server = this.options.server!;
    const tokens = this.tokens;
    const qlog = this.options.qlog?.({ role: "server", odcid: pending.originalDcid });
    const connection: Connection = new Connection({
      role: "server",
      version: header.version,
      versions: this.versions,
      config: this.transport,
      provider: this.options.provider,
      random: this.options.random,
      now,
      path,
      cidSource: this.cidSource(),
      localCid: this.newCid(),
      peerCid: header.scid,
      originalDcid: pending.originalDcid,
      clientDcid: header.dcid,
      ...(pending.retryScid ? { retryScid: pending.retryScid } : {}),
      addressValidated: pending.incoming.addressValidated,
      tls: { role: "server", ...server.tls, ticketKeys: this.ticketKeys!, antiReplay: this.antiReplay! },
      ...(qlog ? { qlog } : {}),
      ...(server.preferredAddress ? { preferredAddress: server.preferredAddress } : {}),
      ...(server.issueNewTokens === false ? {} : { issueNewToken: (): Uint8Array => tokens.seal("new_token", path.remote, connection.lastNow) }),
    });
    for (const datagram of pending.datagrams) connection.handleDatagram(Math.max(now, datagram.now), datagram.data, datagram.path, datagram.ecn);
    // An attempt none of whose packets decrypts (a corrupted header, a forgery) leaves no state behind.
    if (connection.handshake.peerInitialScid === undefined) return undefined;
    const routeKey = toHex(header.dcid);
    this.initialRoutes.set(routeKey, connection);
    this.initialRouteOf.set(connection, routeKey);
    this.adopt(connection);
    this.events.push({ type: "connection", connection });
    this.syncRoutes(connection);
    return connection;
  }

  private queue(data: Uint8Array, path: NetworkPath): void {
    if (this.responses.length < MAX_QUEUED_RESPONSES) this.responses.push({ data, path: { local: path.local, remote: path.remote } });
  }

  /** RFC 9000 §6.1, §17.2.1: our versions plus a reserved one to keep clients honest. */
  private sendVersionNegotiation(header: InvariantHeader & { form: "long" }, path: NetworkPath): void {
    const grease = (this.options.random(4).reduce((a, b) => (a << 8) | b, 0) & 0xf0f0f0f0) | 0x0a0a0a0a;
    const writer = new Writer(64);
    writeVersionNegotiation(writer, { dcid: header.scid, scid: header.dcid, supportedVersions: [...this.versions, grease >>> 0] });
    this.queue(writer.toBytes(), path);
  }

  /** RFC 9000 §17.2.5: a Retry with a token that carries the original DCID. */
  private sendRetry(header: LongHeaderPacket, path: NetworkPath, now: number): void {
    const retryScid = this.newCid();
    const token = this.tokens.seal("retry", path.remote, now, { originalDcid: header.dcid, retryScid });
    const writer = new Writer(128);
    writeRetry(writer, { version: header.version, dcid: header.scid, scid: retryScid, token });
    const withoutTag = writer.toBytes();
    writer.bytes(retryIntegrityTag(this.options.provider, header.version, retryPseudoPacket(header.dcid, withoutTag)));
    this.queue(writer.toBytes(), path);
  }

  /** RFC 9000 §5.2.2: refuse with CONNECTION_CLOSE (CONNECTION_REFUSED) in an Initial packet. */
  private sendRefusal(header: LongHeaderPacket, path: NetworkPath): void {
    const keys = initialKeys(this.options.provider, header.version, header.dcid).server;
    const payload = new Writer(64);
    writeFrame(payload, { type: "connection_close", application: false, errorCode: TransportError.CONNECTION_REFUSED, frameType: 0, reason: new Uint8Array(0) });
    payload.zeros(Math.max(0, 4 - payload.length));
    const headerWriter = new Writer(64);
    const layout = writeLongHeader(headerWriter, { packetType: "initial", version: header.version, dcid: header.scid, scid: this.newCid(), packetNumber: 0, packetNumberLength: 1 });
    const headerBytes = headerWriter.toBytes();
    writePacketLength(headerBytes, layout, headerBytes.length + payload.length + 16);
    this.queue(protect(keys, headerBytes, payload.view(), 0), path);
  }

  /** RFC 9000 §10.3: answer a short-header packet for an unknown CID with a stateless reset (rate-limited). */
  private maybeStatelessReset(now: number, datagram: Uint8Array, dcid: Uint8Array, path: NetworkPath): void {
    // §10.3.3: never as large as what triggered it, so two endpoints cannot loop.
    const length = Math.min(datagram.length - 1, 43);
    if (length < MIN_STATELESS_RESET_LENGTH || this.cidLength === 0) return;
    const rate = this.options.server?.statelessResetRate ?? 20;
    const budget = this.resetBudget;
    budget.tokens = Math.min(rate, budget.tokens + ((now - budget.updatedAt) / 1000) * rate);
    budget.updatedAt = now;
    if (budget.tokens < 1) return;
    budget.tokens -= 1;
    const packet = this.options.random(length);
    // RFC 9000 §10.3: looks like a short header: 0b01 then unpredictable bits.
    packet[0] = (packet[0]! & 0x3f) | 0x40;
    packet.set(this.resetTokens.tokenFor(dcid), length - 16);
    this.queue(packet, path);
  }

  /** The next event for the application. */
  pollEvent(): EndpointEvent | null {
    return this.events.shift() ?? null;
  }

  /** The next datagram to send, from the endpoint itself or any connection, round-robin. */
  pollTransmit(now: number): Transmit | null {
    const response = this.responses.shift();
    if (response !== undefined) return response;
    for (const connection of this.sendable) {
      const transmit = connection.pollTransmit(now);
      this.timerStale.add(connection);
      this.syncRoutes(connection);
      if (transmit === null) {
        // Nothing until a datagram, a timer or the application touches it again.
        this.sendable.delete(connection);
        continue;
      }
      // Round robin: a connection that sent goes to the back of the line (the set's order).
      if (this.sendable.size > 1 && this.sendable.delete(connection)) this.sendable.add(connection);
      return transmit;
    }
    return null;
  }

  /** The earliest deadline of any connection. */
  pollTimeout(): number | undefined {
    for (const connection of this.timerStale) this.timers.set(connection, connection.pollTimeout());
    this.timerStale.clear();
    return this.timers.earliest();
  }

  /** Runs the timers that are due. */
  handleTimeout(now: number): void {
    this.pollTimeout();
    for (const connection of this.timers.takeDue(now)) {
      connection.handleTimeout(now);
      this.touch(connection);
      this.syncRoutes(connection);
    }
  }
}
