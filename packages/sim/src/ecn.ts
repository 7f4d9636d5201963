/**
 * ECN codepoints of the IP header (RFC 3168 §5).
 *
 * @module
 */

/** The two-bit ECN field: 0 Not-ECT, 1 ECT(1), 2 ECT(0), 3 CE. */
export type Ecn = 0 | 1 | 2 | 3;

/** Named ECN codepoints (RFC 3168 §5). */
export const EcnCodepoint = { NotEct: 0, Ect1: 1, Ect0: 2, Ce: 3 } as const satisfies Record<string, Ecn>;

/** True for an ECN-capable transport codepoint, the only ones a router may mark CE (RFC 3168 §5). */
export function isEct(ecn: Ecn): boolean {
  return ecn === EcnCodepoint.Ect0 || ecn === EcnCodepoint.Ect1;
}
