import { expect, test } from "bun:test";
import { formatUnit, isUnit, type Unit } from "./units.ts";

test.each<[number, Unit, string]>([
  [1234.5678, "none", "1234.57"],
  [0.1 + 0.2, "none", "0.3"],
  [0, "short", "0"],
  [999, "short", "999"],
  [1500, "short", "1.5 K"],
  [2_500_000, "short", "2.5 Mil"],
  [-1500, "short", "-1.5 K"],
  [42.123, "percent", "42.1%"],
  [512, "bytes", "512 B"],
  [1536, "bytes", "1.5 KiB"],
  [5 * 1024 ** 3, "bytes", "5 GiB"],
  [0.25, "s", "250 ms"],
  [0.0000015, "s", "1.5 µs"],
  [30, "s", "30 s"],
  [90, "s", "1.5 min"],
  [7200, "s", "2 hour"],
  [172_800, "s", "2 day"],
  [12.5, "reqps", "12.5 req/s"],
  [12_000, "reqps", "12 K req/s"],
  [Number.NaN, "bytes", "NaN"],
  [Number.POSITIVE_INFINITY, "s", "+Inf"],
])("formatUnit(%p, %p) is %p", (v, unit, text) => {
  expect(formatUnit(v, unit)).toBe(text);
});

test("isUnit() knows the select's units and nothing else", () => {
  expect(isUnit("bytes")).toBe(true);
  expect(isUnit("furlongs")).toBe(false);
});
