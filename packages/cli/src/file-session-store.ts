/**
 * A session store in a JSON file, so `zquic get --resume FILE` can resume
 * (and send 0-RTT) across runs.
 *
 * @module
 */
import { readFileSync, writeFileSync } from "node:fs";
import type { SessionEntryKind, SessionStore } from "@zquic/node";

/** Keeps tickets and tokens in `path` (base64 in JSON, owner-readable only). */
export class FileSessionStore implements SessionStore {
  readonly #entries: Map<string, string>;
  /** Resolves when a session ticket was first stored. */
  readonly ticketStored: Promise<void>;
  readonly #onTicket: () => void;

  constructor(private readonly path: string) {
    this.#entries = new Map(Object.entries(readEntries(path)));
    let resolve!: () => void;
    this.ticketStored = new Promise<void>((r) => (resolve = r));
    this.#onTicket = resolve;
  }

  /** Resolves once a ticket was stored or `ms` passed, whichever is first (tickets follow the handshake, RFC 8446 §4.6.1). */
  async ticketWithin(ms: number): Promise<void> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([this.ticketStored, new Promise((resolve) => (timer = setTimeout(resolve, ms)))]);
    clearTimeout(timer);
  }

  put(server: string, kind: SessionEntryKind, value: Uint8Array): void {
    this.#entries.set(`${kind} ${server}`, Buffer.from(value).toString("base64"));
    this.#save();
    if (kind === "ticket") this.#onTicket();
  }

  take(server: string, kind: SessionEntryKind): Uint8Array | undefined {
    const key = `${kind} ${server}`;
    const value = this.#entries.get(key);
    if (value === undefined) return undefined;
    this.#entries.delete(key);
    this.#save();
    return new Uint8Array(Buffer.from(value, "base64"));
  }

  #save(): void {
    writeFileSync(this.path, JSON.stringify(Object.fromEntries(this.#entries)), { mode: 0o600 });
  }
}

/** The entries in `path`; none when it does not exist or is not a JSON object of strings. */
function readEntries(path: string): Record<string, string> {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    return {};
  }
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) return {};
    return Object.fromEntries(Object.entries(parsed).filter((entry): entry is [string, string] => typeof entry[1] === "string"));
  } catch {
    return {};
  }
}
