import { describe, expect, it } from "vitest";
import { fromHex, toHex, utf8 } from "@zquic/wire";
import { DnsError, Name, RRType, type RData, decodeRData, encodeRData } from "@zquic/doq";

function reasonOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    if (error instanceof DnsError) return error.reason;
    throw error;
  }
  return undefined;
}

const fooExampleCom = "03666f6f076578616d706c6503636f6d00";
const fooExampleOrg = "03666f6f076578616d706c65036f726700";

// RFC 9460 Appendix D: the wire form of each presentation-form example.
const vectors: [string, RData, string][] = [
  ["AliasMode: HTTPS 0 foo.example.com.", { type: "HTTPS", svcPriority: 0, targetName: Name.parse("foo.example.com."), svcParams: [] }, `0000 ${fooExampleCom}`],
  ["TargetName is \".\": SVCB 1 .", { type: "SVCB", svcPriority: 1, targetName: Name.ROOT, svcParams: [] }, "0001 00"],
  [
    "a port: SVCB 16 foo.example.com. port=53",
    { type: "SVCB", svcPriority: 16, targetName: Name.parse("foo.example.com."), svcParams: [{ key: "port", port: 53 }] },
    `0010 ${fooExampleCom} 0003 0002 0035`,
  ],
  [
    "a generic key: SVCB 1 foo.example.com. key667=hello",
    { type: "SVCB", svcPriority: 1, targetName: Name.parse("foo.example.com."), svcParams: [{ key: "unknown", code: 667, value: utf8("hello") }] },
    `0001 ${fooExampleCom} 029b 0005 68656c6c6f`,
  ],
  [
    "two IPv6 hints",
    {
      type: "SVCB",
      svcPriority: 1,
      targetName: Name.parse("foo.example.com."),
      svcParams: [{ key: "ipv6hint", addresses: [fromHex("20010db8000000000000000000000001"), fromHex("20010db8000000000000000000530001")] }],
    },
    `0001 ${fooExampleCom} 0006 0020 20010db8000000000000000000000001 20010db8000000000000000000530001`,
  ],
  [
    "keys sorted on the wire: alpn=h2,h3-19 mandatory=ipv4hint,alpn ipv4hint=192.0.2.1",
    {
      type: "SVCB",
      svcPriority: 16,
      targetName: Name.parse("foo.example.org."),
      svcParams: [
        { key: "mandatory", keys: [1, 4] },
        { key: "alpn", alpnIds: [utf8("h2"), utf8("h3-19")] },
        { key: "ipv4hint", addresses: [Uint8Array.of(192, 0, 2, 1)] },
      ],
    },
    `0010 ${fooExampleOrg} 0000 0004 0001 0004 0001 0009 02 6832 05 68332d3139 0004 0004 c0000201`,
  ],
  [
    "an alpn with a comma and a backslash",
    { type: "SVCB", svcPriority: 16, targetName: Name.parse("foo.example.org."), svcParams: [{ key: "alpn", alpnIds: [utf8("f\\oo,bar"), utf8("h2")] }] },
    `0010 ${fooExampleOrg} 0001 000c 08 665c6f6f2c626172 02 6832`,
  ],
];

describe("SVCB and HTTPS RDATA (RFC 9460 §2.2, Appendix D)", () => {
  for (const [title, data, hex] of vectors) {
    it(title, () => {
      const code = data.type === "HTTPS" ? RRType.HTTPS : RRType.SVCB;
      expect(toHex(encodeRData(data))).toBe(toHex(fromHex(hex)));
      expect(decodeRData(code, fromHex(hex))).toEqual(data);
    });
  }

  it("sorts SvcParams and mandatory keys on the way out", () => {
    const data: RData = {
      type: "HTTPS",
      svcPriority: 1,
      targetName: Name.ROOT,
      svcParams: [
        { key: "port", port: 443 },
        { key: "mandatory", keys: [3, 1] },
        { key: "alpn", alpnIds: [utf8("h3")] },
      ],
    };
    expect(toHex(encodeRData(data))).toBe(toHex(fromHex("0001 00 0000 0004 0001 0003 0001 0003 02 6833 0003 0002 01bb")));
  });

  it("refuses duplicate keys and misused forms on the way out", () => {
    const base = { type: "SVCB" as const, svcPriority: 1, targetName: Name.ROOT };
    expect(() => encodeRData({ ...base, svcParams: [{ key: "port", port: 1 }, { key: "port", port: 2 }] })).toThrow(/more than once/);
    expect(() => encodeRData({ ...base, svcParams: [{ key: "unknown", code: 3, value: new Uint8Array(2) }] })).toThrow(/typed "port"/);
    expect(() => encodeRData({ ...base, svcParams: [{ key: "alpn", alpnIds: [] }] })).toThrow(/at least one/);
    expect(() => encodeRData({ ...base, svcParams: [{ key: "ipv4hint", addresses: [new Uint8Array(16)] }] })).toThrow(/4 octets/);
    expect(() => encodeRData({ ...base, svcParams: [{ key: "mandatory", keys: [1, 1] }] })).toThrow(/listed twice/);
  });

  const malformed: [string, string][] = [
    ["keys out of order", "0001 00 0003 0002 01bb 0001 0003 02 6833"],
    ["a repeated key", "0001 00 0003 0002 01bb 0003 0002 01bb"],
    ["a value running past the RDATA", "0001 00 0003 0009 01bb"],
    ["a mandatory list of odd length", "0001 00 0000 0003 000100"],
    ["mandatory keys out of order", "0001 00 0000 0004 0003 0001"],
    ["an empty alpn", "0001 00 0001 0000"],
    ["an alpn-id of length zero", "0001 00 0001 0001 00"],
    ["an alpn-id past its value", "0001 00 0001 0002 05 68"],
    ["no-default-alpn with a value", "0001 00 0002 0001 00"],
    ["a 3-octet port", "0001 00 0003 0003 0001bb"],
    ["an ipv4hint of 5 octets", "0001 00 0004 0005 0102030405"],
    ["an empty ipv6hint", "0001 00 0006 0000"],
    ["a cut-off key", "0001 00 00"],
  ];
  for (const [what, hex] of malformed) {
    it(`rejects ${what}`, () => {
      const reason = reasonOf(() => decodeRData(RRType.SVCB, fromHex(hex)));
      expect(["bad-svc-param", "truncated"]).toContain(reason);
    });
  }
});
