/**
 * The UDP impairment relay: a userspace middlebox between a client and a
 * server on loopback, standing in for the interop runner's ns-3 simulator
 * (the kernel here has no netem). Each client address gets its own
 * server-facing socket, like a NAT binding; every datagram passes the pure
 * per-direction model ({@link Direction}) and is sent when the model says it
 * arrives. The NAT can rebind: new server-facing port, optionally a new
 * 127.0.0.x address, on the simulator's schedule.
 *
 * The relay's clock (blackholes, rebinds) starts with the first client
 * datagram: how long a peer's process takes to start must not move the
 * first rebind into its handshake (the runner rebinds "after the handshake",
 * quic.md).
 *
 * @module
 */
import { createSocket, type RemoteInfo, type Socket } from "node:dgram";
import { randomInt } from "node:crypto";
import { performance } from "node:perf_hooks";
import { SeededRandom } from "@zquic/sim";
import { socketType, udpPayloadLimit, formatAddress, type SocketAddress } from "./address.js";
import { Direction, type Arrival, type DirectionConfig, type DirectionStats, type Tally } from "./direction.js";
import { RealTimeQueue } from "./real-time-queue.js";
import { isIpv4Loopback, nextRebindAt, pickRebindAddress } from "./rebinding.js";
import { parseScenario, type Impairments } from "./scenario.js";

/** The runner's default link: 15 ms one way, 10 Mbit/s, a 25-packet drop-tail queue. */
export const DEFAULT_SCENARIO = "simple-p2p --delay=15ms --bandwidth=10Mbps --queue=25";

/** One way in: datagrams reaching `listen` are relayed to `target`, and the answers back. */
export interface Route {
  readonly listen: SocketAddress;
  readonly target: SocketAddress;
}

/** How to run a relay. */
export interface RelayOptions {
  /** At least one route; a `listen` port of 0 picks a free port (see {@link Relay.listening}). */
  readonly routes: readonly Route[];
  /** Impairments per direction and the NAT's rebinding; default {@link DEFAULT_SCENARIO}. */
  readonly impairments?: Impairments;
  /** Seed of every random choice; default random (reported in {@link RelayStats.seed}). */
  readonly seed?: number;
  /** Most client bindings kept at once; the least recently used goes first. Default 256. */
  readonly maxBindings?: number;
  /** Most datagrams scheduled for delivery at once; more are refused (counted as overflow). Default 65536. */
  readonly maxPending?: number;
  /** Old server-facing sockets kept per binding after rebinds, absorbing late datagrams. Default 8. */
  readonly retiredSockets?: number;
  /** Receives one line per notable event (rebinds). */
  readonly log?: (line: string) => void;
}

/** One NAT rebinding: the client's traffic now leaves from `to` instead of `from`. */
export interface RebindEvent {
  /** ms on the relay's clock (since the first client datagram). */
  readonly at: number;
  readonly client: SocketAddress;
  readonly from: SocketAddress;
  readonly to: SocketAddress;
}

/** What the relay did so far. */
export interface RelayStats {
  readonly seed: number;
  readonly toServer: DirectionStats;
  readonly toClient: DirectionStats;
  readonly rebinds: readonly RebindEvent[];
  /** Client bindings alive. */
  readonly bindings: number;
  /** Server datagrams for a binding the NAT has since rebound (dropped, as the simulator does). */
  readonly unbound: Tally;
  /** Arrivals refused because {@link RelayOptions.maxPending} deliveries were waiting. */
  readonly overflow: Tally;
  /** Sends the kernel refused. */
  readonly sendErrors: number;
}

interface Binding {
  readonly route: number;
  readonly client: SocketAddress;
  /** The server-facing socket in use, and its address. */
  socket: Socket;
  local: SocketAddress;
  /** Sockets of earlier bindings, still open so late datagrams are absorbed, not refused by the kernel. */
  readonly retired: Socket[];
  lastUsed: number;
}

const RECEIVE_BUFFER = 4 << 20;

function tally(): Tally {
  return { datagrams: 0, bytes: 0 };
}

function count(counter: Tally, bytes: number): void {
  counter.datagrams += 1;
  counter.bytes += bytes;
}

/** A socket of `type` bound to `address:port`, once it listens. */
function bindSocket(type: "udp4" | "udp6", address: string, port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = createSocket({ type, recvBufferSize: RECEIVE_BUFFER });
    socket.once("error", reject);
    socket.bind(port, address, () => {
      socket.off("error", reject);
      resolve(socket);
    });
  });
}

function localAddress(socket: Socket): SocketAddress {
  const { address, port } = socket.address();
  return { address, port };
}

/** The MTU the simulator's 1500-byte links impose on the first route's family, unless the link sets one. */
function withMtu(config: DirectionConfig, target: SocketAddress): DirectionConfig {
  return { ...config, link: { mtu: udpPayloadLimit(target.address), ...config.link } };
}

/** The bytes of a received datagram as a plain `Uint8Array`, so `slice()` copies (a `Buffer`'s would not). */
function bytesOf(message: Buffer): Uint8Array {
  return new Uint8Array(message.buffer, message.byteOffset, message.byteLength);
}

/**
 * A running relay. Start it with {@link Relay.start}, read {@link Relay.stats}
 * at any time, and {@link Relay.stop} it to close every socket.
 */
export class Relay {
  private readonly bindings = new Map<string, Binding>();
  private readonly events: RebindEvent[] = [];
  private readonly unbound = tally();
  private readonly overflow = tally();
  private sendErrors = 0;
  /** When the first client datagram arrived: the relay clock's zero. */
  private origin: number | undefined;
  private readonly queue: RealTimeQueue;
  private readonly toServer: Direction;
  private readonly toClient: Direction;
  private readonly random: SeededRandom;
  private rebindTimer: ReturnType<typeof setTimeout> | undefined;
  private stopped = false;
  /** The client-facing socket of each route. */
  private readonly fronts: Socket[] = [];

  private constructor(
    private readonly options: RelayOptions,
    private readonly impairments: Impairments,
    private readonly seed: number,
  ) {
    this.random = new SeededRandom(seed);
    const target = options.routes[0]!.target;
    // The models check their configuration here, before any socket is opened.
    this.toServer = new Direction(withMtu(impairments.toServer, target), this.random.fork("to-server"));
    this.toClient = new Direction(withMtu(impairments.toClient, target), this.random.fork("to-client"));
    this.queue = new RealTimeQueue(() => this.now(), options.maxPending ?? 65536);
  }

  /** Opens the routes' sockets and starts relaying. Rejects with a `RangeError` for an unusable configuration. */
  static async start(options: RelayOptions): Promise<Relay> {
    if (options.routes.length === 0) throw new RangeError("relay: give at least one route");
    const impairments = options.impairments ?? parseScenario(DEFAULT_SCENARIO);
    if (impairments.rebind?.address === true && !options.routes.every((route) => isIpv4Loopback(route.target.address))) {
      throw new RangeError("relay: address rebinding needs IPv4 loopback targets (127.0.0.0/8 has addresses to move to; ::1 is alone)");
    }
    const relay = new Relay(options, impairments, options.seed ?? randomInt(2 ** 47));
    try {
      for (const { listen } of options.routes) relay.fronts.push(await bindSocket(socketType(listen.address), listen.address, listen.port));
    } catch (error) {
      for (const socket of relay.fronts) socket.close();
      throw error;
    }
    relay.fronts.forEach((socket, route) => socket.on("message", (message, sender) => relay.fromClient(route, bytesOf(message), sender)));
    return relay;
  }

  /** Where each route actually listens (ports resolved). */
  get listening(): readonly SocketAddress[] {
    return this.fronts.map(localAddress);
  }

  /** ms since the first client datagram (0 before it): the clock of blackholes and rebinds. */
  now(): number {
    return this.origin === undefined ? 0 : performance.now() - this.origin;
  }

  /** A snapshot of the counters. */
  get stats(): RelayStats {
    return structuredClone({
      seed: this.seed,
      toServer: this.toServer.stats,
      toClient: this.toClient.stats,
      rebinds: this.events,
      bindings: this.bindings.size,
      unbound: this.unbound,
      overflow: this.overflow,
      sendErrors: this.sendErrors,
    });
  }

  /** Rebinds every client now, whatever the schedule says; resolves once the new sockets are in use. */
  async rebindNow(): Promise<void> {
    const at = this.now();
    const address = this.impairments.rebind?.address === true;
    await Promise.all([...this.bindings.values()].map((binding) => this.rebind(binding, at, address)));
  }

  /** Stops relaying, drops what is in flight and closes every socket; resolves with the final counters. */
  async stop(): Promise<RelayStats> {
    if (!this.stopped) {
      this.stopped = true;
      if (this.rebindTimer !== undefined) clearTimeout(this.rebindTimer);
      this.queue.stop();
      const sockets = [...this.fronts, ...[...this.bindings.values()].flatMap((binding) => [binding.socket, ...binding.retired])];
      await Promise.all(sockets.map((socket) => new Promise<void>((resolve) => socket.close(() => resolve()))));
    }
    return this.stats;
  }

  private fromClient(route: number, data: Uint8Array, sender: RemoteInfo): void {
    if (this.stopped) return;
    if (this.origin === undefined) {
      this.origin = performance.now();
      this.scheduleRebind(0);
    }
    const binding = this.bindingFor(route, sender);
    const { target } = this.options.routes[route]!;
    // The NAT translates as the datagram comes off the link, so the socket is chosen at delivery.
    this.deliver(this.toServer.send(this.now(), data), (arrival) => this.send(binding.socket, arrival.data, target));
  }

  private fromServer(binding: Binding, socket: Socket, data: Uint8Array): void {
    if (this.stopped) return;
    const front = this.fronts[binding.route]!;
    this.deliver(this.toClient.send(this.now(), data), (arrival) => {
      // A binding rebound while the datagram was on its way is unknown by the time it arrives.
      if (binding.socket !== socket) count(this.unbound, arrival.data.length);
      else this.send(front, arrival.data, binding.client);
    });
  }

  private deliver(arrivals: readonly Arrival[], send: (arrival: Arrival) => void): void {
    for (const arrival of arrivals) {
      if (!this.queue.push(arrival.at, () => send(arrival))) count(this.overflow, arrival.data.length);
    }
  }

  private send(socket: Socket, data: Uint8Array, to: SocketAddress): void {
    socket.send(data, to.port, to.address, (error) => {
      if (error) this.sendErrors += 1;
    });
  }

  private bindingFor(route: number, sender: RemoteInfo): Binding {
    const key = `${route} ${sender.address} ${sender.port}`;
    let binding = this.bindings.get(key);
    if (binding === undefined) {
      this.evictIfFull();
      const target = this.options.routes[route]!.target;
      const socket = createSocket({ type: socketType(target.address), recvBufferSize: RECEIVE_BUFFER });
      binding = { route, client: { address: sender.address, port: sender.port }, socket, local: { address: "", port: 0 }, retired: [], lastUsed: 0 };
      this.attach(binding, socket, socketType(target.address) === "udp6" ? "::1" : "127.0.0.1");
      this.bindings.set(key, binding);
    }
    binding.lastUsed = this.now();
    return binding;
  }

  /** Binds `socket` (sends issued before it listens are queued by Node) and relays what it receives. */
  private attach(binding: Binding, socket: Socket, address: string): Promise<void> {
    socket.on("message", (message) => this.fromServer(binding, socket, bytesOf(message)));
    socket.on("error", () => {
      this.sendErrors += 1;
    });
    return new Promise((resolve) =>
      socket.bind(0, address, () => {
        if (binding.socket === socket) binding.local = localAddress(socket);
        resolve();
      }),
    );
  }

  private evictIfFull(): void {
    if (this.bindings.size < (this.options.maxBindings ?? 256)) return;
    let oldest: [string, Binding] | undefined;
    for (const entry of this.bindings) if (oldest === undefined || entry[1].lastUsed < oldest[1].lastUsed) oldest = entry;
    if (oldest === undefined) return;
    this.bindings.delete(oldest[0]);
    for (const socket of [oldest[1].socket, ...oldest[1].retired]) socket.close();
  }

  private async rebind(binding: Binding, at: number, newAddress: boolean): Promise<void> {
    const from = binding.local;
    const type = socketType(this.options.routes[binding.route]!.target.address);
    const address = newAddress ? pickRebindAddress(from.address, this.random) : type === "udp6" ? "::1" : from.address || "127.0.0.1";
    const socket = createSocket({ type, recvBufferSize: RECEIVE_BUFFER });
    await this.attach(binding, socket, address);
    if (this.stopped) {
      socket.close();
      return;
    }
    binding.retired.push(binding.socket);
    while (binding.retired.length > (this.options.retiredSockets ?? 8)) binding.retired.shift()!.close();
    binding.socket = socket;
    binding.local = localAddress(socket);
    this.events.push({ at, client: binding.client, from, to: binding.local });
    this.options.log?.(`${(at / 1000).toFixed(3)}s: rebinding ${formatAddress(binding.client)}: ${formatAddress(from)} -> ${formatAddress(binding.local)}`);
  }

  private scheduleRebind(done: number): void {
    const schedule = this.impairments.rebind;
    const at = schedule === undefined ? undefined : nextRebindAt(schedule, done);
    if (at !== undefined) this.rebindAt(at, done);
  }

  /** Rebinds at `at` (relay clock), never before: Node's timers may fire a fraction of a millisecond early. */
  private rebindAt(at: number, done: number): void {
    if (this.stopped) return;
    this.rebindTimer = setTimeout(() => {
      if (this.now() < at) this.rebindAt(at, done);
      else void this.rebindNow().then(() => this.scheduleRebind(done + 1));
    }, Math.max(0, Math.ceil(at - this.now())));
  }
}
