import { describe, expect, test } from "bun:test";
import type { LogExpr } from "./ast.ts";
import { LabelsBuilder } from "./labels_builder.ts";
import { parseLogQL } from "./parser.ts";
import { compilePipeline, runPipeline } from "./pipeline.ts";

/** Runs one line of the stream {app="x"} through `pipeline`. */
function run(pipeline: string, line: string, meta: string[] = []) {
  const e = parseLogQL(`{app="x"} ${pipeline}`) as LogExpr;
  const b = new LabelsBuilder();
  b.reset(["app", "x"], meta);
  const out = runPipeline(compilePipeline(e.stages), line, b, 1_700_000_000_000_000_000n);
  if (out === null) return null;
  const labels: Record<string, string> = {};
  const flat = b.labels();
  for (let i = 0; i < flat.length; i += 2) labels[flat[i]] = flat[i + 1];
  return { line: out, labels };
}

const LABEL_FILTER_ERROR = { __error__: "LabelFilterErr" };

describe("pipeline stages process a line as Loki's do", () => {
  const cases: [string, string, string, { line: string; labels: Record<string, string> } | null][] =
    [
      [
        "json flattens nested objects and skips arrays and nulls",
        "| json",
        `{"a":1,"b":{"c":"x","d":{"e":true}},"arr":[1,2],"n":null,"s":"q\\"uote"}`,
        { line: "", labels: { a: "1", app: "x", b_c: "x", b_d_e: "true", s: 'q"uote' } },
      ],
      [
        "json sanitizes keys",
        "| json",
        `{"my-key":"v","1st":"w"," sp ":"z"}`,
        { line: "", labels: { _1st: "w", app: "x", my_key: "v", sp: "z" } },
      ],
      [
        "json suffixes a key a stream label has",
        "| json",
        `{"app":"y"}`,
        { line: "", labels: { app: "x", app_extracted: "y" } },
      ],
      [
        "json keeps the fields read before a syntax error",
        "| json",
        `{"a":1,`,
        {
          line: "",
          labels: {
            __error__: "JSONParserErr",
            __error_details__: "Value is array, but can't find closing ']' symbol",
            a: "1",
            app: "x",
          },
        },
      ],
      [
        "logfmt reads quoted values, skips bare and empty keys, and the last duplicate wins",
        "| logfmt",
        `level=info msg="hello \\"world\\"" bare empty= dup=1 dup=2`,
        { line: "", labels: { app: "x", dup: "2", level: "info", msg: 'hello "world"' } },
      ],
      [
        "logfmt skips a malformed pair and goes on",
        "| logfmt",
        `a=1 "x" b=2`,
        { line: "", labels: { a: "1", app: "x", b: "2" } },
      ],
      [
        "logfmt --strict stops at the first error",
        "| logfmt --strict",
        `a=1 b="unterminated`,
        {
          line: "",
          labels: {
            __error__: "LogfmtParserErr",
            __error_details__: "logfmt syntax error at pos 20 : unterminated quoted value",
            a: "1",
            app: "x",
          },
        },
      ],
      [
        "logfmt --keep-empty keeps bare keys, which numeric filters cannot read",
        "| logfmt --keep-empty | a > 1",
        `a b=2`,
        {
          line: "",
          labels: {
            ...LABEL_FILTER_ERROR,
            __error_details__: 'strconv.ParseFloat: parsing "": invalid syntax',
            app: "x",
            b: "2",
          },
        },
      ],
      ["a numeric filter drops a line without the label", "| logfmt | a > 1", `b=2`, null],
      [
        "a numeric filter keeps a line whose value is not a number, with an error",
        "| logfmt | a > 1",
        `a=abc`,
        {
          line: "",
          labels: {
            ...LABEL_FILTER_ERROR,
            __error_details__: 'strconv.ParseFloat: parsing "abc": invalid syntax',
            a: "abc",
            app: "x",
          },
        },
      ],
      [
        "the first parser to extract a label keeps it",
        "| logfmt | regexp `a=(?P<a>\\d)(?P<b>\\d)`",
        `a=12`,
        { line: "", labels: { a: "12", app: "x", b: "2" } },
      ],
      [
        "regexp named groups",
        "| regexp `(?P<method>\\w+) (?P<path>\\S+)`",
        "GET /x 200",
        { line: "", labels: { app: "x", method: "GET", path: "/x" } },
      ],
      [
        "regexp leaves a line it does not match alone",
        "| regexp `(?P<n>\\d+)`",
        "abc",
        { line: "", labels: { app: "x" } },
      ],
      [
        "pattern captures",
        `| pattern "<method> <uri> <_>"`,
        "GET /health 200 took 3ms",
        { line: "", labels: { app: "x", method: "GET", uri: "/health" } },
      ],
      [
        "unpack replaces the line with _entry",
        "| unpack",
        `{"_entry":"original","team":"a","n":1}`,
        { line: "original", labels: { app: "x", team: "a" } },
      ],
      [
        "decolorize strips ANSI codes",
        "| decolorize",
        "\x1b[31mred\x1b[0m text",
        { line: "red text", labels: { app: "x" } },
      ],
      [
        "line_format pipes and conditionals",
        '| logfmt | line_format `{{ .a | ToUpper }} {{ if eq .b "1" }}one{{ else }}other{{ end }}`',
        "a=x b=1",
        { line: "X one", labels: { a: "x", app: "x", b: "1" } },
      ],
      [
        "drop removes names and matching values",
        `| logfmt | drop a, b="2", c="9"`,
        "a=1 b=2 c=3",
        { line: "", labels: { app: "x", c: "3" } },
      ],
      [
        "drop can clear errors",
        "| json | drop __error__, __error_details__",
        "not json",
        { line: "", labels: { app: "x" } },
      ],
      [
        "keep removes everything else",
        "| logfmt | keep a",
        "a=1 b=2",
        { line: "", labels: { a: "1" } },
      ],
      [
        "label_format reports a failing template as TemplateFormatErr",
        "| label_format n=`{{ div 1 0 }}`",
        "x",
        {
          line: "",
          labels: {
            __error__: "TemplateFormatErr",
            __error_details__: "error calling div: runtime error: integer divide by zero",
            app: "x",
          },
        },
      ],
    ];
  test.each(cases)("%s", (_, pipeline, line, want) => {
    const got = run(pipeline, line);
    if (want === null) expect(got).toBeNull();
    else expect(got).toEqual({ line: want.line || line, labels: want.labels });
  });

  test("label filters read structured metadata", () => {
    expect(run(`| trace="t1"`, "x", ["trace", "t1"])).toEqual({ line: "x", labels: { app: "x" } });
    expect(run(`| trace="t2"`, "x", ["trace", "t1"])).toBeNull();
  });

  test("stages Loki refuses to build fail as bad data", () => {
    expect(() => run("| regexp `(\\d+)`", "1")).toThrow(
      "at least one named capture must be supplied",
    );
    expect(() => run(`| pattern "<a><b>"`, "1")).toThrow(
      "found consecutive capture '<b>': invalid expression",
    );
    expect(() => run("| line_format `{{ nope }}`", "1")).toThrow(
      'template: line:1: function "nope" not defined',
    );
  });
});
