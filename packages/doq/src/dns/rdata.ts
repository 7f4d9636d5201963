import { Reader, Writer, ZquicError } from "@zquic/wire";
import { DnsError, decodingDns } from "./errors.js";
import { U16_MAX, U32_MAX, checkField } from "./field-checks.js";
import type { Name } from "./name.js";
import { type LabelBudget, NameCompressor, readName } from "./name-wire.js";
import { RRType } from "./rr-type.js";
import { type SvcParam, readSvcParams, writeSvcParams } from "./svcb.js";

/** RFC 1035 §3.4.1: a host address. */
export interface ARData {
  type: "A";
  /** 4 octets. */
  address: Uint8Array;
}
/** RFC 3596 §2.2 */
export interface AaaaRData {
  type: "AAAA";
  /** 16 octets. */
  address: Uint8Array;
}
/** RFC 1035 §3.3.1 */
export interface CnameRData {
  type: "CNAME";
  cname: Name;
}
/** RFC 1035 §3.3.11 */
export interface NsRData {
  type: "NS";
  nsdname: Name;
}
/** RFC 1035 §3.3.12 */
export interface PtrRData {
  type: "PTR";
  ptrdname: Name;
}
/** RFC 1035 §3.3.13 (times in seconds). */
export interface SoaRData {
  type: "SOA";
  mname: Name;
  rname: Name;
  serial: number;
  refresh: number;
  retry: number;
  expire: number;
  /** RFC 2308 §4: the negative-caching TTL. */
  minimum: number;
}
/** RFC 1035 §3.3.9 */
export interface MxRData {
  type: "MX";
  preference: number;
  exchange: Name;
}
/** RFC 1035 §3.3.14: one or more character-strings of at most 255 octets. */
export interface TxtRData {
  type: "TXT";
  txtData: Uint8Array[];
}
/** RFC 2782 */
export interface SrvRData {
  type: "SRV";
  priority: number;
  weight: number;
  port: number;
  target: Name;
}
/** RFC 9460 §2.2: SVCB and its HTTP-specific twin HTTPS share one format. */
export interface SvcbRData {
  type: "SVCB" | "HTTPS";
  /** 0 is AliasMode, anything else ServiceMode. */
  svcPriority: number;
  targetName: Name;
  svcParams: SvcParam[];
}
/** RFC 3597: RDATA of a type without a typed form here, kept as octets. */
export interface UnknownRData {
  type: "unknown";
  /** The RR TYPE. */
  code: number;
  data: Uint8Array;
}

/** The RDATA of a resource record, typed by its `type`. */
export type RData =
  | ARData
  | AaaaRData
  | CnameRData
  | NsRData
  | PtrRData
  | SoaRData
  | MxRData
  | TxtRData
  | SrvRData
  | SvcbRData
  | UnknownRData;

/** The mnemonic of an RDATA type with a typed form. */
export type KnownRDataType = Exclude<RData["type"], "unknown">;

type ReadName = (reader: Reader) => Name;
type WriteName = (writer: Writer, name: Name) => void;

interface RDataCodec<D> {
  /**
   * RFC 3597 §4: whether names in this RDATA may be compressed on the way out
   * (only the RFC 1035 types).
   */
  compress: boolean;
  decode(reader: Reader, readName: ReadName): D;
  encode(writer: Writer, data: D, writeName: WriteName): void;
}

type CodecTable = { [K in KnownRDataType]: RDataCodec<RData & { type: K }> };

function address<T extends "A" | "AAAA">(type: T, size: number): RDataCodec<{ type: T; address: Uint8Array }> {
  return {
    compress: false,
    decode(reader) {
      if (reader.remaining !== size) throw new DnsError("bad-rdata", `${type} RDATA must be ${size} octets`);
      return { type, address: reader.bytesCopy(size) };
    },
    encode(writer, data) {
      if (data.address.length !== size) throw new ZquicError("DNS_BAD_RDATA", `${type} address must be ${size} octets`);
      writer.bytes(data.address);
    },
  };
}

function singleName<D extends CnameRData | NsRData | PtrRData>(make: (name: Name) => D, nameOf: (data: D) => Name): RDataCodec<D> {
  return {
    compress: true,
    decode: (reader, readName) => make(readName(reader)),
    encode: (writer, data, writeName) => writeName(writer, nameOf(data)),
  };
}

function svcb<T extends "SVCB" | "HTTPS">(type: T): RDataCodec<SvcbRData & { type: T }> {
  return {
    // RFC 9460 §2.2: TargetName is uncompressed.
    compress: false,
    decode: (reader, readName) => ({
      type,
      svcPriority: reader.u16(),
      targetName: readName(reader),
      svcParams: readSvcParams(reader),
    }),
    encode(writer, data, writeName) {
      checkField(data.svcPriority, U16_MAX, "SvcPriority");
      writer.u16(data.svcPriority);
      writeName(writer, data.targetName);
      writeSvcParams(writer, data.svcParams);
    },
  };
}

const codecs: CodecTable = {
  A: address("A", 4),
  AAAA: address("AAAA", 16),
  CNAME: singleName((cname) => ({ type: "CNAME", cname }), (data) => data.cname),
  NS: singleName((nsdname) => ({ type: "NS", nsdname }), (data) => data.nsdname),
  PTR: singleName((ptrdname) => ({ type: "PTR", ptrdname }), (data) => data.ptrdname),
  SOA: {
    compress: true,
    decode: (reader, readName) => ({
      type: "SOA",
      mname: readName(reader),
      rname: readName(reader),
      serial: reader.u32(),
      refresh: reader.u32(),
      retry: reader.u32(),
      expire: reader.u32(),
      minimum: reader.u32(),
    }),
    encode(writer, data, writeName) {
      writeName(writer, data.mname);
      writeName(writer, data.rname);
      for (const field of ["serial", "refresh", "retry", "expire", "minimum"] as const) {
        checkField(data[field], U32_MAX, `SOA ${field}`);
        writer.u32(data[field]);
      }
    },
  },
  MX: {
    compress: true,
    decode: (reader, readName) => ({ type: "MX", preference: reader.u16(), exchange: readName(reader) }),
    encode(writer, data, writeName) {
      checkField(data.preference, U16_MAX, "MX preference");
      writer.u16(data.preference);
      writeName(writer, data.exchange);
    },
  },
  TXT: {
    compress: false,
    decode(reader) {
      const txtData: Uint8Array[] = [];
      while (!reader.done) txtData.push(reader.prefixedBytes(1).slice());
      return { type: "TXT", txtData };
    },
    encode(writer, data) {
      for (const text of data.txtData) {
        if (text.length > 255) throw new ZquicError("DNS_BAD_RDATA", "a TXT character-string holds at most 255 octets: split it");
        writer.prefixedBytes(1, text);
      }
    },
  },
  SRV: {
    // RFC 2782: "name compression is not to be used for this field".
    compress: false,
    decode: (reader, readName) => ({
      type: "SRV",
      priority: reader.u16(),
      weight: reader.u16(),
      port: reader.u16(),
      target: readName(reader),
    }),
    encode(writer, data, writeName) {
      for (const field of ["priority", "weight", "port"] as const) {
        checkField(data[field], U16_MAX, `SRV ${field}`);
        writer.u16(data[field]);
      }
      writeName(writer, data.target);
    },
  },
  SVCB: svcb("SVCB"),
  HTTPS: svcb("HTTPS"),
};

const typeByCode = new Map<number, KnownRDataType>(
  (Object.keys(codecs) as KnownRDataType[]).map((type) => [RRType[type], type]),
);

/** The RR TYPE code of `data`. */
export function rdataTypeCode(data: RData): number {
  return data.type === "unknown" ? data.code : RRType[data.type];
}

/** The typed-RDATA mnemonic for TYPE `code`, when this package has a typed form for it. */
export function knownRDataType(code: number): KnownRDataType | undefined {
  return typeByCode.get(code);
}

/**
 * Reads RDATA of TYPE `code` filling all of `reader` (a sub-reader over
 * RDLENGTH octets of a whole message, so compressed names resolve).
 */
export function readRData(code: number, reader: Reader, budget: LabelBudget): RData {
  const type = typeByCode.get(code);
  if (type === undefined) return { type: "unknown", code, data: reader.rest().slice() };
  const data = (codecs[type] as RDataCodec<RData>).decode(reader, (r) => readName(r, budget));
  if (!reader.done) throw new DnsError("bad-rdata", `${type} RDATA has ${reader.remaining} octets left over`);
  return data;
}

/**
 * Writes `data` (without RDLENGTH). `writeName` writes a name, compressing it
 * when the second argument allows.
 */
export function writeRData(writer: Writer, data: RData, writeName: (writer: Writer, name: Name, compress: boolean) => void): void {
  if (data.type === "unknown") {
    if (typeByCode.has(data.code)) {
      throw new ZquicError("DNS_BAD_RDATA", `TYPE${data.code} has a typed form: use { type: "${typeByCode.get(data.code)}" }`);
    }
    checkField(data.code, U16_MAX, "TYPE");
    writer.bytes(data.data);
    return;
  }
  const codec = codecs[data.type] as RDataCodec<RData>;
  codec.encode(writer, data, (w, name) => writeName(w, name, codec.compress));
}

/** RDATA from its uncompressed wire form alone (RFC 3597 `\#` presentation), e.g. for zone files. */
export function decodeRData(code: number, bytes: Uint8Array): RData {
  return decodingDns(() => readRData(code, new Reader(bytes), { remaining: Infinity }));
}

/** The uncompressed wire form of `data`. */
export function encodeRData(data: RData): Uint8Array {
  const writer = new Writer(64);
  const names = new NameCompressor();
  writeRData(writer, data, (w, name) => names.writeName(w, name, false));
  return writer.toBytes();
}
