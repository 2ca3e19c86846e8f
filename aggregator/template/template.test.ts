import { describe, expect, test } from "bun:test";
import { expandAlertTemplate } from "./alert.ts";
import { alertmanagerFuncs } from "./alertmanager.ts";
import { prometheusFuncs } from "./prometheus.ts";
import { parseTemplate, TemplateError } from "./template.ts";
import { GoMap, GoTime, stringMap, type Value } from "./values.ts";

async function run(text: string, data: Value = null, funcs = {}): Promise<string> {
  return parseTemplate("x", text, { funcs }).execute(data);
}

// [template, data, output] from Go's text/template documentation and exec tests.
const rendering: [string, Value, string][] = [
  ["plain text", null, "plain text"],
  ["{{23 -}} < {{- 45}}", null, "23<45"],
  ["{{/* a comment */}}x", null, "x"],
  ["{{- /* trimmed */ -}}  x", null, "x"],
  ['{{"output" | printf "%q"}}', null, '"output"'],
  ['{{printf "%q" (print "out" "put")}}', null, '"output"'],
  ["{{.}}", 1.5, "1.5"],
  ["{{.a}}|{{.b}}", new GoMap([["a", "x"]]), "x|<no value>"],
  ["{{$x := 1}}{{$x = 2}}{{$x}}", null, "2"],
  ["{{range $i, $e := .}}{{$i}}:{{$e}} {{end}}", ["a", "b"], "0:a 1:b "],
  ["{{range .}}{{.}}{{else}}empty{{end}}", [], "empty"],
  [
    "{{range $k, $v := .}}{{$k}}{{$v}}{{end}}",
    new GoMap([
      ["b", 2n],
      ["a", 1n],
    ]),
    "a1b2",
  ],
  ["{{range .}}{{if eq . 2}}{{break}}{{end}}{{.}}{{end}}", [1n, 2n, 3n], "1"],
  ["{{range .}}{{if eq . 2}}{{continue}}{{end}}{{.}}{{end}}", [1n, 2n, 3n], "13"],
  ["{{if 0}}a{{else if 1}}b{{else}}c{{end}}", null, "b"],
  ["{{with $x := 3}}{{$x}}{{.}}{{end}}", null, "33"],
  ["{{with 0}}a{{else with 2}}{{.}}{{end}}", null, "2"],
  ['{{define "t"}}<{{.}}>{{end}}{{template "t" 5}}', null, "<5>"],
  ['{{block "b" 1}}[{{.}}]{{end}}', null, "[1]"],
  ["{{and 1 0}} {{or 0 2}} {{not 1}}", null, "0 2 false"],
  ['{{len "héllo"}} {{index "abc" 1}} {{slice "abcd" 1 3}}', null, "6 98 bc"],
  ['{{html "<a>"}} {{js "\'"}} {{urlquery "a b"}}', null, "&lt;a&gt; \\' a+b"],
  ["{{1e6}} {{0.1}} {{1234567.0}} {{0x10}} {{'a'}}", null, "1e+06 0.1 1.234567e+06 16 97"],
  [
    '{{printf "%5.1f|%-6s|%05d|%x|%e|%g" 3.14159 "ab" 42 255 1234.5678 0.00001}}',
    null,
    "  3.1|ab    |00042|ff|1.234568e+03|1e-05",
  ],
  ['{{printf "%.0f %.2f %d"  2.5 0.125 1.5}}', null, "2 0.12 %!d(float64=1.5)"],
  [
    '{{printf "%v %v" .a .b}}',
    new GoMap([
      ["a", [1n, "x"]],
      ["b", stringMap({ k: "v" })],
    ]),
    "[1 x] map[k:v]",
  ],
];

describe("Template.execute()", () => {
  test.each(rendering)("renders %p as Go does", async (text, data, want) => {
    expect(await run(text, data)).toBe(want);
  });

  test("missingkey=zero gives the zero value, error refuses the key", async () => {
    const m = stringMap({ a: "x" });
    expect(await parseTemplate("x", "[{{.b}}]", { missingKey: "zero" }).execute(m)).toBe("[]");
    await expect(parseTemplate("x", "{{.b}}", { missingKey: "error" }).execute(m)).rejects.toThrow(
      'template: x:1:2: executing "x" at <.b>: map has no entry for key "b"',
    );
  });

  test("bounds output, steps and template depth", async () => {
    const loop = '{{define "r"}}{{template "r" .}}{{end}}{{template "r" .}}';
    await expect(run(loop)).rejects.toThrow("exceeded maximum template depth (1000)");
    const big = parseTemplate("x", "{{range .}}{{range $}}xxxxxxxxxxxxxxxx{{end}}{{end}}", {
      limits: { maxOutput: 1000 },
    });
    await expect(big.execute(Array(100).fill(1n))).rejects.toThrow("output exceeds the limit");
    const slow = parseTemplate("x", "{{range .}}{{range $}}{{end}}{{end}}", {
      limits: { maxSteps: 1000 },
    });
    await expect(slow.execute(Array(100).fill(1n))).rejects.toThrow(
      "exceeded the limit of 1000 steps",
    );
  });
});

// [template, Go's parse error]
const parseErrors: [string, string][] = [
  ["{{ .x }", 'template: x:1: unexpected "}" in operand'],
  ["{{if}}", "template: x:1: missing value for if"],
  ["{{end}}", "template: x:1: unexpected {{end}}"],
  ["a\n{{if 1}}", "template: x:2: unexpected EOF"],
  ["{{nope 1}}", 'template: x:1: function "nope" not defined'],
  ["{{$x}}", 'template: x:1: undefined variable "$x"'],
  ["{{break}}", "template: x:1: {{break}} outside {{range}}"],
  ['{{"a}}', "template: x:1: unterminated quoted string"],
  ["{{ 1 | 2 }}", "template: x:1: non executable command in pipeline stage 2"],
  ["{{/* x */ }}", "template: x:1: comment ends before closing delimiter"],
  ["{{ ( 1 }}", "template: x:1: unclosed left paren"],
  ["{{3x}}", 'template: x:1: bad number syntax: "3x"'],
];

describe("Template.renamed()", () => {
  test("runs the same parse with errors naming the new name", async () => {
    const t = parseTemplate("a", "x\n{{ .Missing.Field }}", { missingKey: "error" });
    const b = t.renamed("b")!;
    expect(b.name).toBe("b");
    expect(b.names).toEqual(["b"]);
    const failure = (p: Promise<string>) =>
      p.then(
        () => "",
        (e: Error) => e.message,
      );
    expect(await failure(b.execute(new GoMap(new Map())))).toStartWith("template: b:2:");
    expect(await failure(t.execute(new GoMap(new Map())))).toStartWith("template: a:2:");
  });

  test("refuses a set that defines other templates", () => {
    expect(parseTemplate("a", '{{ define "d" }}D{{ end }}x').renamed("b")).toBeNull();
  });
});

describe("parseTemplate()", () => {
  test.each(parseErrors)("rejects %p with Go's message", (text, message) => {
    expect(() => parseTemplate("x", text)).toThrow(new TemplateError(message));
  });
});

describe("Prometheus's functions", () => {
  const funcs = prometheusFuncs({
    externalURL: "http://h:9090/sub/",
    query: () => [{ labels: { a: "1" }, value: 2 }],
  });
  const cases: [string, string][] = [
    ["{{ humanize 1234.5678 }} {{ humanize 0.000123 }} {{ humanize 0 }}", "1.235k 123u 0"],
    [
      "{{ humanize1024 1048576 }} {{ humanizeDuration 90061 }} {{ humanizeDuration 0.5 }}",
      "1Mi 1d 1h 1m 1s 500ms",
    ],
    [
      "{{ humanizePercentage 0.1234 }} {{ humanizeTimestamp 1.5 }}",
      "12.34% 1970-01-01 00:00:01.5 +0000 UTC",
    ],
    ["{{ pathPrefix }} {{ externalURL }}", "/sub/ http://h:9090/sub/"],
    ['{{ with query "x" }}{{ . | first | value }} {{ first . | label "a" }}{{ end }}', "2 1"],
    [
      '{{ reReplaceAll "(a)(b)" "$2$1" "xaby" }} {{ match "^a" "ab" }} {{ stripPort "h:1" }}',
      "xbay true h",
    ],
  ];
  test.each(cases)("%p renders as in Prometheus", async (text, want) => {
    expect(await run(text, null, funcs)).toBe(want);
  });

  test("expandAlertTemplate() binds $labels and $value and reports errors as Prometheus does", async () => {
    const data = { labels: { job: "api" }, value: 0.5, alertName: "A" };
    expect(
      await expandAlertTemplate("{{ $labels.job }} {{ $value }} [{{ $labels.none }}]", data),
    ).toBe("api 0.5 []");
    expect(await expandAlertTemplate('{{ humanize "a" }}', data)).toBe(
      '<error expanding template: error executing template __alert_A: template: __alert_A:1:115: executing "__alert_A" at <humanize "a">: error calling humanize: strconv.ParseFloat: parsing "a": invalid syntax>',
    );
  });
});

describe("Alertmanager's functions", () => {
  const at = new GoTime(1_700_000_000_123_000_000n);
  const funcs = alertmanagerFuncs(() => at.nanos + 90_500_000_000n);
  const cases: [string, string][] = [
    ['{{ stringSlice "a" "b" | join ", " }}', "a, b"],
    ['{{ date "2006-01-02 15:04:05.000 MST" . }}', "2023-11-14 22:13:20.123 UTC"],
    [
      '{{ . | tz "America/New_York" | date "Mon Jan _2 3:04PM -07:00" }}',
      "Tue Nov 14 5:13PM -05:00",
    ],
    ["{{ since . }} {{ .Unix }}", "1m30.5s 1700000000"],
  ];
  test.each(cases)("%p renders as in Alertmanager", async (text, want) => {
    expect(await run(text, at, funcs)).toBe(want);
  });
});
