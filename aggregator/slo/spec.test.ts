import { describe, expect, test } from "bun:test";
import { formatProblem } from "../../shared/config/errors.ts";
import { isSlothSpec, parseSloSpec } from "./spec.ts";

const HEAD = "version: prometheus/v1\nservice: svc\nslos:\n";
const SLI =
  '    sli: { events: { error_query: "sum(rate(e[{{.window}}]))", total_query: "sum(rate(t[{{.window}}]))" } }\n';
const ALERTING = "    alerting: { name: A }\n";
const slo = (body: string) => `${HEAD}  - name: ok\n${body}`;

/** A bad spec → one of its problems, as `file:line:column: path: reason`. */
const CASES: [string, string, string][] = [
  [
    "a wrong version",
    "version: prometheus/v2\nservice: svc\nslos: []\n",
    'f:1:10: version: Cannot load SLO spec: version must be "prometheus/v1"',
  ],
  [
    "no SLOs",
    "version: prometheus/v1\nservice: svc\n",
    "f:1:1: slos: Cannot generate SLOs: at least one SLO is required",
  ],
  [
    "an unknown field",
    `${HEAD}  - name: ok\n    objectiv: 99\n${SLI}${ALERTING}`,
    'f:5:5: slos[0].objectiv: Cannot read slos[0].objectiv: unknown field "objectiv"',
  ],
  [
    "an objective above 100",
    slo(`    objective: 100.5\n${SLI}${ALERTING}`),
    "f:5:16: slos[0].objective: Cannot generate SLO: objective must be in (0, 100]",
  ],
  [
    "an objective of 0",
    slo(`    objective: 0\n${SLI}${ALERTING}`),
    "f:5:16: slos[0].objective: Cannot generate SLO: objective must be in (0, 100]",
  ],
  [
    "an objective that is text",
    slo(`    objective: high\n${SLI}${ALERTING}`),
    "f:5:16: slos[0].objective: Cannot read slos[0].objective: expected a number, got !!str",
  ],
  [
    "a bad SLO name",
    `${HEAD}  - name: -bad\n    objective: 99\n${SLI}${ALERTING}`,
    'f:4:11: slos[0].name: Cannot generate SLO: slos[0].name "-bad" must start and end with a letter or digit and hold only letters, digits, "-", "_" and "."',
  ],
  [
    "a query without {{.window}}",
    slo(`    objective: 99\n    sli: { raw: { error_ratio_query: "rate(e[5m])" } }\n${ALERTING}`),
    "f:6:38: slos[0].sli.raw.error_ratio_query: Cannot generate SLO: the query must use the {{.window}} template variable",
  ],
  [
    "a query that is not PromQL",
    slo(
      `    objective: 99\n    sli: { raw: { error_ratio_query: "rate(e[{{.window}}]" } }\n${ALERTING}`,
    ),
    "f:6:38: slos[0].sli.raw.error_ratio_query: Cannot parse query: 1:11: parse error: unclosed left parenthesis",
  ],
  [
    "an unknown template action",
    slo(
      `    objective: 99\n    sli: { raw: { error_ratio_query: "rate(e[{{.win}}{{.window}}])" } }\n${ALERTING}`,
    ),
    'f:6:38: slos[0].sli.raw.error_ratio_query: Cannot parse query: Cannot render query: unknown template action "{{.win}}", only {{.window}} is set',
  ],
  [
    "two SLI types",
    slo(
      `    objective: 99\n    sli:\n      raw: { error_ratio_query: "e[{{.window}}]" }\n      events: { error_query: "e[{{.window}}]", total_query: "t[{{.window}}]" }\n${ALERTING}`,
    ),
    "f:7:7: slos[0].sli: Cannot generate SLO: only one SLI type (events or raw) may be set",
  ],
  [
    "no SLI",
    slo(`    objective: 99\n${ALERTING}`),
    "f:4:5: slos[0].sli: Cannot generate SLO: an SLI (events or raw) is required",
  ],
  [
    "an SLI plugin",
    slo(`    objective: 99\n    sli: { plugin: { id: sloth-common/availability } }\n${ALERTING}`),
    "f:6:20: slos[0].sli.plugin: Cannot load SLI plugin: Sloth plugins run Go code and Outpost does not load them; write the SLI as `events` or `raw`",
  ],
  [
    "equal error and total queries",
    slo(
      `    objective: 99\n    sli: { events: { error_query: "e[{{.window}}]", total_query: "e[{{.window}}]" } }\n${ALERTING}`,
    ),
    "f:6:66: slos[0].sli.events: Cannot generate SLO: error_query and total_query must differ",
  ],
  [
    "alerts without a name",
    slo(`    objective: 99\n${SLI}    alerting: { page_alert: { labels: { severity: page } } }\n`),
    "f:7:15: slos[0].alerting.name: Cannot generate alerts: alerting.name is required unless page_alert and ticket_alert are disabled",
  ],
  [
    "a bad label name",
    slo(`    objective: 99\n    labels: { bad-name: x }\n${SLI}${ALERTING}`),
    'f:6:25: slos[0].labels.bad-name: Cannot use label name "bad-name": it is not a valid Prometheus label name',
  ],
  [
    "a repeated SLO",
    `${HEAD}  - name: ok\n    objective: 99\n${SLI}${ALERTING}  - name: ok\n    objective: 99\n${SLI}${ALERTING}`,
    'f:8:5: slos[1]: Cannot generate SLO: the SLO ID "svc-ok" is repeated',
  ],
  [
    "broken YAML",
    "version: prometheus/v1\nservice: [svc\n",
    "f:3:1: Cannot parse YAML: Flow sequence in block collection must be sufficiently indented and end with a ]",
  ],
];

describe("parseSloSpec()", () => {
  test.each(CASES)("refuses a spec with %s, saying where", (_, text, first) => {
    const { spec, problems } = parseSloSpec(text, "f");
    expect(spec).toBeUndefined();
    expect(problems.map(formatProblem)).toContain(first);
  });

  test("says a broken construct once, at its first error", () => {
    const text = slo(
      `    objective: 99\n    sli: {raw: {error_ratio_query: sum(rate(e[{{.window}}]))}}\n`,
    );
    expect(parseSloSpec(text, "f").problems.map(formatProblem)).toEqual([
      "f:6:46: Cannot parse YAML: Unexpected flow-seq-start at node end",
    ]);
  });

  test("accepts `{{ .window }}` and `{{- .window -}}` as Sloth's template does", () => {
    const text = slo(
      `    objective: 99\n    sli: { raw: { error_ratio_query: "rate(e[ {{- .window -}} ]) / rate(t[{{ .window }}])" } }\n${ALERTING}`,
    );
    expect(parseSloSpec(text, "f").problems).toEqual([]);
  });
});

describe("isSlothSpec()", () => {
  test.each([
    ['version: "prometheus/v1"\nservice: x', true],
    ["version: prometheus/v1\n", true],
    ["groups: []\n", false],
    ["  version: prometheus/v1\n", false],
  ])("tells %j apart as Sloth does", (text, expected) => {
    expect(isSlothSpec(text)).toBe(expected);
  });
});
