import { describe, expect, test } from "bun:test";
import type { SubqueryExpr } from "../parser/ast.ts";
import { num, sub } from "./testing.ts";
import { atTime, referenceSpan, subqueryGrid } from "./timing.ts";

const times = { start: 100_000, end: 200_000, step: 10_000, defaultSubqueryStep: 60_000 };

test("atTime() resolves @ start(), @ end() and absolute times", () => {
  expect(atTime(null, times)).toBeNull();
  expect(atTime({ kind: "start" }, times)).toBe(100_000);
  expect(atTime({ kind: "end" }, times)).toBe(200_000);
  expect(atTime({ kind: "timestamp", ms: 5 }, times)).toBe(5);
});

test("referenceSpan() shifts by the offset, or pins to @", () => {
  const grid = { start: 0, step: 10, n: 3 };
  expect(referenceSpan(grid, 5, null)).toEqual({ first: -5, last: 15 });
  expect(referenceSpan(grid, 5, 100)).toEqual({ first: 95, last: 95 });
});

describe("subqueryGrid()", () => {
  const cases: [string, SubqueryExpr, { start: number; step: number; n: number } | null][] = [
    // (1000s - 30s, 1000s] at 10s steps: 980, 990, 1000.
    [
      "aligns to multiples of the step, left-open",
      sub(num(1), 30_000, 10_000),
      { start: 980_000, step: 10_000, n: 3 },
    ],
    // (1000 - 3 - 30, 997] holds the multiples 970, 980, 990.
    [
      "applies the offset",
      sub(num(1), 30_000, 10_000, { offset: 3_000 }),
      { start: 970_000, step: 10_000, n: 3 },
    ],
    [
      "uses the default step for [range:]",
      sub(num(1), 120_000, 0),
      { start: 900_000, step: 60_000, n: 2 },
    ],
    [
      "pins to @",
      sub(num(1), 20_000, 10_000, { at: { kind: "timestamp", ms: 50_000 } }),
      { start: 40_000, step: 10_000, n: 2 },
    ],
    ["is empty when the span holds no step", sub(num(1), 1_000, 7_000), null],
  ];
  for (const [name, sq, want] of cases) {
    test(name, () => {
      expect(subqueryGrid({ start: 1_000_000, step: 1, n: 1 }, sq, times)).toEqual(want);
    });
  }
  test("covers every window of a range query's steps", () => {
    const grid = subqueryGrid({ start: 0, step: 60_000, n: 3 }, sub(num(1), 60_000, 30_000), times);
    expect(grid).toEqual({ start: -30_000, step: 30_000, n: 6 });
  });
});
