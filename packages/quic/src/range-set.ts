/**
 * A set of integers kept as sorted, disjoint, non-adjacent half-open ranges
 * `[start, end)`. It backs received packet numbers (ACK generation), received
 * stream bytes (reassembly) and acknowledged stream bytes (send side).
 *
 * @module
 */

/** A half-open interval `[start, end)`. */
export interface Interval {
  start: number;
  end: number;
}

/** Sorted disjoint intervals with O(log n) lookup and amortised cheap appends at the top. */
export class RangeSet {
  private readonly ranges: Interval[] = [];

  /** Number of disjoint ranges. */
  get count(): number {
    return this.ranges.length;
  }

  /** True when empty. */
  get empty(): boolean {
    return this.ranges.length === 0;
  }

  /** The smallest member, or undefined. */
  get min(): number | undefined {
    return this.ranges[0]?.start;
  }

  /** One past the largest member, or undefined. */
  get end(): number | undefined {
    return this.ranges[this.ranges.length - 1]?.end;
  }

  /** The range at `index` in ascending order. */
  at(index: number): Readonly<Interval> | undefined {
    return this.ranges[index];
  }

  /** Index of the first range whose end is ≥ `value` (the one that may contain or follow it). */
  private search(value: number): number {
    let lo = 0;
    let hi = this.ranges.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.ranges[mid]!.end < value) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** True when `value` is a member. */
  has(value: number): boolean {
    const range = this.ranges[this.search(value + 1)];
    return range !== undefined && range.start <= value && value < range.end;
  }

  /** True when every integer in `[start, end)` is a member. */
  covers(start: number, end: number): boolean {
    if (start >= end) return true;
    const range = this.ranges[this.search(start + 1)];
    return range !== undefined && range.start <= start && end <= range.end;
  }

  /**
   * Adds `[start, end)`. Returns the number of integers that were not already
   * members (so reassembly knows how many new bytes arrived).
   */
  add(start: number, end: number): number {
    if (start >= end) return 0;
    const ranges = this.ranges;
    // Fast path: appending at or adjacent to the top, the common case for in-order arrival.
    const last = ranges[ranges.length - 1];
    if (last === undefined || start > last.end) {
      ranges.push({ start, end });
      return end - start;
    }
    if (start >= last.start) {
      const added = Math.max(0, end - last.end);
      if (end > last.end) last.end = end;
      return added;
    }
    // General case: merge every range touching [start, end).
    let i = this.search(start);
    let added = end - start;
    let mergedStart = start;
    let mergedEnd = end;
    let j = i;
    while (j < ranges.length && ranges[j]!.start <= end) {
      const r = ranges[j]!;
      added -= Math.max(0, Math.min(r.end, end) - Math.max(r.start, start));
      mergedStart = Math.min(mergedStart, r.start);
      mergedEnd = Math.max(mergedEnd, r.end);
      j++;
    }
    ranges.splice(i, j - i, { start: mergedStart, end: mergedEnd });
    return added;
  }

  /** Removes `[start, end)`. */
  remove(start: number, end: number): void {
    if (start >= end) return;
    const ranges = this.ranges;
    let i = this.search(start + 1);
    while (i < ranges.length && ranges[i]!.start < end) {
      const r = ranges[i]!;
      if (r.start < start && r.end > end) {
        ranges.splice(i + 1, 0, { start: end, end: r.end });
        r.end = start;
        return;
      }
      if (r.start < start) {
        r.end = start;
        i++;
      } else if (r.end > end) {
        r.start = end;
        return;
      } else {
        ranges.splice(i, 1);
      }
    }
  }

  /** Removes every member below `value`. */
  removeBelow(value: number): void {
    const ranges = this.ranges;
    let drop = 0;
    while (drop < ranges.length && ranges[drop]!.end <= value) drop++;
    if (drop > 0) ranges.splice(0, drop);
    const first = ranges[0];
    if (first !== undefined && first.start < value) first.start = value;
  }

  /** Drops the lowest ranges until at most `limit` remain. */
  truncateToNewest(limit: number): void {
    if (this.ranges.length > limit) this.ranges.splice(0, this.ranges.length - limit);
  }

  /** Ranges in descending order (largest first), as ACK frames list them. */
  *descending(): IterableIterator<Readonly<Interval>> {
    for (let i = this.ranges.length - 1; i >= 0; i--) yield this.ranges[i]!;
  }

  /** Ranges in ascending order. */
  [Symbol.iterator](): IterableIterator<Readonly<Interval>> {
    return this.ranges[Symbol.iterator]();
  }

  /**
   * The first gap at or after `from` and below `limit`: the lowest `[start, end)`
   * not covered, or undefined when `[from, limit)` is fully covered.
   */
  firstGap(from: number, limit: number): Interval | undefined {
    let position = from;
    for (let i = this.search(from); i < this.ranges.length && position < limit; i++) {
      const r = this.ranges[i]!;
      if (r.start > position) return { start: position, end: Math.min(r.start, limit) };
      position = Math.max(position, r.end);
    }
    return position < limit ? { start: position, end: limit } : undefined;
  }

  clear(): void {
    this.ranges.length = 0;
  }
}
