/**
 * RFC 9114 §6.2 and RFC 9204 §4.2: the header of a unidirectional stream — its type, and
 * for a push stream the push ID.
 *
 * @module
 */
import { Reader, WireError, type Writer, ZquicError } from "@zquic/wire";

/** Unidirectional stream types (RFC 9114 §6.2.1, §6.2.2; RFC 9204 §4.2). */
export const StreamType = {
  CONTROL: 0x00,
  PUSH: 0x01,
  QPACK_ENCODER: 0x02,
  QPACK_DECODER: 0x03,
} as const;

/**
 * A unidirectional stream header. Types other than {@link StreamType} — including the
 * reserved 0x1f * N + 0x21 (§6.2.3) — are unknown: the receiver discards the stream or
 * aborts reading it (§6.2, §9), and never treats it as a connection error.
 */
export interface UniStreamHeader {
  readonly type: number;
  /** RFC 9114 §6.2.2: present exactly for push streams. */
  readonly pushId?: number;
}

/** Appends a unidirectional stream header; a push stream's needs its `pushId`. */
export function writeUniStreamHeader(w: Writer, header: UniStreamHeader): void {
  w.varint(header.type);
  if (header.type !== StreamType.PUSH) return;
  if (header.pushId === undefined) throw new ZquicError("INVALID_ARGUMENT", "a push stream header carries the push ID (RFC 9114 §6.2.2); pass pushId");
  w.varint(header.pushId);
}

/**
 * Reads the header at the start of a unidirectional stream's bytes: the header and the
 * octets it took, or `undefined` while more bytes are needed (at most 16).
 */
export function readUniStreamHeader(bytes: Uint8Array): { header: UniStreamHeader; length: number } | undefined {
  const r = new Reader(bytes);
  try {
    const type = r.varint();
    const header: UniStreamHeader = type === StreamType.PUSH ? { type, pushId: r.varint() } : { type };
    return { header, length: r.offset };
  } catch (e) {
    if (e instanceof WireError) return undefined;
    throw e;
  }
}
