import { expect, test } from "bun:test";
import {
  formatTime,
  isRelative,
  parseTimeExpr,
  storedTimeZone,
  toDateTimeInput,
} from "./timeexpr.ts";

// Wednesday 2026-11-25 13:45:30.500 UTC.
const NOW = Date.UTC(2026, 10, 25, 13, 45, 30, 500);

test.each<[string, boolean, number]>([
  ["now", false, NOW],
  ["now-6h", false, NOW - 6 * 3_600_000],
  ["now+15m", false, NOW + 15 * 60_000],
  ["now/d", false, Date.UTC(2026, 10, 25)],
  ["now/d", true, Date.UTC(2026, 10, 26) - 1],
  ["now-1d/d", false, Date.UTC(2026, 10, 24)],
  ["now-1d/d", true, Date.UTC(2026, 10, 25) - 1],
  ["now/w", false, Date.UTC(2026, 10, 23)],
  ["now-1M/M", false, Date.UTC(2026, 9, 1)],
  ["now/y", false, Date.UTC(2026, 0, 1)],
  ["now/h", false, Date.UTC(2026, 10, 25, 13)],
  ["2026-01-31 13:45", false, Date.UTC(2026, 0, 31, 13, 45)],
  ["2026-01-31T13:45:10", false, Date.UTC(2026, 0, 31, 13, 45, 10)],
  ["2026-01-31", false, Date.UTC(2026, 0, 31)],
  ["1700000000123", false, 1_700_000_000_123],
])("parseTimeExpr(%p, roundUp %p) in UTC", (text, roundUp, ms) => {
  expect(parseTimeExpr(text, NOW, "utc", roundUp)).toBe(ms);
});

test("parseTimeExpr() reads absolute times and rounds days in the browser's zone when local", () => {
  expect(parseTimeExpr("2026-01-31 13:45", NOW, "local")).toBe(
    new Date(2026, 0, 31, 13, 45).getTime(),
  );
  const day = new Date(NOW);
  expect(parseTimeExpr("now/d", NOW, "local")).toBe(
    new Date(day.getFullYear(), day.getMonth(), day.getDate()).getTime(),
  );
});

test.each(["", "yesterday", "now-6x", "now-h", "2026-13-01", "2026-02-30 10:00", "12345"])(
  "parseTimeExpr(%p) refuses with the text named",
  (text) => {
    expect(() => parseTimeExpr(text, NOW, "utc")).toThrow(`Cannot read the time "${text}"`);
  },
);

test("formatTime() writes what parseTimeExpr() reads back, in either zone", () => {
  for (const tz of ["utc", "local"] as const) {
    const text = formatTime(Date.UTC(2026, 0, 31, 13, 45, 10), tz);
    expect(parseTimeExpr(text, NOW, tz)).toBe(Date.UTC(2026, 0, 31, 13, 45, 10));
  }
  expect(formatTime(Date.UTC(2026, 0, 31, 3, 4, 5), "utc")).toBe("2026-01-31 03:04:05");
  expect(toDateTimeInput(Date.UTC(2026, 0, 31, 3, 4, 5), "utc")).toBe("2026-01-31T03:04:05");
});

test("isRelative() and storedTimeZone()", () => {
  expect(isRelative("now-1h")).toBe(true);
  expect(isRelative("1700000000000")).toBe(false);
  expect(storedTimeZone({ getItem: () => "utc" })).toBe("utc");
  expect(storedTimeZone({ getItem: () => null })).toBe("local");
});
