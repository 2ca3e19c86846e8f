import { expect, test } from "bun:test";
import { formatValue, seriesName } from "./labels.ts";

test.each([
  [[{ name: "__name__", value: "up" }], "up"],
  [
    [
      { name: "__name__", value: "up" },
      { name: "job", value: "a" },
    ],
    'up{job="a"}',
  ],
  [[{ name: "mode", value: 'say "hi"' }], '{mode="say \\"hi\\""}'],
  [[], "{}"],
])("seriesName(%j) is %s", (labels, name) => {
  expect(seriesName(labels)).toBe(name);
});

test("formatValue() writes special values as Prometheus's JSON does", () => {
  expect([Number.NaN, Infinity, -Infinity, 0.1, 1e21].map(formatValue)).toEqual([
    "NaN",
    "+Inf",
    "-Inf",
    "0.1",
    "1e+21",
  ]);
});
