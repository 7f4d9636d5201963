/**
 * `listen()`: a server endpoint on one socket, handing out connections once
 * their handshakes complete.
 *
 * @module
 */
import type { Connection, SocketAddress } from "@zquic/quic";
import { serverApplications, type ApplicationChooser } from "./application.js";
import { QuicConnection, type ConnectionSettings } from "./connection.js";
import { DEFAULT_INCOMING_DATAGRAMS } from "./datagrams.js";
import { EndpointDriver } from "./driver.js";
import { LiveConnection } from "./live-connection.js";
import { checkCount, type ListenOptions } from "./options.js";
import { openServerEndpoint } from "./server-endpoint.js";
import type { Runtime } from "./socket.js";

/** The application close code and reason a closing server ends its connections with. */
const SHUTDOWN = { closeCode: 0, reason: "server shutting down" } as const;

/** How long a closing server lets graceful shutdowns run before it closes what is left. */
const DEFAULT_GRACE_MS = 10_000;

/**
 * A listening server. Iterate it (or read `connections`) for connections
 * whose handshake completed, or pass a callback to `listen()`.
 */
export class QuicServer implements AsyncIterable<QuicConnection> {
  /** Connections as their handshakes complete; ends when the server closes. */
  readonly connections: ReadableStream<QuicConnection>;
  #driver!: EndpointDriver;
  readonly #open = new Set<QuicConnection>();
  #accepted!: ReadableStreamDefaultController<QuicConnection>;
  #closing: Promise<void> | undefined;

  /** @internal Use `listen()`. */
  constructor(
    private readonly settings: ConnectionSettings,
    private readonly applications: ApplicationChooser,
    private readonly onConnection: ((connection: QuicConnection) => void) | undefined,
  ) {
    this.connections = new ReadableStream<QuicConnection>({ start: (controller) => void (this.#accepted = controller) });
  }

  /** @internal The driver, once its socket is bound. */
  attach(driver: EndpointDriver): void {
    this.#driver = driver;
  }

  /** The address and port the server listens on. */
  get address(): SocketAddress {
    return this.#driver.localAddress;
  }

  /**
   * @internal The endpoint admitted a connection: it reaches the application
   * when its handshake completes, unless the server is closing by then.
   */
  accept(transport: Connection, driver: EndpointDriver): LiveConnection {
    let live!: LiveConnection;
    const connection = new QuicConnection((observer) => (live = new LiveConnection(transport, driver, observer, this.applications)), this.settings);
    if (this.#closing !== undefined) {
      connection.close(SHUTDOWN);
      return live;
    }
    this.#open.add(connection);
    const forget = () => this.#open.delete(connection);
    connection.closed.then(forget, forget);
    connection.ready.then(
      () => {
        if (this.#closing !== undefined) return;
        if (this.onConnection !== undefined) this.onConnection(connection);
        else this.#accepted.enqueue(connection);
      },
      () => undefined, // a failed handshake never reaches the application
    );
    return live;
  }

  /**
   * Stops accepting and ends every connection: those an application protocol
   * owns shut down its graceful way (HTTP/3: GOAWAY, requests in flight
   * finish), the others close with application code 0. Connections still
   * open after `grace` ms (default 10 000) are closed. Resolves once the
   * transport finished closing them all (RFC 9000 §10.2) and the socket is
   * released.
   */
  close(options: { readonly grace?: number } = {}): Promise<void> {
    if (this.#closing === undefined) {
      const grace = options.grace ?? DEFAULT_GRACE_MS;
      checkCount("grace", grace);
      this.#accepted.close();
      for (const connection of this.#open) connection.shutdown(SHUTDOWN);
      const timer = setTimeout(() => {
        for (const connection of this.#open) connection.close(SHUTDOWN);
      }, grace);
      this.#closing = this.#driver.closeWhenIdle().finally(() => clearTimeout(timer));
    }
    return this.#closing;
  }

  async *[Symbol.asyncIterator](): AsyncIterator<QuicConnection> {
    const reader = this.connections.getReader();
    try {
      for (;;) {
        const next = await reader.read();
        if (next.done) return;
        yield next.value;
      }
    } finally {
      reader.releaseLock();
    }
  }
}

/**
 * Starts a QUIC server on `options.host`:`options.port`. Connections arrive
 * through `onConnection` when given, otherwise through the server's async
 * iterator.
 */
export async function listen(runtime: Runtime, options: ListenOptions, onConnection?: (connection: QuicConnection) => void): Promise<QuicServer> {
  const settings = { earlyData: false, incomingDatagrams: options.incomingDatagrams ?? DEFAULT_INCOMING_DATAGRAMS };
  const server = new QuicServer(settings, serverApplications(options.applications), onConnection);
  server.attach(await openServerEndpoint(runtime, options, (transport, driver) => server.accept(transport, driver)));
  options.signal?.addEventListener("abort", () => void server.close(), { once: true });
  return server;
}
