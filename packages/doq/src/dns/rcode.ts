import { makeRegistry } from "./registry.js";

/**
 * RFC 1035 §4.1.1 RCODE values, and the extended ones RFC 6891 §6.1.3 makes
 * room for (12 bits: 4 in the header, 8 in the OPT record).
 */
export const Rcode = {
  NOERROR: 0,
  FORMERR: 1,
  SERVFAIL: 2,
  NXDOMAIN: 3,
  NOTIMP: 4,
  REFUSED: 5,
  YXDOMAIN: 6,
  YXRRSET: 7,
  NXRRSET: 8,
  NOTAUTH: 9,
  NOTZONE: 10,
  /** RFC 6891 §9: the OPT version is not supported. */
  BADVERS: 16,
  /** RFC 7873 §8 */
  BADCOOKIE: 23,
} as const;

/** The largest RCODE a message can carry (RFC 6891 §6.1.3: 12 bits). */
export const MAX_RCODE = 0xfff;

/** RCODE mnemonics ↔ codes (`RCODE42` for the rest). */
export const rcodes = makeRegistry(Rcode, "RCODE");
