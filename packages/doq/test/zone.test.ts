import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { readFileSync, readdirSync } from "node:fs";
import { fromUtf8, utf8 } from "@zquic/wire";
import {
  Name,
  RRClass,
  RRType,
  type ResourceRecord,
  type SvcParam,
  ZoneError,
  formatRecord,
  loadZone,
  parseMasterFile,
  recordType,
  svcParamCode,
} from "@zquic/doq";
import { recordArb } from "./arbitraries.js";

const fixtures = new URL("./fixtures/zones/", import.meta.url);
const readFixture = (name: string): string => readFileSync(new URL(name, fixtures), "utf8");

function recordsAt(records: readonly ResourceRecord[], owner: string, type?: number): ResourceRecord[] {
  const name = Name.parse(owner);
  return records.filter((rr) => rr.name.equals(name) && (type === undefined || recordType(rr) === type));
}

function zoneErrorOf(run: () => unknown): ZoneError {
  try {
    run();
  } catch (error) {
    if (error instanceof ZoneError) return error;
    throw error;
  }
  throw new Error("expected a ZoneError");
}

describe("master files (RFC 1035 §5)", () => {
  it("loads example.ghost with every feature of the format", () => {
    const zone = loadZone(readFixture("example.ghost"), { fileName: "zones/example.ghost", origin: "example.ghost." });
    expect(zone.origin.toString()).toBe("example.ghost.");
    expect(zone.soa.data).toMatchObject({ serial: 2024112101, refresh: 7200, retry: 900, expire: 1209600, minimum: 300 });
    expect(zone.soa.data.mname.toString()).toBe("ns1.example.ghost.");
    expect(zone.soa.data.rname.toString()).toBe("hostmaster.example.ghost.");
    expect(zone.soa.ttl).toBe(3600);
    expect(zone.records).toHaveLength(26);

    const records = zone.records;
    // Omitted owners repeat the apex; $TTL fills in TTLs.
    expect(recordsAt(records, "example.ghost.", RRType.NS).map((rr) => rr.data)).toEqual([
      { type: "NS", nsdname: Name.parse("ns1.example.ghost.") },
      { type: "NS", nsdname: Name.parse("ns2.example.ghost.") },
    ]);
    expect(recordsAt(records, "example.ghost.", RRType.MX)[0]!.data).toEqual({ type: "MX", preference: 10, exchange: Name.parse("mail.example.ghost.") });
    // TTL and class in either order.
    expect(recordsAt(records, "ns2.example.ghost.")[0]).toMatchObject({ ttl: 300, class: RRClass.IN });
    expect(recordsAt(records, "mail.example.ghost.")[0]).toMatchObject({ ttl: 600, class: RRClass.IN });
    expect(recordsAt(records, "www.example.ghost.")[0]!.data).toEqual({ type: "CNAME", cname: Name.parse("example.ghost.") });
    expect(recordsAt(records, "*.apps.example.ghost.")).toHaveLength(2);
    expect(recordsAt(records, "example.ghost.", RRType.AAAA)[0]!.data).toEqual({
      type: "AAAA",
      address: Uint8Array.of(0x20, 0x01, 0x0d, 0xb8, 0, 6, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10),
    });
    // Quoted strings with escapes, an unquoted one with \DDD.
    const note = recordsAt(records, "note.example.ghost.")[0]!.data;
    expect(note.type === "TXT" && note.txtData.map(fromUtf8)).toEqual(['hello "ghost"', "second;part", "tab\tand space"]);
    expect(recordsAt(records, "blob.example.ghost.")[0]!.data).toEqual({ type: "unknown", code: 65280, data: Uint8Array.of(0xde, 0xad, 0xbe, 0xef) });
    expect(recordsAt(records, "_443._tcp.example.ghost.")[0]!.data).toEqual({
      type: "SRV",
      priority: 0,
      weight: 5,
      port: 443,
      target: Name.parse("www.example.ghost."),
    });
    const https = recordsAt(records, "example.ghost.", RRType.HTTPS)[0]!.data;
    expect(https).toEqual({
      type: "HTTPS",
      svcPriority: 1,
      targetName: Name.ROOT,
      svcParams: [
        { key: "alpn", alpnIds: [utf8("h3"), utf8("h2")] },
        { key: "port", port: 443 },
        { key: "ipv4hint", addresses: [Uint8Array.of(192, 0, 2, 10)] },
        { key: "ipv6hint", addresses: [Uint8Array.of(0x20, 0x01, 0x0d, 0xb8, 0, 6, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10)] },
      ],
    });
    const dns = recordsAt(records, "_dns.example.ghost.")[0]!.data;
    expect(dns).toMatchObject({ type: "SVCB", svcPriority: 1, svcParams: [{ key: "alpn", alpnIds: [utf8("doq")] }, { key: "port", port: 853 }] });
  });

  it("loads example.zns with its contract address in TXT", () => {
    const zone = loadZone(readFixture("example.zns"), { fileName: "zones/example.zns" });
    expect(zone.origin.toString()).toBe("example.zns.");
    const txt = recordsAt(zone.records, "example.zns.", RRType.TXT)[0]!;
    expect(txt.data.type === "TXT" && fromUtf8(txt.data.txtData[0]!)).toMatch(/^contract=0x[0-9a-fA-F]{40}$/);
    expect(recordsAt(zone.records, "vault.example.zns.")[0]!.ttl).toBe(60);
  });

  it("reads the RFC 1035 §5.3 example (without its $INCLUDE)", () => {
    const text = `@   IN  SOA     VENERA      Action\\.domains (
                                 20     ; SERIAL
                                 7200   ; REFRESH
                                 600    ; RETRY
                                 3600000; EXPIRE
                                 60)    ; MINIMUM

        NS      A.ISI.EDU.
        NS      VENERA
        NS      VAXA
        MX      10      VENERA
        MX      20      VAXA

A       A       26.3.0.103

VENERA  A       10.1.0.52
        A       128.9.0.32

VAXA    A       10.2.0.27
        A       128.9.0.33
`;
    const zone = loadZone(text, { origin: "ISI.EDU.", defaultTtl: 86400 });
    expect(zone.soa.data.rname.labels.map(fromUtf8)).toEqual(["Action.domains", "ISI", "EDU"]);
    expect(zone.soa.data).toMatchObject({ serial: 20, expire: 3600000, minimum: 60 });
    expect(recordsAt(zone.records, "isi.edu.", RRType.NS)).toHaveLength(3);
    expect(recordsAt(zone.records, "venera.isi.edu.", RRType.A).map((rr) => rr.data)).toEqual([
      { type: "A", address: Uint8Array.of(10, 1, 0, 52) },
      { type: "A", address: Uint8Array.of(128, 9, 0, 32) },
    ]);
    expect(zone.records.every((rr) => rr.ttl === 86400)).toBe(true);
  });

  it("keeps line ends inside quoted text and counts lines across parentheses", () => {
    const text = '$ORIGIN z.\n$TTL 1\n@ SOA ns admin (1\n 2 3 4 5)\nt TXT "two\nlines"\nbad A 1.2.3.4.5\n';
    const error = zoneErrorOf(() => loadZone(text, { fileName: "z" }));
    expect(error.message).toBe('z:7: bad IPv4 address "1.2.3.4.5"');
    const records = parseMasterFile(text.replace("bad A 1.2.3.4.5\n", ""));
    const txt = records[1]!.record.data;
    expect(txt.type === "TXT" && fromUtf8(txt.txtData[0]!)).toBe("two\nlines");
    expect(records.map((r) => r.line)).toEqual([3, 5]);
  });

  it("accepts TTL units, CRLF line ends and generic type and class names (RFC 3597 §5)", () => {
    const records = parseMasterFile("$ORIGIN z.\r\n$TTL 1h30m\r\na CLASS1 TYPE1 192.0.2.1\r\nb 2w IN A \\# 4 c0000202\r\n");
    expect(records.map((r) => [r.record.ttl, r.line])).toEqual([
      [5400, 3],
      [1209600, 4],
    ]);
    expect(records[1]!.record.data).toEqual({ type: "A", address: Uint8Array.of(192, 0, 2, 2) });
  });

  it("gives records without a TTL the $TTL value, else the last stated TTL (RFC 2308 §4, RFC 1035 §5.1)", () => {
    const ttls = (text: string) => parseMasterFile(text, { origin: "z." }).map((entry) => entry.record.ttl);
    expect(ttls("a 50 A 192.0.2.1\nb A 192.0.2.2\n$TTL 100\nc 70 A 192.0.2.3\nd A 192.0.2.4\n")).toEqual([50, 50, 70, 100]);
    expect(zoneErrorOf(() => parseMasterFile("a A 192.0.2.1\n", { origin: "z.", fileName: "f" })).message).toBe(
      "f:1: no TTL: state one, or add a $TTL line before this record",
    );
    expect(parseMasterFile("a A 192.0.2.1\n", { origin: "z.", defaultTtl: 9 })[0]!.record.ttl).toBe(9);
  });

  it("resolves $INCLUDE through an injected reader, without changing the parent's origin", () => {
    const files: Record<string, string> = {
      "main.zone": "$ORIGIN main.ghost.\n$TTL 5\n@ SOA ns admin 1 2 3 4 5\n$INCLUDE hosts.zone sub.main.ghost.\nafter A 192.0.2.2\n",
      "hosts.zone": "host A 192.0.2.1\n",
      "self.zone": "$INCLUDE self.zone\n",
    };
    const include = (name: string): string => {
      const text = files[name];
      if (text === undefined) throw new Error(`no such file ${name}`);
      return text;
    };
    const zone = loadZone(files["main.zone"]!, { fileName: "main.zone", include });
    expect(zone.records.map((rr) => rr.name.toString())).toEqual(["main.ghost.", "host.sub.main.ghost.", "after.main.ghost."]);
    expect(zoneErrorOf(() => parseMasterFile(files["self.zone"]!, { fileName: "self.zone", include })).message).toMatch(
      /^self\.zone:1: \$INCLUDE nested deeper than 8/,
    );
    expect(zoneErrorOf(() => parseMasterFile("$INCLUDE missing.zone\n", { fileName: "m", include })).message).toBe(
      "m:1: cannot read $INCLUDE file missing.zone: no such file missing.zone",
    );
  });

  describe("reports broken zones by file and line", () => {
    const cases: [file: string, line: number, detail: RegExp, origin?: string][] = [
      ["bad-ipv4.ghost", 4, /^bad IPv4 address "1\.2\.3"$/],
      ["bad-ipv6.ghost", 4, /^bad IPv6 address "2001:db8::1::2"$/],
      ["no-soa.ghost", 1, /no SOA record/],
      ["two-soa.ghost", 5, /a second SOA record/],
      ["soa-not-at-apex.ghost", 3, /SOA is owned by www\.broken\.ghost\., but the zone apex is broken\.ghost\./],
      ["out-of-zone.ghost", 4, /www\.elsewhere\.ghost\. is outside the zone broken\.ghost\./],
      ["unknown-type.ghost", 4, /^unknown type "FOO"$/],
      ["unknown-directive.ghost", 4, /^unknown directive \$GENERATE/],
      ["include.ghost", 4, /^\$INCLUDE other\.ghost is not supported/],
      ["unclosed-parenthesis.ghost", 3, /^"\(" is not closed$/],
      ["unclosed-quote.ghost", 4, /^quoted text is not closed$/],
      ["no-ttl.ghost", 2, /^no TTL/],
      ["relative-without-origin.ghost", 3, /^relative owner name "www" needs an origin/, ""],
      ["cname-and-other-data.ghost", 5, /www\.broken\.ghost\. has a CNAME and other data/],
      ["mixed-class.ghost", 4, /class CH differs from the zone's IN/],
      ["txt-too-long.ghost", 4, /character-string of 256 octets exceeds 255/],
      ["svcb-mandatory-missing.ghost", 4, /mandatory key port is not present/],
      ["label-too-long.ghost", 4, /label of 64 octets exceeds 63/],
      ["blank-first-owner.ghost", 1, /no owner name/, ""],
      ["generic-length-mismatch.ghost", 4, /RDATA has 4 octets, not the 3 announced/],
      ["mx-preference-too-big.ghost", 4, /bad PREFERENCE "70000"/],
      ["extra-field.ghost", 4, /^unexpected "192\.0\.2\.2"$/],
      ["meta-type.ghost", 4, /OPT is not a type of data/],
    ];
    it("has a case for every broken fixture", () => {
      const files = readdirSync(new URL("broken/", fixtures)).sort();
      expect(cases.map(([file]) => file).sort()).toEqual(files);
    });
    for (const [file, line, detail, origin = "broken.ghost."] of cases) {
      it(file, () => {
        const text = readFixture(`broken/${file}`);
        const error = zoneErrorOf(() => loadZone(text, { fileName: `zones/${file}`, ...(origin === "" ? {} : { origin }) }));
        expect(error.file).toBe(`zones/${file}`);
        expect({ line: error.line, detail: error.detail }).toEqual({ line, detail: expect.stringMatching(detail) });
        expect(error.message).toBe(`zones/${file}:${line}: ${error.detail}`);
      });
    }
  });

  it("gives records or a ZoneError for any text, never another exception", () => {
    const pieces = ["$ORIGIN ", "$TTL ", "$INCLUDE ", "@", " ", "\t", "\n", "(", ")", ";", '"', "\\", "\\0", ".", "*", "a", "IN ", "60 ", "A ", "SOA ", "TXT ", "HTTPS ", "MX ", "\\# ", "1.2.3.4", "::1", "alpn=h3,", "key9=", "mandatory=", "port=", "CNAME ", "x", "1"];
    const textArb = fc.oneof(
      fc.array(fc.constantFrom(...pieces), { maxLength: 40 }).map((parts) => parts.join("")),
      fc.string({ unit: "binary", maxLength: 120 }),
    );
    fc.assert(
      fc.property(textArb, (text) => {
        try {
          loadZone(text, { origin: "z.", include: () => "sub A 192.0.2.1\n" });
        } catch (error) {
          expect(error).toBeInstanceOf(ZoneError);
        }
      }),
      { numRuns: 800 },
    );
  });

  it("reads back every record it writes", () => {
    const zoneRecordArb = recordArb
      .filter((rr) => rr.class !== RRClass.NONE && rr.class !== RRClass.ANY)
      .filter((rr) => rr.data.type !== "unknown" || rr.data.code < 128 || rr.data.code > 255)
      .map((rr) => (rr.data.type === "SVCB" || rr.data.type === "HTTPS" ? { ...rr, data: { ...rr.data, svcParams: selfConsistent(rr.data.svcParams) } } : rr));
    fc.assert(
      fc.property(zoneRecordArb, (record) => {
        const line = formatRecord(record);
        const [parsed] = parseMasterFile(line);
        expect(parsed!.record).toEqual(record);
      }),
      { numRuns: 300 },
    );
  });
});

/** RFC 9460 §8: a mandatory list names only keys that are present, never itself. */
function selfConsistent(params: SvcParam[]): SvcParam[] {
  const others = params.filter((param) => param.key !== "mandatory").map(svcParamCode);
  return params.flatMap((param): SvcParam[] => (param.key !== "mandatory" ? [param] : others.length === 0 ? [] : [{ key: "mandatory", keys: others }]));
}
