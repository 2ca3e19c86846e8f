/**
 * Writes a rule file and a `promtool test rules` file whose expected annotations and labels
 * are what Outpost's template engine renders, so that promtool (Prometheus's own expansion)
 * passes only if every template renders the same in both.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { stringify, parse as yamlParse } from "yaml";
import { expandAlertTemplate } from "../../aggregator/template/alert.ts";
import type { QuerySample } from "../../aggregator/template/prometheus.ts";

/** An alert to check: its series labels, value expression and templates. */
export interface AlertCase {
  alert: string;
  series: Record<string, string>;
  /** PromQL over `SERIES` (the series selector), yielding the alert's value. */
  expr: string;
  annotations: Record<string, string>;
  labels: Record<string, string>;
}

/** External labels and URL given to every test, as `--web.external-url` and `global.external_labels`. */
export const external = {
  labels: { region: "eu-1", dc: "ams" },
  url: "http://prom.example.com:9090/sub/path",
};

function selector(s: Record<string, string>): string {
  const body = Object.entries(s)
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
    .join(", ");
  return `{${body}}`;
}

/** The value of each case's alert: evaluates the few expressions the cases use. */
function evaluate(expr: string): number {
  const m = /^(-?)\(?SERIES \* 0\)?(?: ([+-]) (\S+))?$/.exec(expr);
  if (!m) throw new Error(`Cannot evaluate ${expr}: not a case expression`);
  let v = 0;
  if (m[1] === "-") v = -0;
  if (m[3] !== undefined) {
    const lit = m[3] === "Inf" ? Infinity : m[3] === "NaN" ? Number.NaN : Number(m[3]);
    v = m[2] === "-" ? 0 - lit : 0 + lit;
  }
  return v;
}

/** A stand-in for PromQL over the cases' `s` series, for the queries the templates run. */
export function queryOver(all: AlertCase[]): (q: string) => QuerySample[] {
  const s = all
    .filter((c) => c.series.__name__ === "s")
    .map((c) => ({ labels: c.series, value: 1 }));
  return (q) => {
    if (q === "s") return s;
    if (q === "count(s)") return [{ labels: {}, value: s.length }];
    if (q === "sum by (job) (s)") return [{ labels: { job: "node" }, value: s.length }];
    if (q === 's{case="none"}') return [];
    throw new Error(`Cannot query ${q}: unknown to the harness`);
  };
}

/** Writes `rules.yml` and `test.yml` into `dir`; returns the test file's path. */
export async function writePromtoolTest(dir: string, cases: AlertCase[]): Promise<string> {
  const query = queryOver(cases);
  const rules = cases.map((c) => ({
    alert: c.alert,
    expr: c.expr.replaceAll(
      "SERIES",
      selector({ __name__: c.series.__name__!, case: c.series.case! }),
    ),
    labels: c.labels,
    annotations: c.annotations,
  }));
  await Bun.write(join(dir, "rules.yml"), stringify({ groups: [{ name: "templates", rules }] }));
  const alertTests = [];
  for (const c of cases) {
    const { __name__, ...labels } = c.series;
    const data = {
      labels,
      value: evaluate(c.expr),
      externalLabels: external.labels,
      externalURL: external.url,
      alertName: c.alert,
      query,
    };
    const expLabels: Record<string, string> = { ...labels };
    for (const [k, v] of Object.entries(c.labels)) {
      const out = await expandAlertTemplate(v, data);
      if (out === "") delete expLabels[k];
      else expLabels[k] = out;
    }
    expLabels.alertname = c.alert;
    const expAnnotations: Record<string, string> = {};
    for (const [k, v] of Object.entries(c.annotations))
      expAnnotations[k] = await expandAlertTemplate(v, data);
    alertTests.push({
      eval_time: "1m",
      alertname: c.alert,
      exp_alerts: [{ exp_labels: expLabels, exp_annotations: expAnnotations }],
    });
  }
  const series = cases.map((c) => ({ series: selector(c.series), values: "1x5" }));
  const test = {
    rule_files: ["rules.yml"],
    evaluation_interval: "1m",
    tests: [
      {
        interval: "1m",
        external_labels: external.labels,
        external_url: external.url,
        input_series: series,
        alert_rule_test: alertTests,
      },
    ],
  };
  const path = join(dir, "test.yml");
  await Bun.write(path, stringify(test, { lineWidth: 0 }));
  return path;
}

/** Alert cases from an upstream rule file: each alerting rule with a synthetic series and value. */
export function upstreamCases(path: string, prefix: string): AlertCase[] {
  const doc = yamlParse(readFileSync(path, "utf8")) as {
    groups: { rules: Record<string, unknown>[] }[];
  };
  const cases: AlertCase[] = [];
  for (const group of doc.groups) {
    for (const rule of group.rules) {
      if (typeof rule.alert !== "string") continue;
      const annotations = (rule.annotations ?? {}) as Record<string, string>;
      const labels = (rule.labels ?? {}) as Record<string, string>;
      const text = JSON.stringify([annotations, labels]);
      const series: Record<string, string> = {
        __name__: "e",
        case: `${prefix}${cases.length}`,
        instance: "db-1.example.com:9104",
        job: "exporter",
      };
      for (const m of text.matchAll(/\$labels\.([a-zA-Z_]\w*)/g)) series[m[1]!] ??= `${m[1]}-välue`;
      cases.push({
        alert: `${prefix}${cases.length}`,
        series,
        expr: "SERIES * 0 + 42.125",
        annotations,
        labels,
      });
    }
  }
  return cases;
}
