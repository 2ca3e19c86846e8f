import { describe, expect, test } from "bun:test";
import type { QueryResult } from "../value.ts";
import { almostEqual, checkAnnotations, checkFailure, compareResult } from "./compare.ts";
import { type EvalCommand, parseScript } from "./script.ts";

function evalOf(text: string): EvalCommand {
  return parseScript(text).find((c) => c.kind === "eval") as EvalCommand;
}

const X1 = ["__name__", "x", "a", "1"];
const X2 = ["__name__", "x", "a", "2"];

function vector(...samples: [string[], number][]): QueryResult {
  return { type: "vector", samples: samples.map(([labels, v]) => ({ labels, t: 0, v })) };
}

function matrix(...series: [string[], number[], number[]][]): QueryResult {
  return {
    type: "matrix",
    series: series.map(([labels, ts, vs]) => ({
      labels,
      timestamps: Float64Array.from(ts),
      values: Float64Array.from(vs),
    })),
  };
}

describe("almostEqual()", () => {
  const cases: [number, number, boolean][] = [
    [1, 1, true],
    [Number.NaN, Number.NaN, true],
    [1, 1 + 1e-7, true],
    [1, 1 + 1e-5, false],
    [1e20, 1.0000001e20, true],
    [0, 1e-300, false],
    [0, 0, true],
    [Infinity, Infinity, true],
    [Infinity, -Infinity, false],
    [Number.NaN, 1, false],
  ];
  test.each(cases)("almostEqual(%p, %p) is %p", (a, b, want) => {
    expect(almostEqual(a, b)).toBe(want);
  });
});

describe("compareResult()", () => {
  const vectorEval = 'eval instant at 0 x\n  x{a="1"} 1\n  x{a="2"} 2';
  const cases: [string, string, QueryResult, string | null][] = [
    ["a vector in any order", vectorEval, vector([X2, 2], [X1, 1]), null],
    [
      "a vector out of the expected order",
      'eval instant at 0 x\n  expect ordered\n  x{a="1"} 1\n  x{a="2"} 2',
      vector([X2, 2], [X1, 1]),
      'expected metric x{a="2"} at position 2 but was at 1',
    ],
    [
      "a missing series",
      vectorEval,
      vector([X1, 1]),
      'expected metric x{a="2"} with [2] not found',
    ],
    [
      "an extra series",
      "eval instant at 0 x",
      vector([X1, 1]),
      'unexpected metric x{a="1"} in result, has value 1',
    ],
    [
      "a NaN against stale",
      'eval instant at 0 x\n  x{a="1"} stale',
      vector([X1, Number.NaN]),
      null,
    ],
    ["a scalar", "eval instant at 0 1\n  1.0000001", { type: "scalar", t: 0, v: 1 }, null],
    [
      "a scalar for a vector",
      vectorEval,
      { type: "scalar", t: 0, v: 1 },
      "expected vector or matrix result, but got scalar 1",
    ],
    [
      "a string",
      'eval instant at 0 "a"\n  expect string "a"',
      { type: "string", t: 0, v: "a" },
      null,
    ],
    [
      "a matrix with gaps",
      'eval range from 0 to 2m step 1m x\n  x{a="1"} 1 _ 3',
      matrix([X1, [0, 120_000], [1, 3]]),
      null,
    ],
    [
      "a matrix with a point at the wrong time",
      'eval range from 0 to 2m step 1m x\n  x{a="1"} 1 3 _',
      matrix([X1, [0, 120_000], [1, 3]]),
      'expected float value at index 1 for x{a="1"} to have timestamp 60000, but it had timestamp 120000 (result has 2 float points [1 @[0] 3 @[120000]])',
    ],
    [
      "an unsorted matrix",
      'eval range from 0 to 0 step 1m x\n  x{a="1"} 1\n  x{a="2"} 2',
      matrix([X2, [0], [2]], [X1, [0], [1]]),
      'matrix results should always be sorted by labels, but x{a="1"} comes after x{a="2"}',
    ],
  ];
  test.each(cases)("judges %s", (_name, text, result, want) => {
    expect(compareResult(evalOf(text), result)).toBe(want);
  });
});

describe("checkAnnotations() and checkFailure()", () => {
  const W = "PromQL warning: careful (1:1)";
  const I = "PromQL info: note (1:1)";
  const cases: [string, string[], string[], boolean][] = [
    ["", [W], [I], true],
    ["expect warn", [W], [], true],
    ["expect warn", [], [], false],
    [`expect warn msg: ${W}`, [W], [], true],
    [`expect warn msg: ${W}`, [W, "PromQL warning: other (1:2)"], [], false],
    ["expect info regex: note \\(1:\\d+\\)", [], [I], true],
    ["expect no_warn", [W], [], false],
    ["expect no_info", [W], [], true],
  ];
  test.each(cases)("%p with warnings %p and infos %p passes: %p", (line, warnings, infos, ok) => {
    const cmd = evalOf(`eval instant at 0 x\n  ${line || "x 1"}`);
    expect(checkAnnotations(cmd, warnings, infos) === null).toBe(ok);
  });

  const failures: [string, string, boolean][] = [
    ["expect fail", "anything", true],
    ["expect fail msg: boom", "boom", true],
    ["expect fail msg: boom", "boom!", false],
    ["expect fail regex: bo+m", "a boooom", true],
  ];
  test.each(failures)("%p against error %p passes: %p", (line, message, ok) => {
    expect(checkFailure(evalOf(`eval instant at 0 x\n  ${line}`), message) === null).toBe(ok);
  });

  test("the deprecated expected_fail_message must match exactly", () => {
    const cmd = evalOf("eval_fail instant at 0 x\n  expected_fail_message boom");
    expect(checkFailure(cmd, "boom")).toBeNull();
    expect(checkFailure(cmd, "bang")).toBe('expected error "boom", but got: bang');
  });
});
