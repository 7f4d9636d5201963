/**
 * Stream priorities in the shape of RFC 9218 (Extensible Priorities), so that
 * HTTP/3 can map its Priority header straight onto the transport scheduler.
 *
 * @module
 */

/** Urgency 0 (most urgent) to 7; incremental streams share bandwidth round-robin. */
export interface StreamPriority {
  readonly urgency: number;
  readonly incremental: boolean;
}

/** RFC 9218 §4.1, §4.2: urgency 3, not incremental. */
export const DEFAULT_PRIORITY: StreamPriority = { urgency: 3, incremental: false };
