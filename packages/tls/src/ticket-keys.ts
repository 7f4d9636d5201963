/**
 * Stateless session tickets (RFC 8446 §4.6.1: a ticket "MAY be … a
 * self-encrypted and self-authenticated value"): the server seals the
 * resumption state into the ticket with an AEAD key it rotates over time.
 *
 * Ticket format: `key_id (4) ‖ nonce (12) ‖ AEAD ciphertext ‖ tag`, with the
 * key id as associated data.
 *
 * @module
 */
import type { Aead, CryptoProvider, RandomSource } from "@zquic/crypto";
import { ZquicError, equalBytes } from "@zquic/wire";

/** Options of {@link TicketKeys}. */
export interface TicketKeysOptions {
  readonly provider: CryptoProvider;
  readonly random: RandomSource;
  /** How long one key seals new tickets, in ms (default one day). */
  readonly rotationPeriod?: number;
  /** How many retired keys still open tickets (default 7, so with daily rotation tickets open for 7–8 days). */
  readonly retainedKeys?: number;
}

interface TicketKey {
  readonly id: Uint8Array;
  readonly aead: Aead;
  readonly createdAt: number;
}

const KEY_ID_LENGTH = 4;
const NONCE_LENGTH = 12;
const DAY_MS = 86_400_000;

/**
 * The server's rotating ticket keys. Share one instance among the sessions of
 * a server (and across servers that should accept each other's tickets).
 */
export class TicketKeys {
  private readonly keys: TicketKey[] = [];
  private readonly rotationPeriod: number;
  private readonly retainedKeys: number;

  constructor(private readonly options: TicketKeysOptions) {
    this.rotationPeriod = options.rotationPeriod ?? DAY_MS;
    this.retainedKeys = options.retainedKeys ?? 7;
    if (!(this.rotationPeriod > 0) || !Number.isInteger(this.retainedKeys) || this.retainedKeys < 0) {
      throw new ZquicError("TLS_CONFIG", "TicketKeys needs a positive rotationPeriod (ms) and a non-negative integer retainedKeys");
    }
  }

  /** Seals `state` into a ticket with the current key, rotating it first when it is due at `now` (ms). */
  seal(now: number, state: Uint8Array): Uint8Array {
    const key = this.currentKey(now);
    const nonce = this.options.random(NONCE_LENGTH);
    const sealed = key.aead.seal(nonce, key.id, state);
    const ticket = new Uint8Array(KEY_ID_LENGTH + NONCE_LENGTH + sealed.length);
    ticket.set(key.id, 0);
    ticket.set(nonce, KEY_ID_LENGTH);
    ticket.set(sealed, KEY_ID_LENGTH + NONCE_LENGTH);
    return ticket;
  }

  /** The state sealed in `ticket`, or `null` when no current or retained key opens it. */
  open(ticket: Uint8Array): Uint8Array | null {
    if (ticket.length < KEY_ID_LENGTH + NONCE_LENGTH) return null;
    const id = ticket.subarray(0, KEY_ID_LENGTH);
    const key = this.keys.find((candidate) => equalBytes(candidate.id, id));
    if (key === undefined) return null;
    return key.aead.open(ticket.subarray(KEY_ID_LENGTH, KEY_ID_LENGTH + NONCE_LENGTH), id, ticket.subarray(KEY_ID_LENGTH + NONCE_LENGTH));
  }

  private currentKey(now: number): TicketKey {
    const current = this.keys[0];
    if (current !== undefined && now - current.createdAt < this.rotationPeriod) return current;
    const { provider, random } = this.options;
    this.keys.unshift({ id: random(KEY_ID_LENGTH), aead: provider.aead("aes-256-gcm", random(32)), createdAt: now });
    this.keys.length = Math.min(this.keys.length, 1 + this.retainedKeys);
    return this.keys[0]!;
  }
}
