import { type Name, RRType, type ResourceRecord, recordType } from "../dns/index.js";

/** Where an answer's CNAME chain for a question ends. */
export interface CnameChainEnd {
  /** The last name the chain reaches (the QNAME when there is no CNAME). */
  name: Name;
  /** Names the chain passed through, QNAME first. */
  visited: Name[];
  /** True when the answer holds data of the asked type for `name`. */
  answered: boolean;
}

/**
 * RFC 1034 §3.6.2 and §5.3.3: follows the CNAME records of `answer` from
 * `qname`. Stops at a name seen before, so a loop in the data ends the walk.
 */
export function followCnames(qname: Name, qtype: number, answer: readonly ResourceRecord[]): CnameChainEnd {
  let name = qname;
  const visited = [qname];
  for (;;) {
    const cname = qtype === RRType.CNAME ? undefined : answer.find((rr) => rr.data.type === "CNAME" && rr.name.equals(name));
    if (cname === undefined || cname.data.type !== "CNAME") break;
    const target = cname.data.cname;
    if (visited.some((seen) => seen.equals(target))) break;
    visited.push(target);
    name = target;
  }
  const answered = answer.some((rr) => rr.name.equals(name) && (qtype === RRType.ANY || recordType(rr) === qtype));
  return { name, visited, answered };
}
