/**
 * `listenDoq()`: a DNS over QUIC server (RFC 9250) on one socket. Every
 * connection gets a `DoqServerSession` that hands each query to the handler
 * and enforces the per-client limits.
 *
 * @module
 */
import { DEFAULT_DOQ_SERVER_LIMITS, DOQ_ALPN, DOQ_PORT, TokenBucket, type DoqHandler, type DoqServerEvent, type DoqServerLimits } from "@zquic/doq";
import type { Connection, SocketAddress } from "@zquic/quic";
import type { EndpointDriver } from "./driver.js";
import { DoqServerConnection } from "./doq-server-connection.js";
import type { ListenOptions } from "./options.js";
import { openServerEndpoint } from "./server-endpoint.js";
import type { Runtime } from "./socket.js";

/** Options of {@link listenDoq}: those of `listen()` but the ALPN, which is `doq`. */
export interface DoqListenOptions extends Omit<ListenOptions, "alpn"> {
  /** The UDP port (default 853, RFC 9250 §4.1.1; 0 picks a free one). */
  readonly port?: number;
  /** Accept replayable queries in 0-RTT data (default true; RFC 9250 §4.5 holds the others back). */
  readonly earlyData?: boolean;
  /**
   * What one client may ask; beyond it queries are reset with DOQ_EXCESSIVE_LOAD. The query
   * rate is per client IP address (its connections share one bucket, so opening more does not
   * buy more), the number of concurrent queries per connection.
   */
  readonly limits?: Partial<DoqServerLimits>;
  /** Hears what happened to each query, with the client's address (for logs and metrics). */
  readonly onEvent?: (event: DoqServerEvent, client: SocketAddress) => void;
}

/** A listening DoQ server. */
export class DoqServer {
  readonly #connections = new Set<DoqServerConnection>();
  /** The query-rate bucket of each client address with connections open, and how many. */
  readonly #rates = new Map<string, { readonly bucket: TokenBucket; connections: number }>();
  /** `options.limits` over the defaults. */
  readonly #limits: DoqServerLimits;
  #driver!: EndpointDriver;
  #closing: Promise<void> | undefined;

  /** @internal Use {@link listenDoq}. */
  constructor(
    private readonly handler: DoqHandler,
    private readonly options: DoqListenOptions,
  ) {
    this.#limits = { ...DEFAULT_DOQ_SERVER_LIMITS, ...options.limits };
  }

  /** @internal The driver, once its socket is bound. */
  attach(driver: EndpointDriver): void {
    this.#driver = driver;
  }

  /** The address and port the server listens on. */
  get address(): SocketAddress {
    return this.#driver.localAddress;
  }

  /** Connections open now. */
  get connections(): number {
    return this.#connections.size;
  }

  /** @internal A connection the endpoint admitted. */
  accept(transport: Connection, driver: EndpointDriver): DoqServerConnection {
    const address = transport.path.remote.address;
    const rate = this.#rateOf(address);
    rate.connections++;
    const connection: DoqServerConnection = new DoqServerConnection(transport, driver, {
      handler: this.handler,
      limits: this.#limits,
      rate: rate.bucket,
      onEvent: this.options.onEvent ?? (() => undefined),
      onClosed: () => {
        this.#connections.delete(connection);
        if (--rate.connections === 0) this.#rates.delete(address);
      },
    });
    this.#connections.add(connection);
    if (this.#closing !== undefined) connection.close(SHUTTING_DOWN);
    return connection;
  }

  #rateOf(address: string): { readonly bucket: TokenBucket; connections: number } {
    let rate = this.#rates.get(address);
    if (rate === undefined) {
      rate = { bucket: new TokenBucket(this.#limits.queriesPerSecond, this.#limits.queryBurst), connections: 0 };
      this.#rates.set(address, rate);
    }
    return rate;
  }

  /** Closes every connection with DOQ_NO_ERROR, waits until the transport let them go, and releases the socket. */
  close(): Promise<void> {
    if (this.#closing === undefined) {
      for (const connection of this.#connections) connection.close(SHUTTING_DOWN);
      this.#closing = this.#driver.closeWhenIdle();
    }
    return this.#closing;
  }
}

const SHUTTING_DOWN = "server shutting down";

/**
 * Starts a DoQ server on `options.host`:`options.port` that answers each
 * query with `handler` (`Resolver.handleQuery` fits). Bad options throw a
 * `ZquicError` before anything is bound.
 */
export async function listenDoq(runtime: Runtime, options: DoqListenOptions, handler: DoqHandler): Promise<DoqServer> {
  const server = new DoqServer(handler, options);
  const listenOptions: ListenOptions = { ...options, alpn: [DOQ_ALPN], port: options.port ?? DOQ_PORT, earlyData: options.earlyData ?? true };
  server.attach(await openServerEndpoint(runtime, listenOptions, (transport, driver) => server.accept(transport, driver)));
  options.signal?.addEventListener("abort", () => void server.close(), { once: true });
  return server;
}
