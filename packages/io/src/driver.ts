/**
 * The event loop glue: one {@link Endpoint}, its {@link DatagramSocket}s (one,
 * plus any preferred address a server also receives on), one timer. Input (a
 * datagram, the timer, an application call) is handed to the endpoint and a
 * flush is scheduled for after the event loop has handed over every datagram
 * already waiting, so a burst of datagrams and calls flushes once: one ACK for
 * many packets, many requests in one packet. A flush delivers events, sends
 * every datagram the endpoint has ready, and re-arms the timer from
 * `pollTimeout()`.
 *
 * @module
 */
import { addressKey, type ConnectOptions, type Connection, type ConnectionEvent, type Endpoint, type SocketAddress } from "@zquic/quic";
import type { DatagramSocket, OutgoingDatagram, ReceivedDatagram, Runtime } from "./socket.js";

/** Datagrams handed to the socket in one call at most. */
const MAX_BATCH = 64;

/** Hears one connection's events; the driver calls it during each flush. */
export interface ConnectionListener {
  /** One event, in the order the connection queued them. */
  onEvent(event: ConnectionEvent): void;
}

/** What a driver asks of its owner. */
export interface DriverHooks {
  /** A server endpoint admitted a connection: who hears its events. */
  readonly onAccepted?: (connection: Connection, driver: EndpointDriver) => ConnectionListener;
}

/**
 * Runs `task` once the event loop has delivered the input that is already
 * waiting: `setImmediate` (Node, Deno and Bun all have it) runs after the
 * I/O callbacks of the current loop turn, where a microtask would run after
 * each single datagram. Elsewhere, a microtask.
 */
const afterPendingInput: (task: () => void) => void =
  typeof (globalThis as { setImmediate?: unknown }).setImmediate === "function"
    ? (task) => void (globalThis as unknown as { setImmediate(task: () => void): unknown }).setImmediate(task)
    : queueMicrotask;

/** Milliseconds on a monotonic clock: the `now` the transport runs on. */
export function monotonicNow(): number {
  return performance.now();
}

/** Drives one endpoint over its sockets. */
export class EndpointDriver {
  readonly #endpoint: Endpoint;
  /** The socket connections start from and datagrams go out of unless their path names another. */
  readonly #socket: DatagramSocket;
  /** Every socket by its local address (`addressKey`), the first one included. */
  readonly #sockets: ReadonlyMap<string, DatagramSocket>;
  readonly #hooks: DriverHooks;
  readonly #listeners = new Map<Connection, ConnectionListener>();
  /** Connections in their handshake, watched for asynchronous certificate verification. */
  readonly #handshaking = new Set<Connection>();
  readonly #verifying = new Set<Connection>();
  #timer: ReturnType<typeof setTimeout> | undefined;
  #timerAt: number | undefined;
  #flushScheduled = false;
  #closed = false;
  #idle: { promise: Promise<void>; resolve: () => void } | undefined;

  private constructor(endpoint: Endpoint, sockets: readonly DatagramSocket[], hooks: DriverHooks) {
    this.#endpoint = endpoint;
    this.#socket = sockets[0]!;
    this.#sockets = new Map(sockets.map((socket) => [addressKey(socket.localAddress), socket]));
    this.#hooks = hooks;
  }

  /**
   * Binds a socket on `local` (and one on each of `alsoOn`, e.g. a server's
   * preferred address, RFC 9000 §9.6) and starts driving the endpoint
   * `createEndpoint` makes; it sees the first socket, to match its capabilities.
   */
  static async open(
    runtime: Runtime,
    local: SocketAddress,
    createEndpoint: (socket: DatagramSocket) => Endpoint,
    hooks: DriverHooks = {},
    alsoOn: readonly SocketAddress[] = [],
  ): Promise<EndpointDriver> {
    let driver: EndpointDriver | undefined;
    const sockets: DatagramSocket[] = [];
    try {
      for (const address of [local, ...alsoOn]) {
        const socket: DatagramSocket = await runtime.bind(address, (datagram) => driver?.receive(datagram, socket));
        sockets.push(socket);
      }
      driver = new EndpointDriver(createEndpoint(sockets[0]!), sockets, hooks);
    } catch (error) {
      await Promise.all(sockets.map((socket) => socket.close()));
      throw error;
    }
    return driver;
  }

  /** The socket's address. */
  get localAddress(): SocketAddress {
    return this.#socket.localAddress;
  }

  /** Opens a client connection from this endpoint's socket; the listener `listenerFor` makes hears its events. */
  connect(options: Omit<ConnectOptions, "local">, listenerFor: (connection: Connection) => ConnectionListener): Connection {
    const connection = this.#endpoint.connect(monotonicNow(), { ...options, local: this.#socket.localAddress });
    this.#track(connection, listenerFor(connection));
    this.schedule();
    return connection;
  }

  /** Feeds one datagram `socket` received to the endpoint. */
  receive(datagram: ReceivedDatagram, socket: DatagramSocket = this.#socket): void {
    if (this.#closed) return;
    this.#endpoint.handleDatagram(monotonicNow(), datagram.data, { local: socket.localAddress, remote: datagram.remote }, datagram.ecn ?? 0);
    this.schedule();
  }

  /** Asks for a flush soon (after the input already waiting). Call after every application call. */
  schedule(): void {
    if (this.#flushScheduled || this.#closed) return;
    this.#flushScheduled = true;
    afterPendingInput(() => this.#flush());
  }

  /**
   * Resolves once no connection is left, then releases the socket and the
   * timer. New connections must not be started after calling it.
   */
  closeWhenIdle(): Promise<void> {
    if (this.#idle === undefined) {
      let resolve!: () => void;
      this.#idle = { promise: new Promise<void>((r) => (resolve = r)), resolve };
      this.schedule();
      if (this.#listeners.size === 0) void this.#shutDown();
    }
    return this.#idle.promise;
  }

  #track(connection: Connection, listener: ConnectionListener): void {
    this.#listeners.set(connection, listener);
    this.#handshaking.add(connection);
  }

  #flush(): void {
    this.#flushScheduled = false;
    if (this.#closed) return;
    this.#deliverEvents();
    this.#transmit(monotonicNow());
    this.#deliverEvents();
    this.#watchVerification();
    this.#arm();
    if (this.#idle !== undefined && this.#listeners.size === 0) void this.#shutDown();
  }

  #deliverEvents(): void {
    for (let event = this.#endpoint.pollEvent(); event !== null; event = this.#endpoint.pollEvent()) {
      // Only "connection" events occur: the endpoint decides admissions itself (no manualAccept).
      if (event.type === "connection" && this.#hooks.onAccepted !== undefined) this.#track(event.connection, this.#hooks.onAccepted(event.connection, this));
    }
    for (const [connection, listener] of this.#listeners) {
      for (let event = connection.pollEvent(); event !== null; event = connection.pollEvent()) {
        listener.onEvent(event);
        if (event.type === "closed") {
          this.#listeners.delete(connection);
          this.#handshaking.delete(connection);
        }
      }
    }
  }

  /** Sends what the endpoint has ready, batched per socket: the one its path leaves from. */
  #transmit(now: number): void {
    const batches = new Map<DatagramSocket, OutgoingDatagram[]>();
    for (let transmit = this.#endpoint.pollTransmit(now); transmit !== null; transmit = this.#endpoint.pollTransmit(now)) {
      const local = transmit.path.local;
      const socket = local === undefined || this.#sockets.size === 1 ? this.#socket : (this.#sockets.get(addressKey(local)) ?? this.#socket);
      let batch = batches.get(socket);
      if (batch === undefined) batches.set(socket, (batch = []));
      batch.push(transmit.ecn === undefined ? { data: transmit.data, remote: transmit.path.remote } : { data: transmit.data, remote: transmit.path.remote, ecn: transmit.ecn });
      if (batch.length === MAX_BATCH) {
        socket.send(batch);
        batches.delete(socket);
      }
    }
    for (const [socket, batch] of batches) socket.send(batch);
  }

  /** RFC 9001 §4.1 with an asynchronous verifier: TLS pauses; resume it when the verdict is in. */
  #watchVerification(): void {
    for (const connection of this.#handshaking) {
      if (connection.isEstablished || connection.isClosed) {
        this.#handshaking.delete(connection);
        continue;
      }
      const waiting = connection.waiting;
      if (waiting === undefined || this.#verifying.has(connection)) continue;
      this.#verifying.add(connection);
      const resume = () => {
        this.#verifying.delete(connection);
        if (this.#closed) return;
        connection.resume(monotonicNow());
        this.schedule();
      };
      waiting.then(resume, resume);
    }
  }

  /**
   * Arms the one timer for the endpoint's earliest deadline. A timer already
   * armed no later than that stays: waking early is harmless (the endpoint
   * runs only what is due), and re-arming on every flush is not free.
   */
  #arm(): void {
    const deadline = this.#endpoint.pollTimeout();
    if (deadline === undefined || (this.#timerAt !== undefined && this.#timerAt <= deadline)) return;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timerAt = deadline;
    // Timers have millisecond resolution; firing no earlier than the deadline means one wake-up per deadline.
    const delay = Math.max(1, Math.ceil(deadline - monotonicNow()));
    this.#timer = setTimeout(() => this.#onTimer(), delay);
  }

  #onTimer(): void {
    this.#timer = undefined;
    this.#timerAt = undefined;
    if (this.#closed) return;
    this.#endpoint.handleTimeout(monotonicNow());
    this.#flush();
  }

  async #shutDown(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    try {
      await Promise.all([...this.#sockets.values()].map((socket) => socket.close()));
    } finally {
      this.#idle?.resolve();
    }
  }
}
