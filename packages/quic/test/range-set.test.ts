import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { RangeSet } from "../src/range-set.js";

/** A plain Set model to check RangeSet against. */
function members(set: RangeSet): number[] {
  const out: number[] = [];
  for (const r of set) for (let i = r.start; i < r.end; i++) out.push(i);
  return out;
}

describe("RangeSet", () => {
  it("merges adjacent and overlapping ranges", () => {
    const s = new RangeSet();
    expect(s.add(0, 5)).toBe(5);
    expect(s.add(10, 15)).toBe(5);
    expect(s.add(5, 10)).toBe(5);
    expect(s.count).toBe(1);
    expect(s.add(3, 12)).toBe(0);
    expect(s.has(14)).toBe(true);
    expect(s.has(15)).toBe(false);
  });

  it("behaves like a set of integers under random add/remove/removeBelow", () => {
    const op = fc.oneof(
      fc.tuple(fc.constant("add" as const), fc.nat(200), fc.nat(20)),
      fc.tuple(fc.constant("remove" as const), fc.nat(200), fc.nat(20)),
      fc.tuple(fc.constant("below" as const), fc.nat(200), fc.constant(0)),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 60 }), (ops) => {
        const set = new RangeSet();
        const model = new Set<number>();
        for (const [kind, a, len] of ops) {
          if (kind === "add") {
            let fresh = 0;
            for (let i = a; i < a + len; i++) if (!model.has(i)) (model.add(i), fresh++);
            expect(set.add(a, a + len)).toBe(fresh);
          } else if (kind === "remove") {
            for (let i = a; i < a + len; i++) model.delete(i);
            set.remove(a, a + len);
          } else {
            for (const m of [...model]) if (m < a) model.delete(m);
            set.removeBelow(a);
          }
          expect(members(set)).toEqual([...model].sort((x, y) => x - y));
          // Disjoint and non-adjacent.
          let previousEnd = -1;
          for (const r of set) {
            expect(r.start).toBeGreaterThan(previousEnd);
            expect(r.end).toBeGreaterThan(r.start);
            previousEnd = r.end;
          }
        }
        for (let probe = 0; probe < 230; probe += 7) expect(set.has(probe)).toBe(model.has(probe));
        const gap = set.firstGap(0, 230);
        const firstMissing = [...Array(230).keys()].find((i) => !model.has(i));
        expect(gap?.start).toBe(firstMissing);
      }),
    );
  });
});
