/**
 * A DNS question as a query, and the check that a response answers it.
 *
 * @module
 */
import { DEFAULT_UDP_PAYLOAD_SIZE, Name, RRClass, makeQuery, rrTypes, type DnsMessage, type Question } from "@zquic/doq";
import { ZquicError } from "@zquic/wire";
import { DnsResponseMismatchError } from "./doq-errors.js";

/** The header and EDNS choices of a question's query. */
export interface QuestionOptions {
  /** QCLASS (default IN). */
  readonly class?: number;
  /** Recursion Desired (default true). */
  readonly recursionDesired?: boolean;
  /** Checking Disabled (RFC 4035 §3.2.2). */
  readonly checkingDisabled?: boolean;
  /** Ask for DNSSEC records (the EDNS DO bit, RFC 3225). */
  readonly dnssecOk?: boolean;
}

/** The question for `name` and `type` (a mnemonic such as `"HTTPS"` or `"TYPE65"`, or a code). Throws `BAD_OPTION` for an unknown type. */
export function questionOf(name: string | Name, type: string | number, options: QuestionOptions = {}): Question {
  const code = typeof type === "number" ? type : rrTypes.codeOf(type);
  if (code === undefined || !Number.isInteger(code) || code < 0 || code > 0xffff) {
    throw new ZquicError("BAD_OPTION", `"${type}" is no RR type: give a mnemonic such as A, AAAA, TXT, HTTPS, or a number up to 65535`);
  }
  return { name: typeof name === "string" ? Name.parse(name) : name, type: code, class: options.class ?? RRClass.IN };
}

/** RFC 1035 §7.1: the query asking `question`, with EDNS(0) (RFC 6891). */
export function queryFor(question: Question, options: QuestionOptions = {}): DnsMessage {
  return makeQuery(question.name, question.type, {
    class: question.class,
    rd: options.recursionDesired ?? true,
    cd: options.checkingDisabled ?? false,
    edns: { udpPayloadSize: DEFAULT_UDP_PAYLOAD_SIZE, version: 0, dnssecOk: options.dnssecOk ?? false, options: [] },
  });
}

/** RFC 5452 §4.1: throws `DnsResponseMismatchError` unless `response` is a response echoing `question`. */
export function checkAnswers(response: DnsMessage, question: Question): void {
  const echoed = response.question[0];
  if (!response.qr) throw new DnsResponseMismatchError("it is a query (QR is 0)");
  if (response.question.length !== 1 || echoed === undefined) throw new DnsResponseMismatchError(`it has ${response.question.length} questions, not 1`);
  if (!echoed.name.equals(question.name) || echoed.type !== question.type || echoed.class !== question.class) {
    throw new DnsResponseMismatchError(`it answers ${echoed.name} ${rrTypes.nameOf(echoed.type)}, not ${question.name} ${rrTypes.nameOf(question.type)}`);
  }
}
