/**
 * The simulator's agenda: events ordered by virtual time.
 *
 * @module
 */

interface Entry<T> {
  readonly time: number;
  /** Insertion order; breaks ties so equal-time events come out first-in, first-out. */
  readonly sequence: number;
  readonly item: T;
}

function earlier<T>(a: Entry<T>, b: Entry<T>): boolean {
  return a.time < b.time || (a.time === b.time && a.sequence < b.sequence);
}

/**
 * A min-heap of items keyed by time. Items scheduled for the same time come
 * out in the order they were pushed, so a run never depends on heap layout.
 */
export class EventQueue<T> {
  private readonly heap: Entry<T>[] = [];
  private sequence = 0;

  /** How many events are waiting. */
  get size(): number {
    return this.heap.length;
  }

  /** The time of the earliest event, or `undefined` when empty. */
  peekTime(): number | undefined {
    return this.heap[0]?.time;
  }

  /** Schedules `item` at `time`. */
  push(time: number, item: T): void {
    const heap = this.heap;
    heap.push({ time, sequence: this.sequence++, item });
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!earlier(heap[i]!, heap[parent]!)) break;
      [heap[i], heap[parent]] = [heap[parent]!, heap[i]!];
      i = parent;
    }
  }

  /** Removes and returns the earliest event, or `undefined` when empty. */
  pop(): { readonly time: number; readonly item: T } | undefined {
    const heap = this.heap;
    const top = heap[0];
    const last = heap.pop();
    if (top === undefined || last === undefined) return undefined;
    if (heap.length > 0) this.siftDown(last);
    return { time: top.time, item: top.item };
  }

  /** Puts `entry` at the root and lets it sink to its place. */
  private siftDown(entry: Entry<T>): void {
    const heap = this.heap;
    heap[0] = entry;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let smallest = i;
      if (left < heap.length && earlier(heap[left]!, heap[smallest]!)) smallest = left;
      if (right < heap.length && earlier(heap[right]!, heap[smallest]!)) smallest = right;
      if (smallest === i) break;
      [heap[i], heap[smallest]] = [heap[smallest]!, heap[i]!];
      i = smallest;
    }
  }
}
