/**
 * One connection of an HTTP/3 client's pool: a QUIC connection whose streams
 * an {@link H3Session} owns, shared by the requests to one origin until the
 * server sends GOAWAY, the connection ends, or it sits idle too long.
 *
 * @module
 */
import { H3ErrorCode } from "@zquic/h3";
import { connect } from "../connect.js";
import type { QuicConnection } from "../connection.js";
import type { ConnectOptions } from "../options.js";
import type { Runtime } from "../socket.js";
import { H3Session, type Http3Settings } from "./session.js";

/** How a pooled connection is opened and kept. */
export interface PoolSettings {
  readonly connect: Omit<ConnectOptions, "application">;
  readonly http3: Http3Settings;
  /** A connection without requests for this long (ms) is closed. */
  readonly idleTimeout: number;
}

/** A pooled HTTP/3 connection. */
export class PooledConnection {
  readonly quic: QuicConnection;
  /** The session, once the connection started; rejects when it failed before. */
  readonly session: Promise<H3Session>;
  #session: H3Session | undefined;
  #gone = false;
  /** Requests between taking the session and opening their stream. */
  #users = 0;
  #idleTimer: ReturnType<typeof setTimeout> | undefined;

  /** Connects to `origin`; `onGone` is called once when the connection takes no new requests. */
  constructor(
    runtime: Runtime,
    origin: string,
    private readonly settings: PoolSettings,
    private readonly onGone: () => void,
  ) {
    let resolve!: (session: H3Session) => void;
    let reject!: (error: unknown) => void;
    this.session = new Promise((res, rej) => ((resolve = res), (reject = rej)));
    this.session.catch(() => undefined);
    const hooks = { onRetired: () => this.#retire(), onIdle: () => this.#armIdleTimer() };
    this.quic = connect(runtime, origin, {
      ...settings.connect,
      application: (context) => {
        this.#session = new H3Session(context, settings.http3, hooks);
        resolve(this.#session);
        return this.#session;
      },
    });
    // A connection that never started (no route, no socket) never made a session.
    this.quic.ready.catch(reject);
    this.quic.closed.then(
      () => this.#retire(),
      () => this.#retire(),
    );
  }

  /** True while new requests may use this connection. */
  get usable(): boolean {
    return !this.#gone;
  }

  /** The session, once there is one. */
  get current(): H3Session | undefined {
    return this.#session;
  }

  /** Runs `work` with the session; the connection is not closed as idle meanwhile. */
  async use<T>(work: (session: H3Session) => Promise<T>): Promise<T> {
    this.#users++;
    this.#clearIdleTimer();
    try {
      return await work(await this.session);
    } finally {
      this.#users--;
      this.#armIdleTimer();
    }
  }

  /** Closes now with H3_NO_ERROR; requests in flight fail. */
  close(): void {
    this.#clearIdleTimer();
    this.quic.close({ closeCode: H3ErrorCode.H3_NO_ERROR, reason: "client closing" });
  }

  #armIdleTimer(): void {
    const session = this.#session;
    if (this.#users > 0 || session === undefined || session.inFlight > 0 || !session.usable || this.#idleTimer !== undefined) return;
    this.#idleTimer = setTimeout(() => {
      this.#idleTimer = undefined;
      // Idle for long enough: no new requests go on it, and it closes (H3_NO_ERROR) once nothing is in flight.
      if (this.#users === 0) session.shutdown();
    }, this.settings.idleTimeout);
  }

  #clearIdleTimer(): void {
    if (this.#idleTimer !== undefined) clearTimeout(this.#idleTimer);
    this.#idleTimer = undefined;
  }

  #retire(): void {
    if (this.#gone) return;
    this.#gone = true;
    this.#clearIdleTimer();
    this.onGone();
  }
}
