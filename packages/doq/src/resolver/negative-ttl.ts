import type { SoaRecord } from "../zone/index.js";

/**
 * RFC 2308 §3 and §5: a negative answer may be cached for the smaller of the
 * SOA's own TTL and its MINIMUM field.
 */
export function negativeTtl(soa: SoaRecord): number {
  return Math.min(soa.ttl, soa.data.minimum);
}

/** RFC 2308 §3: the SOA to put in the authority section of a negative answer. */
export function negativeAnswerSoa(soa: SoaRecord): SoaRecord {
  return { ...soa, ttl: negativeTtl(soa) };
}
