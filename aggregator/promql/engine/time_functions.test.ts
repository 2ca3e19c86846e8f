import { describe, expect, test } from "bun:test";
import { DATE_FUNCTIONS } from "./time_functions.ts";

describe("DATE_FUNCTIONS", () => {
  // 2006-01-02 22:04:05 UTC (a Monday), 2016-02-29, 2016-12-31 (leap years), and before 1970.
  const cases: [string, number, number][] = [
    ["year", 1136239445, 2006],
    ["month", 1136239445, 1],
    ["day_of_month", 1136239445, 2],
    ["day_of_year", 1136239445, 2],
    ["day_of_week", 1136239445, 1],
    ["hour", 1136239445, 22],
    ["minute", 1136239445, 4],
    ["days_in_month", 1456790399, 29],
    ["day_of_year", 1483228799, 366],
    ["days_in_month", 1485907200, 28],
    ["year", -1, 1969],
    ["day_of_week", -1, 3],
    ["hour", -1, 23],
    ["year", Number.NaN, Number.NaN],
  ];
  for (const [name, seconds, want] of cases) {
    test(`${name}(${seconds}) is ${want}`, () => expect(DATE_FUNCTIONS[name](seconds)).toBe(want));
  }
});
