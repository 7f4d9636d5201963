import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { toHex } from "@zquic/wire";
import { matchesDnsName, matchesServerName } from "../src/x509/index.js";
import { parseIpAddress, parseIpv4, parseIpv6 } from "../src/x509/ip-address.js";

describe("matchesDnsName (RFC 6125 §6.4, RFC 9525 §6.3)", () => {
  const table: [pattern: string, host: string, matches: boolean, why: string][] = [
    ["example.com", "example.com", true, "exact"],
    ["Example.COM", "eXample.com", true, "case-insensitive (§6.4.1)"],
    ["example.com.", "example.com", true, "trailing dot on the pattern"],
    ["example.com", "example.com.", true, "trailing dot on the host"],
    ["example.com", "www.example.com", false, "no implicit subdomains"],
    ["www.example.com", "example.com", false, "no implicit parents"],
    ["*.example.com", "www.example.com", true, "wildcard as the whole left-most label"],
    ["*.example.com", "WWW.Example.Com", true, "wildcard, any case"],
    ["*.example.com", "example.com", false, "wildcard needs a label"],
    ["*.example.com", "a.b.example.com", false, "wildcard matches one label only (§6.4.3)"],
    ["*.example.com", ".example.com", false, "empty label"],
    ["*.com", "example.com", false, "wildcard needs two labels after it"],
    ["*", "example", false, "bare wildcard"],
    ["w*.example.com", "www.example.com", false, "partial-label wildcard (RFC 9525 forbids)"],
    ["*w.example.com", "www.example.com", false, "partial-label wildcard"],
    ["ww*w.example.com", "www.example.com", false, "embedded wildcard"],
    ["www.*.example.com", "www.a.example.com", false, "wildcard not left-most"],
    ["*.*.example.com", "a.b.example.com", false, "two wildcards"],
    ["xn--bcher-kva.example", "xn--bcher-kva.example", true, "A-labels compare as ASCII"],
    ["*.xn--bcher-kva.example", "a.xn--bcher-kva.example", true, "wildcard over an A-label parent"],
    ["bücher.example", "bücher.example", false, "U-labels are not DNS names here (callers pass A-labels)"],
    ["example.com", "*.example.com", false, "the reference identifier is never a pattern"],
    ["1.2.3.4", "1.2.3.4", false, "an IP literal is not a DNS name"],
    ["", "", false, "empty"],
    ["example..com", "example..com", false, "empty label"],
    ["exa mple.com", "exa mple.com", false, "space"],
    ["-bad.example", "-bad.example", false, "label starting with a hyphen"],
    ["_service.example", "_service.example", true, "underscores (SRV-style names) are tolerated"],
  ];
  for (const [pattern, host, matches, why] of table) {
    it(`${JSON.stringify(pattern)} vs ${JSON.stringify(host)}: ${matches ? "match" : "no match"} (${why})`, () => {
      expect(matchesDnsName(pattern, host)).toBe(matches);
    });
  }

  it("never throws, and a non-wildcard pattern matches exactly the case-folded equal names", () => {
    const label = fc.stringMatching(/^[a-z0-9*-]{0,5}$/);
    const name = fc.array(label, { minLength: 1, maxLength: 4 }).map((labels) => labels.join("."));
    fc.assert(
      fc.property(name, name, (pattern, host) => {
        const result = matchesDnsName(pattern, host);
        if (!pattern.includes("*") && result) expect(pattern.toLowerCase().replace(/\.$/, "")).toBe(host.toLowerCase().replace(/\.$/, ""));
        if (pattern.includes("*") && result) expect(pattern.startsWith("*.") && host.split(".").length === pattern.split(".").length).toBe(true);
      }),
    );
  });
});

describe("matchesServerName", () => {
  const v4 = Uint8Array.of(192, 0, 2, 1);
  const v6 = parseIpv6("2001:db8::1")!;
  const san = { dnsNames: ["example.com", "*.example.net"], ipAddresses: [v4, v6] };

  it.each([
    ["example.com", true],
    ["a.example.net", true],
    ["192.0.2.1", true],
    ["2001:db8::1", true],
    ["2001:DB8:0:0:0:0:0:1", true],
    ["[2001:db8::1]", true],
    ["192.0.2.2", false],
    ["::ffff:192.0.2.1", false], // IPv4-mapped IPv6 is a different iPAddress entry
    ["192.000.002.001", false], // leading zeros are not an IPv4 literal, nor a DNS name
    ["example.org", false],
  ])("%s → %s", (serverName, matches) => {
    expect(matchesServerName(san, serverName)).toBe(matches);
  });

  it("an IP literal never matches a dNSName, even one spelled like it", () => {
    expect(matchesServerName({ dnsNames: ["192.0.2.1", "*.2.1"], ipAddresses: [] }, "192.0.2.1")).toBe(false);
  });

  it("no subjectAltName matches nothing (no commonName fallback)", () => {
    expect(matchesServerName(undefined, "example.com")).toBe(false);
  });
});

describe("IP literals", () => {
  it.each([
    ["0.0.0.0", "00000000"],
    ["255.255.255.255", "ffffffff"],
    ["192.0.2.1", "c0000201"],
  ])("IPv4 %s", (text, hex) => expect(toHex(parseIpv4(text)!)).toBe(hex));

  it.each(["256.0.0.1", "1.2.3", "1.2.3.4.5", "01.2.3.4", "1.2.3.4 ", "", "1..2.3", "0x1.2.3.4"])("not IPv4: %j", (text) => {
    expect(parseIpv4(text)).toBeUndefined();
  });

  // RFC 4291 §2.2 forms, and RFC 5952 canonical ones.
  it.each([
    ["::", "00000000000000000000000000000000"],
    ["::1", "00000000000000000000000000000001"],
    ["1::", "00010000000000000000000000000000"],
    ["2001:db8::ff00:42:8329", "20010db8000000000000ff0000428329"],
    ["2001:0db8:0000:0000:0000:ff00:0042:8329", "20010db8000000000000ff0000428329"],
    ["::ffff:192.0.2.128", "00000000000000000000ffffc0000280"],
    ["64:ff9b::192.0.2.33", "0064ff9b0000000000000000c0000221"], // RFC 6052 §2.4
    ["1:2:3:4:5:6:7::", "00010002000300040005000600070000"],
    ["::2:3:4:5:6:7:8", "00000002000300040005000600070008"],
  ])("IPv6 %s", (text, hex) => expect(toHex(parseIpv6(text)!)).toBe(hex));

  it.each([
    ":::", "1:::2", "1::2::3", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7", "12345::", "g::", ":1::", "1::2:", "1.2.3.4::",
    "::1.2.3", "1:2:3:4:5:6:7:1.2.3.4", "fe80::1%eth0", "",
  ])("not IPv6: %j", (text) => expect(parseIpv6(text)).toBeUndefined());

  it("parseIpAddress takes either family, IPv6 also in brackets", () => {
    expect(parseIpAddress("[::1]")?.length).toBe(16);
    expect(parseIpAddress("127.0.0.1")?.length).toBe(4);
    expect(parseIpAddress("[127.0.0.1]")).toBeUndefined();
    expect(parseIpAddress("localhost")).toBeUndefined();
  });

  it("every IPv6 address round-trips through its full and its compressed text", () => {
    const words = fc.array(fc.integer({ min: 0, max: 0xffff }), { minLength: 8, maxLength: 8 });
    fc.assert(
      fc.property(words, fc.integer({ min: 0, max: 7 }), fc.integer({ min: 1, max: 8 }), (groups, start, length) => {
        const expected = toHex(Uint8Array.from(groups.flatMap((w) => [w >> 8, w & 0xff])));
        expect(toHex(parseIpv6(groups.map((w) => w.toString(16)).join(":"))!)).toBe(expected);
        // Compress a run of zero groups with "::" where there is one.
        const end = Math.min(8, start + length);
        const zeroed = groups.map((w, i) => (i >= start && i < end ? 0 : w));
        const compressed = `${zeroed.slice(0, start).map((w) => w.toString(16)).join(":")}::${zeroed.slice(end).map((w) => w.toString(16)).join(":")}`;
        expect(toHex(parseIpv6(compressed)!)).toBe(toHex(Uint8Array.from(zeroed.flatMap((w) => [w >> 8, w & 0xff]))));
      }),
    );
  });
});
