/**
 * 0-RTT anti-replay (RFC 8446 §8): a bounded, time-windowed record of the
 * tickets whose 0-RTT data was accepted, so each ClientHello's early data is
 * accepted at most once. It works with the freshness check (§8.3) the server
 * applies first: a ClientHello older than the window fails freshness, so
 * entries only need to live as long as the window.
 *
 * @module
 */
import { ZquicError, toHex } from "@zquic/wire";

/** Options of {@link AntiReplay}. */
export interface AntiReplayOptions {
  /** The freshness window in ms (RFC 8446 §8.3 suggests about ten seconds; default 10000). */
  readonly window?: number;
  /** The most entries kept; when full, 0-RTT is refused until entries expire (default 100000). */
  readonly maxEntries?: number;
  /**
   * When the cache was created (Unix ms). RFC 8446 §8.2: a freshly started
   * server "SHOULD reject 0-RTT as long as any portion of their recording
   * window overlaps the startup time", so nothing is accepted before
   * `startedAt + window`. Omit to skip that rule (e.g. when the cache outlives the process).
   */
  readonly startedAt?: number;
}

/** A single-use record of 0-RTT attempts. Share one instance among a server's sessions. */
export class AntiReplay {
  /** Key → expiry (ms). Map order is insertion order, which is expiry order. */
  private readonly seen = new Map<string, number>();
  /** The freshness window in ms. */
  readonly window: number;
  private readonly maxEntries: number;
  private readonly acceptFrom: number;

  constructor(options: AntiReplayOptions = {}) {
    this.window = options.window ?? 10_000;
    this.maxEntries = options.maxEntries ?? 100_000;
    if (!(this.window > 0) || !Number.isInteger(this.maxEntries) || this.maxEntries < 1) {
      throw new ZquicError("TLS_CONFIG", "AntiReplay needs a positive window (ms) and a positive integer maxEntries");
    }
    this.acceptFrom = options.startedAt === undefined ? -Infinity : options.startedAt + this.window;
  }

  /** Entries currently held. */
  get size(): number {
    return this.seen.size;
  }

  /**
   * Records `key` (a validated part of the ClientHello, RFC 8446 §8.2) at `now`
   * and returns true the first time; false for a repeat within the window, during
   * the startup window, or when the cache is full.
   */
  accept(key: Uint8Array, now: number): boolean {
    for (const [entry, expiry] of this.seen) {
      if (expiry > now) break;
      this.seen.delete(entry);
    }
    const id = toHex(key);
    if (now < this.acceptFrom || this.seen.has(id) || this.seen.size >= this.maxEntries) return false;
    this.seen.set(id, now + this.window);
    return true;
  }
}
