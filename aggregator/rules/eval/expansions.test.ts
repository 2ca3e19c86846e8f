import { describe, expect, test } from "bun:test";
import { labelsFromRecord } from "../../../shared/model/labels.ts";
import { Engine } from "../../promql/engine/engine.ts";
import { Head } from "../../storage/head/head.ts";
import { makeBatch } from "../../storage/head/testing.ts";
import { parseRuleFile } from "../file.ts";
import type { AlertingRule } from "../model.ts";
import { type AlertingContext, AlertingState } from "./alerting.ts";
import { seesOnlyLabels } from "./expansions.ts";
import type { OutputSample } from "./output.ts";
import { type ExpandTemplate, prometheusExpander } from "./template.ts";

function rule(labels: string, annotations: string): AlertingRule {
  const text = `groups:
- name: g
  rules:
  - alert: High
    expr: up > 0
    labels:
${labels}
    annotations:
${annotations}
`;
  const r = parseRuleFile(text, "t.yml").groups[0].rules[0];
  if (r.type !== "alerting") throw new Error("Cannot build the test rule: not an alert");
  return r;
}

const PLAIN = rule(
  `      team: "team-{{ $labels.zone }}"\n      level: "{{ if gt $value 5.0 }}high{{ else }}low{{ end }}"`,
  `      summary: "{{ $labels.pod }} is at {{ $value | humanize }} ({{ $externalLabels.dc }})"\n      link: "{{ $externalURL }}/x"`,
);
const QUERYING = rule(
  `      team: "t"`,
  `      summary: '{{ with query "sum(load)" }}{{ . | first | value }}{{ end }}'`,
);

const T0 = 1_700_000_000_000;
const series = (pod: string, zone: string, value: number): OutputSample => ({
  labels: labelsFromRecord({ __name__: "up", pod, zone }),
  value,
});

/** One evaluation's input at step `i`: series come and go, values repeat and change. */
function input(i: number): OutputSample[] {
  const out: OutputSample[] = [];
  for (let p = 0; p < 4; p++) {
    if ((i + p) % 5 === 0) continue;
    const value = p === 0 ? 7 : p === 1 ? Math.floor(i / 3) * 2.5 : p === 2 ? i : Number.NaN;
    out.push(series(`p${p}`, `z${(p + Math.floor(i / 4)) % 2}`, value));
  }
  return out;
}

/** Every alert's labels and annotations after each evaluation of `state`. */
async function trace(
  state: AlertingState,
  head: Head,
  expand: ExpandTemplate,
  reference: boolean,
): Promise<string[]> {
  const lines: string[] = [];
  for (let i = 0; i < 12; i++) {
    const ts = T0 + i * 15_000;
    head.append(makeBatch([labelsFromRecord({ __name__: "load" })], [[0, ts, i * 10]]), i);
    const ctx: AlertingContext = {
      expand,
      externalLabels: i < 7 ? EU : US,
      externalURL: i < 10 ? "http://a" : "http://b",
      limit: 0,
      reference,
    };
    await state.apply(input(i), ts, ctx);
    for (const a of state.active.values())
      lines.push(`${i} ${a.state} ${a.labels.join(",")} ${JSON.stringify(a.annotations)}`);
  }
  return lines;
}
const EU = { dc: "eu" };
const US = { dc: "us" };

describe("AlertingState's reuse of expansions", () => {
  test.each([
    ["templates of $labels, $value and the external labels and URL", PLAIN],
    ["a template that calls query", QUERYING],
  ] as const)("gives what expanding every time gives: %s", async (_, r) => {
    const engine = new Engine();
    const traces: string[][] = [];
    for (const reference of [false, true]) {
      const head = new Head();
      const expand = prometheusExpander(engine, head);
      traces.push(await trace(new AlertingState(r), head, expand, reference));
    }
    expect(traces[0]).toEqual(traces[1]);
    expect(new Set(traces[0].map((l) => l.split(" ").slice(3).join(" "))).size).toBeGreaterThan(4);
  });

  test("an unchanged series and value is not expanded again, a changed value is", async () => {
    const calls: string[] = [];
    const expand: ExpandTemplate = (text, data) => {
      calls.push(`${text}@${data.value}`);
      return text;
    };
    const state = new AlertingState(PLAIN);
    const ctx = { expand, externalLabels: EU, externalURL: "", limit: 0 };
    await state.apply([series("a", "z", 1)], T0, ctx);
    const first = calls.length;
    expect(first).toBe(4);
    await state.apply([series("a", "z", 1)], T0 + 15_000, ctx);
    expect(calls.length).toBe(first);
    // Only `level` and `summary` see the value.
    await state.apply([series("a", "z", 2)], T0 + 30_000, ctx);
    expect(calls.slice(first)).toEqual([
      "{{ if gt $value 5.0 }}high{{ else }}low{{ end }}@2",
      "{{ $labels.pod }} is at {{ $value | humanize }} ({{ $externalLabels.dc }})@2",
    ]);
    await state.apply([series("a", "z", 2)], T0 + 45_000, { ...ctx, reference: true });
    expect(calls.length).toBe(2 * first + 2);
  });

  test.each([
    ["team-{{ $labels.zone }}", true],
    ["{{- $labels.pod | toUpper -}} in {{ $externalLabels.dc }} at {{ $externalURL }}.", true],
    ["no action at all.", true],
    ["{{ $value }}", false],
    ["{{ .Value }}", false],
    ["{{ . }}", false],
    ["{{ $ }}", false],
    ["{{ $labels }}{{ $v := 1 }}{{ $v }}", false],
    ['{{ index $labels "a" }}', false],
    ['{{ printf "}}" $value }}', false],
    ["{{/* }} */}}{{ $value }}", false],
    ['{{ range query "up" }}{{ end }}', false],
  ] as const)("seesOnlyLabels(%p) is %p", (text, want) => {
    expect(seesOnlyLabels(text)).toBe(want);
  });
});
