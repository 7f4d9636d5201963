import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { fromUtf8, utf8 } from "@zquic/wire";
import { DnsError, Name } from "@zquic/doq";
import { nameArb } from "./arbitraries.js";

function reasonOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    if (error instanceof DnsError) return error.reason;
    throw error;
  }
  return undefined;
}

describe("Name (RFC 1035 §2.3.4, §3.1, §5.1)", () => {
  it("parses presentation form into labels", () => {
    const name = Name.parse("www.Example.com.");
    expect(name.labels.map(fromUtf8)).toEqual(["www", "Example", "com"]);
    expect(name.wireLength).toBe(17);
    expect(name.toString()).toBe("www.Example.com.");
  });

  it("reads \\. and \\DDD escapes and writes them back", () => {
    const name = Name.parse("a\\.b.x\\065\\032y.example.");
    expect(name.labels.map(fromUtf8)).toEqual(["a.b", "xA y", "example"]);
    expect(name.toString()).toBe("a\\.b.xA\\032y.example.");
    expect(Name.parse("\\000\\255.").labels[0]).toEqual(Uint8Array.of(0, 255));
    expect(Name.parse("\\000\\255.").toString()).toBe("\\000\\255.");
  });

  it("makes relative names absolute against an origin", () => {
    const origin = Name.parse("example.ghost.");
    expect(Name.parse("www", origin).toString()).toBe("www.example.ghost.");
    expect(Name.parse("www.other.", origin).toString()).toBe("www.other.");
    expect(Name.parse(".").isRoot).toBe(true);
  });

  it("compares and keys names case-insensitively (RFC 4343)", () => {
    const a = Name.parse("WWW.Example.COM.");
    const b = Name.parse("www.example.com.");
    expect(a.equals(b)).toBe(true);
    expect(a.equalsExactly(b)).toBe(false);
    expect(a.key).toBe(b.key);
    expect(a.key).toBe("www.example.com.");
    expect(a.equals(Name.parse("www.example.org."))).toBe(false);
  });

  it("knows ancestry", () => {
    const name = Name.parse("a.b.example.ghost.");
    expect(name.isSubdomainOf(Name.parse("EXAMPLE.ghost."))).toBe(true);
    expect(name.isSubdomainOf(name)).toBe(true);
    expect(name.isSubdomainOf(Name.ROOT)).toBe(true);
    expect(name.isSubdomainOf(Name.parse("b.example.zns."))).toBe(false);
    expect(Name.parse("ghost.").isSubdomainOf(name)).toBe(false);
    expect(name.parent().toString()).toBe("b.example.ghost.");
    expect(Name.parse("ghost.").parent().isRoot).toBe(true);
    expect(() => Name.ROOT.parent()).toThrow(/root name has no parent/);
    expect(Name.parse("example.").prepend(utf8("*")).toString()).toBe("*.example.");
  });

  it("enforces 63-octet labels and 255-octet names", () => {
    expect(Name.parse(`${"a".repeat(63)}.`).wireLength).toBe(65);
    expect(reasonOf(() => Name.parse(`${"a".repeat(64)}.`))).toBe("label-too-long");
    // 4 labels of 63 plus one of 1: 4*64 + 2 + 1 = 259 octets.
    const long = `${Array(4).fill("a".repeat(63)).join(".")}.b.`;
    expect(reasonOf(() => Name.parse(long))).toBe("name-too-long");
    // 3*64 + 62 + 1 = 255 octets: the largest legal name.
    expect(Name.parse(`${Array(3).fill("a".repeat(63)).join(".")}.${"a".repeat(61)}.`).wireLength).toBe(255);
  });

  it("rejects empty labels and bad escapes", () => {
    expect(reasonOf(() => Name.parse("a..b."))).toBe("bad-name");
    expect(reasonOf(() => Name.parse(".a."))).toBe("bad-name");
    expect(reasonOf(() => Name.parse("a\\25x."))).toBe("bad-text");
    expect(reasonOf(() => Name.parse("a\\256."))).toBe("bad-text");
    expect(reasonOf(() => Name.parse("a\\"))).toBe("bad-text");
  });

  it("round-trips any name through presentation form", () => {
    fc.assert(
      fc.property(nameArb, (name) => {
        expect(Name.parse(name.toString()).equalsExactly(name)).toBe(true);
      }),
    );
  });

  it("treats ASCII case as equal, and only ASCII case", () => {
    const upper = (label: Uint8Array) => label.map((b) => (b >= 0x61 && b <= 0x7a ? b - 0x20 : b));
    fc.assert(
      fc.property(nameArb, (name) => {
        const shouted = Name.fromLabels(name.labels.map(upper));
        expect(shouted.equals(name)).toBe(true);
        expect(shouted.key).toBe(name.key);
      }),
    );
    expect(Name.fromLabels([Uint8Array.of(0xc4)]).equals(Name.fromLabels([Uint8Array.of(0xe4)]))).toBe(false);
  });
});
