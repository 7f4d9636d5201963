import { type Question, Rcode, type ResourceRecord } from "../dns/index.js";
import type { SoaRecord } from "../zone/index.js";
import type { Answer } from "./answer.js";
import { followCnames } from "./cname-chain.js";
import { negativeTtl } from "./negative-ttl.js";

/** Bounds and TTL policy of a {@link DnsCache}. */
export interface DnsCacheOptions {
  /** Entries kept; the least recently used goes first. */
  maxEntries: number;
  /** Records kept across all entries (responses can be large). */
  maxRecords: number;
  /** Longest time (s) a positive answer is kept, whatever its TTL says. */
  maxTtl: number;
  /** RFC 2308 §5: longest time (s) a negative answer is kept; 1–3 hours is the advice. */
  maxNegativeTtl: number;
}

/** Conservative defaults: a day for data, three hours for negative answers. */
export const DEFAULT_CACHE_OPTIONS: Readonly<DnsCacheOptions> = {
  maxEntries: 10_000,
  maxRecords: 100_000,
  maxTtl: 86_400,
  maxNegativeTtl: 10_800,
};

/** Counters of a {@link DnsCache}. */
export interface DnsCacheStats {
  hits: number;
  misses: number;
  entries: number;
  evictions: number;
}

/** The parts of a response a cache keeps. */
export type CachedAnswer = Omit<Answer, "authoritative">;

interface Entry {
  answer: CachedAnswer;
  storedAt: number;
  expiresAt: number;
  records: number;
}

const MS_PER_SECOND = 1000;

/** The cache key: RFC 1034 §4.3.2 compares names case-insensitively. */
function keyOf(question: Question): string {
  return `${question.name.key}/${question.type}/${question.class}`;
}

const isSoa = (record: ResourceRecord): record is SoaRecord => record.data.type === "SOA";

/**
 * A bounded, TTL-respecting cache of answers keyed by (name, type, class),
 * with RFC 2308 negative caching. Time is passed in (`now`, ms); TTLs come out
 * decremented by the time spent in the cache.
 */
export class DnsCache {
  private readonly entries = new Map<string, Entry>();
  private readonly options: DnsCacheOptions;
  private totalRecords = 0;
  private counters = { hits: 0, misses: 0, evictions: 0 };

  constructor(options: Partial<DnsCacheOptions> = {}) {
    this.options = { ...DEFAULT_CACHE_OPTIONS, ...options };
  }

  /** The answer for `question` at `now`, TTLs decremented, or `undefined` (a miss). */
  get(question: Question, now: number): CachedAnswer | undefined {
    const key = keyOf(question);
    const entry = this.entries.get(key);
    if (entry === undefined || now >= entry.expiresAt) {
      if (entry !== undefined) this.remove(key, entry);
      this.counters.misses++;
      return undefined;
    }
    // Map order is the LRU order: a hit moves the entry to the back.
    this.entries.delete(key);
    this.entries.set(key, entry);
    this.counters.hits++;
    const elapsed = Math.floor((now - entry.storedAt) / MS_PER_SECOND);
    const age = (records: ResourceRecord[]): ResourceRecord[] => records.map((rr) => ({ ...rr, ttl: Math.max(0, rr.ttl - elapsed) }));
    const { rcode, answer, authority, additional } = entry.answer;
    return { rcode, answer: age(answer), authority: age(authority), additional: age(additional) };
  }

  /**
   * Stores `answer` for `question`, received at `now`, if it is cacheable:
   * data for as long as its smallest TTL; NXDOMAIN and NODATA for the
   * SOA-derived negative TTL (RFC 2308 §5), never without an SOA. Failures,
   * referrals and zero TTLs are not stored. Returns whether it was stored.
   */
  put(question: Question, answer: CachedAnswer, now: number): boolean {
    const ttl = this.lifetime(question, answer);
    if (ttl === undefined || ttl <= 0) return false;
    const key = keyOf(question);
    const existing = this.entries.get(key);
    if (existing !== undefined) this.remove(key, existing);
    const stored = { ...answer, authority: answer.authority.map((rr) => (isSoa(rr) ? { ...rr, ttl: Math.min(rr.ttl, ttl) } : rr)) };
    const records = answer.answer.length + answer.authority.length + answer.additional.length;
    this.entries.set(key, { answer: stored, storedAt: now, expiresAt: now + ttl * MS_PER_SECOND, records });
    this.totalRecords += records;
    this.evictOverflow();
    return true;
  }

  /** Hit, miss and eviction counters. */
  get stats(): DnsCacheStats {
    return { ...this.counters, entries: this.entries.size };
  }

  /** Seconds `answer` may be kept, or `undefined` when it must not be. */
  private lifetime(question: Question, answer: CachedAnswer): number | undefined {
    const chain = followCnames(question.name, question.type, answer.answer);
    const soa = answer.authority.find(isSoa);
    const minAnswerTtl = Math.min(this.options.maxTtl, ...answer.answer.map((rr) => rr.ttl));
    const negative = answer.rcode === Rcode.NXDOMAIN || (answer.rcode === Rcode.NOERROR && !chain.answered);
    if (!negative) return answer.rcode === Rcode.NOERROR ? minAnswerTtl : undefined;
    // RFC 2308 §5: negative answers without an SOA are not cached (referrals among them).
    if (soa === undefined) return undefined;
    return Math.min(minAnswerTtl, negativeTtl(soa), this.options.maxNegativeTtl);
  }

  private evictOverflow(): void {
    while (this.entries.size > this.options.maxEntries || this.totalRecords > this.options.maxRecords) {
      const [key, entry] = this.entries.entries().next().value as [string, Entry];
      this.remove(key, entry);
      this.counters.evictions++;
    }
  }

  private remove(key: string, entry: Entry): void {
    this.entries.delete(key);
    this.totalRecords -= entry.records;
  }
}
