import { describe, expect, it } from "vitest";
import { fromUtf8 } from "@zquic/wire";
import {
  type Answer,
  Name,
  type Question,
  RRClass,
  RRType,
  Rcode,
  type ResourceRecord,
  ZoneBackend,
  formatRecord,
  loadZone,
} from "@zquic/doq";
import { fixtureZone } from "./zone-fixtures.js";

const backend = new ZoneBackend([fixtureZone("example.ghost"), fixtureZone("example.zns")]);

function ask(name: string, type: number, klass: number = RRClass.IN, source = backend): Answer {
  const question: Question = { name: Name.parse(name), type, class: klass };
  return source.lookup(question);
}

/** Records as presentation lines, which makes expectations easy to read. */
const lines = (records: readonly ResourceRecord[]): string[] => records.map(formatRecord);

describe("ZoneBackend: authoritative answers (RFC 1034 §4.3.2)", () => {
  it("lists the zones it serves", () => {
    expect(backend.zones.sort()).toEqual(["example.ghost.", "example.zns."]);
  });

  it("answers an exact match with AA set", () => {
    const answer = ask("example.ghost.", RRType.A);
    expect(answer).toMatchObject({ rcode: Rcode.NOERROR, authoritative: true, authority: [] });
    expect(lines(answer.answer)).toEqual(["example.ghost. 3600 IN A 192.0.2.10"]);
  });

  it("matches names case-insensitively", () => {
    expect(lines(ask("NS1.Example.GHOST.", RRType.A).answer)).toEqual(["NS1.Example.GHOST. 3600 IN A 192.0.2.53"]);
  });

  it("adds addresses of MX, NS and SRV targets to the additional section (step 6)", () => {
    expect(lines(ask("example.ghost.", RRType.MX).additional)).toEqual(["mail.example.ghost. 600 IN A 192.0.2.25"]);
    expect(lines(ask("example.ghost.", RRType.NS).additional)).toEqual([
      "ns1.example.ghost. 3600 IN A 192.0.2.53",
      "ns2.example.ghost. 300 IN A 192.0.2.54",
    ]);
    expect(lines(ask("_dns.example.ghost.", RRType.SVCB).additional)).toEqual(["ns1.example.ghost. 3600 IN A 192.0.2.53"]);
  });

  it("follows CNAMEs inside the zone", () => {
    const answer = ask("alias.example.ghost.", RRType.A);
    expect(answer.rcode).toBe(Rcode.NOERROR);
    expect(lines(answer.answer)).toEqual([
      "alias.example.ghost. 3600 IN CNAME www.example.ghost.",
      "www.example.ghost. 3600 IN CNAME example.ghost.",
      "example.ghost. 3600 IN A 192.0.2.10",
    ]);
    expect(lines(ask("alias.example.ghost.", RRType.CNAME).answer)).toEqual(["alias.example.ghost. 3600 IN CNAME www.example.ghost."]);
  });

  it("stops at a CNAME leaving the zone, and at a loop", () => {
    expect(ask("outside.example.ghost.", RRType.A)).toMatchObject({ rcode: Rcode.NOERROR, authority: [] });
    expect(lines(ask("outside.example.ghost.", RRType.A).answer)).toEqual(["outside.example.ghost. 3600 IN CNAME example.zns."]);
    const loop = ask("loop1.example.ghost.", RRType.A);
    expect(loop.rcode).toBe(Rcode.NOERROR);
    expect(lines(loop.answer)).toEqual(["loop1.example.ghost. 3600 IN CNAME loop2.example.ghost.", "loop2.example.ghost. 3600 IN CNAME loop1.example.ghost."]);
  });

  it("answers NODATA with the SOA at min(SOA TTL, MINIMUM) (RFC 2308 §3)", () => {
    const answer = ask("mail.example.ghost.", RRType.TXT);
    expect(answer).toMatchObject({ rcode: Rcode.NOERROR, answer: [], authoritative: true });
    expect(lines(answer.authority)).toEqual(["example.ghost. 300 IN SOA ns1.example.ghost. hostmaster.example.ghost. 2024112101 7200 900 1209600 300"]);
  });

  it("answers NXDOMAIN with the SOA", () => {
    const answer = ask("nope.example.ghost.", RRType.A);
    expect(answer).toMatchObject({ rcode: Rcode.NXDOMAIN, answer: [], authoritative: true });
    expect(answer.authority.map((rr) => rr.ttl)).toEqual([300]);
  });

  it("takes the SOA's own TTL when it is below MINIMUM", () => {
    const zone = loadZone("$ORIGIN low.ghost.\n@ 60 SOA ns admin 1 2 3 4 900\ndangling 120 CNAME missing\n");
    const low = new ZoneBackend([zone]);
    expect(ask("nope.low.ghost.", RRType.A, RRClass.IN, low).authority.map((rr) => rr.ttl)).toEqual([60]);
    // RFC 6604: through a CNAME, the RCODE describes the last name.
    const dangling = ask("dangling.low.ghost.", RRType.A, RRClass.IN, low);
    expect(dangling.rcode).toBe(Rcode.NXDOMAIN);
    expect(lines(dangling.answer)).toEqual(["dangling.low.ghost. 120 IN CNAME missing.low.ghost."]);
  });

  it("answers NODATA, not NXDOMAIN, for an empty non-terminal", () => {
    expect(ask("empty.example.ghost.", RRType.A)).toMatchObject({ rcode: Rcode.NOERROR, answer: [] });
    expect(ask("empty.example.ghost.", RRType.A).authority).toHaveLength(1);
  });

  describe("wildcards (RFC 4592)", () => {
    it("synthesises records owned by the query name", () => {
      expect(lines(ask("x.apps.example.ghost.", RRType.A).answer)).toEqual(["x.apps.example.ghost. 3600 IN A 192.0.2.80"]);
      expect(lines(ask("a.b.apps.example.ghost.", RRType.A).answer)).toEqual(["a.b.apps.example.ghost. 3600 IN A 192.0.2.80"]);
      expect(lines(ask("x.apps.example.ghost.", RRType.TXT).answer)).toEqual(['x.apps.example.ghost. 3600 IN TXT "synthesised"']);
    });

    it("gives NODATA for a type the wildcard lacks", () => {
      expect(ask("x.apps.example.ghost.", RRType.MX)).toMatchObject({ rcode: Rcode.NOERROR, answer: [] });
    });

    it("does not cover names that exist", () => {
      expect(lines(ask("known.apps.example.ghost.", RRType.A).answer)).toEqual(["known.apps.example.ghost. 3600 IN A 192.0.2.81"]);
      expect(ask("known.apps.example.ghost.", RRType.TXT).answer).toEqual([]);
      expect(lines(ask("*.apps.example.ghost.", RRType.A).answer)).toEqual(["*.apps.example.ghost. 3600 IN A 192.0.2.80"]);
    });

    it("applies only below its closest encloser", () => {
      expect(ask("x.example.ghost.", RRType.A).rcode).toBe(Rcode.NXDOMAIN);
      expect(ask("x.empty.example.ghost.", RRType.A).rcode).toBe(Rcode.NXDOMAIN);
    });
  });

  it("refers queries at or below a delegation, with glue and without AA", () => {
    for (const name of ["sub.example.ghost.", "www.sub.example.ghost.", "ns.sub.example.ghost."]) {
      const answer = ask(name, RRType.A);
      expect(answer).toMatchObject({ rcode: Rcode.NOERROR, authoritative: false, answer: [] });
      expect(lines(answer.authority)).toEqual(["sub.example.ghost. 3600 IN NS ns.sub.example.ghost."]);
      expect(lines(answer.additional)).toEqual(["ns.sub.example.ghost. 3600 IN A 192.0.2.99"]);
    }
  });

  it("answers ANY with every RRset at the name", () => {
    expect(ask("example.ghost.", RRType.ANY).answer.map((rr) => rr.data.type)).toEqual(["SOA", "NS", "NS", "A", "AAAA", "MX", "TXT", "HTTPS"]);
  });

  it("serves the .zns contract TXT", () => {
    const [txt] = ask("example.zns.", RRType.TXT).answer;
    expect(txt!.data.type === "TXT" && fromUtf8(txt!.data.txtData[0]!)).toBe("contract=0x5FbDB2315678afecb367f032d93F642f64180aa3");
  });

  it("refuses names outside its zones and other classes", () => {
    expect(ask("example.eth.", RRType.A)).toMatchObject({ rcode: Rcode.REFUSED, authoritative: false });
    expect(ask("example.ghost.", RRType.A, RRClass.CH).rcode).toBe(Rcode.REFUSED);
  });

  it("replaces and removes zones atomically", () => {
    const reloading = new ZoneBackend([fixtureZone("example.zns")]);
    const before = ask("example.zns.", RRType.A, RRClass.IN, reloading);
    reloading.replaceZone(loadZone("$ORIGIN example.zns.\n$TTL 5\n@ SOA ns admin 8 1 1 1 1\n@ A 203.0.113.8\n"));
    expect(lines(before.answer)).toEqual(["example.zns. 600 IN A 198.51.100.7"]);
    expect(lines(ask("example.zns.", RRType.A, RRClass.IN, reloading).answer)).toEqual(["example.zns. 5 IN A 203.0.113.8"]);
    expect(ask("vault.example.zns.", RRType.TXT, RRClass.IN, reloading).rcode).toBe(Rcode.NXDOMAIN);
    expect(reloading.removeZone("example.zns.")).toBe(true);
    expect(reloading.zones).toEqual([]);
    expect(ask("example.zns.", RRType.A, RRClass.IN, reloading).rcode).toBe(Rcode.REFUSED);
  });
});
