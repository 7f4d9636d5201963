import { TransportError, WireError } from "./errors.js";
import { varintLengthFromFirstByte } from "./varint.js";

/**
 * A cursor over a `Uint8Array`. Every read checks bounds and throws a
 * {@link WireError} (FRAME_ENCODING_ERROR unless `errorCode` says otherwise) when
 * the bytes run out, so decoders never read garbage. A reader can be re-aimed
 * with {@link Reader.reset} to avoid allocating one per packet.
 */
export class Reader {
  /** Current position, an index into `bytes`. */
  offset: number;
  /** One past the last readable index. */
  end: number;

  constructor(
    public bytes: Uint8Array,
    offset = 0,
    end = bytes.length,
    /** The transport error code a truncation maps to. */
    public errorCode: number = TransportError.FRAME_ENCODING_ERROR,
  ) {
    this.offset = offset;
    this.end = end;
  }

  /** Points this reader at new bytes. */
  reset(bytes: Uint8Array, offset = 0, end = bytes.length): this {
    this.bytes = bytes;
    this.offset = offset;
    this.end = end;
    return this;
  }

  /** Bytes left to read. */
  get remaining(): number {
    return this.end - this.offset;
  }

  /** True when nothing is left. */
  get done(): boolean {
    return this.offset >= this.end;
  }

  private need(n: number): void {
    if (this.end - this.offset < n) {
      throw new WireError(`truncated: needed ${n} more bytes, ${this.end - this.offset} left`, this.errorCode);
    }
  }

  /** A reader over the next `length` bytes; this one skips past them. */
  sub(length: number): Reader {
    this.need(length);
    const start = this.offset;
    this.offset += length;
    return new Reader(this.bytes, start, start + length, this.errorCode);
  }

  u8(): number {
    this.need(1);
    return this.bytes[this.offset++]!;
  }

  /** The next byte without consuming it. */
  peekU8(): number {
    this.need(1);
    return this.bytes[this.offset]!;
  }

  u16(): number {
    this.need(2);
    const b = this.bytes;
    const o = this.offset;
    this.offset = o + 2;
    return (b[o]! << 8) | b[o + 1]!;
  }

  u24(): number {
    this.need(3);
    const b = this.bytes;
    const o = this.offset;
    this.offset = o + 3;
    return (b[o]! << 16) | (b[o + 1]! << 8) | b[o + 2]!;
  }

  u32(): number {
    this.need(4);
    const b = this.bytes;
    const o = this.offset;
    this.offset = o + 4;
    return ((b[o]! << 24) >>> 0) + ((b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!);
  }

  /** A big-endian unsigned integer of `length` bytes (at most 6, so it stays exact). */
  uint(length: number): number {
    this.need(length);
    let value = 0;
    for (let i = 0; i < length; i++) value = value * 256 + this.bytes[this.offset++]!;
    return value;
  }

  /** A 64-bit big-endian unsigned integer. */
  u64(): bigint {
    const hi = this.u32();
    const lo = this.u32();
    return (BigInt(hi) << 32n) | BigInt(lo);
  }

  /**
   * RFC 9000 §16: a variable-length integer as a number. Values up to 2^53 − 1 are
   * exact; larger ones (only meaningful as "practically unlimited") are rounded.
   */
  varint(): number {
    this.need(1);
    const b = this.bytes;
    let o = this.offset;
    const first = b[o]!;
    const length = varintLengthFromFirstByte(first);
    this.need(length);
    let value = first & 0x3f;
    switch (length) {
      case 1:
        break;
      case 2:
        value = (value << 8) | b[o + 1]!;
        break;
      case 4:
        value = ((value << 24) >>> 0) + ((b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!);
        break;
      default: {
        const hi = ((value << 24) >>> 0) + ((b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!);
        const lo = ((b[o + 4]! << 24) >>> 0) + ((b[o + 5]! << 16) | (b[o + 6]! << 8) | b[o + 7]!);
        value = hi * 0x1_0000_0000 + lo;
      }
    }
    o += length;
    this.offset = o;
    return value;
  }

  /** RFC 9000 §16: a variable-length integer, exact over the whole 62-bit range. */
  varintBig(): bigint {
    this.need(1);
    const length = varintLengthFromFirstByte(this.bytes[this.offset]!);
    this.need(length);
    let value = BigInt(this.bytes[this.offset++]! & 0x3f);
    for (let i = 1; i < length; i++) value = (value << 8n) | BigInt(this.bytes[this.offset++]!);
    return value;
  }

  /** The next `length` bytes as a view (no copy). */
  bytesView(length: number): Uint8Array {
    this.need(length);
    const start = this.offset;
    this.offset += length;
    return this.bytes.subarray(start, start + length);
  }

  /** The next `length` bytes as a copy the caller may keep. */
  bytesCopy(length: number): Uint8Array {
    return this.bytesView(length).slice();
  }

  /** Everything left, as a view. */
  rest(): Uint8Array {
    return this.bytesView(this.end - this.offset);
  }

  /** A varint length followed by that many bytes (a view). */
  varintBytes(): Uint8Array {
    return this.bytesView(this.varint());
  }

  /** A `lengthBytes`-byte length prefix followed by that many bytes (a view), as TLS encodes vectors. */
  prefixedBytes(lengthBytes: 1 | 2 | 3): Uint8Array {
    const length = lengthBytes === 1 ? this.u8() : lengthBytes === 2 ? this.u16() : this.u24();
    return this.bytesView(length);
  }

  skip(length: number): void {
    this.need(length);
    this.offset += length;
  }
}
