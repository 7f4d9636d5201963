/**
 * RFC 9204 §2.2: the QPACK decoder, sans-I/O. It reads the peer's encoder stream, decodes
 * field sections (holding back those that need entries not yet received), and writes its
 * own decoder stream.
 *
 * @module
 */
import { Reader, WireError, Writer, ZquicError } from "@zquic/wire";
import { H3ErrorCode, QpackError } from "../errors.js";
import { readDecoderInstruction, writeDecoderInstruction } from "./decoder-instructions.js";
import { DynamicTable, ENTRY_OVERHEAD, dynamicEntry, type DynamicEntry } from "./dynamic-table.js";
import { readEncoderInstruction, type EncoderInstruction } from "./encoder-instructions.js";
import type { Field } from "./field.js";
import { readFieldLine, type FieldLineRepresentation } from "./field-lines.js";
import { maxEntries, readFieldSectionPrefix, type FieldSectionPrefix } from "./field-section-prefix.js";
import { InstructionBuffer } from "./instruction-buffer.js";
import { STATIC_TABLE } from "./static-table.js";

const { QPACK_DECOMPRESSION_FAILED, QPACK_ENCODER_STREAM_ERROR } = H3ErrorCode;

/** How a {@link QpackDecoder} is configured; each value is one this endpoint advertises. */
export interface QpackDecoderOptions {
  /** SETTINGS_QPACK_MAX_TABLE_CAPACITY (RFC 9204 §5); default 0, no dynamic table. */
  readonly maxTableCapacity?: number;
  /** SETTINGS_QPACK_BLOCKED_STREAMS (RFC 9204 §5); default 0. */
  readonly maxBlockedStreams?: number;
  /**
   * SETTINGS_MAX_FIELD_SECTION_SIZE (RFC 9114 §4.2.2): the largest decoded field section,
   * counting name + value + 32 octets per line; default 64 KiB. Decoding stops as soon as
   * a section is known to be larger.
   */
  readonly maxFieldSectionSize?: number;
}

/**
 * What decoding a field section gave: its field lines; `blocked` when it needs dynamic
 * table entries that have not arrived (it is kept and decoded later, see
 * {@link QpackDecoder.handleEncoderStreamData}); or `tooLarge` when it exceeds
 * `maxFieldSectionSize` (RFC 9114 §4.2.2: a server answers 431, a client discards the
 * response; either way cancel the stream with {@link QpackDecoder.streamCancelled}).
 */
export type FieldSectionResult =
  | { readonly fields: Field[] }
  | { readonly blocked: true }
  | { readonly tooLarge: true };

/** A field section that was blocked and has now been decoded. */
export type UnblockedFieldSection = { readonly streamId: number } & ({ readonly fields: Field[] } | { readonly tooLarge: true });

/** The state of a decoder's dynamic table, for logs and tests. */
export interface DecoderTableState {
  readonly capacity: number;
  readonly size: number;
  readonly insertCount: number;
  /** Inserts this decoder has acknowledged so far (§2.1.4), as the encoder will count them. */
  readonly knownReceivedCount: number;
  /** Present entries, oldest first. */
  readonly entries: readonly { readonly index: number; readonly name: string; readonly value: string }[];
}

interface BlockedSection {
  readonly prefix: FieldSectionPrefix;
  readonly reader: Reader;
}

/** A QPACK decoder for one HTTP/3 connection. */
export class QpackDecoder {
  private readonly maxTableCapacity: number;
  private readonly maxBlockedStreams: number;
  private readonly maxFieldSectionSize: number;
  private readonly entries: number;
  private readonly table = new DynamicTable();
  private readonly encoderStream = new InstructionBuffer(QPACK_ENCODER_STREAM_ERROR);
  private readonly decoderStream = new Writer(64);
  private readonly blocked = new Map<number, BlockedSection>();
  private readonly reader = new Reader(new Uint8Array(0), 0, 0, QPACK_DECOMPRESSION_FAILED);
  private knownReceivedCount = 0;

  constructor(options: QpackDecoderOptions = {}) {
    this.maxTableCapacity = checkLimit("maxTableCapacity", options.maxTableCapacity ?? 0);
    this.maxBlockedStreams = checkLimit("maxBlockedStreams", options.maxBlockedStreams ?? 0);
    this.maxFieldSectionSize = checkLimit("maxFieldSectionSize", options.maxFieldSectionSize ?? 65536);
    this.entries = maxEntries(this.maxTableCapacity);
  }

  /** Streams whose field section waits for encoder stream data. */
  get blockedStreamCount(): number {
    return this.blocked.size;
  }

  /**
   * Processes bytes from the peer's encoder stream (split anywhere) and decodes every
   * blocked field section that the new entries unblock, oldest first. Throws a
   * {@link QpackError}: QPACK_ENCODER_STREAM_ERROR for a bad instruction, or
   * QPACK_DECOMPRESSION_FAILED for a bad unblocked section.
   */
  handleEncoderStreamData(bytes: Uint8Array): UnblockedFieldSection[] {
    const before = this.table.insertCount;
    this.encoderStream.feed(bytes, (r) => readEncoderInstruction(r, this.table.capacity), (instruction) => this.apply(instruction));
    if (this.table.insertCount === before) return [];
    const unblocked: UnblockedFieldSection[] = [];
    for (const [streamId, section] of this.blocked) {
      if (section.prefix.requiredInsertCount > this.table.insertCount) continue;
      this.blocked.delete(streamId);
      unblocked.push({ streamId, ...this.decodeLines(streamId, section.prefix, section.reader) });
    }
    return unblocked;
  }

  /**
   * Decodes the encoded field section of a HEADERS or PUSH_PROMISE frame on `streamId`.
   * Malformed input throws a QPACK_DECOMPRESSION_FAILED {@link QpackError}, as does a
   * section that would block more streams than `maxBlockedStreams` (RFC 9204 §2.1.2).
   * Throws a `ZquicError` (code `STREAM_ALREADY_BLOCKED`) if `streamId` still has a blocked
   * section: stop reading a stream while its field section is blocked.
   */
  decodeFieldSection(streamId: number, bytes: Uint8Array): FieldSectionResult {
    if (this.blocked.has(streamId)) {
      throw new ZquicError("STREAM_ALREADY_BLOCKED", `stream ${streamId} has a blocked field section; wait until it is decoded`);
    }
    const r = this.reader.reset(bytes);
    const prefix = truncationFails(() => readFieldSectionPrefix(r, this.entries, this.table.insertCount));
    if (prefix.requiredInsertCount <= this.table.insertCount) return this.decodeLines(streamId, prefix, r);
    // RFC 9204 §2.1.2: more blocked streams than promised is a connection error.
    if (this.blocked.size >= this.maxBlockedStreams) {
      throw new QpackError(QPACK_DECOMPRESSION_FAILED, `field section would block more than ${this.maxBlockedStreams} streams`);
    }
    this.blocked.set(streamId, { prefix, reader: new Reader(bytes.slice(r.offset), 0, bytes.length - r.offset, QPACK_DECOMPRESSION_FAILED) });
    return { blocked: true };
  }

  /**
   * RFC 9204 §2.2.2.2: the stream was reset or its reading abandoned before all its field
   * sections were decoded. Forgets a blocked section and tells the encoder.
   */
  streamCancelled(streamId: number): void {
    this.blocked.delete(streamId);
    // §2.2.2.2: with no dynamic table the encoder has no references to release.
    if (this.maxTableCapacity > 0) writeDecoderInstruction(this.decoderStream, { type: "stream_cancellation", streamId });
  }

  /** Octets waiting to be sent on the decoder stream; a caller that cannot send them can push back on the peer. */
  get pendingDecoderStreamBytes(): number {
    return this.decoderStream.length;
  }

  /**
   * Everything to send on this endpoint's decoder stream since the last call: Section
   * Acknowledgments and Stream Cancellations in order, then one Insert Count Increment for
   * inserts not yet acknowledged otherwise (§2.2.2.3 lets a decoder coalesce them).
   */
  takeDecoderStreamData(): Uint8Array {
    const increment = this.table.insertCount - this.knownReceivedCount;
    if (increment > 0) {
      writeDecoderInstruction(this.decoderStream, { type: "insert_count_increment", increment });
      this.knownReceivedCount = this.table.insertCount;
    }
    const data = this.decoderStream.toBytes();
    this.decoderStream.reset();
    return data;
  }

  /** The dynamic table as it stands. */
  snapshot(): DecoderTableState {
    const entries = [...this.table.entries()].map(([index, { name, value }]) => ({ index, name, value }));
    const { capacity, size, insertCount } = this.table;
    return { capacity, size, insertCount, knownReceivedCount: this.knownReceivedCount, entries };
  }

  private apply(instruction: EncoderInstruction): void {
    switch (instruction.type) {
      case "set_dynamic_table_capacity":
        // RFC 9204 §4.3.1: above the advertised maximum is an encoder stream error.
        if (instruction.capacity > this.maxTableCapacity) {
          throw new QpackError(QPACK_ENCODER_STREAM_ERROR, `capacity ${instruction.capacity} exceeds the maximum ${this.maxTableCapacity}`);
        }
        return this.table.setCapacity(instruction.capacity);
      case "insert_with_name_reference": {
        const name = instruction.isStatic ? staticField(instruction.nameIndex, QPACK_ENCODER_STREAM_ERROR).name : this.relative(instruction.nameIndex).name;
        return this.insert(dynamicEntry(name, instruction.value));
      }
      case "insert_with_literal_name":
        return this.insert(dynamicEntry(instruction.name, instruction.value));
      case "duplicate":
        return this.insert(this.relative(instruction.index));
    }
  }

  /** RFC 9204 §3.2.5: in encoder instructions, relative index 0 is the newest entry. */
  private relative(index: number): DynamicEntry {
    const entry = this.table.get(this.table.insertCount - 1 - index);
    // RFC 9204 §2.2.3: a reference to an evicted (or absent) entry on the encoder stream.
    if (entry === undefined) throw new QpackError(QPACK_ENCODER_STREAM_ERROR, `no dynamic table entry at relative index ${index}`);
    return entry;
  }

  private insert(entry: DynamicEntry): void {
    // RFC 9204 §3.2.2: an entry larger than the capacity is an encoder stream error.
    if (this.table.evictionsToFit(entry.size) === undefined) {
      throw new QpackError(QPACK_ENCODER_STREAM_ERROR, `entry of ${entry.size} octets exceeds the table capacity ${this.table.capacity}`);
    }
    this.table.insert(entry);
  }

  private decodeLines(streamId: number, prefix: FieldSectionPrefix, r: Reader): { fields: Field[] } | { tooLarge: true } {
    const fields = truncationFails(() => this.readLines(prefix, r));
    if (fields === undefined) return { tooLarge: true };
    // RFC 9204 §4.4.1: acknowledge sections that depended on the dynamic table.
    if (prefix.requiredInsertCount > 0) {
      writeDecoderInstruction(this.decoderStream, { type: "section_acknowledgment", streamId });
      this.knownReceivedCount = Math.max(this.knownReceivedCount, prefix.requiredInsertCount);
    }
    return { fields };
  }

  /** The section's field lines, or `undefined` once they exceed `maxFieldSectionSize`. */
  private readLines(prefix: FieldSectionPrefix, r: Reader): Field[] | undefined {
    const fields: Field[] = [];
    let size = 0;
    while (!r.done) {
      const line = readFieldLine(r, this.maxFieldSectionSize - size);
      if (line === undefined) return undefined;
      const field = this.resolve(line, prefix);
      size += field[0].length + field[1].length + ENTRY_OVERHEAD;
      if (size > this.maxFieldSectionSize) return undefined;
      fields.push(field);
    }
    return fields;
  }

  private resolve(line: FieldLineRepresentation, prefix: FieldSectionPrefix): Field {
    const { base } = prefix;
    switch (line.type) {
      case "indexed": {
        const { name, value } = line.isStatic ? staticField(line.index, QPACK_DECOMPRESSION_FAILED) : this.referenced(base - 1 - line.index, prefix);
        return [name, value];
      }
      case "indexed_post_base": {
        const { name, value } = this.referenced(base + line.index, prefix);
        return [name, value];
      }
      case "literal_with_name_reference": {
        const { name } = line.isStatic ? staticField(line.nameIndex, QPACK_DECOMPRESSION_FAILED) : this.referenced(base - 1 - line.nameIndex, prefix);
        return withNeverIndex(name, line.value, line.neverIndex);
      }
      case "literal_with_post_base_name_reference":
        return withNeverIndex(this.referenced(base + line.nameIndex, prefix).name, line.value, line.neverIndex);
      case "literal_with_literal_name":
        return withNeverIndex(line.name, line.value, line.neverIndex);
    }
  }

  /** RFC 9204 §2.2.3: a field line may only reference present entries below the Required Insert Count. */
  private referenced(index: number, prefix: FieldSectionPrefix): DynamicEntry {
    const entry = index >= 0 && index < prefix.requiredInsertCount ? this.table.get(index) : undefined;
    if (entry === undefined) {
      throw new QpackError(QPACK_DECOMPRESSION_FAILED, `invalid dynamic table reference to absolute index ${index}`);
    }
    return entry;
  }
}

function withNeverIndex(name: string, value: string, neverIndex: boolean): Field {
  return neverIndex ? [name, value, true] : [name, value];
}

/** RFC 9204 §3.1: an index past the static table is an error of the context's type. */
function staticField(index: number, errorCode: number): { name: string; value: string } {
  const entry = STATIC_TABLE[index];
  if (entry === undefined) throw new QpackError(errorCode, `static table index ${index} does not exist`);
  return { name: entry[0], value: entry[1] };
}

/** Runs `read` over a complete field section, where running out of bytes is malformed input. */
function truncationFails<T>(read: () => T): T {
  try {
    return read();
  } catch (e) {
    if (e instanceof WireError) throw new QpackError(QPACK_DECOMPRESSION_FAILED, `field section is truncated: ${e.message}`);
    throw e;
  }
}

function checkLimit(option: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new ZquicError("INVALID_OPTION", `QpackDecoder: ${option} must be a non-negative integer (got ${value})`);
  }
  return value;
}
