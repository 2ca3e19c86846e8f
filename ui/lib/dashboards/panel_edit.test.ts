import { expect, test } from "bun:test";
import {
  applyForm,
  newTarget,
  nextRefId,
  panelToForm,
  sortSteps,
  withoutVariables,
} from "./panel_edit.ts";
import type { Panel } from "./types.ts";

/** A panel as Grafana writes one, with fields the editor does not know. */
function panel(): Panel {
  return {
    id: 7,
    type: "timeseries",
    title: "CPU",
    pluginVersion: "10.4.1",
    gridPos: { x: 0, y: 0, w: 12, h: 8 },
    datasource: { type: "prometheus", uid: "outpost-prometheus" },
    links: [{ title: "runbook", url: "https://example.org" }],
    options: { legend: { displayMode: "table", placement: "bottom" }, tooltip: { mode: "multi" } },
    fieldConfig: {
      defaults: {
        unit: "percent",
        decimals: null,
        custom: { lineWidth: 2, fillOpacity: 10 },
        mappings: [{ type: "value", options: { "0": { text: "off" } } }],
        thresholds: {
          mode: "absolute",
          steps: [
            { value: null, color: "green" },
            { value: 80, color: "red" },
          ],
        },
      },
      overrides: [
        {
          matcher: { id: "byName", options: "idle" },
          properties: [{ id: "color", value: { mode: "fixed" } }],
        },
      ],
    },
    targets: [
      {
        refId: "A",
        expr: 'rate(node_cpu_seconds_total{mode!="idle"}[$__rate_interval])',
        legendFormat: "{{cpu}}",
        datasource: { type: "prometheus", uid: "outpost-prometheus" },
        interval: "",
        intervalFactor: 1,
        exemplar: true,
        step: 240,
      },
    ],
    transformations: [{ id: "organize", options: {} }],
  };
}

test("applyForm() of an unchanged form gives back an equal panel", () => {
  for (const p of [
    panel(),
    { id: 1, type: "stat", gridPos: { x: 0, y: 0, w: 1, h: 1 } },
    { id: 2, type: "text", gridPos: { x: 0, y: 0, w: 1, h: 1 }, options: { content: "# hi" } },
  ]) {
    expect(applyForm(p as Panel, panelToForm(p as Panel))).toEqual(p as Panel);
  }
});

test("applyForm() changes what was edited and keeps every field it does not know", () => {
  const before = panel();
  const form = panelToForm(before);
  form.title = "CPU busy";
  form.type = "stat";
  form.unit = "percentunit";
  form.decimals = 2;
  form.max = 1;
  form.steps = [...form.steps, { value: 50, color: "orange" }];
  form.targets[0]!.expr = '1 - avg(rate(node_cpu_seconds_total{mode="idle"}[5m]))';
  form.targets[0]!.instant = true;
  form.targets.push({ ...newTarget(form, before), expr: "up" });
  const after = applyForm(before, form);
  expect(after.title).toBe("CPU busy");
  expect(after.type).toBe("stat");
  // Untouched: panel fields the editor does not show.
  for (const key of [
    "id",
    "pluginVersion",
    "gridPos",
    "datasource",
    "links",
    "options",
    "transformations",
  ])
    expect(after[key]).toEqual(before[key]);
  const d = after.fieldConfig!.defaults;
  expect(d.unit).toBe("percentunit");
  expect(d.decimals).toBe(2);
  expect(d.max).toBe(1);
  expect(d.custom).toEqual(before.fieldConfig!.defaults.custom!);
  expect(d.mappings).toEqual(before.fieldConfig!.defaults.mappings!);
  expect(d.thresholds!.steps.map((s) => s.value)).toEqual([null, 50, 80]);
  expect(after.fieldConfig!.overrides).toEqual(before.fieldConfig!.overrides);
  const [a, b] = after.targets!;
  expect(a).toEqual({
    ...before.targets![0]!,
    expr: form.targets[0]!.expr,
    instant: true,
    range: false,
  });
  expect(b).toEqual({ refId: "B", expr: "up" });
  // The original is not changed in place.
  expect(before).toEqual(panel());
});

test("clearing a field removes it, and text panels keep their content and mode", () => {
  const form = panelToForm(panel());
  form.unit = "";
  form.description = "";
  const after = applyForm(panel(), form);
  expect("unit" in after.fieldConfig!.defaults).toBe(false);
  expect("description" in after).toBe(false);
  const text: Panel = {
    id: 3,
    type: "text",
    gridPos: { x: 0, y: 0, w: 6, h: 3 },
    options: { code: { language: "go" } },
  };
  const tf = panelToForm(text);
  tf.textContent = "<b>hi</b>";
  tf.textMode = "html";
  expect(applyForm(text, tf).options).toEqual({
    code: { language: "go" },
    content: "<b>hi</b>",
    mode: "html",
  });
});

test("a logs panel's new query is LogQL; refIds continue as Grafana names them", () => {
  const logs: Panel = {
    id: 4,
    type: "logs",
    gridPos: { x: 0, y: 0, w: 6, h: 3 },
    datasource: { type: "loki" },
    targets: [{ refId: "A", expr: '{app="x"}' }],
  };
  const form = panelToForm(logs);
  expect(form.targets[0]!.language).toBe("logql");
  expect(newTarget(form, logs)).toMatchObject({ refId: "B", language: "logql" });
  expect(nextRefId([])).toBe("A");
  expect(nextRefId(["A", "C"])).toBe("B");
  expect(nextRefId("ABCDEFGHIJKLMNOPQRSTUVWXYZ".split(""))).toBe("A1");
});

test("sortSteps() puts the base step first, then ascending values", () => {
  expect(
    sortSteps([
      { value: 9, color: "r" },
      { value: null, color: "g" },
      { value: 1, color: "y" },
    ]).map((s) => s.value),
  ).toEqual([null, 1, 9]);
});

test.each([
  ["rate(x[$__rate_interval])", "rate(x[5m])"],
  [`rate(x[\${__interval}])`, "rate(x[5m])"],
  ["avg_over_time(x[$window:$step])", "avg_over_time(x[5m])"],
  ["rate(x[[[interval]]])", "rate(x[5m])"],
  [`x{job="$job"} * $__range_s / \${__interval_ms}`, 'x{job="$job"} * 300 / 300'],
  ["x offset $__range", "x offset 5m"],
  ["up", "up"],
])("withoutVariables(%j) is %j for the parse check", (expr, want) => {
  expect(withoutVariables(expr)).toBe(want);
});
