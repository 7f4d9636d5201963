/**
 * One connection of a DoQ server: a sans-I/O `DoqServerSession` over a
 * transport connection in a driver.
 *
 * @module
 */
import { DOQ_NO_ERROR, DoqServerSession, type DoqHandler, type DoqServerEvent, type DoqServerLimits, type TokenBucket } from "@zquic/doq";
import type { Connection, ConnectionEvent, SocketAddress } from "@zquic/quic";
import { type ConnectionListener, type EndpointDriver, monotonicNow } from "./driver.js";

/** What a {@link DoqServerConnection} needs from its server. */
export interface DoqServerConnectionSettings {
  readonly handler: DoqHandler;
  readonly limits: Partial<DoqServerLimits>;
  /** The query-rate bucket of the client's address, shared by its connections. */
  readonly rate: TokenBucket;
  /** Hears what happened to each query, with the client's address. */
  readonly onEvent: (event: DoqServerEvent, client: SocketAddress) => void;
  /** The transport let the connection go. */
  readonly onClosed: () => void;
}

/** A DoQ server session bound to its driver: it hears the transport's events and wakes the driver when a handler answered. */
export class DoqServerConnection implements ConnectionListener {
  readonly #session: DoqServerSession;

  constructor(
    private readonly transport: Connection,
    private readonly driver: EndpointDriver,
    private readonly settings: DoqServerConnectionSettings,
  ) {
    this.#session = new DoqServerSession(transport, {
      handler: settings.handler,
      limits: settings.limits,
      rate: settings.rate,
      wake: () => this.#flush(),
    });
  }

  onEvent(event: ConnectionEvent): void {
    this.#session.handleEvent(event, monotonicNow());
    this.#flush();
    if (event.type === "closed") this.settings.onClosed();
  }

  /** RFC 9250 §4.4: closes with DOQ_NO_ERROR; queries still being answered are abandoned. */
  close(reason: string): void {
    if (!this.transport.isOpen) return;
    this.transport.close(DOQ_NO_ERROR, reason);
    this.driver.schedule();
  }

  /** Reports the session's events and sends what it wrote. */
  #flush(): void {
    for (let event = this.#session.pollEvent(); event !== null; event = this.#session.pollEvent()) this.settings.onEvent(event, this.transport.path.remote);
    this.driver.schedule();
  }
}
