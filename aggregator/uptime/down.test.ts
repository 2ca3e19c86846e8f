import { expect, test } from "bun:test";
import { downIntervals } from "./down.ts";

const s = (ms: number) => ms * 1000;

test.each([
  ["no failures give no interval", [1, 1, 1], []],
  ["a run of failures ends at the next success", [1, 0, 0, 1, 1], [[s(1), s(3), false]]],
  [
    "two runs stay two",
    [0, 1, 0, 0, 1],
    [
      [s(0), s(1), false],
      [s(2), s(4), false],
    ],
  ],
  ["a run still failing at the last probe is ongoing", [1, 1, 0, 0], [[s(2), s(3), true]]],
  ["one failure at the end is ongoing and empty", [1, 0], [[s(1), s(1), true]]],
  ["a NaN neither starts nor ends a run", [0, Number.NaN, 1], [[s(0), s(2), false]]],
] as const)("downIntervals(): %s", (_name, values, want) => {
  const timestamps = values.map((_, i) => s(i));
  const got = downIntervals(timestamps, values).map((d) => [d.startMs, d.endMs, d.ongoing]);
  expect(got).toEqual(want.map((w) => [...w]));
});

test("downIntervals() does not split a run across a gap without samples", () => {
  expect(downIntervals([0, 1000, 60_000, 61_000], [0, 0, 0, 1])).toEqual([
    { startMs: 0, endMs: 61_000, ongoing: false },
  ]);
});
