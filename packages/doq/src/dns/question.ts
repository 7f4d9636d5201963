import type { Reader, Writer } from "@zquic/wire";
import { U16_MAX, checkField } from "./field-checks.js";
import type { Name } from "./name.js";
import { type LabelBudget, type NameCompressor, readName } from "./name-wire.js";

/** RFC 1035 §4.1.2: one entry of the question section. */
export interface Question {
  /** QNAME */
  name: Name;
  /** QTYPE (a TYPE or a QTYPE such as ANY). */
  type: number;
  /** QCLASS */
  class: number;
}

/** Reads one question entry. */
export function readQuestion(reader: Reader, budget: LabelBudget): Question {
  return { name: readName(reader, budget), type: reader.u16(), class: reader.u16() };
}

/** Writes one question entry; QNAME may be compressed. */
export function writeQuestion(writer: Writer, question: Question, names: NameCompressor): void {
  checkField(question.type, U16_MAX, "QTYPE");
  checkField(question.class, U16_MAX, "QCLASS");
  names.writeName(writer, question.name, true);
  writer.u16(question.type).u16(question.class);
}
