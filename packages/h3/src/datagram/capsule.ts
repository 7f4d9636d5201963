/**
 * RFC 9297 §3: the Capsule Protocol — type-length-value capsules carried in the data
 * stream (the DATA frame payloads) of an extended CONNECT request.
 *
 * @module
 */
import { Writer, ZquicError } from "@zquic/wire";
import { H3Error, H3ErrorCode } from "../errors.js";
import { TlvReader } from "../tlv-reader.js";

/** Capsule types (RFC 9297 §5.4). */
export const CapsuleType = {
  /** RFC 9297 §3.5: an HTTP Datagram; the value is its payload. */
  DATAGRAM: 0x00,
} as const;

/** A capsule: its type and value. */
export interface Capsule {
  readonly type: number;
  readonly value: Uint8Array;
}

/** RFC 9297 §5.4: capsule types 0x29 * N + 0x17 are reserved to exercise unknown-type handling. */
export function isReservedCapsuleType(type: number | bigint): boolean {
  const t = BigInt(type);
  return t >= 0x17n && (t - 0x17n) % 0x29n === 0n;
}

/** Appends `capsule`: Type (i), Length (i), Value. */
export function writeCapsule(w: Writer, capsule: Capsule): void {
  w.varint(capsule.type).varint(capsule.value.length).bytes(capsule.value);
}

/** `capsule` as new bytes. */
export function encodeCapsule(capsule: Capsule): Uint8Array {
  const w = new Writer(capsule.value.length + 16);
  writeCapsule(w, capsule);
  return w.toBytes();
}

/** How a {@link CapsuleParser} is configured. */
export interface CapsuleParserOptions {
  /**
   * The largest capsule value kept; a larger capsule is skipped without being buffered
   * (RFC 9297 §3.5 advises this for unusably large DATAGRAM capsules). Default 65535.
   */
  readonly maxCapsuleLength?: number;
}

/**
 * What a {@link CapsuleParser} reports: a whole capsule of any type (an endpoint drops
 * unknown types, an intermediary forwards them, §3.2), or one too large to keep.
 */
export type CapsuleEvent =
  | { readonly kind: "capsule"; readonly capsule: Capsule }
  | { readonly kind: "discarded"; readonly type: number; readonly length: number };

/** An incremental parser of the capsules in one request's data stream; bytes may be split anywhere. */
export class CapsuleParser {
  private readonly maxCapsuleLength: number;
  private readonly reader: TlvReader;

  constructor(options: CapsuleParserOptions = {}) {
    const max = options.maxCapsuleLength ?? 65535;
    if (!Number.isSafeInteger(max) || max < 0) {
      throw new ZquicError("INVALID_OPTION", `CapsuleParser: maxCapsuleLength must be a non-negative integer (got ${max})`);
    }
    this.maxCapsuleLength = max;
    this.reader = new TlvReader((_type, length) => (length > this.maxCapsuleLength ? "skip" : "buffer"));
  }

  /** Queues data-stream bytes (DATA frame payload). */
  push(bytes: Uint8Array): void {
    this.reader.push(bytes);
  }

  /** The next event, or `null` when more bytes are needed. */
  poll(): CapsuleEvent | null {
    for (;;) {
      const event = this.reader.poll();
      if (event === null) return null;
      if (event.kind === "value") return { kind: "capsule", capsule: { type: event.type, value: event.value } };
      if (event.kind === "start" && event.handling === "skip") return { kind: "discarded", type: event.type, length: event.length };
    }
  }

  /**
   * The data stream ended cleanly. Throws an H3_MESSAGE_ERROR {@link H3Error} if it ended
   * inside a capsule: RFC 9297 §3.3 makes that a malformed message (RFC 9114 §4.1.2).
   */
  end(): void {
    if (!this.reader.atBoundary) throw new H3Error(H3ErrorCode.H3_MESSAGE_ERROR, "data stream ended inside a capsule");
  }
}
