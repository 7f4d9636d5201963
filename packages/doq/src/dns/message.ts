import { Reader, Writer, ZquicError } from "@zquic/wire";
import { type Edns, readEdns, writeEdns } from "./edns.js";
import { DnsError, decodingDns } from "./errors.js";
import { U16_MAX, checkField } from "./field-checks.js";
import { type HeaderFlags, readHeader, writeHeader } from "./header.js";
import { type LabelBudget, NameCompressor } from "./name-wire.js";
import { type Question, readQuestion, writeQuestion } from "./question.js";
import { MAX_RCODE } from "./rcode.js";
import { type ResourceRecord, readRecordFrame, recordFromFrame, writeRecord } from "./resource-record.js";
import { RRType } from "./rr-type.js";

/**
 * RFC 1035 §4.1: a DNS message. The OPT pseudo-RR (RFC 6891) is lifted out of
 * the additional section into `edns`, and `rcode` is the full 12-bit RCODE.
 */
export interface DnsMessage extends HeaderFlags {
  id: number;
  opcode: number;
  /** RCODE; values above 15 need `edns` to carry their upper 8 bits. */
  rcode: number;
  question: Question[];
  answer: ResourceRecord[];
  authority: ResourceRecord[];
  /** The additional section without the OPT record. */
  additional: ResourceRecord[];
  edns?: Edns;
}

/** RFC 1035 §4.2.2, RFC 9250 §4.2: a message is at most 65535 octets. */
export const MAX_MESSAGE_LENGTH = 0xffff;

/** Bounds on what one decoded message may hold. */
export interface DecodeLimits {
  /** Questions plus records across all sections. */
  maxRecords: number;
  /** Labels across all names once decompressed. */
  maxLabels: number;
}

/**
 * Generous for any real message (an RR takes at least 11 octets, so 65535
 * octets hold fewer than 6000), tight enough to bound what compression can expand.
 */
export const DEFAULT_DECODE_LIMITS: Readonly<DecodeLimits> = { maxRecords: 8192, maxLabels: 65536 };

type SectionName = "answer" | "authority" | "additional";
const SECTIONS: readonly [SectionName, "ancount" | "nscount" | "arcount"][] = [
  ["answer", "ancount"],
  ["authority", "nscount"],
  ["additional", "arcount"],
];

/**
 * Decodes a DNS message. Any input gives a message or a {@link DnsError};
 * never another exception.
 */
export function decodeMessage(bytes: Uint8Array, limits: Readonly<DecodeLimits> = DEFAULT_DECODE_LIMITS): DnsMessage {
  if (bytes.length > MAX_MESSAGE_LENGTH) throw new DnsError("too-large", `message of ${bytes.length} octets exceeds ${MAX_MESSAGE_LENGTH}`);
  return decodingDns(() => {
    const reader = new Reader(bytes);
    const header = readHeader(reader);
    const total = header.qdcount + header.ancount + header.nscount + header.arcount;
    if (total > limits.maxRecords) throw new DnsError("too-many-records", `message claims ${total} entries, over the limit of ${limits.maxRecords}`);
    const budget: LabelBudget = { remaining: limits.maxLabels };
    const question = Array.from({ length: header.qdcount }, () => readQuestion(reader, budget));
    const message: DnsMessage = {
      id: header.id,
      qr: header.qr,
      opcode: header.opcode,
      aa: header.aa,
      tc: header.tc,
      rd: header.rd,
      ra: header.ra,
      ad: header.ad,
      cd: header.cd,
      rcode: header.rcode,
      question,
      answer: [],
      authority: [],
      additional: [],
    };
    for (const [section, count] of SECTIONS) {
      for (let i = 0; i < header[count]; i++) {
        const frame = readRecordFrame(reader, budget);
        if (frame.type !== RRType.OPT) {
          message[section].push(recordFromFrame(frame, budget));
          continue;
        }
        // RFC 6891 §6.1.1: one OPT at most, and only in the additional section.
        if (section !== "additional") throw new DnsError("misplaced-opt", `OPT record in the ${section} section`);
        if (message.edns !== undefined) throw new DnsError("multiple-opt", "more than one OPT record");
        const { edns, rcodeHigh } = readEdns(frame);
        message.edns = edns;
        message.rcode |= rcodeHigh << 4;
      }
    }
    if (!reader.done) throw new DnsError("trailing-bytes", `${reader.remaining} octets follow the last record`);
    return message;
  });
}

/**
 * Encodes `message`, compressing names (RFC 1035 §4.1.4). Throws a
 * {@link ZquicError} for values that do not fit their fields.
 */
export function encodeMessage(message: DnsMessage): Uint8Array {
  checkField(message.id, U16_MAX, "ID");
  checkField(message.opcode, 0xf, "OPCODE");
  checkField(message.rcode, MAX_RCODE, "RCODE");
  if (message.rcode > 0xf && message.edns === undefined) {
    throw new ZquicError("DNS_EXTENDED_RCODE_NEEDS_EDNS", `RCODE ${message.rcode} needs an OPT record: set \`edns\``);
  }
  const counts = {
    qdcount: message.question.length,
    ancount: message.answer.length,
    nscount: message.authority.length,
    arcount: message.additional.length + (message.edns === undefined ? 0 : 1),
  };
  for (const [field, count] of Object.entries(counts)) checkField(count, U16_MAX, field.toUpperCase());
  const writer = new Writer(512);
  const names = new NameCompressor();
  writeHeader(writer, { ...message, rcode: message.rcode & 0xf, ...counts });
  for (const question of message.question) writeQuestion(writer, question, names);
  for (const [section] of SECTIONS) for (const record of message[section]) writeRecord(writer, record, names);
  if (message.edns !== undefined) writeEdns(writer, message.edns, message.rcode >>> 4);
  if (writer.length > MAX_MESSAGE_LENGTH) {
    throw new ZquicError("DNS_MESSAGE_TOO_LONG", `message of ${writer.length} octets exceeds ${MAX_MESSAGE_LENGTH}: send fewer records`);
  }
  return writer.toBytes();
}
