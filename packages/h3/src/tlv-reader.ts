/**
 * An incremental reader of type-length-value records: `Type (i), Length (i), Value (..)`.
 * HTTP/3 frames (RFC 9114 §7.1) and capsules (RFC 9297 §3.2) share this layout. Bytes may
 * arrive split anywhere; the header is gathered first, then the value is buffered, streamed
 * out in pieces, or skipped, as the caller decides from its type and length.
 *
 * @module
 */
import { Reader, varintLengthFromFirstByte } from "@zquic/wire";

/** What to do with a value: keep it whole, pass it on in pieces, or drop it. */
export type ValueHandling = "buffer" | "stream" | "skip";

/**
 * What a {@link TlvReader} reports: a record's header (with the handling chosen for it), a
 * piece of a streamed value (a view into the pushed bytes), or a whole buffered value.
 */
export type TlvEvent =
  | { readonly kind: "start"; readonly type: number; readonly length: number; readonly handling: ValueHandling }
  | { readonly kind: "chunk"; readonly data: Uint8Array }
  | { readonly kind: "value"; readonly type: number; readonly value: Uint8Array };

/** The longest header: two 8-octet varints. */
const MAX_HEADER = 16;

/**
 * Reads records from bytes pushed in any pieces. `decide` chooses the handling of each
 * value from its header, and may throw to reject it (its caller's typed error).
 */
export class TlvReader {
  private readonly input: Uint8Array[] = [];
  private inputOffset = 0;
  private readonly header = new Uint8Array(MAX_HEADER);
  private headerLength = 0;
  private type = 0;
  private handling: ValueHandling | undefined;
  private remaining = 0;
  private buffer: Uint8Array | undefined;
  private filled = 0;

  constructor(private readonly decide: (type: number, length: number) => ValueHandling) {}

  /** True between records: a stream may end here cleanly. */
  get atBoundary(): boolean {
    return this.handling === undefined && this.headerLength === 0;
  }

  /** Queues `bytes`; streamed chunks are views into them, so do not reuse them until polled. */
  push(bytes: Uint8Array): void {
    if (bytes.length > 0) this.input.push(bytes);
  }

  /** The next event, or `null` when more bytes are needed. */
  poll(): TlvEvent | null {
    for (;;) {
      if (this.handling === undefined) {
        if (!this.readHeader()) return null;
        return this.startValue();
      }
      if (this.handling === "buffer" && this.filled === this.buffer!.length) return this.finishBuffered();
      const chunk = this.take(this.remaining);
      if (chunk === undefined) return null;
      this.remaining -= chunk.length;
      if (this.handling === "buffer") {
        this.buffer!.set(chunk, this.filled);
        this.filled += chunk.length;
      } else {
        const streamed = this.handling === "stream";
        if (this.remaining === 0) this.handling = undefined;
        if (streamed) return { kind: "chunk", data: chunk };
      }
    }
  }

  /** Gathers the two varints of a header; true once complete. */
  private readHeader(): boolean {
    for (;;) {
      const needed = this.headerNeeded();
      if (this.headerLength === needed) return true;
      const bytes = this.take(needed - this.headerLength);
      if (bytes === undefined) return false;
      this.header.set(bytes, this.headerLength);
      this.headerLength += bytes.length;
    }
  }

  /** Header octets needed, as far as the octets so far tell. */
  private headerNeeded(): number {
    if (this.headerLength === 0) return 1;
    const typeLength = varintLengthFromFirstByte(this.header[0]!);
    if (this.headerLength <= typeLength) return typeLength + 1;
    return typeLength + varintLengthFromFirstByte(this.header[typeLength]!);
  }

  private startValue(): TlvEvent {
    const r = new Reader(this.header, 0, this.headerLength);
    const type = r.varint();
    const length = r.varint();
    this.headerLength = 0;
    const handling = this.decide(type, length);
    this.type = type;
    this.remaining = length;
    this.handling = handling;
    if (handling === "buffer") {
      this.buffer = new Uint8Array(length);
      this.filled = 0;
    } else if (length === 0) {
      this.handling = undefined;
    }
    return { kind: "start", type, length, handling };
  }

  private finishBuffered(): TlvEvent {
    const value = this.buffer!;
    this.buffer = undefined;
    this.handling = undefined;
    return { kind: "value", type: this.type, value };
  }

  /** Up to `max` queued octets (a view), or `undefined` when none are queued. */
  private take(max: number): Uint8Array | undefined {
    const head = this.input[0];
    if (head === undefined || max === 0) return undefined;
    const start = this.inputOffset;
    const end = Math.min(head.length, start + max);
    if (end === head.length) {
      this.input.shift();
      this.inputOffset = 0;
    } else {
      this.inputOffset = end;
    }
    return head.subarray(start, end);
  }
}
