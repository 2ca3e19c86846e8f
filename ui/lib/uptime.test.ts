import { expect, test } from "bun:test";
import {
  certExpiry,
  DAY_MS,
  formatSla,
  humanDuration,
  readSlaDecimals,
  readTarget,
  windowName,
  writeTarget,
} from "./uptime.ts";

test("a target's labels survive the URL's target parameter, quotes and commas too", () => {
  const labels = [
    { name: "instance", value: 'http://a:1/?x="y",z' },
    { name: "job", value: "web" },
  ];
  expect(readTarget(writeTarget(labels))).toEqual(labels);
  expect(readTarget("job=web")).toBeUndefined();
  expect(readTarget("{}")).toBeUndefined();
});

test("formatSla() prints a percentage with 3 decimals and a dash for NaN", () => {
  expect(formatSla(0.99951)).toBe("99.951%");
  expect(formatSla(1)).toBe("100.000%");
  expect(formatSla(Number.NaN)).toBe("—");
});

test("windowName() and humanDuration() read as people write them", () => {
  expect([DAY_MS, 7 * DAY_MS, 90 * DAY_MS, 365 * DAY_MS].map(windowName)).toEqual([
    "24h",
    "7d",
    "90d",
    "1y",
  ]);
  expect(humanDuration(3 * DAY_MS + 4 * 3_600_000 + 5000)).toBe("3d 4h");
  expect(humanDuration(125_000)).toBe("2m 5s");
  expect(humanDuration(850)).toBe("850ms");
});

test("certExpiry() is amber under 14 days, red under 3, and says when it has expired", () => {
  const now = 1_000 * DAY_MS;
  expect(certExpiry(0, now)).toBeUndefined();
  expect(certExpiry(now + 30 * DAY_MS, now)).toEqual({ text: "30 days", color: undefined });
  expect(certExpiry(now + 13 * DAY_MS, now)?.color).toBe("orange");
  expect(certExpiry(now + 2 * DAY_MS + 5, now)).toEqual({ text: "2 days", color: "red" });
  expect(certExpiry(now - DAY_MS, now)?.text).toBe("expired 1d ago");
});

test("formatSla() takes the decimals asked for", () => {
  expect(formatSla(0.999512, 2)).toBe("99.95%");
  expect(formatSla(0.999512, 5)).toBe("99.95120%");
});

test.each([
  [null, 3],
  ["2", 2],
  ["5", 5],
  ["6", 3],
  ["1", 3],
  ["x", 3],
  ["3.5", 3],
])("readSlaDecimals(%p) is %p", (stored, want) => {
  expect(readSlaDecimals(stored)).toBe(want);
});
