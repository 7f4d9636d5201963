/**
 * RFC 9218 §5, §7: a server's view of the priority of each response — the Priority header
 * field of the request, overridden by the latest PRIORITY_UPDATE frame, which may arrive
 * before its request stream (§7: buffer it, within a limit).
 *
 * @module
 */
import type { Field } from "../qpack/field.js";
import { parsePriority, type Priority } from "../priority/priority.js";
import { fieldValues } from "../message/http-fields.js";

/**
 * The priority a request's Priority header field states, or `undefined` without one.
 * Several field lines form one Dictionary (RFC 8941 §3.2).
 */
export function requestPriority(fields: readonly Field[]): Priority | undefined {
  const lines = fieldValues(fields, "priority");
  return lines.length === 0 ? undefined : parsePriority(lines.join(", "));
}

/**
 * PRIORITY_UPDATE frames for request streams whose request has not arrived yet: the latest
 * per stream, at most `limit` streams (the oldest is dropped first).
 */
export class PendingPriorityUpdates {
  private readonly updates = new Map<number, Priority>();

  constructor(private readonly limit: number) {}

  /** Keeps `priority` as the latest for `streamId`. */
  set(streamId: number, priority: Priority): void {
    this.updates.delete(streamId);
    this.updates.set(streamId, priority);
    if (this.updates.size > this.limit) this.updates.delete(this.updates.keys().next().value!);
  }

  /** The latest update for `streamId`, forgetting it. */
  take(streamId: number): Priority | undefined {
    const priority = this.updates.get(streamId);
    this.updates.delete(streamId);
    return priority;
  }
}
