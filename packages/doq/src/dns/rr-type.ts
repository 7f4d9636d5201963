import { makeRegistry } from "./registry.js";

/** RFC 1035 §3.2.2–3.2.3 and later RFCs: the TYPE and QTYPE values this package knows by name. */
export const RRType = {
  A: 1,
  NS: 2,
  CNAME: 5,
  SOA: 6,
  PTR: 12,
  HINFO: 13,
  MX: 15,
  TXT: 16,
  /** RFC 3596 §2.1 */
  AAAA: 28,
  /** RFC 2782 */
  SRV: 33,
  /** RFC 6891 §6.1.1 */
  OPT: 41,
  DS: 43,
  RRSIG: 46,
  NSEC: 47,
  DNSKEY: 48,
  /** RFC 9460 §14.1 */
  SVCB: 64,
  /** RFC 9460 §14.2 */
  HTTPS: 65,
  /** QTYPEs (RFC 1035 §3.2.3) */
  IXFR: 251,
  AXFR: 252,
  MAILB: 253,
  MAILA: 254,
  ANY: 255,
  CAA: 257,
} as const;

/** RR type mnemonics ↔ codes (RFC 3597 `TYPEnnn` for the rest). */
export const rrTypes = makeRegistry(RRType, "TYPE");
