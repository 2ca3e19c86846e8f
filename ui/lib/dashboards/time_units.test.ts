import { expect, test } from "bun:test";
import { tickLabels } from "./time_units.ts";

// Local times of the test's zone: the labels are read back with the same Date methods.
const at = (h: number, m: number, s = 0) => new Date(2026, 10, 28, h, m, s).getTime() / 1000;

test("tickLabels() shows seconds when ticks are under a minute apart, minutes otherwise", () => {
  const every30s = [0, 30, 60, 90].map((d) => at(16, 36) + d);
  expect(tickLabels(every30s[0], every30s[3], every30s)).toEqual([
    "16:36:00",
    "16:36:30",
    "16:37:00",
    "16:37:30",
  ]);
  const everyMinute = [0, 60, 120].map((d) => at(16, 36) + d);
  expect(tickLabels(everyMinute[0], everyMinute[2], everyMinute)).toEqual([
    "16:36",
    "16:37",
    "16:38",
  ]);
  const days = [at(0, 0), at(0, 0) + 86400 * 3];
  expect(tickLabels(days[0], days[1], days)).toEqual(["11/28 00:00", "12/01 00:00"]);
});
