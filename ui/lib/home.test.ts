import { expect, test } from "bun:test";
import { agentsSeen, countBySeverity, countOf, formatFigure } from "./home.ts";

test.each([
  [undefined, "", "—"],
  [Number.NaN, "/s", "—"],
  [0, "/s", "0/s"],
  [12.345, "/s", "12.3/s"],
  [1234, "/s", "1.23k/s"],
  [45_600_000, "", "45.6M"],
  [512, "bytes", "512 B"],
  [1536, "bytes", "1.5 KiB"],
  [3 * 1024 ** 3, "bytes", "3.0 GiB"],
])("formatFigure(%p, %p) reads %p", (v, unit, want) => {
  expect(formatFigure(v, unit)).toBe(want);
});

test("agentsSeen() puts silent agents first, the longest silent first", () => {
  const now = 10_000_000;
  const agent = (instance: string, ageMs: number) => ({
    labels: [{ name: "instance", value: instance }],
    value: (now - ageMs) / 1000,
  });
  const seen = agentsSeen([agent("a", 10_000), agent("b", 600_000), agent("c", 900_000)], now);
  expect(seen.map((s) => [s.instance, s.silent])).toEqual([
    ["c", true],
    ["b", true],
    ["a", false],
  ]);
});

test("countBySeverity() orders critical before warning before unlabelled", () => {
  const a = (severity?: string) => ({
    labels: severity === undefined ? [] : [{ name: "severity", value: severity }],
  });
  expect(countBySeverity([a("warning"), a(), a("critical"), a("warning"), a("team")])).toEqual([
    ["critical", 1],
    ["warning", 2],
    ["team", 1],
    ["", 1],
  ]);
});

test.each([
  [0, "target", "0 targets"],
  [1, "target", "1 target"],
  [2, "agent", "2 agents"],
])("countOf(%p, %p) reads %p", (n, noun, want) => {
  expect(countOf(n, noun)).toBe(want);
});
