import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { TimerQueue } from "../src/timer-queue.js";

describe("TimerQueue", () => {
  it("keeps the latest deadline per item and hands out exactly the due ones, earliest first", () =>
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 20 }), fc.option(fc.integer({ min: 0, max: 1000 }), { nil: undefined })), { maxLength: 300 }),
        fc.integer({ min: 0, max: 1000 }),
        (updates, now) => {
          const queue = new TimerQueue<number>();
          const model = new Map<number, number>();
          for (const [item, at] of updates) {
            queue.set(item, at);
            if (at === undefined) model.delete(item);
            else model.set(item, at);
          }
          const deadlines = [...model.values()];
          expect(queue.earliest()).toBe(deadlines.length === 0 ? undefined : Math.min(...deadlines));
          const due = queue.takeDue(now);
          expect(new Set(due)).toEqual(new Set([...model].filter(([, at]) => at <= now).map(([item]) => item)));
          expect(due.length).toBe(new Set(due).size);
          const dueTimes = due.map((item) => model.get(item)!);
          expect([...dueTimes].sort((a, b) => a - b)).toEqual(dueTimes);
          const rest = [...model].filter(([, at]) => at > now).map(([, at]) => at);
          expect(queue.earliest()).toBe(rest.length === 0 ? undefined : Math.min(...rest));
        },
      ),
    ));
});
