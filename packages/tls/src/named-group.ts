/**
 * Key exchange groups (RFC 8446 §4.2.7; draft-ietf-tls-ecdhe-mlkem §4 for the
 * hybrid), mapping TLS code points to the provider's names.
 *
 * @module
 */
import type { KeyExchangeGroup } from "@zquic/crypto";

/** NamedGroup code points this stack implements. */
export const NamedGroup = {
  secp256r1: 0x0017,
  secp384r1: 0x0018,
  x25519: 0x001d,
  /** ML-KEM-768 alone (IANA TLS Supported Groups registry). */
  mlkem768: 0x0201,
  /** draft-ietf-tls-ecdhe-mlkem §4: ML-KEM-768 share first, then X25519. */
  X25519MLKEM768: 0x11ec,
} as const;

const providerNames = new Map<number, KeyExchangeGroup>([
  [NamedGroup.secp256r1, "secp256r1"],
  [NamedGroup.secp384r1, "secp384r1"],
  [NamedGroup.x25519, "x25519"],
  [NamedGroup.mlkem768, "mlkem768"],
  [NamedGroup.X25519MLKEM768, "x25519mlkem768"],
]);

/** The provider's name for group `code`, or `undefined` when this stack does not implement it. */
export function keyExchangeGroup(code: number): KeyExchangeGroup | undefined {
  return providerNames.get(code);
}

/** The default groups in preference order: the post-quantum hybrid first, then X25519 and P-256. */
export const DEFAULT_GROUPS: readonly number[] = [NamedGroup.X25519MLKEM768, NamedGroup.x25519, NamedGroup.secp256r1];

/** Groups whose security rests on ML-KEM, which many servers do not implement yet. */
const POST_QUANTUM_GROUPS: ReadonlySet<number> = new Set([NamedGroup.mlkem768, NamedGroup.X25519MLKEM768]);

/**
 * The groups a first ClientHello sends key shares for (RFC 8446 §4.2.8 allows several):
 * the preferred one, and when that is post-quantum, also the first classical one after it,
 * as browsers do. A server without ML-KEM then needs no HelloRetryRequest, which would cost
 * a round trip and rule out 0-RTT (RFC 9001 §4.6.2).
 */
export function keyShareGroups(groups: readonly number[]): number[] {
  const [first] = groups;
  if (first === undefined) return [];
  const classical = POST_QUANTUM_GROUPS.has(first) ? groups.find((group) => !POST_QUANTUM_GROUPS.has(group)) : undefined;
  return classical === undefined ? [first] : [first, classical];
}
