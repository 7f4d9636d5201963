/**
 * The endpoint's timers: one deadline per connection in a binary min-heap,
 * so finding the earliest and the due ones costs O(log n) rather than a walk
 * over every connection. A changed deadline is pushed anew and the old entry
 * is skipped when it surfaces; the heap is rebuilt when stale entries
 * outnumber live ones.
 *
 * @module
 */

interface Entry<T> {
  readonly at: number;
  readonly item: T;
}

/** Deadlines of items, the earliest first. */
export class TimerQueue<T> {
  private heap: Entry<T>[] = [];
  private readonly deadlines = new Map<T, number>();

  /** Sets (or, with `undefined`, clears) the deadline of `item`. */
  set(item: T, at: number | undefined): void {
    if (at === undefined) {
      this.deadlines.delete(item);
      return;
    }
    if (this.deadlines.get(item) === at) return;
    this.deadlines.set(item, at);
    this.push({ at, item });
    if (this.heap.length > 2 * this.deadlines.size + 64) this.rebuild();
  }

  /** The earliest deadline, if any. */
  earliest(): number | undefined {
    this.dropStale();
    return this.heap[0]?.at;
  }

  /** Removes and returns the items whose deadline is at or before `now`. */
  takeDue(now: number): T[] {
    const due: T[] = [];
    for (let top = this.heap[0]; top !== undefined && top.at <= now; top = this.heap[0]) {
      this.pop();
      if (this.deadlines.get(top.item) === top.at) {
        this.deadlines.delete(top.item);
        due.push(top.item);
      }
    }
    return due;
  }

  private dropStale(): void {
    for (let top = this.heap[0]; top !== undefined && this.deadlines.get(top.item) !== top.at; top = this.heap[0]) this.pop();
  }

  private rebuild(): void {
    this.heap = [];
    for (const [item, at] of this.deadlines) this.push({ at, item });
  }

  private push(entry: Entry<T>): void {
    const heap = this.heap;
    let index = heap.length;
    heap.push(entry);
    while (index > 0) {
      const parent = (index - 1) >> 1;
      if (heap[parent]!.at <= entry.at) break;
      heap[index] = heap[parent]!;
      index = parent;
    }
    heap[index] = entry;
  }

  private pop(): void {
    const heap = this.heap;
    const last = heap.pop()!;
    if (heap.length === 0) return;
    let index = 0;
    for (;;) {
      const left = 2 * index + 1;
      if (left >= heap.length) break;
      const right = left + 1;
      const child = right < heap.length && heap[right]!.at < heap[left]!.at ? right : left;
      if (heap[child]!.at >= last.at) break;
      heap[index] = heap[child]!;
      index = child;
    }
    heap[index] = last;
  }
}
