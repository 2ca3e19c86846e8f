import { describe, expect, test } from "bun:test";
import { Head } from "./head.ts";
import { makeBatch, type TestSample } from "./testing.ts";

const T0 = 1_700_000_000_000;
const series = [["__name__", "m", "i", "0"]];
const ALL = { start: Number.NEGATIVE_INFINITY, end: Number.POSITIVE_INFINITY };

async function timesAndValues(head: Head): Promise<[number[], number[]]> {
  const q = await head.querier();
  const [s] = await q.select([], ALL);
  return [Array.from(s.timestamps), Array.from(s.values)];
}

/** Samples at T0 + step·k for k in [from, to), valued k·1.5 (plus `shift` to the time). */
function run(from: number, to: number, step: number, shift = 0): TestSample[] {
  return Array.from({ length: to - from }, (_, j) => [
    0,
    T0 + (from + j) * step + shift,
    (from + j) * 1.5,
  ]);
}

describe("out-of-order samples", () => {
  // [what, in-order samples first, late samples after]
  const cases: [string, TestSample[], TestSample[]][] = [
    ["fill a closed chunk until it splits", run(0, 360, 10), run(0, 200, 10, 5)],
    ["fill the open chunk until it splits", run(0, 250, 10), run(130, 250, 10, 5)],
    ["land before the first sample held", run(100, 300, 10), run(0, 100, 10)],
    ["arrive newest first", [], run(0, 400, 10).reverse()],
  ];
  for (const [what, first, late] of cases) {
    test(`samples that ${what} come back sorted and complete`, async () => {
      const head = new Head();
      head.append(makeBatch(series, first), 1);
      for (let i = 0; i < late.length; i += 7)
        head.append(makeBatch(series, late.slice(i, i + 7)), 2);
      const expected = [...first, ...late].sort((a, b) => a[1] - b[1]);
      const [times, values] = await timesAndValues(head);
      expect(times).toEqual(expected.map((s) => s[1]));
      expect(values).toEqual(expected.map((s) => s[2] as number));
      expect(head.stats().samples).toBe(expected.length);
      // Appending in order afterwards still works.
      const next = T0 + 1_000_000;
      head.append(makeBatch(series, [[0, next, 7]]), 3);
      expect((await timesAndValues(head))[0].at(-1)).toBe(next);
    });
  }
});
