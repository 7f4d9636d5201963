/**
 * One DoQ connection of a client (RFC 9250 §4): a sans-I/O
 * `DoqClientSession` over a transport connection in a driver, its queries
 * turned into promises.
 *
 * @module
 */
import { DoqClientSession, type DnsMessage, type DoqClientEvent, type DoqQuery } from "@zquic/doq";
import type { Connection, ConnectionEvent } from "@zquic/quic";
import { type ConnectionListener, type EndpointDriver, monotonicNow } from "./driver.js";
import { DoqQueryError } from "./doq-errors.js";
import { QuicConnectionError } from "./errors.js";

/** A DoQ response and how the connection that carried it was set up. */
export interface DoqResponse {
  /** The response, decoded. */
  readonly message: DnsMessage;
  /** The response as it came off the stream (without its length field). */
  readonly bytes: Uint8Array;
  /** True when the connection resumed an earlier session (RFC 9250 §4.5). */
  readonly resumed: boolean;
  /** Whether the server accepted the connection's 0-RTT data; `undefined` when none was sent. */
  readonly earlyDataAccepted: boolean | undefined;
}

/** What a {@link DoqClientConnection} reports to its owner. */
export interface DoqConnectionHooks {
  /** Send replayable queries in 0-RTT data (the connection resumes a session that allows it). */
  readonly earlyData: boolean;
  readonly padQueries: boolean;
  readonly onSessionTicket?: (ticket: Uint8Array) => void;
  readonly onNewToken?: (token: Uint8Array) => void;
  /** The session ended: no query is taken any more. */
  readonly onEnd: () => void;
  /** The transport let the connection go (after its closing or draining period). */
  readonly onClosed: () => void;
}

/** RFC 9250 §4.4: a connection is reused while more than this (ms), and two RTTs, are left before its idle timeout. */
const REUSE_MARGIN_MS = 1000;

interface Waiter {
  readonly resolve: (response: DoqResponse) => void;
  readonly reject: (error: unknown) => void;
}

/** A DoQ client session bound to its driver: it hears the transport's events and wakes the driver after every call. */
export class DoqClientConnection implements ConnectionListener {
  readonly #session: DoqClientSession;
  readonly #waiters = new Map<DoqQuery, Waiter>();
  #resumed = false;
  #earlyDataAccepted: boolean | undefined;
  #retired = false;
  readonly #closed: Promise<void>;
  #onClosed!: () => void;

  constructor(
    private readonly transport: Connection,
    private readonly driver: EndpointDriver,
    private readonly hooks: DoqConnectionHooks,
  ) {
    this.#session = new DoqClientSession(transport, { padQueries: hooks.padQueries });
    this.#closed = new Promise<void>((resolve) => (this.#onClosed = resolve));
  }

  /**
   * RFC 9250 §4.4: true when a new query may go on this connection: the
   * session takes queries and the idle timeout is not about to close it.
   */
  reusable(): boolean {
    if (this.#retired || !this.#session.usable) return false;
    const deadline = this.transport.idleDeadline;
    return deadline === undefined || deadline - monotonicNow() > Math.max(REUSE_MARGIN_MS, 2 * this.transport.rtt.smoothed);
  }

  /** Takes no more queries: closes (DOQ_NO_ERROR) once those in flight ended (RFC 9250 §4.4). */
  retire(): void {
    this.#retired = true;
    this.#closeIfDone();
  }

  /** Sends `message`; the promise settles with its response or why there is none. Throws when the session has ended. */
  query(message: DnsMessage): { readonly query: DoqQuery; readonly response: Promise<DoqResponse> } {
    const query = this.#session.query(message, { earlyData: this.hooks.earlyData });
    const response = new Promise<DoqResponse>((resolve, reject) => this.#waiters.set(query, { resolve, reject }));
    this.driver.schedule();
    return { query, response };
  }

  /** RFC 9250 §4.3.1: abandons `query` (STOP_SENDING and RESET_STREAM with DOQ_REQUEST_CANCELLED); its promise stays pending. */
  cancel(query: DoqQuery): void {
    this.#waiters.delete(query);
    if (this.#session.cancel(query)) this.driver.schedule();
    this.#closeIfDone();
  }

  /** RFC 9250 §4.4: closes with DOQ_NO_ERROR (queries still open fail); resolves once the transport let the connection go. */
  close(reason = ""): Promise<void> {
    this.#session.close(reason);
    this.#drain();
    this.driver.schedule();
    return this.#closed;
  }

  onEvent(event: ConnectionEvent): void {
    switch (event.type) {
      case "handshake_completed":
        this.#resumed = event.resumed;
        break;
      case "early_data":
        this.#earlyDataAccepted = event.accepted;
        break;
      case "session_ticket":
        this.hooks.onSessionTicket?.(event.ticket);
        break;
      case "new_token":
        this.hooks.onNewToken?.(event.token);
        break;
      case "closed":
        this.#onClosed();
        this.hooks.onClosed();
        break;
    }
    this.#session.handleEvent(event);
    this.#drain();
    // The session may have written (queries released by the handshake, resets): send it.
    this.driver.schedule();
  }

  #drain(): void {
    for (let event = this.#session.pollEvent(); event !== null; event = this.#session.pollEvent()) this.#deliver(event);
  }

  #deliver(event: DoqClientEvent): void {
    if (event.type === "closed") {
      this.hooks.onEnd();
      return;
    }
    const waiter = this.#waiters.get(event.query);
    this.#waiters.delete(event.query);
    if (event.type === "response") {
      waiter?.resolve({ message: event.response, bytes: event.bytes, resumed: this.#resumed, earlyDataAccepted: this.#earlyDataAccepted });
    } else {
      const failure = event.failure;
      waiter?.reject(failure.kind === "stream_reset" ? new DoqQueryError(failure.errorCode) : new QuicConnectionError(failure.reason));
    }
    this.#closeIfDone();
  }

  #closeIfDone(): void {
    if (this.#retired && this.#session.usable && this.#session.inFlight === 0) void this.close("idle");
  }
}
