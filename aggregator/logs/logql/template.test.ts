// biome-ignore-all lint/suspicious/noTemplateCurlyInString: `${1}` here is a Go template, not JavaScript.
import { describe, expect, test } from "bun:test";
import { compileTemplate } from "./template.ts";

const data = { app: "api", level: "warn", n: "7", msg: "  padded  ", path: "/a/b/c" };
const ctx = { line: "the line", timeNs: 1_700_000_000_123_000_000n };

describe("compileTemplate() runs Go template text as Loki's line_format does", () => {
  const cases: [string, string, string][] = [
    ["text and fields", "{{.app}}: {{ .level }}", "api: warn"],
    ["a missing label is empty", "[{{.nope}}]", "[]"],
    ["trim markers eat the spaces beside them", "a  {{- .app -}}  b", "aapib"],
    ["comments print nothing", "a{{/* note */}}b", "ab"],
    ["pipes pass the value as the last argument", '{{ .level | ToUpper | printf "%s!" }}', "WARN!"],
    [
      "sprig argument order",
      '{{ trimPrefix "/a" .path }} {{ replace "/" "." .path }}',
      "/b/c .a.b.c",
    ],
    ["integer and float math", "{{ add .n 3 }} {{ divf .n 2 }} {{ mul 2 3 }}", "10 3.5 6"],
    ["default for empty values", '{{ .nope | default "none" }}', "none"],
    [
      "if, else if, else",
      '{{ if eq .level "error" }}E{{ else if eq .level "warn" }}W{{ else }}I{{ end }}',
      "W",
    ],
    ["nested parentheses", '{{ printf "%d-%s" (add 1 1) (upper .app) }}', "2-API"],
    [
      "__line__ and __timestamp__",
      "{{ __line__ }} {{ __timestamp__ | unixEpochMillis }}",
      "the line 1700000000123",
    ],
    ["alignment helpers", "[{{ alignLeft 5 .app }}][{{ alignRight 5 .app }}]", "[api  ][  api]"],
    ["regexReplaceAll expands groups", '{{ regexReplaceAll "/(\\\\w)" .path "-$1" }}', "-a-b-c"],
    [
      "regexReplaceAll reads $name as Go's Expand does",
      '{{ regexReplaceAll "(a)" "ab" "${1}x" }} {{ regexReplaceAll "(a)" "ab" "$1x" }}',
      "axb b",
    ],
    [
      "regexReplaceAll and count skip an empty match right after a match, as Go does",
      '{{ regexReplaceAll "a*" "baaac" "-" }} {{ count "a*" "baaac" }}',
      "-b-c- 3",
    ],
    ["trim and TrimSpace", "[{{ trim .msg }}][{{ .msg | TrimSpace }}]", "[padded][padded]"],
  ];
  test.each(cases)("%s", (_, src, want) => {
    expect(compileTemplate("line", src)(data, ctx)).toBe(want);
  });

  test("unknown functions and unclosed actions fail with Go's messages", () => {
    expect(() => compileTemplate("line", "{{ nope .a }}")).toThrow(
      'template: line:1: function "nope" not defined',
    );
    expect(() => compileTemplate("line", "{{ .a ")).toThrow("template: line:1: unclosed action");
  });
});
