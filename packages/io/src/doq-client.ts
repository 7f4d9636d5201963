/**
 * A DNS over QUIC client (RFC 9250): one connection per server, reused for
 * every query while it lives (§5.5.1), queries in parallel on their own
 * streams, 0-RTT for replayable queries when a stored session allows it
 * (§4.5), a time limit and an `AbortSignal` per query (§4.3.1).
 *
 * @module
 */
import { DOQ_ALPN, type DnsMessage, type DoqQuery, type Name } from "@zquic/doq";
import { ZquicError } from "@zquic/wire";
import { openClientTransport, planClient } from "./client-transport.js";
import { checkAnswers, queryFor, questionOf, type QuestionOptions } from "./dns-question.js";
import { DoqClientConnection, type DoqResponse } from "./doq-client-connection.js";
import { DnsTimeoutError } from "./doq-errors.js";
import { formatHostPort, parseDoqServer } from "./doq-target.js";
import { trustOf, type ConnectOptions } from "./options.js";
import type { Runtime } from "./socket.js";
import type { QuicTarget } from "./target.js";

/** How a {@link DoqClient} connects. Give exactly one of `trustAnchors`, `verifier` or `insecure`. */
export interface DoqClientOptions extends Omit<ConnectOptions, "alpn" | "earlyData" | "signal"> {
  /**
   * RFC 9250 §4.4: the QUIC idle timeout offered (ms, default 10 000). A
   * connection without traffic for that long closes without a packet; the
   * next query opens a new one.
   */
  readonly idleTimeoutMs?: number;
  /** Send replayable queries in 0-RTT data when a stored session allows it (default true; RFC 9250 §4.5). */
  readonly earlyData?: boolean;
  /** Pad queries to 128-octet blocks (default true; RFC 9250 §5.4). */
  readonly padQueries?: boolean;
  /** The time a query gets unless it says otherwise (ms, default 5000), connection setup included. */
  readonly timeoutMs?: number;
}

/** Choices for one query. */
export interface DoqQueryOptions {
  /** Aborting cancels the query (RFC 9250 §4.3.1) and rejects with the signal's reason. */
  readonly signal?: AbortSignal;
  /** Overrides the client's `timeoutMs`. */
  readonly timeoutMs?: number;
}

/** The idle timeout offered unless told otherwise. */
export const DEFAULT_DOQ_IDLE_TIMEOUT_MS = 10_000;
/** The time a query gets unless told otherwise. */
export const DEFAULT_DNS_TIMEOUT_MS = 5000;

/**
 * Sends DNS queries over QUIC. Connections are opened on demand, one per
 * server, and reused; {@link close} ends them (DOQ_NO_ERROR).
 */
export class DoqClient {
  readonly #runtime: Runtime;
  readonly #options: ConnectOptions;
  readonly #earlyData: boolean;
  readonly #padQueries: boolean;
  readonly #timeoutMs: number;
  /** The connection each server's queries go to, while it takes them. */
  readonly #current = new Map<string, Promise<DoqClientConnection>>();
  /** Every connection not yet closed, for {@link close}. */
  readonly #open = new Set<DoqClientConnection>();
  #closed = false;

  /** Throws `ZquicError` for bad options. */
  constructor(runtime: Runtime, options: DoqClientOptions) {
    const { idleTimeoutMs = DEFAULT_DOQ_IDLE_TIMEOUT_MS, earlyData = true, padQueries = true, timeoutMs = DEFAULT_DNS_TIMEOUT_MS, ...rest } = options;
    checkMilliseconds("idleTimeoutMs", idleTimeoutMs);
    checkMilliseconds("timeoutMs", timeoutMs);
    this.#runtime = runtime;
    this.#options = { ...rest, alpn: [DOQ_ALPN], earlyData, transport: { maxIdleTimeout: idleTimeoutMs, ...rest.transport } };
    trustOf(this.#options);
    this.#earlyData = earlyData;
    this.#padQueries = padQueries;
    this.#timeoutMs = timeoutMs;
  }

  /**
   * Sends `message` to `server` (`host`, `host:port`, `[v6]:port` or
   * `doq://host:port`; port 853 by default) and resolves with the response.
   * Rejects with `DnsTimeoutError` after the time limit, the signal's reason
   * when aborted (both cancel the query on the wire), `DoqQueryError` when the
   * server reset the query, `QuicConnectionError` when the connection ended.
   */
  query(server: string | QuicTarget, message: DnsMessage, options: DoqQueryOptions = {}): Promise<DoqResponse> {
    if (this.#closed) return Promise.reject(new ZquicError("DOQ_CLIENT_CLOSED", "this DoQ client was closed; make a new one"));
    const target = parseDoqServer(server);
    const timeoutMs = options.timeoutMs ?? this.#timeoutMs;
    checkMilliseconds("timeoutMs", timeoutMs);
    const signal = options.signal;
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise<DoqResponse>((resolve, reject) => {
      let sent: { readonly connection: DoqClientConnection; readonly query: DoqQuery } | undefined;
      let settled = false;
      const settle = (outcome: () => void): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        signal?.removeEventListener("abort", onAbort);
        outcome();
      };
      // RFC 9250 §4.3.1: a query given up on is cancelled on the wire.
      const abandon = (error: unknown): void =>
        settle(() => {
          sent?.connection.cancel(sent.query);
          reject(error);
        });
      const onAbort = (): void => abandon(signal!.reason);
      const timer = setTimeout(() => abandon(new DnsTimeoutError(timeoutMs, formatHostPort(target))), timeoutMs);
      signal?.addEventListener("abort", onAbort, { once: true });
      const send = (connection: DoqClientConnection): void => {
        if (settled) return;
        const { query, response } = connection.query(message);
        sent = { connection, query };
        response.then(
          (value) => settle(() => resolve(value)),
          (error: unknown) => settle(() => reject(error)),
        );
      };
      this.#connectionTo(target)
        .then(send)
        .catch((error: unknown) => settle(() => reject(error)));
    });
  }

  /**
   * Asks `server` for the records of `type` (a mnemonic such as `"AAAA"`, or
   * a code) at `name`. Rejects as {@link query} does, and with
   * `DnsResponseMismatchError` when the response does not answer the question.
   */
  async ask(server: string | QuicTarget, name: string | Name, type: string | number, options: DoqQueryOptions & QuestionOptions = {}): Promise<DoqResponse> {
    const question = questionOf(name, type, options);
    const response = await this.query(server, queryFor(question, options), options);
    checkAnswers(response.message, question);
    return response;
  }

  /** Closes every connection with DOQ_NO_ERROR (open queries fail); resolves once the transport let them go. */
  async close(): Promise<void> {
    this.#closed = true;
    const opening = [...this.#current.values()];
    this.#current.clear();
    const connections = [...this.#open, ...(await Promise.all(opening.map((entry) => entry.catch(() => undefined))))];
    await Promise.all([...new Set(connections)].map((connection) => connection?.close("client closing")));
  }

  /** RFC 9250 §5.5.1: the server's current connection, or a new one when there is none it can take (§4.4). */
  async #connectionTo(target: { host: string; port: number }): Promise<DoqClientConnection> {
    const key = formatHostPort(target);
    for (;;) {
      const existing = this.#current.get(key);
      const entry = existing ?? this.#connect(key, target);
      const connection = await entry;
      // A connection this call opened is used even if it failed at once: its queries then fail with its reason.
      if (existing === undefined || connection.reusable()) return connection;
      if (this.#current.get(key) === entry) this.#current.delete(key);
      connection.retire();
    }
  }

  #connect(key: string, target: { host: string; port: number }): Promise<DoqClientConnection> {
    const plan = planClient(target, this.#options);
    const { store, storeKey } = plan;
    // RFC 9250 §5.5.3: address validation tokens only together with resumption.
    const used = plan.ticket === undefined ? { ...plan, token: undefined } : plan;
    const entry = openClientTransport(this.#runtime, used, this.#options, (transport, driver) => {
      const connection: DoqClientConnection = new DoqClientConnection(transport, driver, {
        earlyData: this.#earlyData && plan.ticket !== undefined,
        padQueries: this.#padQueries,
        ...(store !== undefined
          ? { onSessionTicket: (ticket: Uint8Array) => store.put(storeKey, "ticket", ticket), onNewToken: (token: Uint8Array) => store.put(storeKey, "token", token) }
          : {}),
        onEnd: () => {
          if (this.#current.get(key) === entry) this.#current.delete(key);
        },
        onClosed: () => this.#open.delete(connection),
      });
      this.#open.add(connection);
      return connection;
    });
    this.#current.set(key, entry);
    entry.catch(() => {
      if (this.#current.get(key) === entry) this.#current.delete(key);
    });
    return entry;
  }
}

function checkMilliseconds(name: string, value: number): void {
  if (!Number.isFinite(value) || value <= 0) throw new ZquicError("BAD_OPTION", `${name} must be a positive number of milliseconds, got ${value}`);
}
