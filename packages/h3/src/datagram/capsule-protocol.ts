/**
 * RFC 9297 §3.4: the Capsule-Protocol header field, by which an extended CONNECT request
 * says that its data stream carries capsules.
 *
 * @module
 */
import type { Field } from "../qpack/field.js";

/**
 * True when the field section has one Capsule-Protocol field whose value is the Structured
 * Field Boolean true (`?1`, parameters ignored). Any other value, or several fields (a
 * List), count as absent (§3.4).
 */
export function usesCapsuleProtocol(fields: readonly Field[]): boolean {
  const values = fields.filter(([name]) => name === "capsule-protocol");
  return values.length === 1 && /^ *\?1(;.*)? *$/.test(values[0]![1]);
}
