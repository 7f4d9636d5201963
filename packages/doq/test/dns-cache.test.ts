import { describe, expect, it } from "vitest";
import { type CachedAnswer, DnsCache, Name, type Question, RRClass, RRType, Rcode, type ResourceRecord, loadZone } from "@zquic/doq";

const question = (name: string, type: number = RRType.A): Question => ({ name: Name.parse(name), type, class: RRClass.IN });

function a(name: string, ttl: number): ResourceRecord {
  return { name: Name.parse(name), class: RRClass.IN, ttl, data: { type: "A", address: Uint8Array.of(192, 0, 2, 1) } };
}

/** An SOA with the given TTL and MINIMUM. */
function soa(ttl: number, minimum: number): ResourceRecord {
  const zone = loadZone(`$ORIGIN example.\n@ ${ttl} SOA ns admin 1 7200 900 86400 ${minimum}\n`);
  return zone.soa;
}

const positive = (...answer: ResourceRecord[]): CachedAnswer => ({ rcode: Rcode.NOERROR, answer, authority: [], additional: [] });
const nxdomain = (authority: ResourceRecord[]): CachedAnswer => ({ rcode: Rcode.NXDOMAIN, answer: [], authority, additional: [] });

describe("DnsCache", () => {
  it("returns answers with TTLs decremented by whole seconds spent in the cache", () => {
    const cache = new DnsCache();
    const answer: CachedAnswer = { ...positive(a("example.", 300)), additional: [a("ns.example.", 900)] };
    expect(cache.put(question("example."), answer, 1_000)).toBe(true);
    const later = cache.get(question("example."), 11_500);
    expect(later!.answer.map((rr) => rr.ttl)).toEqual([290]);
    expect(later!.additional.map((rr) => rr.ttl)).toEqual([890]);
    expect(cache.get(question("example."), 1_000)!.answer[0]!.ttl).toBe(300);
  });

  it("expires an answer when its smallest TTL runs out", () => {
    const cache = new DnsCache();
    cache.put(question("example."), positive(a("example.", 300), a("example.", 30)), 0);
    expect(cache.get(question("example."), 29_999)?.answer.map((rr) => rr.ttl)).toEqual([271, 1]);
    expect(cache.get(question("example."), 30_000)).toBeUndefined();
    expect(cache.stats).toMatchObject({ hits: 1, misses: 1, entries: 0 });
  });

  it("keys by name (case-insensitively), type and class", () => {
    const cache = new DnsCache();
    cache.put(question("Example.COM."), positive(a("example.com.", 60)), 0);
    expect(cache.get(question("example.com."), 0)).toBeDefined();
    expect(cache.get(question("example.com.", RRType.AAAA), 0)).toBeUndefined();
    expect(cache.get({ ...question("example.com."), class: RRClass.CH }, 0)).toBeUndefined();
  });

  it("does not store zero TTLs, failures or referrals", () => {
    const cache = new DnsCache();
    expect(cache.put(question("zero."), positive(a("zero.", 0)), 0)).toBe(false);
    expect(cache.put(question("fail."), { ...positive(), rcode: Rcode.SERVFAIL }, 0)).toBe(false);
    const ns: ResourceRecord = { name: Name.parse("sub.example."), class: RRClass.IN, ttl: 3600, data: { type: "NS", nsdname: Name.parse("ns.sub.example.") } };
    expect(cache.put(question("www.sub.example."), { ...positive(), authority: [ns] }, 0)).toBe(false);
    expect(cache.stats.entries).toBe(0);
  });

  it("caps the TTL of data at maxTtl", () => {
    const cache = new DnsCache({ maxTtl: 10 });
    cache.put(question("example."), positive(a("example.", 86_400)), 0);
    expect(cache.get(question("example."), 9_999)).toBeDefined();
    expect(cache.get(question("example."), 10_000)).toBeUndefined();
  });

  describe("negative caching (RFC 2308)", () => {
    it("keeps NXDOMAIN for the SOA MINIMUM when it is below the SOA TTL (§5)", () => {
      const cache = new DnsCache();
      cache.put(question("nope.example."), nxdomain([soa(3600, 300)]), 0);
      const hit = cache.get(question("nope.example."), 100_000);
      expect(hit!.rcode).toBe(Rcode.NXDOMAIN);
      // The SOA comes back with the remaining negative TTL.
      expect(hit!.authority.map((rr) => rr.ttl)).toEqual([200]);
      expect(cache.get(question("nope.example."), 299_999)).toBeDefined();
      expect(cache.get(question("nope.example."), 300_000)).toBeUndefined();
    });

    it("keeps it for the SOA TTL when that is below MINIMUM", () => {
      const cache = new DnsCache();
      cache.put(question("nope.example."), nxdomain([soa(60, 300)]), 0);
      expect(cache.get(question("nope.example."), 59_999)).toBeDefined();
      expect(cache.get(question("nope.example."), 60_000)).toBeUndefined();
    });

    it("caps the negative TTL", () => {
      const cache = new DnsCache({ maxNegativeTtl: 100 });
      cache.put(question("nope.example."), nxdomain([soa(86_400, 86_400)]), 0);
      expect(cache.get(question("nope.example."), 99_999)).toBeDefined();
      expect(cache.get(question("nope.example."), 100_000)).toBeUndefined();
    });

    it("keeps NODATA the same way, keyed by type", () => {
      const cache = new DnsCache();
      expect(cache.put(question("example.", RRType.MX), { ...positive(), authority: [soa(3600, 30)] }, 0)).toBe(true);
      expect(cache.get(question("example.", RRType.MX), 29_000)!.answer).toEqual([]);
      expect(cache.get(question("example.", RRType.A), 0)).toBeUndefined();
      expect(cache.get(question("example.", RRType.MX), 30_000)).toBeUndefined();
    });

    it("keeps a CNAME ending in NXDOMAIN no longer than the CNAME's TTL", () => {
      const cname: ResourceRecord = { name: Name.parse("alias.example."), class: RRClass.IN, ttl: 20, data: { type: "CNAME", cname: Name.parse("gone.example.") } };
      const cache = new DnsCache();
      cache.put(question("alias.example."), { ...nxdomain([soa(3600, 300)]), answer: [cname] }, 0);
      expect(cache.get(question("alias.example."), 19_999)).toBeDefined();
      expect(cache.get(question("alias.example."), 20_000)).toBeUndefined();
    });

    it("does not cache negative answers without an SOA (§5)", () => {
      const cache = new DnsCache();
      expect(cache.put(question("nope.example."), nxdomain([]), 0)).toBe(false);
      expect(cache.put(question("example.", RRType.MX), positive(), 0)).toBe(false);
    });
  });

  describe("bounds", () => {
    it("evicts the least recently used entry", () => {
      const cache = new DnsCache({ maxEntries: 2 });
      cache.put(question("a."), positive(a("a.", 60)), 0);
      cache.put(question("b."), positive(a("b.", 60)), 0);
      expect(cache.get(question("a."), 1)).toBeDefined();
      cache.put(question("c."), positive(a("c.", 60)), 2);
      expect(cache.get(question("b."), 3)).toBeUndefined();
      expect(cache.get(question("a."), 3)).toBeDefined();
      expect(cache.get(question("c."), 3)).toBeDefined();
      expect(cache.stats).toMatchObject({ entries: 2, evictions: 1 });
    });

    it("evicts to stay within the record budget", () => {
      const cache = new DnsCache({ maxRecords: 3 });
      cache.put(question("a."), positive(a("a.", 60), a("a.", 60)), 0);
      cache.put(question("b."), positive(a("b.", 60), a("b.", 60)), 0);
      expect(cache.get(question("a."), 0)).toBeUndefined();
      expect(cache.get(question("b."), 0)).toBeDefined();
      // An answer bigger than the whole budget is not kept at all.
      cache.put(question("big."), positive(a("big.", 60), a("big.", 60), a("big.", 60), a("big.", 60)), 0);
      expect(cache.stats.entries).toBe(0);
    });

    it("replaces an entry for the same question", () => {
      const cache = new DnsCache({ maxEntries: 1 });
      cache.put(question("a."), positive(a("a.", 60)), 0);
      cache.put(question("a."), positive(a("a.", 120)), 0);
      expect(cache.get(question("a."), 0)!.answer.map((rr) => rr.ttl)).toEqual([120]);
      expect(cache.stats.evictions).toBe(0);
    });
  });
});
