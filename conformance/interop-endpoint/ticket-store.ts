/**
 * The client's session store across its connections: in memory, and able to
 * wait for the first session ticket, which arrives after the handshake
 * (RFC 8446 §4.6.1), so a connection is not closed before the next one can
 * resume.
 *
 * @module
 */
import { MemorySessionStore, type SessionEntryKind, type SessionStore } from "@zquic/node";

/** A memory session store that tells when a ticket arrived. */
export class TicketStore implements SessionStore {
  readonly #entries = new MemorySessionStore();
  readonly #ticket: Promise<void>;
  #onTicket!: () => void;

  constructor() {
    this.#ticket = new Promise((resolve) => (this.#onTicket = resolve));
  }

  put(server: string, kind: SessionEntryKind, value: Uint8Array): void {
    this.#entries.put(server, kind, value);
    if (kind === "ticket") this.#onTicket();
  }

  take(server: string, kind: SessionEntryKind): Uint8Array | undefined {
    return this.#entries.take(server, kind);
  }

  /** Resolves true once a ticket was stored, false when `ms` pass first. */
  async ticketWithin(ms: number): Promise<boolean> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
    const stored = await Promise.race([this.#ticket.then(() => true), timeout]);
    clearTimeout(timer);
    return stored;
  }
}
