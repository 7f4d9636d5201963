import { fromHex, toHex } from "@zquic/wire";
import {
  DnsError,
  type KnownRDataType,
  U16_MAX,
  U32_MAX,
  type RData,
  decodeRData,
  encodeRData,
  knownRDataType,
  rdataTypeCode,
  rrTypes,
} from "../dns/index.js";
import { PresentationError } from "./errors.js";
import { type FieldReader, formatCharacterString } from "./fields.js";
import { formatIPv4, formatIPv6 } from "./ip-address.js";
import { formatSvcParams, parseSvcParams } from "./svcb-text.js";

interface RDataText<D> {
  parse(fields: FieldReader): D;
  format(data: D): string[];
}

type TextTable = { [K in KnownRDataType]: RDataText<RData & { type: K }> };

function svcbText<T extends "SVCB" | "HTTPS">(type: T): RDataText<RData & { type: T }> {
  return {
    // RFC 9460 §2.1: SvcPriority TargetName SvcParams
    parse: (fields) => ({
      type,
      svcPriority: fields.uint(U16_MAX, "SvcPriority"),
      targetName: fields.name("TargetName"),
      svcParams: parseSvcParams(fields.rest()),
    }),
    format: (data) => [String(data.svcPriority), data.targetName.toString(), ...formatSvcParams(data.svcParams)],
  };
}

const rdataText: TextTable = {
  A: { parse: (fields) => ({ type: "A", address: fields.ipv4() }), format: (data) => [formatIPv4(data.address)] },
  AAAA: { parse: (fields) => ({ type: "AAAA", address: fields.ipv6() }), format: (data) => [formatIPv6(data.address)] },
  CNAME: { parse: (fields) => ({ type: "CNAME", cname: fields.name("CNAME") }), format: (data) => [data.cname.toString()] },
  NS: { parse: (fields) => ({ type: "NS", nsdname: fields.name("NSDNAME") }), format: (data) => [data.nsdname.toString()] },
  PTR: { parse: (fields) => ({ type: "PTR", ptrdname: fields.name("PTRDNAME") }), format: (data) => [data.ptrdname.toString()] },
  SOA: {
    parse: (fields) => ({
      type: "SOA",
      mname: fields.name("MNAME"),
      rname: fields.name("RNAME"),
      serial: fields.uint(U32_MAX, "SERIAL"),
      refresh: fields.duration("REFRESH", U32_MAX),
      retry: fields.duration("RETRY", U32_MAX),
      expire: fields.duration("EXPIRE", U32_MAX),
      minimum: fields.duration("MINIMUM", U32_MAX),
    }),
    format: (data) => [data.mname.toString(), data.rname.toString(), ...[data.serial, data.refresh, data.retry, data.expire, data.minimum].map(String)],
  },
  MX: {
    parse: (fields) => ({ type: "MX", preference: fields.uint(U16_MAX, "PREFERENCE"), exchange: fields.name("EXCHANGE") }),
    format: (data) => [String(data.preference), data.exchange.toString()],
  },
  TXT: {
    // RFC 1035 §3.3.14: one or more <character-string>s.
    parse(fields) {
      const txtData: Uint8Array[] = [];
      do {
        const token = fields.peek();
        const text = fields.characterString("TXT-DATA");
        if (text.length > 255) throw new PresentationError(`character-string of ${text.length} octets exceeds 255: split it into several`, token?.line);
        txtData.push(text);
      } while (!fields.done);
      return { type: "TXT", txtData };
    },
    // With no strings at all (legal on the wire), only the generic form can say so.
    format: (data) => (data.txtData.length === 0 ? ["\\#", "0"] : data.txtData.map(formatCharacterString)),
  },
  SRV: {
    // RFC 2782: Priority Weight Port Target
    parse: (fields) => ({
      type: "SRV",
      priority: fields.uint(U16_MAX, "Priority"),
      weight: fields.uint(U16_MAX, "Weight"),
      port: fields.uint(U16_MAX, "Port"),
      target: fields.name("Target"),
    }),
    format: (data) => [data.priority, data.weight, data.port].map(String).concat(data.target.toString()),
  },
  SVCB: svcbText("SVCB"),
  HTTPS: svcbText("HTTPS"),
};

/** RFC 3597 §5: `\# <length> <hex>…`, the generic form of any RDATA. */
function parseGeneric(type: number, fields: FieldReader): RData {
  const length = fields.uint(U16_MAX, "RDATA length");
  const tokens = fields.rest();
  const hex = tokens.map((token) => token.text).join("");
  const line = tokens[0]?.line;
  if (!/^([0-9a-fA-F]{2})*$/.test(hex)) throw new PresentationError(`bad hex RDATA "${hex}"`, line);
  const bytes = fromHex(hex);
  if (bytes.length !== length) throw new PresentationError(`RDATA has ${bytes.length} octets, not the ${length} announced`, line);
  try {
    return decodeRData(type, bytes);
  } catch (error) {
    if (error instanceof DnsError) throw new PresentationError(`bad ${rrTypes.nameOf(type)} RDATA: ${error.message}`, line);
    throw error;
  }
}

/**
 * The RDATA of TYPE `type` from its presentation fields: the type's own form
 * or the RFC 3597 generic `\#` form. Throws {@link PresentationError}.
 */
export function parseRData(type: number, fields: FieldReader): RData {
  const first = fields.peek();
  if (first !== undefined && first.text === "\\#" && !first.quoted) {
    fields.next("\\#");
    return parseGeneric(type, fields);
  }
  const known = knownRDataType(type);
  if (known === undefined) {
    throw new PresentationError(`${rrTypes.nameOf(type)} has no presentation form here: write its RDATA as \\# <length> <hex>`, first?.line);
  }
  const data = (rdataText[known] as RDataText<RData>).parse(fields);
  fields.end();
  return data;
}

/** The presentation form of `data` (RFC 3597 `\#` for types without one). */
export function formatRData(data: RData): string {
  if (data.type === "unknown") {
    const bytes = encodeRData(data);
    return bytes.length === 0 ? "\\# 0" : `\\# ${bytes.length} ${toHex(bytes)}`;
  }
  return (rdataText[data.type] as RDataText<RData>).format(data).join(" ");
}

/** The TYPE mnemonic to write for `data`. */
export function rdataTypeName(data: RData): string {
  return rrTypes.nameOf(rdataTypeCode(data));
}
