import { RangeSet } from "../range-set.js";

/**
 * The receiving half of an ordered byte stream (RFC 9000 §2.2): frames arrive
 * at any offset, possibly overlapping or repeated; the reader gets the bytes in
 * order, once. STREAM and CRYPTO frames both use it. The number of stored
 * fragments is bounded so a peer cannot make tiny gaps grow memory unboundedly.
 */
export class Reassembly {
  private readonly received = new RangeSet();
  /** Stored fragments, sorted by offset, disjoint; each holds only bytes not stored before. */
  private readonly fragments: { offset: number; data: Uint8Array }[] = [];
  /** Offset of the next byte the reader gets. */
  readOffset = 0;
  /** Highest offset received (end of the furthest byte). */
  highest = 0;

  constructor(private readonly maxFragments: number) {}

  /** Bytes readable in order right now. */
  get readable(): number {
    const first = this.received.at(0);
    return first !== undefined && first.start <= this.readOffset ? first.end - this.readOffset : 0;
  }

  /** Bytes held (received and not yet read). */
  get bufferedBytes(): number {
    let total = 0;
    for (const fragment of this.fragments) total += fragment.data.length;
    return total;
  }

  /**
   * Stores the part of `data` at `offset` that is new. Returns the number of new
   * bytes, or -1 when storing it would exceed the fragment limit (nothing is stored).
   */
  insert(offset: number, data: Uint8Array): number {
    const end = offset + data.length;
    if (end > this.highest) this.highest = end;
    const start = Math.max(offset, this.readOffset);
    if (start >= end) return 0;
    // In-order arrival: nothing is stored at or above `start`, so all of it is new.
    if (start >= (this.received.end ?? start)) {
      if (this.fragments.length >= this.maxFragments) return -1;
      this.fragments.push({ offset: start, data: start === offset ? data : data.subarray(start - offset) });
      return this.received.add(start, end);
    }
    const gaps: { start: number; end: number }[] = [];
    for (let position = start; position < end; ) {
      const gap = this.received.firstGap(position, end);
      if (gap === undefined) break;
      gaps.push(gap);
      position = gap.end;
    }
    if (gaps.length === 0) return 0;
    if (this.fragments.length + gaps.length > this.maxFragments) return -1;
    let added = 0;
    for (const gap of gaps) {
      this.store(gap.start, data.subarray(gap.start - offset, gap.end - offset));
      added += this.received.add(gap.start, gap.end);
    }
    return added;
  }

  private store(offset: number, data: Uint8Array): void {
    const fragments = this.fragments;
    let i = fragments.length;
    while (i > 0 && fragments[i - 1]!.offset > offset) i--;
    fragments.splice(i, 0, { offset, data });
  }

  /** Up to `maxBytes` in-order bytes (a view when they sit in one fragment), or undefined. */
  read(maxBytes = Infinity): Uint8Array | undefined {
    const first = this.fragments[0];
    if (first === undefined || first.offset !== this.readOffset || maxBytes <= 0) return undefined;
    if (first.data.length <= maxBytes) {
      this.fragments.shift();
      this.readOffset += first.data.length;
      this.received.removeBelow(this.readOffset);
      return first.data;
    }
    const part = first.data.subarray(0, maxBytes);
    this.fragments[0] = { offset: first.offset + maxBytes, data: first.data.subarray(maxBytes) };
    this.readOffset += maxBytes;
    this.received.removeBelow(this.readOffset);
    return part;
  }

  /** Discards everything held (the stream was reset or the reader stopped). Returns the bytes dropped. */
  discard(): number {
    const dropped = this.bufferedBytes;
    this.fragments.length = 0;
    this.received.clear();
    this.readOffset = this.highest;
    return dropped;
  }
}
