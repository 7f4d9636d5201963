import { utf8 } from "@zquic/wire";
import { Name, RRType, Rcode, type RData, type ResourceRecord, recordType } from "../dns/index.js";
import type { Zone } from "../zone/index.js";
import type { Answer } from "./answer.js";
import { negativeAnswerSoa } from "./negative-ttl.js";

/** CNAMEs followed inside one zone before the answer is returned as it stands. */
export const MAX_CNAME_CHAIN = 8;

const WILDCARD_LABEL = utf8("*");

// RFC 1034 §4.3.2 step 6 (and RFC 9460 §4.2, RFC 2782): names whose addresses belong in the additional section.
const ADDITIONAL_TARGETS: Partial<Record<RData["type"], (data: RData) => Name | undefined>> = {
  NS: (data) => (data.type === "NS" ? data.nsdname : undefined),
  MX: (data) => (data.type === "MX" ? data.exchange : undefined),
  SRV: (data) => (data.type === "SRV" ? data.target : undefined),
  SVCB: (data) => (data.type === "SVCB" ? data.targetName : undefined),
  HTTPS: (data) => (data.type === "HTTPS" ? data.targetName : undefined),
};
const ADDRESS_TYPES = [RRType.A, RRType.AAAA];

type Node = Map<number, ResourceRecord[]>;

/**
 * One zone indexed for RFC 1034 §4.3.2 lookups: exact matches, CNAMEs,
 * NODATA and NXDOMAIN with the SOA (RFC 2308 §3), wildcards (RFC 4592) and
 * referrals at delegations. Immutable once built.
 */
export class AuthoritativeZone {
  readonly origin: Name;
  /** The zone's CLASS. */
  readonly class: number;
  private readonly soa: Zone["soa"];
  private readonly nodes = new Map<string, Node>();
  /** Every name that exists, including empty non-terminals (RFC 4592 §2.2.2). */
  private readonly existing = new Set<string>();

  constructor(zone: Zone) {
    this.origin = zone.origin;
    this.class = zone.soa.class;
    this.soa = zone.soa;
    for (const record of zone.records) {
      const node = this.nodes.get(record.name.key) ?? new Map<number, ResourceRecord[]>();
      const type = recordType(record);
      node.set(type, [...(node.get(type) ?? []), record]);
      this.nodes.set(record.name.key, node);
      for (let name = record.name; name.isSubdomainOf(this.origin); name = name.parent()) {
        this.existing.add(name.key);
        if (name.equals(this.origin)) break;
      }
    }
  }

  /** RFC 1034 §4.3.2 step 3 for `qname` and `qtype`, which must lie in this zone. */
  lookup(qname: Name, qtype: number): Answer {
    const result: Answer = { rcode: Rcode.NOERROR, answer: [], authority: [], additional: [], authoritative: true };
    let name = qname;
    for (let hops = 0; ; hops++) {
      const cut = this.zoneCut(name);
      if (cut !== undefined) return hops === 0 ? this.referral(cut) : result;
      const node = this.nodes.get(name.key) ?? this.wildcardFor(name);
      if (node === undefined) {
        // RFC 2308 §2.1 and RFC 6604: the RCODE speaks of the last name of a chain.
        result.rcode = this.existing.has(name.key) ? Rcode.NOERROR : Rcode.NXDOMAIN;
        result.authority.push(negativeAnswerSoa(this.soa));
        return result;
      }
      const cname = node.get(RRType.CNAME)?.[0];
      if (cname?.data.type === "CNAME" && qtype !== RRType.CNAME && qtype !== RRType.ANY) {
        result.answer.push(withOwner(cname, name));
        const target = cname.data.cname;
        // Targets elsewhere are for the resolver to chase; a long chain stops here (RFC 1034 §3.6.2).
        if (!target.isSubdomainOf(this.origin) || hops + 1 >= MAX_CNAME_CHAIN || result.answer.some((rr) => rr.name.equals(target))) return result;
        name = target;
        continue;
      }
      const records = qtype === RRType.ANY ? [...node.values()].flat() : (node.get(qtype) ?? []);
      if (records.length === 0) {
        result.authority.push(negativeAnswerSoa(this.soa));
        return result;
      }
      result.answer.push(...records.map((rr) => withOwner(rr, name)));
      result.additional.push(...this.additionalFor(records));
      return result;
    }
  }

  /** The delegation (NS below the apex) at or above `name`, if any. */
  private zoneCut(name: Name): Name | undefined {
    const depth = name.labels.length - this.origin.labels.length;
    for (let i = depth - 1; i >= 0; i--) {
      const candidate = Name.fromLabels(name.labels.slice(i));
      if (this.nodes.get(candidate.key)?.has(RRType.NS)) return candidate;
    }
    return undefined;
  }

  /** RFC 1034 §4.3.2 step 3b: NS records of the cut, glue addresses in additional. */
  private referral(cut: Name): Answer {
    const ns = this.nodes.get(cut.key)!.get(RRType.NS)!;
    return { rcode: Rcode.NOERROR, answer: [], authority: [...ns], additional: this.additionalFor(ns), authoritative: false };
  }

  /**
   * RFC 4592 §3.3.1: the records of `*.<closest encloser>` when `name` does
   * not exist and that wildcard does.
   */
  private wildcardFor(name: Name): Node | undefined {
    if (this.existing.has(name.key)) return undefined;
    let encloser = name;
    while (!this.existing.has(encloser.key) && !encloser.equals(this.origin)) encloser = encloser.parent();
    return this.nodes.get(encloser.prepend(WILDCARD_LABEL).key);
  }

  private additionalFor(records: readonly ResourceRecord[]): ResourceRecord[] {
    const targets = records.map((rr) => ADDITIONAL_TARGETS[rr.data.type]?.(rr.data)).filter((name) => name !== undefined);
    return targets.flatMap((target) => {
      const node = this.nodes.get(target.key);
      return node === undefined ? [] : ADDRESS_TYPES.flatMap((type) => node.get(type) ?? []);
    });
  }
}

/** RFC 4592 §3.3.1: synthesised records take the query name as owner. */
function withOwner(record: ResourceRecord, owner: Name): ResourceRecord {
  return record.name.equalsExactly(owner) ? record : { ...record, name: owner };
}
