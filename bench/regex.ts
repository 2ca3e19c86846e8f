/**
 * The cost of users' regexes where Outpost runs them: PromQL label matchers per label value,
 * a relabel program per series (the agent's target and metric relabeling), `label_replace`
 * over 10,000 series, LogQL line filters per MB of log lines, compiling a new pattern, and
 * one catastrophic pattern. Only public entry points are timed, so the same script measures
 * any version of the code. Figures are CPU time of this process, medians of several windows.
 *
 *   bun bench/regex.ts [--quick]
 */

import { compileLineFilter } from "../aggregator/logs/logql/line_filter.ts";
import { Engine } from "../aggregator/promql/engine/engine.ts";
import { compileMatcher } from "../aggregator/storage/matchers.ts";
import { MemoryStorage } from "../aggregator/storage/memory.ts";
import type { SeriesSamples } from "../aggregator/storage/storage.ts";
import { relabelConfigSchema } from "../shared/relabel/config.ts";
import { applyRelabel, compileRelabel } from "../shared/relabel/relabel.ts";
import { cpuMs, nsPerCall } from "./lib/per_call.ts";

const quick = process.argv.includes("--quick");
const WINDOW_MS = quick ? 300 : 1000;

/** Median CPU ns per call of `fn` over `inputs` (bench/lib/per_call.ts). */
const perCall = (fn: (input: string) => unknown, inputs: readonly string[]) =>
  nsPerCall(fn, inputs, WINDOW_MS);

const metricNames: string[] = [];
const instances: string[] = [];
const pods: string[] = [];
for (let i = 0; i < 500; i++) {
  metricNames.push(
    ["node_cpu_seconds_total", "go_gc_duration_seconds", "node_memory_MemFree_bytes"][i % 3],
    `http_requests_${i}_total`,
  );
  instances.push(`10.0.${i % 256}.${i % 7}:${9100 + (i % 3)}`);
  pods.push(`api-${(i * 7919).toString(16).padStart(6, "0")}-${(i * 31).toString(36)}x9z`);
}

const matcherCases: [string, string, string[]][] = [
  ["literal_set", "node_cpu_seconds_total|go_gc_duration_seconds", metricNames],
  ["prefix", "node_.*", metricNames],
  ["suffix", ".*:9100", instances],
  ["alternation", "node_(cpu|memory)_.*", metricNames],
  ["class_repeat", "api-[0-9a-f]+-[a-z0-9]{2,5}x9z", pods],
  ["case_insensitive", "(?i)NODE_.*_BYTES", metricNames],
];
for (const [name, pattern, values] of matcherCases) {
  const test = compileMatcher({ name: "x", type: "=~", value: pattern });
  console.log(`regex_matcher_${name} ${perCall(test, values).toFixed(0)} ns/value`);
}
// Label values repeat across series; these 50,000 do not, within what any cache would keep.
const distinctPods = Array.from(
  { length: 50_000 },
  (_, i) => `api-${(i * 7919).toString(16).padStart(6, "0")}-${(i * 31).toString(36)}x9z`,
);
const distinctTest = compileMatcher({ name: "x", type: "=~", value: matcherCases[4][1] });
console.log(
  `regex_matcher_class_repeat_distinct ${perCall(distinctTest, distinctPods).toFixed(0)} ns/value`,
);

// A Kubernetes-style target relabeling, then a metric relabeling, per label set.
const program = compileRelabel(
  [
    { source_labels: ["__meta_pod_annotation_scrape"], regex: "true", action: "keep" },
    {
      source_labels: ["__address__", "__meta_pod_annotation_port"],
      regex: "([^:]+)(?::\\d+)?;(\\d+)",
      replacement: "$1:$2",
      target_label: "__address__",
    },
    { regex: "__meta_pod_label_(.+)", action: "labelmap" },
    { source_labels: ["__meta_namespace"], target_label: "namespace" },
    { source_labels: ["__name__"], regex: "go_.*|process_.*", action: "drop" },
    { source_labels: ["instance"], regex: "(.*):\\d+", target_label: "host" },
    { regex: "pod_template_hash", action: "labeldrop" },
  ].map((rule) => relabelConfigSchema.parse(rule)),
);
const labelSets = pods.map((pod, i) => [
  ["__name__", metricNames[i]],
  ["__address__", instances[i]],
  ["instance", instances[i]],
  ["__meta_namespace", `ns-${i % 5}`],
  ["__meta_pod_annotation_scrape", "true"],
  ["__meta_pod_annotation_port", "8080"],
  ["__meta_pod_label_app", "api"],
  ["__meta_pod_label_pod_template_hash", pod],
]);
const relabelNs = perCall(
  (i) => applyRelabel(program, new Map(labelSets[Number(i)] as [string, string][])),
  labelSets.map((_, i) => String(i)),
);
console.log(`regex_relabel_series ${(relabelNs / 1000).toFixed(2)} us/series`);

// label_replace over 10,000 series of one sample each.
const series: SeriesSamples[] = [];
for (let i = 0; i < 10_000; i++) {
  const instance = `host-${i}.example.org:${9100 + (i % 3)}`;
  series.push({
    labels: ["__name__", "up", "instance", instance, "job", `job-${i % 10}`],
    length: 1,
    timestamps: new Float64Array([0]),
    values: new Float64Array([1]),
  });
}
const store = new MemoryStorage().addSeries(series);
const engine = new Engine();
const replaceQuery = 'label_replace(up, "host", "$1", "instance", "([^.]+)\\\\..*:\\\\d+")';
const times: number[] = [];
// Enough runs for the JIT to settle: a long-running aggregator sees the steady state.
for (let i = 0; i < (quick ? 10 : 20); i++) {
  const began = cpuMs();
  await engine.instantQuery(store, replaceQuery, 0);
  if (i > 0) times.push(cpuMs() - began);
}
times.sort((a, b) => a - b);
console.log(`regex_label_replace_10000_series ${times[times.length >> 1].toFixed(1)} ms`);

const lines: string[] = [];
for (let i = 0; i < 2000; i++) {
  const level = i % 10 === 0 ? "error" : "info";
  lines.push(
    `ts=2026-11-22T19:2${i % 10}:00.123Z level=${level} caller=scrape.go:${i} component="scrape manager" ` +
      `msg="append failed" target=http://10.0.${i % 256}.7:9100/metrics user_id=u${i} ` +
      `status=${i % 13 === 0 ? 503 : 200} duration=${i}ms`,
  );
}
const lineBytes = lines.reduce((n, l) => n + l.length, 0) / lines.length;
const filterCases: [string, string][] = [
  ["literal", "error"],
  ["literal_set", "error|timeout"],
  ["digits", "status=5\\d\\d"],
  ["case_insensitive_literal", "(?i)APPEND FAILED"],
  ["case_insensitive", "(?i)APPEND FAILED.*USER_ID=U1"],
];
for (const [name, pattern] of filterCases) {
  const filter = compileLineFilter("|~", [pattern]);
  const mbPerS = (lineBytes / perCall(filter, lines)) * 1000;
  console.log(`regex_logql_filter_${name} ${mbPerS.toFixed(0)} MB/s`);
}

let next = 0;
const compileNs = perCall(
  () => compileMatcher({ name: "x", type: "=~", value: `job_${next++}_(cpu|mem)_[a-z]+|x.*y` }),
  ["_"],
);
console.log(`regex_compile ${(compileNs / 1000).toFixed(1)} us/pattern`);

// The catastrophic case of NOTES.md: JavaScriptCore gives up after about a second.
const pathological = compileMatcher({ name: "x", type: "=~", value: "(a+)+x|a+b" });
const began = performance.now();
const matched = pathological(`${"a".repeat(38)}b`);
console.log(`regex_pathological_38a ${(performance.now() - began).toFixed(2)} ms`);
console.log(`regex_pathological_38a_matched ${matched ? 1 : 0} bool`);
