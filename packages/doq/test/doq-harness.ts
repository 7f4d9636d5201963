// DoQ sessions on a simulated network: a client and a server endpoint from
// @zquic/testkit, with a DoqClientSession / DoqServerSession on either side or,
// to play a misbehaving peer, a RawPeer that reads and writes streams directly.
import type { ClientTlsOptions, Connection, ConnectionEvent } from "@zquic/quic";
import type { RunOutcome } from "@zquic/sim";
import { CLIENT_ADDRESS, type Pair, type PairOptions, SERVER_ADDRESS, WALL_CLOCK_START, connectedPair } from "@zquic/testkit";
import { insecureVerifier } from "@zquic/tls";
import {
  DOQ_ALPN,
  type DnsMessage,
  type DoqClientEvent,
  DoqClientSession,
  type DoqClientOptions,
  type DoqQuery,
  type DoqQueryOptions,
  type DoqServerEvent,
  type DoqServerOptions,
  DoqServerSession,
  Resolver,
  ZoneBackend,
} from "@zquic/doq";
import { fixtureZone } from "./zone-fixtures.js";

/** A resolver answering from the fixture zones, as a DoQ handler. */
export function zoneHandler(): DoqServerOptions["handler"] {
  const resolver = new Resolver({ backends: [new ZoneBackend([fixtureZone("example.ghost"), fixtureZone("example.zns")])] });
  return (request) => resolver.handleQuery(request.bytes, request.now);
}

/** A peer without a DoQ session: records what arrives, and lets a test write anything. */
export class RawPeer {
  readonly events: ConnectionEvent[] = [];
  private readonly data = new Map<number, Uint8Array[]>();
  readonly finished = new Set<number>();
  readonly resets = new Map<number, number>();
  readonly stops = new Map<number, number>();
  connection: Connection | undefined;

  handleEvent(event: ConnectionEvent): void {
    this.events.push(event);
    if (event.type === "stream_readable") this.read(event.streamId);
    if (event.type === "stream_reset") this.resets.set(event.streamId, event.errorCode);
    if (event.type === "stream_stop_sending") this.stops.set(event.streamId, event.errorCode);
  }

  /** Everything received on `streamId` so far. */
  received(streamId: number): Uint8Array {
    return concat(this.data.get(streamId) ?? []);
  }

  /** The close reason once the transport reported `closed`. */
  get closed(): Extract<ConnectionEvent, { type: "closed" }>["reason"] | undefined {
    return this.events.find((event): event is Extract<ConnectionEvent, { type: "closed" }> => event.type === "closed")?.reason;
  }

  private read(streamId: number): void {
    try {
      for (let chunk = this.connection!.streamRead(streamId); chunk !== undefined; chunk = this.finished.has(streamId) ? undefined : this.connection!.streamRead(streamId)) {
        this.data.set(streamId, [...(this.data.get(streamId) ?? []), chunk.data.slice()]);
        if (chunk.fin) this.finished.add(streamId);
      }
    } catch {
      // Reset by the peer: the stream_reset event records it.
    }
  }
}

export interface DoqPairOptions extends Partial<Omit<PairOptions, "alpn">> {
  readonly seed: number;
  /** A server session with these options; a RawPeer when absent. */
  readonly doqServer?: Omit<DoqServerOptions, "wake">;
  /** A client session with these options (default); `"raw"` for a RawPeer. */
  readonly doqClient?: DoqClientOptions | "raw";
  readonly alpn?: readonly string[];
}

type QueryOutcome = Extract<DoqClientEvent, { query: DoqQuery }>;

/**
 * Client and server of a DoQ connection on a simulated network. The fields
 * describe the current connection; {@link reconnect} starts another one.
 */
export class DoqPair {
  readonly pair: Pair;
  connection: Connection;
  client: DoqClientSession | undefined;
  rawClient = new RawPeer();
  server: DoqServerSession | undefined;
  rawServer = new RawPeer();
  serverConnection: Connection | undefined;
  clientEvents: DoqClientEvent[] = [];
  serverEvents: DoqServerEvent[] = [];
  /** Every transport event of the current client connection. */
  clientTransportEvents: ConnectionEvent[] = [];
  /** Handler calls started since the run loop last let promises settle. */
  private started = 0;

  constructor(private readonly options: DoqPairOptions) {
    const { doqServer: _server, doqClient: _client, ...pairOptions } = options;
    this.pair = connectedPair({ ...pairOptions, alpn: options.alpn ?? [DOQ_ALPN] });
    this.connection = this.pair.connection;
    this.client = this.startClient();
  }

  get net(): Pair["net"] {
    return this.pair.net;
  }

  /** A new client connection to the same server, e.g. resuming a session with 0-RTT. */
  reconnect(tls: Partial<ClientTlsOptions>, resumption?: Uint8Array): void {
    const clock = () => WALL_CLOCK_START + this.net.now;
    this.connection = this.pair.client.connect(this.net.now, {
      local: CLIENT_ADDRESS,
      remote: SERVER_ADDRESS,
      tls: { alpn: this.options.alpn ?? [DOQ_ALPN], serverName: "localhost", verifier: insecureVerifier(), now: clock, ...tls },
      ...(resumption ? { resumption } : {}),
    });
    this.rawClient = new RawPeer();
    this.rawServer = new RawPeer();
    this.server = undefined;
    this.serverConnection = undefined;
    this.clientEvents = [];
    this.serverEvents = [];
    this.clientTransportEvents = [];
    this.client = this.startClient();
  }

  private startClient(): DoqClientSession | undefined {
    this.rawClient.connection = this.connection;
    const options = this.options.doqClient;
    return options === "raw" ? undefined : new DoqClientSession(this.connection, options);
  }

  /**
   * Moves every pending event into the sessions (or raw peers) and their
   * event lists; true when there were any (the sessions may have written).
   */
  pump(): boolean {
    let handled = false;
    for (let event = this.pair.server.pollEvent(); event !== null; event = this.pair.server.pollEvent()) {
      if (event.type === "connection") this.accept(event.connection);
    }
    for (let event = this.connection.pollEvent(); event !== null; event = this.connection.pollEvent()) {
      handled = true;
      this.clientTransportEvents.push(event);
      if (this.client !== undefined) this.client.handleEvent(event);
      else this.rawClient.handleEvent(event);
    }
    for (let event = this.client?.pollEvent() ?? null; event !== null; event = this.client!.pollEvent()) this.clientEvents.push(event);
    const serverConnection = this.serverConnection;
    if (serverConnection === undefined) return handled;
    for (let event = serverConnection.pollEvent(); event !== null; event = serverConnection.pollEvent()) {
      handled = true;
      if (this.server !== undefined) this.server.handleEvent(event, this.net.now);
      else this.rawServer.handleEvent(event);
    }
    for (let event = this.server?.pollEvent() ?? null; event !== null; event = this.server!.pollEvent()) this.serverEvents.push(event);
    return handled;
  }

  private accept(connection: Connection): void {
    this.serverConnection = connection;
    this.rawServer.connection = connection;
    const options = this.options.doqServer;
    if (options === undefined) return;
    this.server = new DoqServerSession(connection, {
      ...options,
      handler: (request) => {
        this.started++;
        return options.handler(request);
      },
      wake: () => this.flushSoon(),
    });
  }

  /** What the sessions wrote outside an event of the network: let the network poll the endpoints. */
  private flushSoon(): void {
    this.net.at(this.net.now, () => {});
  }

  /**
   * Runs the network until `until` holds, at most `within` ms of virtual
   * time, letting handler promises settle whenever handlers were started.
   */
  async run(until: () => boolean, within = 30_000): Promise<RunOutcome> {
    const deadline = this.net.now + within;
    for (;;) {
      const outcome = this.net.runUntil({
        until: () => {
          if (this.pump()) this.flushSoon();
          return until() || this.started > 0;
        },
        deadline,
      });
      if (this.started === 0) return outcome;
      this.started = 0;
      await new Promise((resolve) => setImmediate(resolve));
      this.pump();
    }
  }

  /** Runs until both sides completed the handshake. */
  async established(): Promise<void> {
    const outcome = await this.run(() => this.connection.isEstablished && this.serverConnection?.isEstablished === true);
    if (outcome.reason !== "until") throw new Error(`handshake did not complete: ${outcome.reason}`);
  }

  /** The event that ended `query` (response or failure), once there is one. */
  outcome(query: DoqQuery): QueryOutcome | undefined {
    return this.clientEvents.find((event): event is QueryOutcome => "query" in event && event.query === query);
  }

  /** Runs until every query in `queries` ended; their outcomes in the same order. */
  async settle(queries: readonly DoqQuery[], within?: number): Promise<QueryOutcome[]> {
    await this.run(() => queries.every((query) => this.outcome(query) !== undefined), within);
    return queries.map((query) => {
      const outcome = this.outcome(query);
      if (outcome === undefined) throw new Error(`query ${query.id} never ended`);
      return outcome;
    });
  }

  /** Sends `message` and runs until its query ended. */
  async ask(message: DnsMessage, options?: DoqQueryOptions): Promise<QueryOutcome> {
    const [outcome] = await this.settle([this.client!.query(message, options)]);
    return outcome!;
  }
}

/** The response of an outcome, failing the test when there is none. */
export function responseOf(outcome: QueryOutcome | undefined): Extract<DoqClientEvent, { type: "response" }> {
  if (outcome?.type !== "response") throw new Error(`expected a response, got ${JSON.stringify(outcome?.type === "query_failed" ? outcome.failure : outcome)}`);
  return outcome;
}

/** `chunks` joined. */
export function concat(chunks: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((sum, chunk) => sum + chunk.length, 0));
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}
