/**
 * The Message ID a classic DNS exchange matches replies by (RFC 1035 §4.1.1).
 *
 * @module
 */
import { webcrypto } from "node:crypto";

/** RFC 5452 §9.2: a Message ID from a cryptographically strong source. */
export function randomMessageId(): number {
  return webcrypto.getRandomValues(new Uint16Array(1))[0]!;
}

/** True when `reply` starts with the 16-bit ID `query` starts with. */
export function sameMessageId(reply: Uint8Array, query: Uint8Array): boolean {
  return reply.length >= 2 && reply[0] === query[0] && reply[1] === query[1];
}
