import { describe, expect, it } from "vitest";
import { EventQueue, SeededRandom } from "@zquic/sim";

function drain<T>(queue: EventQueue<T>): { time: number; item: T }[] {
  const out: { time: number; item: T }[] = [];
  for (let next = queue.pop(); next !== undefined; next = queue.pop()) out.push(next);
  return out;
}

describe("EventQueue", () => {
  it("is empty at first", () => {
    const queue = new EventQueue<string>();
    expect(queue.size).toBe(0);
    expect(queue.peekTime()).toBeUndefined();
    expect(queue.pop()).toBeUndefined();
  });

  it("pops in time order", () => {
    const queue = new EventQueue<number>();
    for (const t of [5, 1, 4, 2, 3, 0.5]) queue.push(t, t);
    expect(queue.peekTime()).toBe(0.5);
    expect(drain(queue).map((e) => e.item)).toEqual([0.5, 1, 2, 3, 4, 5]);
  });

  it("breaks ties by insertion order", () => {
    const queue = new EventQueue<string>();
    queue.push(2, "c");
    queue.push(1, "a");
    queue.push(2, "d");
    queue.push(1, "b");
    queue.push(2, "e");
    expect(drain(queue).map((e) => e.item)).toEqual(["a", "b", "c", "d", "e"]);
  });

  it("agrees with a first-in, first-out list per time over many interleaved pushes and pops", () => {
    const random = new SeededRandom(11);
    const queue = new EventQueue<number>();
    const buckets: number[][] = Array.from({ length: 50 }, () => []); // few distinct times: many ties
    const popped: { time: number; item: number }[] = [];
    const expected: { time: number; item: number }[] = [];
    let size = 0;
    for (let i = 0; i < 5000; i++) {
      if (random.bool(0.6) || size === 0) {
        const time = random.int(50);
        queue.push(time, i);
        buckets[time]!.push(i);
        size++;
      } else {
        popped.push(queue.pop()!);
        const time = buckets.findIndex((bucket) => bucket.length > 0);
        expected.push({ time, item: buckets[time]!.shift()! });
        size--;
      }
    }
    expect(queue.size).toBe(size);
    expect(popped).toEqual(expected);
  });
});
