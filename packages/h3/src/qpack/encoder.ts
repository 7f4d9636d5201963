/**
 * RFC 9204 §2.1: the QPACK encoder, sans-I/O. It encodes field sections in a single pass
 * (the Appendix C algorithm), writes its encoder stream, and reads the peer's decoder
 * stream to learn what it may reference and evict.
 *
 * Rules it keeps:
 * - §2.1.1: it never evicts an entry that is unacknowledged or still referenced by an
 *   unacknowledged field section; and it stops referencing entries about to be evicted
 *   (the "draining" entries: those that a quarter of the capacity of new inserts would
 *   push out), duplicating them instead when they are still wanted, so evictions are
 *   rarely blocked.
 * - §2.1.2: at most SETTINGS_QPACK_BLOCKED_STREAMS streams have a field section that
 *   references entries the decoder has not acknowledged.
 * - §3.2.3: no instruction at all until the peer allows a dynamic table.
 *
 * @module
 */
import { Writer, ZquicError } from "@zquic/wire";
import { checkByteString } from "../byte-string.js";
import { H3ErrorCode, QpackError } from "../errors.js";
import { readDecoderInstruction, type DecoderInstruction } from "./decoder-instructions.js";
import { DynamicTable, dynamicEntry } from "./dynamic-table.js";
import { writeEncoderInstruction, type EncoderInstruction } from "./encoder-instructions.js";
import type { Field } from "./field.js";
import { writeFieldLine } from "./field-lines.js";
import { maxEntries, writeFieldSectionPrefix } from "./field-section-prefix.js";
import { defaultIndexingPolicy, type Indexing, type IndexingPolicy } from "./indexing-policy.js";
import { InstructionBuffer } from "./instruction-buffer.js";
import { findStaticField, findStaticName } from "./static-table.js";

const { QPACK_DECODER_STREAM_ERROR } = H3ErrorCode;

/** The peer decoder's QPACK settings (RFC 9204 §5). */
export interface QpackPeerSettings {
  /** SETTINGS_QPACK_MAX_TABLE_CAPACITY. */
  readonly maxTableCapacity: number;
  /** SETTINGS_QPACK_BLOCKED_STREAMS. */
  readonly blockedStreams: number;
}

/** How a {@link QpackEncoder} is configured. */
export interface QpackEncoderOptions {
  /** The dynamic table capacity this encoder wants (default 4096); it uses at most the peer's maximum. */
  readonly maxTableCapacity?: number;
  /** Huffman-code string literals when that is shorter (default `true`). */
  readonly huffman?: boolean;
  /** Which field lines to index; default {@link defaultIndexingPolicy}. */
  readonly indexingPolicy?: IndexingPolicy;
  /**
   * RFC 9204 §3.2.3: for a 0-RTT attempt, the peer's settings remembered from the connection
   * the session ticket came from; they apply until {@link QpackEncoder.applyPeerSettings}.
   */
  readonly rememberedPeerSettings?: QpackPeerSettings;
}

/** The state of an encoder's dynamic table, for logs and tests. */
export interface EncoderTableState {
  readonly capacity: number;
  readonly size: number;
  readonly insertCount: number;
  /** RFC 9204 §2.1.4: inserts the decoder has acknowledged; entries below it are "acknowledged". */
  readonly knownReceivedCount: number;
  /** Streams that could become blocked at the decoder (§2.1.2). */
  readonly blockingStreams: number;
  /** Present entries, oldest first, with the number of unacknowledged sections referencing each. */
  readonly entries: readonly {
    readonly index: number;
    readonly name: string;
    readonly value: string;
    readonly references: number;
  }[];
}

/** An encoded field section whose acknowledgment is outstanding. */
interface Section {
  readonly requiredInsertCount: number;
  /** Absolute indices it references, each once. */
  readonly references: readonly number[];
}

/** The field section being encoded. */
interface SectionInProgress {
  readonly base: number;
  /** Whether it may reference entries the decoder has not acknowledged (§2.1.2). */
  readonly mayBlock: boolean;
  requiredInsertCount: number;
  readonly references: number[];
}

/** A QPACK encoder for one HTTP/3 connection. */
export class QpackEncoder {
  private readonly wantedCapacity: number;
  private readonly huffman: boolean;
  private readonly policy: IndexingPolicy;
  private readonly remembered: QpackPeerSettings | undefined;
  private peer: QpackPeerSettings;
  private peerSettingsApplied = false;
  private entries: number;
  private readonly table = new DynamicTable();
  private knownReceivedCount = 0;
  /** Unacknowledged sections referencing each entry, by absolute index (absent: none). */
  private readonly referenceCounts = new Map<number, number>();
  private readonly outstanding = new Map<number, Section[]>();
  /** The newest entry for each name and value, and for each name (§2.1.1.1: prefer the newest). */
  private readonly exactIndex = new Map<string, Map<string, number>>();
  private readonly nameIndex = new Map<string, number>();
  private drainingIndexCache = { insertCount: -1, index: 0 };
  private readonly encoderStream = new Writer(256);
  private readonly decoderStream = new InstructionBuffer(QPACK_DECODER_STREAM_ERROR);
  private readonly lines = new Writer(512);
  private readonly prefix = new Writer(16);

  constructor(options: QpackEncoderOptions = {}) {
    this.wantedCapacity = checkLimit("maxTableCapacity", options.maxTableCapacity ?? 4096);
    this.huffman = options.huffman ?? true;
    this.policy = options.indexingPolicy ?? defaultIndexingPolicy;
    this.remembered = options.rememberedPeerSettings && checkPeerSettings(options.rememberedPeerSettings);
    this.peer = this.remembered ?? { maxTableCapacity: 0, blockedStreams: 0 };
    this.entries = maxEntries(this.peer.maxTableCapacity);
  }

  /**
   * Applies the peer's SETTINGS (once per connection). Throws a QPACK_DECODER_STREAM_ERROR
   * {@link QpackError} if 0-RTT settings were remembered with a non-zero table capacity and
   * the peer now states another (RFC 9204 §3.2.3).
   */
  applyPeerSettings(settings: QpackPeerSettings): void {
    if (this.peerSettingsApplied) throw new ZquicError("SETTINGS_ALREADY_APPLIED", "QpackEncoder: the peer's SETTINGS arrive once; apply them once");
    checkPeerSettings(settings);
    const remembered = this.remembered?.maxTableCapacity ?? 0;
    if (remembered !== 0 && settings.maxTableCapacity !== remembered) {
      throw new QpackError(QPACK_DECODER_STREAM_ERROR, `peer changed SETTINGS_QPACK_MAX_TABLE_CAPACITY from the remembered ${remembered} to ${settings.maxTableCapacity}`);
    }
    this.peerSettingsApplied = true;
    this.peer = settings;
    this.entries = maxEntries(settings.maxTableCapacity);
  }

  /**
   * Encodes the field section of a HEADERS or PUSH_PROMISE frame for `streamId`, writing
   * any table inserts to the encoder stream ({@link takeEncoderStreamData}). Names and
   * values are byte strings; a line whose third element is `true` is sent as a
   * never-indexed literal. Throws a `ZquicError` (code `NOT_A_BYTE_STRING`) for a character
   * above U+00FF, before changing any state.
   */
  encodeFieldSection(streamId: number, fields: readonly Field[]): Uint8Array {
    for (const [name, value] of fields) {
      checkByteString(name);
      checkByteString(value);
    }
    const section: SectionInProgress = {
      base: this.table.insertCount,
      mayBlock: this.isBlocking(streamId) || this.blockingStreamCount() < this.peer.blockedStreams,
      requiredInsertCount: 0,
      references: [],
    };
    const lines = this.lines.reset();
    for (const field of fields) this.encodeField(section, field, lines);

    const { requiredInsertCount, base, references } = section;
    writeFieldSectionPrefix(this.prefix.reset(), { requiredInsertCount, base }, this.entries);
    const out = new Uint8Array(this.prefix.length + lines.length);
    out.set(this.prefix.view());
    out.set(lines.view(), this.prefix.length);
    if (requiredInsertCount > 0) {
      const sections = this.outstanding.get(streamId);
      if (sections === undefined) this.outstanding.set(streamId, [{ requiredInsertCount, references }]);
      else sections.push({ requiredInsertCount, references });
    }
    return out;
  }

  /**
   * Inserts `name: value` into the dynamic table now, without encoding a section (RFC 9204
   * Appendix B.3, a "speculative insert"); an identical entry is duplicated (§4.3.4).
   * Returns false when the table cannot take it: no dynamic table yet, too large, or
   * §2.1.1 forbids the evictions it needs.
   */
  insert(name: string, value: string): boolean {
    checkByteString(name);
    checkByteString(value);
    return this.tryInsert(name, value) !== undefined;
  }

  /**
   * Processes bytes from the peer's decoder stream (split anywhere). Throws a
   * QPACK_DECODER_STREAM_ERROR {@link QpackError} for an instruction that no decoder of
   * this encoder's output could send.
   */
  handleDecoderStreamData(bytes: Uint8Array): void {
    this.decoderStream.feed(bytes, readDecoderInstruction, (instruction) => this.apply(instruction));
  }

  /** Everything to send on this endpoint's encoder stream since the last call. */
  takeEncoderStreamData(): Uint8Array {
    const data = this.encoderStream.toBytes();
    this.encoderStream.reset();
    return data;
  }

  /** The dynamic table as it stands. */
  snapshot(): EncoderTableState {
    const entries = [...this.table.entries()].map(([index, { name, value }]) => ({
      index,
      name,
      value,
      references: this.referenceCounts.get(index) ?? 0,
    }));
    const { capacity, size, insertCount } = this.table;
    return { capacity, size, insertCount, knownReceivedCount: this.knownReceivedCount, blockingStreams: this.blockingStreamCount(), entries };
  }

  /** The dynamic table capacity this encoder uses: its wish, within the peer's maximum (§3.2.3). */
  private get capacity(): number {
    return Math.min(this.wantedCapacity, this.peer.maxTableCapacity);
  }

  private encodeField(section: SectionInProgress, [name, value, sensitive]: Field, w: Writer): void {
    const indexing: Indexing = sensitive === true ? "never-index" : this.policy(name, value, this.capacity);
    if (indexing !== "never-index") {
      const staticIndex = findStaticField(name, value);
      if (staticIndex !== undefined) return writeFieldLine(w, { type: "indexed", isStatic: true, index: staticIndex }, this.huffman);
      const index = this.fieldIndex(section, name, value, indexing);
      if (index !== undefined) return this.writeIndexed(section, index, w);
    }
    this.writeLiteral(section, name, value, indexing === "never-index", w);
  }

  /**
   * The entry to reference for `name: value`, inserting one if `indexing` allows and no
   * live entry exists; `undefined` for a literal.
   */
  private fieldIndex(section: SectionInProgress, name: string, value: string, indexing: Indexing): number | undefined {
    const existing = this.live(this.exactIndex.get(name)?.get(value));
    if (existing !== undefined && existing >= this.drainingIndex()) {
      // An entry the decoder has yet to acknowledge is not inserted again: wait for it.
      return this.referenceable(section, existing) ? existing : undefined;
    }
    if (indexing !== "index") return undefined;
    const inserted = this.tryInsert(name, value);
    return inserted !== undefined && this.referenceable(section, inserted) ? inserted : undefined;
  }

  private writeIndexed(section: SectionInProgress, index: number, w: Writer): void {
    this.reference(section, index);
    const line =
      index < section.base
        ? ({ type: "indexed", isStatic: false, index: section.base - 1 - index } as const)
        : ({ type: "indexed_post_base", index: index - section.base } as const);
    writeFieldLine(w, line, this.huffman);
  }

  private writeLiteral(section: SectionInProgress, name: string, value: string, neverIndex: boolean, w: Writer): void {
    const staticName = findStaticName(name);
    if (staticName !== undefined) {
      return writeFieldLine(w, { type: "literal_with_name_reference", neverIndex, isStatic: true, nameIndex: staticName, value }, this.huffman);
    }
    const named = this.live(this.nameIndex.get(name));
    if (named !== undefined && named >= this.drainingIndex() && this.referenceable(section, named)) {
      this.reference(section, named);
      const line =
        named < section.base
          ? ({ type: "literal_with_name_reference", neverIndex, isStatic: false, nameIndex: section.base - 1 - named, value } as const)
          : ({ type: "literal_with_post_base_name_reference", neverIndex, nameIndex: named - section.base, value } as const);
      return writeFieldLine(w, line, this.huffman);
    }
    writeFieldLine(w, { type: "literal_with_literal_name", neverIndex, name, value }, this.huffman);
  }

  /** RFC 9204 §2.1.2: acknowledged entries always; others only if the section may block. */
  private referenceable(section: SectionInProgress, index: number): boolean {
    return index < this.knownReceivedCount || section.mayBlock;
  }

  private reference(section: SectionInProgress, index: number): void {
    section.requiredInsertCount = Math.max(section.requiredInsertCount, index + 1);
    if (section.references.includes(index)) return;
    section.references.push(index);
    this.referenceCounts.set(index, (this.referenceCounts.get(index) ?? 0) + 1);
  }

  /** `index` if that entry is still in the table. */
  private live(index: number | undefined): number | undefined {
    return index !== undefined && index >= this.table.droppedCount ? index : undefined;
  }

  /**
   * RFC 9204 §2.1.1.1: the smallest absolute index the encoder still references. Entries
   * below it would be evicted by a quarter of the capacity of new inserts.
   */
  private drainingIndex(): number {
    const cache = this.drainingIndexCache;
    if (cache.insertCount === this.table.insertCount) return cache.index;
    const referenceable = this.table.capacity - Math.floor(this.table.capacity / 4);
    let index = this.table.insertCount;
    for (let bytes = 0; index > this.table.droppedCount; index--) {
      bytes += this.table.get(index - 1)!.size;
      if (bytes > referenceable) break;
    }
    this.drainingIndexCache = { insertCount: this.table.insertCount, index };
    return index;
  }

  /** Inserts `name: value` if §2.1.1 and §3.2.3 allow it, returning its absolute index. */
  private tryInsert(name: string, value: string): number | undefined {
    const capacity = this.capacity;
    if (capacity === 0) return undefined;
    if (this.table.capacity !== capacity) {
      // §3.2.2: the capacity starts at 0; it is set once, before the first insert.
      this.emit({ type: "set_dynamic_table_capacity", capacity });
      this.table.setCapacity(capacity);
      this.drainingIndexCache = { insertCount: -1, index: 0 };
    }
    const entry = dynamicEntry(name, value);
    const evictions = this.table.evictionsToFit(entry.size);
    if (evictions === undefined) return undefined;
    const dropped = this.table.droppedCount;
    for (let index = dropped; index < dropped + evictions; index++) {
      // §2.1.1: evictable means acknowledged and referenced by no outstanding section.
      if (index >= this.knownReceivedCount || this.referenceCounts.has(index)) return undefined;
    }
    this.emit(this.insertInstruction(name, value));
    for (let index = dropped; index < dropped + evictions; index++) this.forget(index);
    const index = this.table.insert(entry);
    let values = this.exactIndex.get(name);
    if (values === undefined) this.exactIndex.set(name, (values = new Map()));
    values.set(value, index);
    this.nameIndex.set(name, index);
    return index;
  }

  /**
   * The cheapest instruction that inserts `name: value`: Duplicate of an identical entry,
   * else a name reference (static first), else a literal name. References on the encoder
   * stream never block eviction (§2.1.1), so draining entries are fine here.
   */
  private insertInstruction(name: string, value: string): EncoderInstruction {
    const relative = (index: number): number => this.table.insertCount - 1 - index;
    const identical = this.live(this.exactIndex.get(name)?.get(value));
    if (identical !== undefined) return { type: "duplicate", index: relative(identical) };
    const staticName = findStaticName(name);
    if (staticName !== undefined) return { type: "insert_with_name_reference", isStatic: true, nameIndex: staticName, value };
    const named = this.live(this.nameIndex.get(name));
    if (named !== undefined) return { type: "insert_with_name_reference", isStatic: false, nameIndex: relative(named), value };
    return { type: "insert_with_literal_name", name, value };
  }

  /** Drops the lookups that point at entry `index`, which is about to be evicted. */
  private forget(index: number): void {
    const { name, value } = this.table.get(index)!;
    const values = this.exactIndex.get(name);
    if (values?.get(value) === index) values.delete(value);
    if (values?.size === 0) this.exactIndex.delete(name);
    if (this.nameIndex.get(name) === index) this.nameIndex.delete(name);
  }

  private emit(instruction: EncoderInstruction): void {
    writeEncoderInstruction(this.encoderStream, instruction, this.huffman);
  }

  private apply(instruction: DecoderInstruction): void {
    switch (instruction.type) {
      case "section_acknowledgment": {
        // §4.4.1: the earliest unacknowledged section on the stream; none is an error.
        const sections = this.outstanding.get(instruction.streamId);
        const section = sections?.shift();
        if (section === undefined) {
          throw new QpackError(QPACK_DECODER_STREAM_ERROR, `Section Acknowledgment for stream ${instruction.streamId}, which has no unacknowledged field section`);
        }
        if (sections!.length === 0) this.outstanding.delete(instruction.streamId);
        this.release(section);
        // §2.1.4: an acknowledged section proves its Required Insert Count was received.
        this.knownReceivedCount = Math.max(this.knownReceivedCount, section.requiredInsertCount);
        return;
      }
      case "stream_cancellation": {
        // §4.4.2: a stream with no outstanding sections is not an error.
        for (const section of this.outstanding.get(instruction.streamId) ?? []) this.release(section);
        this.outstanding.delete(instruction.streamId);
        return;
      }
      case "insert_count_increment": {
        // §4.4.3: zero, or beyond what was sent, is an error.
        const { increment } = instruction;
        if (increment === 0 || this.knownReceivedCount + increment > this.table.insertCount) {
          throw new QpackError(QPACK_DECODER_STREAM_ERROR, `Insert Count Increment of ${increment} with ${this.table.insertCount - this.knownReceivedCount} inserts unacknowledged`);
        }
        this.knownReceivedCount += increment;
        return;
      }
    }
  }

  private release(section: Section): void {
    for (const index of section.references) {
      const count = this.referenceCounts.get(index)! - 1;
      if (count === 0) this.referenceCounts.delete(index);
      else this.referenceCounts.set(index, count);
    }
  }

  /** §2.1.2: whether `streamId` has a section that references unacknowledged entries. */
  private isBlocking(streamId: number): boolean {
    return this.outstanding.get(streamId)?.some((s) => s.requiredInsertCount > this.knownReceivedCount) ?? false;
  }

  private blockingStreamCount(): number {
    let count = 0;
    for (const streamId of this.outstanding.keys()) if (this.isBlocking(streamId)) count++;
    return count;
  }
}

function checkLimit(option: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new ZquicError("INVALID_OPTION", `QpackEncoder: ${option} must be a non-negative integer (got ${value})`);
  }
  return value;
}

function checkPeerSettings(settings: QpackPeerSettings): QpackPeerSettings {
  checkLimit("maxTableCapacity", settings.maxTableCapacity);
  checkLimit("blockedStreams", settings.blockedStreams);
  return settings;
}
