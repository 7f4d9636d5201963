import { WireError } from "./errors.js";
import { checkVarint, checkVarintBig, varintSize } from "./varint.js";

/**
 * An append-only byte buffer. It grows by doubling, so writing into a reused
 * writer (see {@link Writer.reset}) allocates nothing once it is large enough.
 */
export class Writer {
  /** The backing store; valid bytes are `buffer[0 .. offset)`. */
  buffer: Uint8Array;
  /** Number of bytes written. */
  offset = 0;

  constructor(capacity = 256) {
    this.buffer = new Uint8Array(Math.max(16, capacity));
  }

  /** Forgets what was written, keeping the buffer. */
  reset(): this {
    this.offset = 0;
    return this;
  }

  /** Bytes written so far. */
  get length(): number {
    return this.offset;
  }

  /** A view of what was written; valid until the next write or reset. */
  view(): Uint8Array {
    return this.buffer.subarray(0, this.offset);
  }

  /** A copy of what was written. */
  toBytes(): Uint8Array {
    return this.buffer.slice(0, this.offset);
  }

  /** Makes room for `n` more bytes. */
  ensure(n: number): void {
    const needed = this.offset + n;
    if (needed <= this.buffer.length) return;
    let size = this.buffer.length * 2;
    while (size < needed) size *= 2;
    const grown = new Uint8Array(size);
    grown.set(this.buffer.subarray(0, this.offset));
    this.buffer = grown;
  }

  u8(value: number): this {
    this.ensure(1);
    this.buffer[this.offset++] = value;
    return this;
  }

  u16(value: number): this {
    this.ensure(2);
    const b = this.buffer;
    const o = this.offset;
    b[o] = value >>> 8;
    b[o + 1] = value;
    this.offset = o + 2;
    return this;
  }

  u24(value: number): this {
    this.ensure(3);
    const b = this.buffer;
    const o = this.offset;
    b[o] = value >>> 16;
    b[o + 1] = value >>> 8;
    b[o + 2] = value;
    this.offset = o + 3;
    return this;
  }

  u32(value: number): this {
    this.ensure(4);
    const b = this.buffer;
    const o = this.offset;
    b[o] = value >>> 24;
    b[o + 1] = value >>> 16;
    b[o + 2] = value >>> 8;
    b[o + 3] = value;
    this.offset = o + 4;
    return this;
  }

  /** A big-endian unsigned integer in exactly `length` bytes (at most 6). */
  uint(value: number, length: number): this {
    this.ensure(length);
    for (let i = length - 1; i >= 0; i--) {
      this.buffer[this.offset + i] = value % 256;
      value = Math.floor(value / 256);
    }
    this.offset += length;
    return this;
  }

  u64(value: bigint): this {
    this.u32(Number((value >> 32n) & 0xffffffffn));
    return this.u32(Number(value & 0xffffffffn));
  }

  /** RFC 9000 §16: `value` in its shortest varint form, or in `length` bytes when given. */
  varint(value: number, length: 1 | 2 | 4 | 8 = varintSize(value)): this {
    checkVarint(value);
    if (length < varintSize(value)) throw new WireError(`${value} does not fit a ${length}-byte varint`, 0x01);
    this.ensure(length);
    const b = this.buffer;
    const o = this.offset;
    switch (length) {
      case 1:
        b[o] = value;
        break;
      case 2:
        b[o] = 0x40 | (value >>> 8);
        b[o + 1] = value;
        break;
      case 4:
        b[o] = 0x80 | (value >>> 24);
        b[o + 1] = value >>> 16;
        b[o + 2] = value >>> 8;
        b[o + 3] = value;
        break;
      default: {
        const hi = Math.floor(value / 0x1_0000_0000);
        const lo = value >>> 0;
        b[o] = 0xc0 | (hi >>> 24);
        b[o + 1] = hi >>> 16;
        b[o + 2] = hi >>> 8;
        b[o + 3] = hi;
        b[o + 4] = lo >>> 24;
        b[o + 5] = lo >>> 16;
        b[o + 6] = lo >>> 8;
        b[o + 7] = lo;
      }
    }
    this.offset = o + length;
    return this;
  }

  /** RFC 9000 §16: a varint from a bigint, exact over the whole 62-bit range. */
  varintBig(value: bigint): this {
    checkVarintBig(value);
    if (value <= BigInt(Number.MAX_SAFE_INTEGER)) return this.varint(Number(value));
    this.u32(Number((value >> 32n) | 0xc0000000n));
    return this.u32(Number(value & 0xffffffffn));
  }

  bytes(data: Uint8Array): this {
    this.ensure(data.length);
    this.buffer.set(data, this.offset);
    this.offset += data.length;
    return this;
  }

  /** A varint length followed by `data`. */
  varintBytes(data: Uint8Array): this {
    return this.varint(data.length).bytes(data);
  }

  /** A `lengthBytes`-byte length prefix followed by `data`, as TLS encodes vectors. */
  prefixedBytes(lengthBytes: 1 | 2 | 3, data: Uint8Array): this {
    const max = 2 ** (8 * lengthBytes) - 1;
    if (data.length > max) throw new WireError(`${data.length} bytes exceed a ${lengthBytes}-byte length prefix`, 0x01);
    if (lengthBytes === 1) this.u8(data.length);
    else if (lengthBytes === 2) this.u16(data.length);
    else this.u24(data.length);
    return this.bytes(data);
  }

  /**
   * Writes a `lengthBytes`-byte length prefix around whatever `body` writes, as
   * TLS nests vectors; the length is filled in afterwards.
   */
  prefixed(lengthBytes: 1 | 2 | 3, body: (writer: this) => void): this {
    this.ensure(lengthBytes);
    const at = this.offset;
    this.offset += lengthBytes;
    body(this);
    const length = this.offset - at - lengthBytes;
    const max = 2 ** (8 * lengthBytes) - 1;
    if (length > max) throw new WireError(`${length} bytes exceed a ${lengthBytes}-byte length prefix`, 0x01);
    for (let i = lengthBytes - 1, v = length; i >= 0; i--, v >>>= 8) this.buffer[at + i] = v & 0xff;
    return this;
  }

  /** `count` zero bytes (PADDING). */
  zeros(count: number): this {
    this.ensure(count);
    this.buffer.fill(0, this.offset, this.offset + count);
    this.offset += count;
    return this;
  }
}
