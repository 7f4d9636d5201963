import { type Reader, type Writer, ZquicError } from "@zquic/wire";
import { U16_MAX, U32_MAX, checkField } from "./field-checks.js";
import type { Name } from "./name.js";
import { type LabelBudget, type NameCompressor, readName } from "./name-wire.js";
import { type RData, rdataTypeCode, readRData, writeRData } from "./rdata.js";
import { RRType } from "./rr-type.js";

/** RFC 1035 §4.1.3: a resource record; its TYPE is implied by `data`. */
export interface ResourceRecord {
  /** The owner name. */
  name: Name;
  /** CLASS */
  class: number;
  /** Seconds the record may be cached. */
  ttl: number;
  data: RData;
}

/** An RR as far as its fixed fields, RDATA still unread (how OPT is told apart). */
export interface RecordFrame {
  name: Name;
  type: number;
  class: number;
  ttl: number;
  /** A reader over exactly RDLENGTH octets. */
  rdata: Reader;
}

/** RFC 2181 §8: TTLs are 31-bit; one with the top bit set is treated as zero. */
export const MAX_TTL = 0x7fff_ffff;

/** The TYPE of `record`. */
export function recordType(record: ResourceRecord): number {
  return rdataTypeCode(record.data);
}

/** Reads an RR's owner, TYPE, CLASS, TTL and RDLENGTH, leaving the RDATA in a sub-reader. */
export function readRecordFrame(reader: Reader, budget: LabelBudget): RecordFrame {
  const name = readName(reader, budget);
  const type = reader.u16();
  const klass = reader.u16();
  const ttl = reader.u32();
  const rdata = reader.sub(reader.u16());
  return { name, type, class: klass, ttl, rdata };
}

/** Decodes the RDATA of `frame` into a record. */
export function recordFromFrame(frame: RecordFrame, budget: LabelBudget): ResourceRecord {
  return {
    name: frame.name,
    class: frame.class,
    ttl: frame.ttl > MAX_TTL ? 0 : frame.ttl,
    data: readRData(frame.type, frame.rdata, budget),
  };
}

/** Writes `record` with its RDLENGTH. */
export function writeRecord(writer: Writer, record: ResourceRecord, names: NameCompressor): void {
  const type = recordType(record);
  if (type === RRType.OPT) throw new ZquicError("DNS_OPT_AS_RECORD", "put EDNS in the message's `edns` field, not in a section");
  checkField(record.class, U16_MAX, "CLASS");
  checkField(record.ttl, U32_MAX, "TTL");
  names.writeName(writer, record.name, true);
  writer.u16(type).u16(record.class).u32(record.ttl);
  writer.prefixed(2, () => writeRData(writer, record.data, (w, name, compress) => names.writeName(w, name, compress)));
}
