/**
 * How an `H3Connection` is configured, and the SETTINGS (RFC 9114 §7.2.4) that follow.
 *
 * @module
 */
import { ZquicError } from "@zquic/wire";
import { DEFAULT_SETTINGS, greaseSetting, type Settings } from "../frames/settings.js";
import type { QpackEncoderOptions } from "../qpack/encoder.js";
import type { RandomSource } from "../reserved.js";

/** Options of an `H3Connection`. Every limit is one this endpoint applies to its peer. */
export interface H3ConnectionOptions {
  /** Unpredictable bytes, for GREASE (RFC 9114 §6.2.3, §7.2.4.1, §7.2.8). */
  readonly random: RandomSource;
  /** SETTINGS_QPACK_MAX_TABLE_CAPACITY: the dynamic table the peer's encoder may use (default 4096). */
  readonly qpackMaxTableCapacity?: number;
  /** SETTINGS_QPACK_BLOCKED_STREAMS: streams the peer's field sections may block (default 16). */
  readonly qpackBlockedStreams?: number;
  /** SETTINGS_MAX_FIELD_SECTION_SIZE: the largest header or trailer section accepted (default 64 KiB). */
  readonly maxFieldSectionSize?: number;
  /** Server: SETTINGS_ENABLE_CONNECT_PROTOCOL, accepting extended CONNECT (RFC 9220; default false). */
  readonly enableConnectProtocol?: boolean;
  /** SETTINGS_H3_DATAGRAM: accept HTTP/3 Datagrams (RFC 9297 §2.1.1; default false). */
  readonly h3Datagram?: boolean;
  /** This side's QPACK encoder: the table it wants (within the peer's maximum), Huffman, what to index. */
  readonly qpackEncoder?: Pick<QpackEncoderOptions, "maxTableCapacity" | "huffman" | "indexingPolicy">;
  /**
   * Octets `sendData` may keep per stream beyond what the transport takes (default 64 KiB).
   * Beyond it `sendData` takes less than offered and a `writable` event follows.
   */
  readonly maxBufferedPerStream?: number;
  /** Send reserved settings, frames and stream types to exercise the peer (RFC 9114 §9; default true). */
  readonly grease?: boolean;
}

/** The options with defaults applied. */
export type ResolvedOptions = Required<Omit<H3ConnectionOptions, "qpackEncoder">> & Pick<H3ConnectionOptions, "qpackEncoder">;

/** Applies defaults and checks the limits; throws a `ZquicError` naming a bad option. */
export function resolveOptions(options: H3ConnectionOptions): ResolvedOptions {
  const resolved: ResolvedOptions = {
    random: options.random,
    qpackMaxTableCapacity: options.qpackMaxTableCapacity ?? 4096,
    qpackBlockedStreams: options.qpackBlockedStreams ?? 16,
    maxFieldSectionSize: options.maxFieldSectionSize ?? 65536,
    enableConnectProtocol: options.enableConnectProtocol ?? false,
    h3Datagram: options.h3Datagram ?? false,
    maxBufferedPerStream: options.maxBufferedPerStream ?? 65536,
    grease: options.grease ?? true,
    qpackEncoder: options.qpackEncoder,
  };
  for (const key of ["qpackMaxTableCapacity", "qpackBlockedStreams", "maxFieldSectionSize", "maxBufferedPerStream"] as const) {
    const value = resolved[key];
    if (!Number.isSafeInteger(value) || value < 0) throw new ZquicError("INVALID_OPTION", `H3Connection: ${key} must be a non-negative integer (got ${value})`);
  }
  return resolved;
}

/** The SETTINGS this endpoint sends: its limits, plus one reserved setting when greasing (§7.2.4.1). */
export function localSettings(options: ResolvedOptions): Settings {
  return {
    ...DEFAULT_SETTINGS,
    qpackMaxTableCapacity: options.qpackMaxTableCapacity,
    qpackBlockedStreams: options.qpackBlockedStreams,
    maxFieldSectionSize: options.maxFieldSectionSize,
    enableConnectProtocol: options.enableConnectProtocol,
    h3Datagram: options.h3Datagram,
    unknown: options.grease ? [greaseSetting(options.random)] : [],
  };
}
