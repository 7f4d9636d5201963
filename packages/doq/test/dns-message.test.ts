import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { fromHex, toHex } from "@zquic/wire";
import {
  type DnsMessage,
  DnsError,
  EdnsOptionCode,
  Name,
  Rcode,
  RRClass,
  RRType,
  decodeMessage,
  encodeMessage,
  recordType,
} from "@zquic/doq";
import { messageArb } from "./arbitraries.js";

function reasonOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    if (error instanceof DnsError) return error.reason;
    throw error;
  }
  return undefined;
}

const HEADER_QD1 = "0000 0000 0001 0000 0000 0000";

// A query for example.com A with RD set, as dig sends it without EDNS.
const exampleQuery = "1234 0100 0001 0000 0000 0000 076578616d706c6503636f6d00 0001 0001";
// Its answer: QR RD RA, one A record whose owner points back at the question (offset 12).
const exampleResponse =
  "1234 8180 0001 0001 0000 0000 076578616d706c6503636f6d00 0001 0001 " +
  "c00c 0001 0001 00000e10 0004 5db8d822";

describe("DNS message codec (RFC 1035 §4)", () => {
  it("decodes and re-encodes a query for example.com A byte for byte", () => {
    const message = decodeMessage(fromHex(exampleQuery));
    expect(message).toMatchObject({ id: 0x1234, qr: false, opcode: 0, rd: true, ra: false, rcode: 0 });
    expect(message.question).toHaveLength(1);
    expect(message.question[0]!.name.toString()).toBe("example.com.");
    expect(message.question[0]).toMatchObject({ type: RRType.A, class: RRClass.IN });
    expect(message.edns).toBeUndefined();
    expect(toHex(encodeMessage(message))).toBe(fromHexToHex(exampleQuery));
  });

  it("decodes a response whose owner is compressed and writes the same pointer", () => {
    const message = decodeMessage(fromHex(exampleResponse));
    expect(message).toMatchObject({ qr: true, rd: true, ra: true, aa: false, rcode: Rcode.NOERROR });
    const [record] = message.answer;
    expect(record!.name.toString()).toBe("example.com.");
    expect(record!.ttl).toBe(3600);
    expect(record!.data).toEqual({ type: "A", address: Uint8Array.of(93, 184, 216, 34) });
    expect(toHex(encodeMessage(message))).toBe(fromHexToHex(exampleResponse));
  });

  it("writes the RFC 1035 §4.1.4 example names: a suffix pointer into the middle of a name", () => {
    const fIsiArpa = Name.parse("F.ISI.ARPA.");
    const message: DnsMessage = {
      ...emptyMessage(),
      qr: true,
      aa: true,
      question: [{ name: fIsiArpa, type: RRType.NS, class: RRClass.IN }],
      answer: [
        { name: Name.parse("FOO.F.ISI.ARPA."), class: RRClass.IN, ttl: 0, data: { type: "PTR", ptrdname: Name.parse("ARPA.") } },
        { name: Name.ROOT, class: RRClass.IN, ttl: 3600, data: { type: "NS", nsdname: fIsiArpa } },
      ],
    };
    const expected =
      "0000 8400 0001 0002 0000 0000 " +
      "0146034953490441525041 00 0002 0001 " + // F.ISI.ARPA at offset 12; ARPA at 18
      "03464f4f c00c 000c 0001 00000000 0002 c012 " + // FOO + pointer to 12; RDATA: pointer to 18
      "00 0002 0001 00000e10 0002 c00c"; // the root is a single zero octet
    const bytes = encodeMessage(message);
    expect(toHex(bytes)).toBe(fromHexToHex(expected));
    const decoded = decodeMessage(bytes);
    expect(decoded.answer.map((rr) => rr.name.toString())).toEqual(["FOO.F.ISI.ARPA.", "."]);
    expect(decoded.answer[0]!.data).toEqual({ type: "PTR", ptrdname: Name.parse("ARPA.") });
  });

  it("compresses names only in RFC 1035 types: an SRV target is written in full (RFC 2782, RFC 3597 §4)", () => {
    const name = Name.parse("_sip._udp.example.");
    const message: DnsMessage = {
      ...emptyMessage(),
      qr: true,
      question: [{ name, type: RRType.SRV, class: RRClass.IN }],
      answer: [
        { name, class: RRClass.IN, ttl: 60, data: { type: "SRV", priority: 1, weight: 2, port: 5060, target: name } },
        { name, class: RRClass.IN, ttl: 60, data: { type: "CNAME", cname: name } },
      ],
    };
    const qname = "045f736970045f756470076578616d706c6500";
    const expected =
      `0000 8000 0001 0002 0000 0000 ${qname} 0021 0001 ` +
      `c00c 0021 0001 0000003c 0019 0001 0002 13c4 ${qname} ` +
      "c00c 0005 0001 0000003c 0002 c00c";
    expect(toHex(encodeMessage(message))).toBe(fromHexToHex(expected));
  });

  it("keeps case exactly: compression only reuses octet-identical suffixes", () => {
    const message: DnsMessage = {
      ...emptyMessage(),
      question: [{ name: Name.parse("Example.com."), type: RRType.A, class: RRClass.IN }],
      answer: [{ name: Name.parse("example.com."), class: RRClass.IN, ttl: 1, data: { type: "CNAME", cname: Name.parse("x.Example.com.") } }],
    };
    const decoded = decodeMessage(encodeMessage(message));
    expect(decoded.answer[0]!.name.toString()).toBe("example.com.");
    expect(decoded.answer[0]!.data).toEqual({ type: "CNAME", cname: Name.parse("x.Example.com.") });
  });

  it("lifts OPT into `edns` and carries the DO bit (RFC 6891 §6.1.2, RFC 3225)", () => {
    const query = "abcd 0120 0001 0000 0000 0001 076578616d706c6503636f6d00 001c 0001 0000 29 04d0 00008000 0000";
    const message = decodeMessage(fromHex(query));
    expect(message).toMatchObject({ rd: true, ad: true, cd: false });
    expect(message.additional).toEqual([]);
    expect(message.edns).toEqual({ udpPayloadSize: 1232, version: 0, dnssecOk: true, options: [] });
    expect(toHex(encodeMessage(message))).toBe(fromHexToHex(query));
  });

  it("joins the extended RCODE from OPT with the header's 4 bits (RFC 6891 §6.1.3)", () => {
    // BADVERS = 16: header RCODE 0, OPT EXTENDED-RCODE 1.
    const response = "0000 8000 0000 0000 0000 0001 00 0029 0200 01000000 0008 000c 0004 00000000";
    const message = decodeMessage(fromHex(response));
    expect(message.rcode).toBe(Rcode.BADVERS);
    expect(message.edns!.options).toEqual([{ code: EdnsOptionCode.PADDING, data: new Uint8Array(4) }]);
    expect(toHex(encodeMessage(message))).toBe(fromHexToHex(response));
    expect(() => encodeMessage({ ...message, edns: undefined })).toThrow(/needs an OPT record/);
  });

  it("reads unknown types as raw RDATA (RFC 3597)", () => {
    const bytes = fromHex(`${HEADER_QD1.replace("0001 0000", "0000 0001")} 00 fde8 0001 00000000 0003 010203`);
    const [record] = decodeMessage(bytes).answer;
    expect(record!.data).toEqual({ type: "unknown", code: 65000, data: Uint8Array.of(1, 2, 3) });
    expect(recordType(record!)).toBe(65000);
    expect(toHex(encodeMessage(decodeMessage(bytes)))).toBe(toHex(bytes));
  });

  it("treats TTLs with the top bit set as zero (RFC 2181 §8)", () => {
    const bytes = fromHex(`${HEADER_QD1.replace("0001 0000", "0000 0001")} 00 0001 0001 80000000 0004 01020304`);
    expect(decodeMessage(bytes).answer[0]!.ttl).toBe(0);
  });

  describe("rejects malformed input with a DnsError reason", () => {
    const cases: [string, string, string][] = [
      ["a truncated header", "1234 0100 00", "truncated"],
      ["a missing question", HEADER_QD1, "truncated"],
      ["a pointer to itself", `${HEADER_QD1} c00c 0001 0001`, "bad-pointer"],
      ["a pointer back to the start of its own name (a loop)", `${HEADER_QD1} 0161 c00c 0001 0001`, "bad-pointer"],
      ["a forward pointer", `${HEADER_QD1} c010 0001 0001 0161 00`, "bad-pointer"],
      ["a pointer past the end", `${HEADER_QD1} 0161 c0ff 0001 0001`, "bad-pointer"],
      ["an extended label type (0x40)", `${HEADER_QD1} 4161 00 0001 0001`, "bad-label-type"],
      ["a label past the end", `${HEADER_QD1} 0a61`, "truncated"],
      ["octets after the last section", `${HEADER_QD1} 00 0001 0001 ff`, "trailing-bytes"],
      ["RDATA longer than the message", `${HEADER_QD1.replace("0001 0000", "0000 0001")} 00 0001 0001 00000000 0010 01020304`, "truncated"],
      ["an A record of 3 octets", `${HEADER_QD1.replace("0001 0000", "0000 0001")} 00 0001 0001 00000000 0003 010203`, "bad-rdata"],
      ["an MX with octets after its name", `${HEADER_QD1.replace("0001 0000", "0000 0001")} 00 000f 0001 00000000 0004 0001 00 ff`, "bad-rdata"],
      ["an OPT in the answer section", `${HEADER_QD1.replace("0001 0000", "0000 0001")} 00 0029 0200 00000000 0000`, "misplaced-opt"],
      ["two OPT records", "0000 0000 0000 0000 0000 0002 00 0029 0200 00000000 0000 00 0029 0200 00000000 0000", "multiple-opt"],
      ["an OPT not owned by the root", "0000 0000 0000 0000 0000 0001 0161 00 0029 0200 00000000 0000", "bad-rdata"],
      ["counts beyond the record limit", "0000 0000 ffff ffff ffff ffff", "too-many-records"],
    ];
    for (const [what, hex, reason] of cases) {
      it(what, () => expect(reasonOf(() => decodeMessage(fromHex(hex)))).toBe(reason));
    }

    it("a name that decompresses beyond 255 octets", () => {
      // Question name of 4 x 63-octet labels (253 octets), then an answer owner "a" + pointer to it.
      const label63 = `3f${"61".repeat(63)}`;
      const hex = `0000 0000 0001 0001 0000 0000 ${label63.repeat(4)} 00 0001 0001 0162 c00c 0001 0001 00000000 0000`;
      expect(reasonOf(() => decodeMessage(fromHex(hex)))).toBe("name-too-long");
    });

    it("more labels than the budget once decompressed", () => {
      const hex = `0000 0000 0002 0000 0000 0000 0161 0162 0163 00 0001 0001 0164 c00c 0001 0001`;
      expect(decodeMessage(fromHex(hex), { maxRecords: 10, maxLabels: 7 }).question).toHaveLength(2);
      expect(reasonOf(() => decodeMessage(fromHex(hex), { maxRecords: 10, maxLabels: 6 }))).toBe("too-many-labels");
    });

    it("a message over 65535 octets", () => {
      expect(reasonOf(() => decodeMessage(new Uint8Array(65536)))).toBe("too-large");
    });
  });

  it("refuses to encode values that do not fit their fields", () => {
    expect(() => encodeMessage({ ...emptyMessage(), id: 70000 })).toThrow(/ID must be an integer/);
    const record = { name: Name.ROOT, class: RRClass.IN, ttl: 1 };
    expect(() => encodeMessage({ ...emptyMessage(), answer: [{ ...record, data: { type: "A", address: new Uint8Array(5) } }] })).toThrow(/4 octets/);
    expect(() =>
      encodeMessage({ ...emptyMessage(), answer: [{ ...record, data: { type: "TXT", txtData: [new Uint8Array(256)] } }] }),
    ).toThrow(/at most 255/);
    expect(() =>
      encodeMessage({ ...emptyMessage(), answer: [{ ...record, data: { type: "unknown", code: RRType.A, data: new Uint8Array(4) } }] }),
    ).toThrow(/typed form/);
    expect(() =>
      encodeMessage({ ...emptyMessage(), additional: [{ ...record, data: { type: "unknown", code: RRType.OPT, data: new Uint8Array(0) } }] }),
    ).toThrow(/`edns`/);
    const huge = Array.from({ length: 300 }, () => ({ ...record, data: { type: "TXT" as const, txtData: [new Uint8Array(255)] } }));
    expect(() => encodeMessage({ ...emptyMessage(), answer: huge })).toThrow(/exceeds 65535/);
  });

  it("round-trips random messages of every record type", () => {
    fc.assert(
      fc.property(messageArb, (message) => {
        expect(decodeMessage(encodeMessage(message))).toEqual(message);
      }),
      { numRuns: 200 },
    );
  });

  it("compresses every owner that repeats QNAME into a 2-octet pointer", () => {
    fc.assert(
      fc.property(messageArb, fc.integer({ min: 1, max: 5 }), (message, count) => {
        const qname = message.question[0]?.name ?? Name.parse("example.ghost.");
        const answer = Array.from({ length: count }, () => ({ name: qname, class: RRClass.IN, ttl: 1, data: { type: "A" as const, address: new Uint8Array(4) } }));
        const bytes = encodeMessage({ ...emptyMessage(), question: [{ name: qname, type: RRType.A, class: RRClass.IN }], answer });
        const ownerLength = qname.isRoot ? 1 : 2;
        expect(bytes.length).toBe(12 + qname.wireLength + 4 + count * (ownerLength + 10 + 4));
      }),
      { numRuns: 100 },
    );
  });

  it("gives a message or a DnsError for random bytes, never another exception", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), (bytes) => {
        expectMessageOrDnsError(bytes);
      }),
      { numRuns: 2000 },
    );
  });

  it("gives a message or a DnsError for mutated valid messages", () => {
    const mutation = fc.array(fc.record({ at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }), { minLength: 1, maxLength: 6 });
    fc.assert(
      fc.property(messageArb, mutation, fc.nat(), (message, changes, cut) => {
        const bytes = encodeMessage(message);
        for (const { at, value } of changes) bytes[at % bytes.length] = value;
        expectMessageOrDnsError(bytes);
        expectMessageOrDnsError(bytes.subarray(0, cut % (bytes.length + 1)));
      }),
      { numRuns: 500 },
    );
  });

  it("decodes a header-only message whose counts promise more than it holds", () => {
    expect(reasonOf(() => decodeMessage(fromHex("0000 0000 0000 0005 0000 0000")))).toBe("truncated");
    expect(decodeMessage(fromHex("0000 0000 0000 0000 0000 0000")).question).toEqual([]);
  });
});

function expectMessageOrDnsError(bytes: Uint8Array): void {
  try {
    const message = decodeMessage(bytes);
    // Whatever decodes must encode again (names and fields are valid by construction).
    expect(encodeMessage(message).length).toBeGreaterThanOrEqual(12);
  } catch (error) {
    expect(error).toBeInstanceOf(DnsError);
  }
}

function emptyMessage(): DnsMessage {
  return {
    id: 0,
    qr: false,
    opcode: 0,
    aa: false,
    tc: false,
    rd: false,
    ra: false,
    ad: false,
    cd: false,
    rcode: 0,
    question: [],
    answer: [],
    authority: [],
    additional: [],
  };
}

function fromHexToHex(hex: string): string {
  return toHex(fromHex(hex));
}
