import type { Question, ResourceRecord } from "../dns/index.js";

/** What a source of DNS data says about one question. */
export interface Answer {
  /** RCODE (NOERROR, NXDOMAIN, SERVFAIL, REFUSED …). */
  rcode: number;
  answer: ResourceRecord[];
  authority: ResourceRecord[];
  additional: ResourceRecord[];
  /** AA (RFC 1035 §4.1.1): the source is an authority for the question's name. */
  authoritative: boolean;
}

/**
 * The seam through which a source of names plugs into the resolver without
 * touching it: zone files ({@link ZoneBackend}), or an on-chain registry such
 * as ENS for `.eth` or a GhostChain registry for `.ghost` and `.zns`.
 */
export interface NameBackend {
  /** The suffixes it is authoritative for, in presentation form (`"eth."`, `"example.ghost."`). */
  readonly zones: readonly string[];
  /** The answer to `question` at time `now` (ms); may be asynchronous. */
  lookup(question: Question, now: number): Answer | Promise<Answer>;
}

/** An answer with no records. */
export function emptyAnswer(rcode: number, authoritative = false): Answer {
  return { rcode, answer: [], authority: [], additional: [], authoritative };
}
