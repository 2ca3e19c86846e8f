import { expect, test } from "bun:test";
import { Annotations, messages, position } from "./annotations.ts";

test("position() prints line and 1-based column of a span's start", () => {
  expect(position("sum(sort(x))", { start: 4, end: 11 })).toBe("1:5");
  expect(position("a +\n  rate(x[5m])", { start: 6, end: 17 })).toBe("2:3");
  expect(position("x", { start: 0, end: 0 })).toBe("unknown position");
});

test("Annotations keeps each rendered message once, warnings apart from infos", () => {
  const a = new Annotations("rate(x[5m])");
  a.info(messages.possibleNonCounter("x"), { start: 5, end: 10 });
  a.info(messages.possibleNonCounter("x"), { start: 5, end: 10 });
  a.warn(messages.invalidQuantile(Number.NaN), { start: 0, end: 1 });
  expect(a.infos).toEqual([
    'PromQL info: metric might not be a counter, name does not end in _total/_sum/_count/_bucket: "x" (1:6)',
  ]);
  expect(a.warnings).toEqual([
    "PromQL warning: quantile value should be between 0 and 1, got NaN (1:1)",
  ]);
});

test("messages word the ratio warning as Prometheus does", () => {
  expect(messages.invalidRatio(1.1, 1)).toBe(
    "ratio value should be between -1 and 1, got 1.1, capping to 1",
  );
});
