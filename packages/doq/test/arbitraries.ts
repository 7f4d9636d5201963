// fast-check generators for DNS values, shared by the codec, zone and resolver tests.
import fc from "fast-check";
import { utf8 } from "@zquic/wire";
import {
  type DnsMessage,
  type Edns,
  MAX_NAME_LENGTH,
  Name,
  type Question,
  type RData,
  type ResourceRecord,
  type SvcParam,
  knownRDataType,
  RRType,
  svcParamCode,
} from "@zquic/doq";

const commonLabels = ["example", "com", "www", "ghost", "zns", "Example", "mail", "_443", "*"].map(utf8);

/** A label: often a common one (so compression has work), sometimes any octets. */
export const labelArb = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...commonLabels) },
  { weight: 1, arbitrary: fc.uint8Array({ minLength: 1, maxLength: 63 }) },
);

/** A valid domain name. */
export const nameArb: fc.Arbitrary<Name> = fc
  .array(labelArb, { maxLength: 6 })
  .filter((labels) => labels.reduce((n, label) => n + label.length + 1, 1) <= MAX_NAME_LENGTH)
  .map((labels) => Name.fromLabels(labels));

const u16 = fc.integer({ min: 0, max: 0xffff });
const u32 = fc.integer({ min: 0, max: 0xffff_ffff });
const bytes = (maxLength: number) => fc.uint8Array({ maxLength });

/** SvcParams with distinct keys in increasing order, as the decoder returns them. */
export const svcParamsArb: fc.Arbitrary<SvcParam[]> = fc
  .uniqueArray(
    fc.oneof(
      fc.uniqueArray(u16, { minLength: 1, maxLength: 4 }).map((keys): SvcParam => ({ key: "mandatory", keys: keys.sort((a, b) => a - b) })),
      fc.array(fc.uint8Array({ minLength: 1, maxLength: 12 }), { minLength: 1, maxLength: 3 }).map((alpnIds): SvcParam => ({ key: "alpn", alpnIds })),
      fc.constant<SvcParam>({ key: "no-default-alpn" }),
      u16.map((port): SvcParam => ({ key: "port", port })),
      fc.array(fc.uint8Array({ minLength: 4, maxLength: 4 }), { minLength: 1, maxLength: 3 }).map((addresses): SvcParam => ({ key: "ipv4hint", addresses })),
      bytes(40).map((echConfigList): SvcParam => ({ key: "ech", echConfigList })),
      fc.array(fc.uint8Array({ minLength: 16, maxLength: 16 }), { minLength: 1, maxLength: 2 }).map((addresses): SvcParam => ({ key: "ipv6hint", addresses })),
      fc.record({ code: fc.integer({ min: 7, max: 0xffff }), value: bytes(16) }).map(({ code, value }): SvcParam => ({ key: "unknown", code, value })),
    ),
    { selector: svcParamCode, maxLength: 5 },
  )
  .map((params) => params.sort((a, b) => svcParamCode(a) - svcParamCode(b)));

const unknownTypeArb = u16.filter((code) => knownRDataType(code) === undefined && code !== RRType.OPT);

/** RDATA of every typed form, and of unknown types. */
export const rdataArb: fc.Arbitrary<RData> = fc.oneof(
  fc.uint8Array({ minLength: 4, maxLength: 4 }).map((address): RData => ({ type: "A", address })),
  fc.uint8Array({ minLength: 16, maxLength: 16 }).map((address): RData => ({ type: "AAAA", address })),
  nameArb.map((cname): RData => ({ type: "CNAME", cname })),
  nameArb.map((nsdname): RData => ({ type: "NS", nsdname })),
  nameArb.map((ptrdname): RData => ({ type: "PTR", ptrdname })),
  fc
    .record({ mname: nameArb, rname: nameArb, serial: u32, refresh: u32, retry: u32, expire: u32, minimum: u32 })
    .map((soa): RData => ({ type: "SOA", ...soa })),
  fc.record({ preference: u16, exchange: nameArb }).map((mx): RData => ({ type: "MX", ...mx })),
  fc.array(bytes(255), { maxLength: 4 }).map((txtData): RData => ({ type: "TXT", txtData })),
  fc.record({ priority: u16, weight: u16, port: u16, target: nameArb }).map((srv): RData => ({ type: "SRV", ...srv })),
  fc
    .record({ type: fc.constantFrom<"SVCB" | "HTTPS">("SVCB", "HTTPS"), svcPriority: u16, targetName: nameArb, svcParams: svcParamsArb })
    .map((svcb): RData => svcb),
  fc.record({ code: unknownTypeArb, data: bytes(32) }).map(({ code, data }): RData => ({ type: "unknown", code, data })),
);

/** A resource record of any type (TTL within RFC 2181 §8's 31 bits). */
export const recordArb: fc.Arbitrary<ResourceRecord> = fc.record({
  name: nameArb,
  class: u16,
  ttl: fc.integer({ min: 0, max: 0x7fff_ffff }),
  data: rdataArb,
});

export const questionArb: fc.Arbitrary<Question> = fc.record({ name: nameArb, type: u16, class: u16 });

export const ednsArb: fc.Arbitrary<Edns> = fc.record({
  udpPayloadSize: u16,
  version: fc.integer({ min: 0, max: 255 }),
  dnssecOk: fc.boolean(),
  options: fc.array(fc.record({ code: u16, data: bytes(24) }), { maxLength: 3 }),
});

/** A message with every section and, sometimes, EDNS and an extended RCODE. */
export const messageArb: fc.Arbitrary<DnsMessage> = fc
  .record({
    id: u16,
    qr: fc.boolean(),
    opcode: fc.integer({ min: 0, max: 15 }),
    aa: fc.boolean(),
    tc: fc.boolean(),
    rd: fc.boolean(),
    ra: fc.boolean(),
    ad: fc.boolean(),
    cd: fc.boolean(),
    question: fc.array(questionArb, { maxLength: 2 }),
    answer: fc.array(recordArb, { maxLength: 4 }),
    authority: fc.array(recordArb, { maxLength: 3 }),
    additional: fc.array(recordArb, { maxLength: 3 }),
    edns: fc.option(ednsArb, { nil: undefined }),
    rcodeLow: fc.integer({ min: 0, max: 15 }),
    rcodeHigh: fc.integer({ min: 0, max: 255 }),
  })
  .map(({ rcodeLow, rcodeHigh, edns, ...rest }) => {
    const message: DnsMessage = { ...rest, rcode: edns === undefined ? rcodeLow : (rcodeHigh << 4) | rcodeLow };
    if (edns !== undefined) message.edns = edns;
    return message;
  });
