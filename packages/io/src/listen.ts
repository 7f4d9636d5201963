/**
 * `listen()`: a server endpoint on one socket, handing out connections once
 * their handshakes complete.
 *
 * @module
 */
import { loadProvider } from "@zquic/crypto";
import { Endpoint, type Connection, type RetryPolicy, type SocketAddress } from "@zquic/quic";
import { AntiReplay, TicketKeys, parseCertificatesPem, parsePrivateKey } from "@zquic/tls";
import { ZquicError } from "@zquic/wire";
import { QuicConnection, type ConnectionSettings } from "./connection.js";
import { DEFAULT_INCOMING_DATAGRAMS } from "./datagrams.js";
import { EndpointDriver } from "./driver.js";
import { LiveConnection } from "./live-connection.js";
import { checkAlpn, checkCount, endpointSettings, type ListenOptions } from "./options.js";
import type { Runtime } from "./socket.js";

/** The application close code and reason a closing server ends its connections with. */
const SHUTDOWN = { closeCode: 0, reason: "server shutting down" } as const;

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
    const connection = new QuicConnection((observer) => (live = new LiveConnection(transport, driver, observer)), this.settings);
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
   * Closes every connection (application code 0), waits until the transport
   * finished closing them (RFC 9000 §10.2), and releases the socket.
   */
  close(): Promise<void> {
    if (this.#closing === undefined) {
      this.#accepted.close();
      for (const connection of this.#open) connection.close(SHUTDOWN);
      this.#closing = this.#driver.closeWhenIdle();
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
  checkAlpn(options.alpn);
  for (const name of ["maxConnections", "maxHandshakes", "incomingDatagrams"] as const) checkCount(name, options[name]);
  const port = options.port ?? 443;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new ZquicError("BAD_OPTION", `port must be 0 to 65535 (0: any free port), got ${port}`);
  const certificateChain = parseCertificatesPem(options.certificate).map((certificate) => certificate.der);
  if (certificateChain.length === 0) throw new ZquicError("TLS_CERTIFICATE", "certificate holds no CERTIFICATE block; pass the chain in PEM, leaf first");
  const privateKey = parsePrivateKey(options.privateKey);
  options.signal?.throwIfAborted();
  const provider = await loadProvider(options.crypto);
  const sessionTickets = options.sessionTickets ?? true;
  const earlyData = options.earlyData === true;
  if (earlyData && !sessionTickets) throw new ZquicError("BAD_OPTION", "earlyData needs sessionTickets: 0-RTT rides on a resumed session");
  // Ticket keys live in this process only, so no ticket (and no 0-RTT) from before a restart is accepted:
  // the replay cache needs no startup quiet period (RFC 8446 §8.2).
  const ticketKeys = sessionTickets ? new TicketKeys({ provider, random: provider.random }) : undefined;
  const server = new QuicServer({ earlyData: false, incomingDatagrams: options.incomingDatagrams ?? DEFAULT_INCOMING_DATAGRAMS }, onConnection);
  const driver = await EndpointDriver.open(
    runtime,
    { address: options.host ?? "0.0.0.0", port },
    (socket) =>
      new Endpoint({
        ...endpointSettings(provider, options, socket.ecn),
        server: {
          tls: {
            alpn: options.alpn,
            certificateChain,
            privateKey,
            now: () => Date.now(),
            ...(ticketKeys !== undefined ? { ticketKeys } : {}),
            ...(earlyData ? { earlyData, antiReplay: new AntiReplay() } : {}),
            ...(options.keyLog !== undefined ? { keyLog: options.keyLog } : {}),
          },
          retry: retryPolicy(options.retry),
          maxConnections: options.maxConnections ?? 10_000,
          maxHandshakes: options.maxHandshakes ?? 1_000,
        },
      }),
    { onAccepted: (transport, driver) => server.accept(transport, driver) },
  );
  server.attach(driver);
  options.signal?.addEventListener("abort", () => void server.close(), { once: true });
  return server;
}

function retryPolicy(retry: ListenOptions["retry"]): RetryPolicy {
  if (retry === undefined || retry === false) return "never";
  return retry === true ? "always" : retry;
}
