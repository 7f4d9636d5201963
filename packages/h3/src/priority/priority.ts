/**
 * RFC 9218 §4: the priority parameters of the Priority header field and of PRIORITY_UPDATE
 * frames — urgency `u` (0–7, default 3) and incremental `i` (default false).
 *
 * @module
 */
import { ZquicError } from "@zquic/wire";
import { parseDictionary } from "./structured-fields.js";

/** RFC 9218 §4: a response's priority. */
export interface Priority {
  /** §4.1: 0 (most urgent) to 7 (background). */
  readonly urgency: number;
  /** §4.2: whether the response is useful in pieces, so may share bandwidth. */
  readonly incremental: boolean;
}

/** RFC 9218 §4: the priority of a request that states none. */
export const DEFAULT_PRIORITY: Priority = { urgency: 3, incremental: false };

/**
 * The priority a Priority Field Value states. A value that does not parse as a Structured
 * Field Dictionary, unknown parameters, and parameters of the wrong type or out of range
 * are ignored (RFC 9218 §4), leaving the defaults.
 */
export function parsePriority(fieldValue: string): Priority {
  const members = parseDictionary(fieldValue);
  const u = members?.get("u");
  const i = members?.get("i");
  return {
    urgency: u?.type === "integer" && u.value >= 0 && u.value <= 7 ? u.value : DEFAULT_PRIORITY.urgency,
    incremental: i?.type === "boolean" ? i.value : DEFAULT_PRIORITY.incremental,
  };
}

/**
 * The Priority Field Value for `priority`, omitting defaults ("" when both are defaults).
 * Throws a `ZquicError` unless the urgency is an integer from 0 to 7.
 */
export function serializePriority(priority: Priority): string {
  if (!Number.isInteger(priority.urgency) || priority.urgency < 0 || priority.urgency > 7) {
    throw new ZquicError("INVALID_ARGUMENT", `urgency is an integer from 0 to 7 (RFC 9218 §4.1); got ${priority.urgency}`);
  }
  const members: string[] = [];
  if (priority.urgency !== DEFAULT_PRIORITY.urgency) members.push(`u=${priority.urgency}`);
  if (priority.incremental) members.push("i");
  return members.join(", ");
}
