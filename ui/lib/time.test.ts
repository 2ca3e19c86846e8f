import { expect, test } from "bun:test";
import { formatDuration, parseDuration, QUICK_RANGES, stepFor } from "./time.ts";

test.each([
  ["5m", 300_000],
  ["1h30m", 5_400_000],
  ["7d", 604_800_000],
  ["1w", 604_800_000],
  ["1m30s500ms", 90_500],
])("parseDuration(%p) is %p ms", (text, ms) => {
  expect(parseDuration(text)).toBe(ms);
});

test.each(["", "5", "m", "5x", "1h 2m", "0s", "-5m"])(
  "parseDuration(%p) refuses what is not a duration",
  (text) => {
    expect(parseDuration(text)).toBeUndefined();
  },
);

test("formatDuration() writes the shortest text that parses back to the same length", () => {
  for (const ms of [1, 999, 1_000, 90_000, 3_600_000, 5_400_500, 604_800_000 + 1_000]) {
    expect(parseDuration(formatDuration(ms))).toBe(ms);
  }
  expect(formatDuration(5_400_000)).toBe("1h30m");
});

test("every quick range parses, shortest first", () => {
  const ms = QUICK_RANGES.map((r) => parseDuration(r)!);
  expect(ms.every((m) => m > 0)).toBe(true);
  expect([...ms].sort((a, b) => a - b)).toEqual(ms);
});

test("stepFor() gives about 250 points in whole seconds, never under a second", () => {
  expect(stepFor(3_600_000)).toBe(14_000);
  expect(stepFor(60_000)).toBe(1_000);
  expect(stepFor(7 * 86_400_000)).toBe(2_419_000);
});
