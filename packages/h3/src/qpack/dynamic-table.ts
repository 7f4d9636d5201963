/**
 * RFC 9204 §3.2: the dynamic table, a FIFO of field lines addressed by absolute index
 * (§3.2.4). The encoder and the decoder each keep one; this structure enforces only what
 * both share — sizes, capacity and eviction — and leaves the rules about *which* entries
 * may be evicted to the encoder.
 *
 * @module
 */

/** RFC 9204 §3.2.1: the octets an entry costs beyond its name and value. */
export const ENTRY_OVERHEAD = 32;

/** One dynamic table entry; `size` is name octets + value octets + 32. */
export interface DynamicEntry {
  readonly name: string;
  readonly value: string;
  readonly size: number;
}

/** An entry for `name: value` (byte strings), with its RFC 9204 §3.2.1 size. */
export function dynamicEntry(name: string, value: string): DynamicEntry {
  return { name, value, size: name.length + value.length + ENTRY_OVERHEAD };
}

/** A dynamic table: a ring of entries from absolute index `droppedCount` to `insertCount − 1`. */
export class DynamicTable {
  /** RFC 9204 §3.2.2: the upper limit on `size`; starts at 0. */
  capacity = 0;
  /** The sum of the entries' sizes. */
  size = 0;
  /** RFC 9204 §3.2.4: entries ever inserted — the absolute index the next entry gets. */
  insertCount = 0;
  private slots: (DynamicEntry | undefined)[] = new Array<DynamicEntry | undefined>(16);
  private head = 0;
  private count = 0;

  /** The absolute index of the oldest entry still present (entries below it were evicted). */
  get droppedCount(): number {
    return this.insertCount - this.count;
  }

  /** The entry with absolute index `index`, or `undefined` if it was evicted or never inserted. */
  get(index: number): DynamicEntry | undefined {
    const offset = index - this.droppedCount;
    if (offset < 0 || offset >= this.count) return undefined;
    return this.slots[(this.head + offset) & (this.slots.length - 1)];
  }

  /**
   * How many of the oldest entries must go so that an entry of `size` fits (§3.2.2), or
   * `undefined` when it is larger than the capacity.
   */
  evictionsToFit(size: number): number | undefined {
    if (size > this.capacity) return undefined;
    let evictions = 0;
    let remaining = this.size;
    while (remaining > this.capacity - size) remaining -= this.get(this.droppedCount + evictions++)!.size;
    return evictions;
  }

  /**
   * Evicts as §3.2.2 says and appends `entry`, returning its absolute index. The caller has
   * checked that it fits ({@link evictionsToFit}).
   */
  insert(entry: DynamicEntry): number {
    this.evictDownTo(this.capacity - entry.size);
    if (this.count === this.slots.length) this.grow();
    this.slots[(this.head + this.count) & (this.slots.length - 1)] = entry;
    this.count++;
    this.size += entry.size;
    return this.insertCount++;
  }

  /** Sets the capacity, evicting from the oldest end until the entries fit (§3.2.2). */
  setCapacity(capacity: number): void {
    this.capacity = capacity;
    this.evictDownTo(capacity);
  }

  /** The entries present, oldest first, with their absolute indices. */
  *entries(): IterableIterator<[index: number, entry: DynamicEntry]> {
    for (let index = this.droppedCount; index < this.insertCount; index++) yield [index, this.get(index)!];
  }

  private evictDownTo(target: number): void {
    while (this.size > target) {
      const entry = this.slots[this.head]!;
      this.slots[this.head] = undefined;
      this.head = (this.head + 1) & (this.slots.length - 1);
      this.count--;
      this.size -= entry.size;
    }
  }

  private grow(): void {
    const slots = new Array<DynamicEntry | undefined>(this.slots.length * 2);
    for (let i = 0; i < this.count; i++) slots[i] = this.slots[(this.head + i) & (this.slots.length - 1)];
    this.slots = slots;
    this.head = 0;
  }
}
