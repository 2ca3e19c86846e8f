import { expect, test } from "bun:test";
import { describeRange, parseTime, resolveRange } from "./timerange.ts";

const NOW = Date.UTC(2026, 10, 23, 15, 42, 10, 500);

test("parseTime() reads Grafana's relative expressions", () => {
  const cases: [string, boolean, number][] = [
    ["now", false, NOW],
    ["now-24h", false, NOW - 86_400_000],
    ["now+5m", false, NOW + 300_000],
    ["now/d", false, Date.UTC(2026, 10, 23)],
    ["now/d", true, Date.UTC(2026, 10, 24) - 1],
    ["now-1d/d", false, Date.UTC(2026, 10, 22)],
    ["now/M", false, Date.UTC(2026, 10, 1)],
    ["now-1y/y", false, Date.UTC(2025, 0, 1)],
    ["now/h", false, Date.UTC(2026, 10, 23, 15)],
    ["1700000000000", false, 1_700_000_000_000],
  ];
  for (const [text, up, want] of cases)
    expect([text, parseTime(text, NOW, up, true)]).toEqual([text, want]);
});

test("parseTime() refuses what is not a time", () => {
  expect(parseTime("now-5x", NOW)).toBeUndefined();
  expect(parseTime("yesterday", NOW)).toBeUndefined();
});

test("resolveRange() names the bad expression", () => {
  expect(() => resolveRange({ from: "now-1q", to: "now" }, NOW)).toThrow('"now-1q" is not a time');
});

test("describeRange() says Last for a range ending now", () => {
  expect(describeRange({ from: "now-24h", to: "now" })).toBe("Last 24h");
  expect(describeRange({ from: "now/d", to: "now/d" })).toBe("now/d → now/d");
});
