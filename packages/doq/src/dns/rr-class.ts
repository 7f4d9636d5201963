import { makeRegistry } from "./registry.js";

/** RFC 1035 §3.2.4–3.2.5: CLASS and QCLASS values. */
export const RRClass = {
  IN: 1,
  CS: 2,
  CH: 3,
  HS: 4,
  /** RFC 2136 §2.4 */
  NONE: 254,
  ANY: 255,
} as const;

/** Class mnemonics ↔ codes (RFC 3597 `CLASSnnn` for the rest). */
export const rrClasses = makeRegistry(RRClass, "CLASS");
