import type { Edns } from "./edns.js";
import type { DnsMessage } from "./message.js";
import { Name } from "./name.js";
import { Opcode } from "./opcode.js";
import { RRClass } from "./rr-class.js";

/** Choices for {@link makeQuery}; everything has a sensible default. */
export interface QueryOptions {
  /** Message ID; RFC 9250 §4.2.1 wants 0 over DoQ, the default. */
  id?: number;
  /** QCLASS, IN by default. */
  class?: number;
  /** Recursion Desired, true by default. */
  rd?: boolean;
  /** Checking Disabled. */
  cd?: boolean;
  edns?: Edns;
}

/** RFC 1035 §7.1: a standard query for one name and type. */
export function makeQuery(name: Name | string, type: number, options: QueryOptions = {}): DnsMessage {
  const query: DnsMessage = {
    id: options.id ?? 0,
    qr: false,
    opcode: Opcode.QUERY,
    aa: false,
    tc: false,
    rd: options.rd ?? true,
    ra: false,
    ad: false,
    cd: options.cd ?? false,
    rcode: 0,
    question: [{ name: typeof name === "string" ? Name.parse(name) : name, type, class: options.class ?? RRClass.IN }],
    answer: [],
    authority: [],
    additional: [],
  };
  if (options.edns !== undefined) query.edns = options.edns;
  return query;
}
