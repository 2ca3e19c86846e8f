import { describe, expect, test } from "bun:test";
import { expandValues, parseGoNumber, parseSeriesDesc, type SequenceValue } from "./series.ts";

describe("expandValues()", () => {
  const cases: [string, SequenceValue[]][] = [
    ["1", [1]],
    ["1+2x3", [1, 3, 5, 7]],
    ["1x3", [1, 1, 1, 1]],
    ["0x5", [0, 0, 0, 0, 0, 0]],
    ["-1-1x3", [-1, -2, -3, -4]],
    ["10-2x2", [10, 8, 6]],
    ["+5", [5]],
    ["_", ["_"]],
    ["_x3", ["_", "_", "_"]],
    ["stale", ["stale"]],
    ["1 _ 3 stale", [1, "_", 3, "stale"]],
    ["Inf -Inf +inf", [Infinity, -Infinity, Infinity]],
    ["1e3 .5 2. 1e-3x1", [1000, 0.5, 2, 0.001, 0.001]],
    ["0.1+0.1x2", [0.1, 0.2, 0.30000000000000004]],
    ["010", [8]],
    ["  1\t2  ", [1, 2]],
    ["{{schema:1 sum:3 count:22 buckets:[5 10 7]}}", ["histogram"]],
    ["{{schema:0 sum:1}}x2", ["histogram", "histogram", "histogram"]],
    ["{{sum:1}}+{{sum:2}}x1 5", ["histogram", "histogram", 5]],
    ["", []],
  ];
  test.each(cases)("expands %p", (text, want) => {
    expect(expandValues(text)).toEqual(want);
  });

  test("expands NaN to a NaN value", () => {
    expect(expandValues("NaN")[0]).toBeNaN();
  });

  test.each(["1+2", "abc", "_x", "1x", "1++2x3", "{{sum:1"])("rejects %p", (text) => {
    expect(() => expandValues(text)).toThrow();
  });
});

describe("parseSeriesDesc()", () => {
  const cases: [string, string[], SequenceValue[]][] = [
    ["metric 1 2", ["__name__", "metric"], [1, 2]],
    [`my_metric{env="prod"} 5`, ["__name__", "my_metric", "env", "prod"], [5]],
    [`{group="canary", job="api"} 700`, ["group", "canary", "job", "api"], [700]],
    [`{a="b",} 1`, ["a", "b"], [1]],
    ["{} 1000", [], [1000]],
    [`a:b:c{x='y'} 1`, ["__name__", "a:b:c", "x", "y"], [1]],
    [`{__name__="x", b="1"} 1`, ["__name__", "x", "b", "1"], [1]],
    [`{"some.metric", "a.b"="c"} 1`, ["__name__", "some.metric", "a.b", "c"], [1]],
    [`m{a="x\\"y\\n", b=\`raw\\n\`} 1`, ["__name__", "m", "a", 'x"y\n', "b", "raw\\n"], [1]],
    [`m{a="", b="1"}`, ["__name__", "m", "b", "1"], []],
    [`sum{z="1", a="2"}\t1`, ["__name__", "sum", "a", "2", "z", "1"], [1]],
  ];
  test.each(cases)("parses %p", (text, labels, values) => {
    expect(parseSeriesDesc(text)).toEqual({ labels, values });
  });

  test.each([`m{a="b" 1`, `m{a=b} 1`, "m{1} 2", `m{a="b"}x 1`, `m{a} 1`])(
    "rejects %p with a SyntaxError",
    (text) => {
      expect(() => parseSeriesDesc(text)).toThrow(SyntaxError);
    },
  );
});

describe("parseGoNumber()", () => {
  const cases: [string, number | undefined][] = [
    ["1", 1],
    ["-1.5", -1.5],
    ["1e3", 1000],
    ["0x1f", 31],
    ["017", 15],
    ["Inf", Infinity],
    ["-Inf", -Infinity],
    ["+infinity", Infinity],
    ["{} 1", undefined],
    ["metric", undefined],
    ["", undefined],
  ];
  test.each(cases)("reads %p", (text, want) => {
    expect(parseGoNumber(text)).toBe(want as number);
  });

  test("reads NaN", () => {
    expect(parseGoNumber("NaN")).toBeNaN();
  });
});
