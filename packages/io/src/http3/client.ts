/**
 * A fetch-style HTTP/3 client: `fetch(input, init)` with the platform's
 * `Request`, `Response` and `Headers`, bodies streaming both ways, one pooled
 * connection per origin, `AbortSignal`, GOAWAY and redirects handled.
 *
 * @module
 */
import { H3ErrorCode, type Field } from "@zquic/h3";
import { ZquicError } from "@zquic/wire";
import type { QuicConnection } from "../connection.js";
import { checkCount, trustOf, type ConnectOptions } from "../options.js";
import type { Runtime } from "../socket.js";
import { Http3StreamError } from "./errors.js";
import type { H3Exchange } from "./exchange.js";
import { fieldsToHeaders, pseudoHeader, requestFields } from "./fields.js";
import { PooledConnection, type PoolSettings } from "./pooled-connection.js";
import { MAX_REDIRECTS, followRedirect, type OutgoingRequest } from "./redirect.js";
import { H3_ALPN, type H3Session, type Http3ConnectionInfo, type Http3Settings } from "./session.js";
import { setReceivedTrailers } from "./trailers.js";

/** Options of an {@link Http3Client}: those of `connect()` for every connection, with HTTP/3 settings. */
export interface Http3ClientOptions extends Omit<ConnectOptions, "alpn" | "signal" | "application" | "serverName"> {
  /** HTTP/3 and QPACK settings (RFC 9114 §7.2.4.1, RFC 9204 §5). */
  readonly http3?: Http3Settings;
  /** A connection without requests in flight for this long (ms) is closed (default 5000). */
  readonly idleTimeout?: number;
}

const DEFAULT_IDLE_TIMEOUT_MS = 5000;

/** A request the server did not process is sent again, on a new connection, at most this many times. */
const MAX_ATTEMPTS = 3;

/**
 * RFC 9110 §9.2.1: safe methods. Only these are sent as 0-RTT data, which an
 * attacker can replay (RFC 9001 §9.2); others wait for the handshake.
 */
const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/** Fetch's null body statuses (a 1xx is never final in HTTP/3). */
const NULL_BODY_STATUSES = new Set([204, 205, 304]);

/** An HTTP/3 client with a connection pool. */
export class Http3Client {
  readonly #pool = new Map<string, PooledConnection>();
  /** Every connection not yet closed, in the pool or draining after GOAWAY. */
  readonly #connections = new Set<PooledConnection>();
  readonly #settings: PoolSettings;
  #closed = false;

  /** Checks `options` now (a `ZquicError` for a mistake); connections open on the first request to each origin. */
  constructor(
    private readonly runtime: Runtime,
    options: Http3ClientOptions,
  ) {
    const { http3, idleTimeout = DEFAULT_IDLE_TIMEOUT_MS, ...connect } = options;
    checkCount("idleTimeout", idleTimeout);
    const connectOptions = { ...connect, alpn: [H3_ALPN] };
    trustOf(connectOptions);
    this.#settings = { connect: connectOptions, http3: http3 ?? {}, idleTimeout };
  }

  /** The open connections (in the pool, or finishing their requests after GOAWAY). */
  get connections(): readonly Http3ConnectionInfo[] {
    return [...this.#connections].flatMap((pooled) => (pooled.current === undefined ? [] : [pooled.current]));
  }

  /**
   * Fetches `input` over HTTP/3, as the platform's `fetch` does: resolves with
   * the response once its header section arrived (the body streams), rejects
   * with an `Http3StreamError`, an `Http3ConnectionError`, the signal's
   * reason, or a `ZquicError` for a URL that is not https.
   */
  async fetch(input: string | URL | Request, init?: RequestInit): Promise<Response> {
    if (this.#closed) throw new ZquicError("CLIENT_CLOSED", "this Http3Client is closed; make a new one");
    const request = new Request(input, init);
    const signal = request.signal;
    signal.throwIfAborted();
    let outgoing: OutgoingRequest = { method: request.method, url: new URL(request.url), headers: request.headers, body: request.body };
    for (let redirects = 0; ; redirects++) {
      const response = await this.#send(outgoing, signal);
      const next = followRedirect(outgoing, response, request.redirect);
      if (next === undefined) {
        if (redirects > 0) Object.defineProperty(response, "redirected", { value: true });
        return response;
      }
      void response.body?.cancel();
      if (redirects === MAX_REDIRECTS) throw new ZquicError("REDIRECT", `more than ${MAX_REDIRECTS} redirects from ${request.url}`);
      outgoing = next;
    }
  }

  /** Closes every connection (H3_NO_ERROR); requests in flight fail. Resolves once they are gone. */
  async close(): Promise<void> {
    this.#closed = true;
    const all = [...this.#connections];
    for (const pooled of all) pooled.close();
    await Promise.all(all.map((pooled) => pooled.quic.closed.catch(() => undefined)));
  }

  /** Sends one request; one the server did not process goes again on a new connection when it has no body. */
  async #send(outgoing: OutgoingRequest, signal: AbortSignal): Promise<Response> {
    if (outgoing.url.protocol !== "https:") throw new ZquicError("BAD_URL", `HTTP/3 fetches https URLs only, not ${outgoing.url.href}`);
    for (let attempt = 1; ; attempt++) {
      const pooled = this.#connectionFor(outgoing.url.origin);
      try {
        return await pooled.use((session) => exchange(session, pooled.quic, outgoing, signal));
      } catch (error) {
        // RFC 9114 §4.1.1, §5.2: the server did not process the request, so sending it again is safe.
        if (outgoing.body !== null || attempt === MAX_ATTEMPTS || !unprocessed(error)) throw error;
      }
    }
  }

  /** The pool's connection to `origin`, opening one when there is none that takes requests. */
  #connectionFor(origin: string): PooledConnection {
    const current = this.#pool.get(origin);
    if (current?.usable === true) return current;
    const pooled: PooledConnection = new PooledConnection(this.runtime, origin, this.#settings, () => {
      if (this.#pool.get(origin) === pooled) this.#pool.delete(origin);
    });
    this.#pool.set(origin, pooled);
    this.#connections.add(pooled);
    const forget = () => this.#connections.delete(pooled);
    pooled.quic.closed.then(forget, forget);
    return pooled;
  }
}

/** Sends `outgoing` on `session` and resolves with its response. */
async function exchange(session: H3Session, quic: QuicConnection, outgoing: OutgoingRequest, signal: AbortSignal): Promise<Response> {
  const { method, url, headers, body } = outgoing;
  if (!SAFE_METHODS.has(method)) await abortable(quic.ready, signal);
  const opening = session.request(requestFields(method, url, headers), body === null);
  const ongoing = await abortable(opening, signal).catch((error: unknown) => {
    // Aborted while waiting for a stream: the request, if it still goes out, is cancelled at once.
    opening.then((late) => late.cancel(H3ErrorCode.H3_REQUEST_CANCELLED, error), () => undefined);
    throw error;
  });
  const onAbort = () => ongoing.cancel(H3ErrorCode.H3_REQUEST_CANCELLED, signal.reason);
  signal.addEventListener("abort", onAbort, { once: true });
  void ongoing.finished.then(() => signal.removeEventListener("abort", onAbort));
  if (signal.aborted) onAbort();
  if (body !== null) {
    ongoing.send(body).catch((error: unknown) => {
      // RFC 9114 §4.1.1: a server that stops reading the request may still answer it whole.
      if (!(error instanceof Http3StreamError && error.kind === "stopped")) ongoing.cancel(H3ErrorCode.H3_REQUEST_CANCELLED, error);
    });
  }
  return toResponse(await ongoing.head, ongoing, method, url);
}

/** The platform `Response` for a response header section, its body streaming from the exchange. */
function toResponse(head: readonly Field[], ongoing: H3Exchange, method: string, url: URL): Response {
  const status = Number(pseudoHeader(head, ":status"));
  const body = method === "HEAD" || NULL_BODY_STATUSES.has(status) ? null : ongoing.body.stream;
  const response = new Response(body, { status, headers: fieldsToHeaders(head) });
  Object.defineProperty(response, "url", { value: url.href });
  setReceivedTrailers(response, ongoing.trailers.then(fieldsToHeaders));
  return response;
}

/** True for a request the server never processed (RFC 9114 §4.1.1 H3_REQUEST_REJECTED, §5.2 GOAWAY). */
function unprocessed(error: unknown): boolean {
  return (error instanceof Http3StreamError && error.kind === "rejected") || (error instanceof ZquicError && error.code === "GOAWAY_RECEIVED");
}

/** `promise`, or a rejection with the signal's reason once it aborts. */
function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason as unknown);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason as unknown);
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}
