import { describe, expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { conformanceDir } from "./cli.ts";
import { type Command, type EvalCommand, parseScript } from "./script.ts";

function onlyEval(text: string): EvalCommand {
  const cmds = parseScript(text).filter((c) => c.kind === "eval");
  expect(cmds).toHaveLength(1);
  return cmds[0] as EvalCommand;
}

describe("parseScript()", () => {
  test("parses load, clear and eval commands with their line numbers", () => {
    const cmds = parseScript(
      [
        "# comment",
        "load 1m",
        '  m{a="1"} 1+1x2',
        "  n _ 2",
        "",
        "eval instant at 1m m",
        '  m{a="1"} 2',
        "",
        "clear",
      ].join("\n"),
    );
    expect(cmds.map((c: Command) => [c.kind, c.line])).toEqual([
      ["load", 2],
      ["eval", 6],
      ["clear", 9],
    ]);
    expect(cmds[0]).toMatchObject({
      intervalMs: 60_000,
      withNhcb: false,
      series: [
        { line: 3, labels: ["__name__", "m", "a", "1"], values: [1, 2, 3] },
        { line: 4, labels: ["__name__", "n"], values: ["_", 2] },
      ],
    });
    expect(cmds[1]).toMatchObject({ query: "m", range: false, evalMs: 60_000 });
  });

  test("recognises load_with_nhcb and start timestamp lines", () => {
    const [load] = parseScript(
      'load_with_nhcb 10s53ms\n  h_bucket{le="1"} 1\n  c{a="b"}@st _ -1mx2\n  c{a="b"} 1 2 3',
    );
    expect(load).toMatchObject({
      intervalMs: 10_053,
      withNhcb: true,
      startTimestampSeries: [["__name__", "c", "a", "b"]],
    });
    expect(load.kind === "load" && load.series.length).toBe(2);
  });

  const evals: [string, string, Partial<EvalCommand>][] = [
    [
      "a range eval",
      "eval range from 1m to 5m step 30s rate(x[1m])\n  {} 1 2",
      { range: true, startMs: 60_000, endMs: 300_000, stepMs: 30_000, query: "rate(x[1m])" },
    ],
    [
      "a query containing ' to ' and ' step '",
      'eval range from 0 to 1m step 1m label_replace(x, "to", "step", "a", "b")',
      {
        startMs: 0,
        endMs: 60_000,
        stepMs: 60_000,
        query: 'label_replace(x, "to", "step", "a", "b")',
      },
    ],
    ["a scalar result", "eval instant at 0 1 + 1\n  2", { expectedScalar: 2, expected: [] }],
    ["a NaN scalar result", "eval instant at 0 NaN\n  NaN", { expectedScalar: Number.NaN }],
    [
      "expect range vector, which moves the eval to its end",
      "eval instant at 1m x[1m]\n  expect range vector from 10s to 1m step 10s\n  x 1 2 3",
      {
        rangeVector: true,
        evalMs: 60_000,
        startMs: 10_000,
        stepMs: 10_000,
        excludeFromRangeQuery: true,
      },
    ],
    [
      "expect string",
      'eval instant at 0 "Foo"\n  expect string " Foo "',
      { expectedString: " Foo ", excludeFromRangeQuery: true },
    ],
    [
      "expect lines with messages and patterns",
      "eval instant at 0 x\n  expect warn msg: PromQL warning: w (1:1)\n  expect info regex: in(fo)?\n  x 1",
      {
        expects: [
          { kind: "warn", message: "PromQL warning: w (1:1)", regex: null },
          { kind: "info", message: null, regex: /in(fo)?/ },
        ],
      },
    ],
    [
      "the deprecated eval_fail with expected_fail_message",
      "eval_fail instant at 0 x\n  expected_fail_message boom",
      { legacy: { fail: true, warn: false, info: false, ordered: false }, failMessage: "boom" },
    ],
    [
      "the deprecated eval_ordered",
      'eval_ordered instant at 0 sort(x)\n  x{a="2"} 1\n  x{a="1"} 2',
      { legacy: { fail: false, warn: false, info: false, ordered: true } },
    ],
  ];
  test.each(evals)("parses %s", (_name, text, want) => {
    expect(onlyEval(text)).toMatchObject(want);
  });

  test("numbers expected series by their position among the series lines", () => {
    const cmd = onlyEval('eval instant at 0 x\n  expect ordered\n  x{a="2"} 1\n  x{a="1"} 2');
    expect(cmd.expected.map((e) => [e.pos, e.line])).toEqual([
      [1, 3],
      [2, 4],
    ]);
  });

  test("ends an eval block at a comment, as promqltest does", () => {
    expect(() => parseScript("eval instant at 0 x\n# note\n  x 1")).toThrow(
      'Cannot parse script:3: invalid command "x 1"',
    );
  });

  const bad: [string, string][] = [
    ["bogus 1", "script:1: invalid command"],
    ["load x\n  m 1", "script:1: not a valid duration string"],
    ["load 1m\n  m{a} 1", "script:2: Cannot parse series description"],
    ["eval instant at 0 x\n  x 1 2", "script:2: expecting multiple values in instant evaluation"],
    [
      "eval instant at 0 x\n  expect warn\n  expect no_warn",
      "script:3: invalid expect lines, warn and no_warn",
    ],
    [
      "eval instant at 0 x\n  expect fail\n  expect fail",
      "script:3: invalid expect lines, multiple expect fail",
    ],
    ["eval instant at 0 x\n  expect bogus", "script:2: invalid expect statement"],
    [
      "eval range from 2m to 1m step 1m x",
      "script:1: invalid test definition, end timestamp (1m) is before",
    ],
    ["eval sometime x", "script:1: invalid evaluation command"],
    ['eval instant at 0 "a"\n  expect string a', "script:2: expected string literal not valid"],
  ];
  test.each(bad)("rejects %p naming the line", (text, message) => {
    expect(() => parseScript(text)).toThrow(message);
  });
});

describe("the conformance scripts", () => {
  const dir = conformanceDir();
  const files = readdirSync(dir).filter((f) => f.endsWith(".test"));
  test.each(files)("%s parses", (file) => {
    const cmds = parseScript(readFileSync(join(dir, file), "utf8"), file);
    expect(cmds.some((c) => c.kind === "eval")).toBe(true);
  });
});
