/**
 * The network's trace: one event per datagram sent, dropped or delivered.
 *
 * @module
 */
import { toHex } from "@zquic/wire";
import type { Ecn } from "./ecn.js";
import { addressKey, type SocketAddress } from "@zquic/wire";
import { LINK_DROP_REASONS } from "./link.js";

/** Why the network dropped a datagram: a link's reason, or `unbound` (the sender does not own the source address) or `unreachable` (no node at the destination). */
export type DropReason = (typeof DROP_REASONS)[number];

/** Every {@link DropReason}. */
export const DROP_REASONS = [...LINK_DROP_REASONS, "unbound", "unreachable"] as const;

/**
 * What happened to a datagram, and when. `from` is the source as the
 * receiver sees it (after NAT rebinding), `to` the destination the sender
 * addressed; `data` is the datagram as it was at that moment (a delivered
 * copy may be corrupted).
 */
export type TraceEvent =
  | (TraceFields & { readonly type: "send" })
  | (TraceFields & { readonly type: "drop"; readonly reason: DropReason })
  | (TraceFields & { readonly type: "deliver" });

/** The fields every {@link TraceEvent} carries. */
export interface TraceFields {
  /** Virtual time, ms. */
  readonly time: number;
  readonly from: SocketAddress;
  readonly to: SocketAddress;
  readonly data: Uint8Array;
  readonly ecn: Ecn;
}

/** One line for a log: `12.500 deliver 10.0.0.1:4433 -> 10.0.0.2:443 1200B ecn=2 …`. With `withData`, the bytes in hex. */
export function formatTraceEvent(event: TraceEvent, withData = false): string {
  const reason = event.type === "drop" ? ` (${event.reason})` : "";
  const data = withData ? ` ${toHex(event.data)}` : "";
  return `${event.time.toFixed(3)} ${event.type}${reason} ${addressKey(event.from)} -> ${addressKey(event.to)} ${event.data.length}B ecn=${event.ecn}${data}`;
}
