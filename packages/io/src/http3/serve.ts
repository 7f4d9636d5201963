/**
 * `serve()`: an HTTP/3 server with a fetch-style handler, as `Deno.serve` and
 * `Bun.serve` have over TCP: a platform `Request` in, a `Response` out, bodies
 * streaming both ways.
 *
 * @module
 */
import type { SocketAddress } from "@zquic/quic";
import { listen, type QuicServer } from "../listen.js";
import type { ListenOptions } from "../options.js";
import type { Runtime } from "../socket.js";
import { http3Application, type Http3Handler, type Http3ResponderOptions } from "./responder.js";
import { H3_ALPN } from "./session.js";

/** Options of {@link serve}: those of `listen()` but the ALPN (`h3`), with the names `Deno.serve` uses. */
export interface ServeOptions extends Omit<ListenOptions, "alpn" | "host" | "certificate" | "privateKey" | "applications">, Http3ResponderOptions {
  /** The IP address to listen on (default "0.0.0.0"; "::" for IPv6). */
  readonly hostname?: string;
  /** The certificate chain in PEM, leaf first. */
  readonly cert: string;
  /** The leaf's private key in PEM. */
  readonly key: string;
}

/** A running HTTP/3 server. */
export class Http3Server {
  /** Resolves once the server has closed (by `close()` or its signal). */
  readonly finished: Promise<void>;
  #resolveFinished!: () => void;
  #closing: Promise<void> | undefined;

  /** @internal Use {@link serve}. */
  constructor(private readonly server: QuicServer) {
    this.finished = new Promise((resolve) => (this.#resolveFinished = resolve));
  }

  /** The address and port the server listens on. */
  get address(): SocketAddress {
    return this.server.address;
  }

  /**
   * Closes gracefully: no new connections; each connection gets GOAWAY
   * (RFC 9114 §5.2), its requests in flight finish, then it closes with
   * H3_NO_ERROR. Connections still open after `grace` ms (default 10 000)
   * are closed. Resolves once every connection is gone and the socket released.
   */
  close(options: { readonly grace?: number } = {}): Promise<void> {
    this.#closing ??= this.server.close(options).finally(() => this.#resolveFinished());
    return this.#closing;
  }
}

/** Starts an HTTP/3 server that answers every request with `handler`. */
export async function serve(runtime: Runtime, options: ServeOptions, handler: Http3Handler): Promise<Http3Server> {
  const { hostname, cert, key, http3, onError, maxRequestsPerConnection, signal, ...rest } = options;
  const responder: Http3ResponderOptions = { http3, onError, maxRequestsPerConnection };
  const quic = await listen(
    runtime,
    {
      ...rest,
      alpn: [H3_ALPN],
      ...(hostname !== undefined ? { host: hostname } : {}),
      certificate: cert,
      privateKey: key,
      applications: { [H3_ALPN]: http3Application(handler, responder) },
      ...(signal !== undefined ? { signal } : {}),
    },
    // Requests reach the handler through the application; the connections themselves are not wanted.
    () => undefined,
  );
  const server = new Http3Server(quic);
  signal?.addEventListener("abort", () => void server.close(), { once: true });
  return server;
}
