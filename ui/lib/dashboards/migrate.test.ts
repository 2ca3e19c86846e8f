// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Grafana data source references are the subject of these tests
import { expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { lokiNames, targetLanguage } from "./datasources.ts";
import { migrateDashboard, migratePanel } from "./migrate.ts";
import type { DashboardModel, Panel } from "./types.ts";

const base = { id: 1, gridPos: { x: 0, y: 0, w: 12, h: 8 } };

test("migratePanel() turns a graph into a timeseries as Grafana does", () => {
  const graph = {
    ...base,
    type: "graph",
    title: "CPU",
    myPluginField: { keep: true },
    yaxes: [
      { format: "bytes", decimals: 2, min: "0", max: null, logBase: 2, label: "mem", show: true },
      { format: "percent", show: true },
    ],
    lines: true,
    linewidth: 2,
    fill: 3,
    stack: true,
    percentage: false,
    points: false,
    nullPointMode: "connected",
    legend: {
      show: true,
      alignAsTable: true,
      rightSide: true,
      current: true,
      max: true,
      sort: "max",
      sortDesc: true,
    },
    tooltip: { shared: true, sort: 2 },
    seriesOverrides: [
      { alias: "/idle/", yaxis: 2, fill: 0, color: "#ff0000" },
      { alias: "user", bars: true, legend: false },
    ],
    aliasColors: { system: "blue" },
    thresholds: [{ value: 80, op: "gt", colorMode: "critical", fill: true, line: true }],
  } as unknown as Panel;
  const p = migratePanel(graph);
  expect(p.type).toBe("timeseries");
  expect(p.myPluginField).toEqual({ keep: true });
  expect("yaxes" in p).toBe(false);
  const d = p.fieldConfig!.defaults;
  expect([d.unit, d.decimals, d.min, d.max]).toEqual(["bytes", 2, 0, undefined]);
  expect(d.custom).toMatchObject({
    axisLabel: "mem",
    scaleDistribution: { type: "log", log: 2 },
    drawStyle: "line",
    lineWidth: 2,
    fillOpacity: 30,
    spanNulls: true,
    stacking: { mode: "normal", group: "A" },
    thresholdsStyle: { mode: "line+area" },
  });
  expect(d.thresholds!.steps).toEqual([
    { value: null, color: "transparent" },
    { value: 80, color: "red" },
  ]);
  const [idle, user, system] = p.fieldConfig!.overrides;
  expect(idle.matcher).toEqual({ id: "byRegexp", options: "/idle/" });
  expect(idle.properties).toContainEqual({ id: "custom.axisPlacement", value: "right" });
  expect(idle.properties).toContainEqual({ id: "unit", value: "percent" });
  expect(idle.properties).toContainEqual({ id: "custom.fillOpacity", value: 0 });
  expect(user.properties).toContainEqual({ id: "custom.drawStyle", value: "bars" });
  expect(user.properties).toContainEqual({
    id: "custom.hideFrom",
    value: { legend: true, tooltip: false, viz: false },
  });
  expect(system.properties).toEqual([
    { id: "color", value: { mode: "fixed", fixedColor: "blue" } },
  ]);
  expect(p.options).toEqual({
    legend: {
      showLegend: true,
      displayMode: "table",
      placement: "right",
      calcs: ["lastNotNull", "max"],
      sortBy: "max",
      sortDesc: true,
    },
    tooltip: { mode: "multi", sort: "desc" },
  });
});

test("migratePanel() turns a singlestat into a stat, or a gauge when its gauge showed", () => {
  const single = {
    ...base,
    type: "singlestat",
    format: "percent",
    decimals: 1,
    valueName: "current",
    thresholds: "50,80",
    colors: ["green", "orange", "red"],
    colorBackground: true,
    valueMaps: [
      { op: "=", value: "null", text: "N/A" },
      { op: "=", value: "1", text: "up" },
    ],
    mappingType: 1,
    sparkline: { show: true },
    gauge: { show: false },
  } as unknown as Panel;
  const stat = migratePanel(single);
  expect(stat.type).toBe("stat");
  expect(stat.options).toMatchObject({
    reduceOptions: { calcs: ["lastNotNull"] },
    colorMode: "background",
    graphMode: "area",
  });
  const d = stat.fieldConfig!.defaults;
  expect([d.unit, d.decimals]).toEqual(["percent", 1]);
  expect(d.thresholds!.steps).toEqual([
    { value: null, color: "green" },
    { value: 50, color: "orange" },
    { value: 80, color: "red" },
  ]);
  expect(d.mappings).toEqual([
    { type: "value", options: { "1": { text: "up", index: 1 } } },
    { type: "special", options: { match: "null", result: { text: "N/A", index: 0 } } },
  ]);
  const gauge = migratePanel({
    ...single,
    gauge: { show: true, minValue: 0, maxValue: 200 },
    rangeMaps: [{ from: "0", to: "10", text: "low" }],
    mappingType: 2,
  } as unknown as Panel);
  expect(gauge.type).toBe("gauge");
  expect([gauge.fieldConfig!.defaults.min, gauge.fieldConfig!.defaults.max]).toEqual([0, 200]);
  expect(gauge.fieldConfig!.defaults.mappings).toEqual([
    { type: "range", options: { from: 0, to: 10, result: { text: "low", index: 0 } } },
  ]);
});

test("migratePanel() turns table-old styles into defaults and overrides", () => {
  const t = migratePanel({
    ...base,
    type: "table-old",
    styles: [
      { pattern: "/.*/", type: "number", unit: "bytes", decimals: 1 },
      { pattern: "Time", type: "hidden" },
      { pattern: "Value", type: "number", unit: "percent", alias: "Used" },
    ],
  } as unknown as Panel);
  expect(t.type).toBe("table");
  expect(t.fieldConfig!.defaults).toEqual({ unit: "bytes", decimals: 1 });
  expect(t.fieldConfig!.overrides).toEqual([
    {
      matcher: { id: "byName", options: "Time" },
      properties: [{ id: "custom.hidden", value: true }],
    },
    {
      matcher: { id: "byName", options: "Value" },
      properties: [
        { id: "unit", value: "percent" },
        { id: "displayName", value: "Used" },
      ],
    },
  ]);
});

test("migrateDashboard() places pre-5 rows on the grid", () => {
  const old = {
    title: "old",
    rows: [
      {
        title: "A",
        showTitle: true,
        height: "250px",
        panels: [
          { id: 1, type: "graph", span: 6 },
          { id: 2, type: "text", span: 6 },
          { id: 3, type: "text", span: 12, height: 100 },
        ],
      },
      { title: "B", collapse: true, height: 150, panels: [{ id: 4, type: "text", span: 4 }] },
      { title: "C", showTitle: true, panels: [{ type: "text", span: 12 }] },
    ],
  } as unknown as DashboardModel;
  const m = migrateDashboard(old);
  expect("rows" in m).toBe(false);
  const shape = m.panels!.map((p) => [p.type, p.id, p.gridPos]);
  expect(shape).toEqual([
    ["row", 5, { x: 0, y: 0, w: 24, h: 1 }],
    ["timeseries", 1, { x: 0, y: 1, w: 12, h: 7 }],
    ["text", 2, { x: 12, y: 1, w: 12, h: 7 }],
    ["text", 3, { x: 0, y: 8, w: 24, h: 3 }],
    ["row", 6, { x: 0, y: 11, w: 24, h: 1 }],
    ["row", 8, { x: 0, y: 12, w: 24, h: 1 }],
    ["text", 7, { x: 0, y: 13, w: 24, h: 7 }],
  ]);
  expect(m.panels![4].collapsed).toBe(true);
  expect(m.panels![4].panels!.map((p) => [p.id, p.gridPos])).toEqual([
    [4, { x: 0, y: 12, w: 8, h: 4 }],
  ]);
});

test("migrateDashboard() leaves Node Exporter Full's panels and unknown fields as they are", () => {
  const path = join(import.meta.dir, "../../../test/fixtures/grafana/node-exporter-full.json");
  const model = JSON.parse(readFileSync(path, "utf8")) as DashboardModel;
  const m = migrateDashboard(model);
  expect(m.panels!.length).toBe(model.panels!.length);
  expect(m.panels![1]).toEqual(model.panels![1]);
  expect(m.templating).toBe(model.templating);
});

test("targetLanguage() maps Prometheus and Loki sources by type, uid, input and variable", () => {
  const model = {
    title: "x",
    __inputs: [
      { name: "DS_LOGS", pluginId: "loki" },
      { name: "DS_PROM", pluginId: "prometheus" },
    ],
    templating: { list: [{ name: "lokids", type: "datasource", query: "loki" }] },
  } as DashboardModel;
  const loki = lokiNames(model);
  const panel = { ...base, type: "logs", datasource: "${DS_LOGS}" } as Panel;
  const cases: [unknown, unknown, string][] = [
    [undefined, "${DS_LOGS}", "logql"],
    [undefined, "${DS_PROM}", "promql"],
    [{ type: "loki", uid: "abc" }, undefined, "logql"],
    [{ type: "prometheus", uid: "abc" }, "${DS_LOGS}", "promql"],
    ["$lokids", undefined, "logql"],
    [{ uid: "${lokids}" }, undefined, "logql"],
    [undefined, { type: "datasource", uid: "-- Mixed --" }, "promql"],
    [undefined, undefined, "promql"],
  ];
  for (const [tds, pds, want] of cases) {
    expect([
      tds,
      pds,
      targetLanguage({ refId: "A", datasource: tds }, { ...panel, datasource: pds }, loki),
    ]).toEqual([tds, pds, want]);
  }
});
