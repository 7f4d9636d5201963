/**
 * Where a client keeps what lets its next connection to a server go faster:
 * session tickets (resumption and 0-RTT, RFC 8446 §2.2) and NEW_TOKEN tokens
 * (address validation without a Retry, RFC 9000 §8.1.3).
 *
 * @module
 */

/** What a {@link SessionStore} holds per server. */
export type SessionEntryKind = "ticket" | "token";

/**
 * Storage for session tickets and address-validation tokens, keyed by the
 * server (host, port and ALPN). Each value is used once: RFC 8446 §C.4 and
 * RFC 9000 §8.1.3 advise against reuse, so `take` removes what it returns.
 */
export interface SessionStore {
  /** Keeps `value` for `server`, replacing an older one of the same kind. */
  put(server: string, kind: SessionEntryKind, value: Uint8Array): void;
  /** Removes and returns the value of `kind` for `server`, if any. */
  take(server: string, kind: SessionEntryKind): Uint8Array | undefined;
}

/** Servers remembered at most by a {@link MemorySessionStore} before the oldest is forgotten. */
const DEFAULT_CAPACITY = 256;

/** A {@link SessionStore} in memory, for the life of the process. */
export class MemorySessionStore implements SessionStore {
  readonly #entries = new Map<string, Uint8Array>();

  constructor(private readonly capacity = DEFAULT_CAPACITY) {}

  put(server: string, kind: SessionEntryKind, value: Uint8Array): void {
    const key = `${kind} ${server}`;
    this.#entries.delete(key);
    this.#entries.set(key, value.slice());
    // Maps iterate in insertion order: the first key is the oldest.
    while (this.#entries.size > this.capacity * 2) this.#entries.delete(this.#entries.keys().next().value!);
  }

  take(server: string, kind: SessionEntryKind): Uint8Array | undefined {
    const key = `${kind} ${server}`;
    const value = this.#entries.get(key);
    this.#entries.delete(key);
    return value;
  }
}

/** The store connections share when their options name none. */
export const defaultSessionStore: SessionStore = new MemorySessionStore();
