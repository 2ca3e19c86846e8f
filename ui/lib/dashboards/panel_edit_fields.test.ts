import { expect, test } from "bun:test";
import { applyForm, panelToForm } from "./panel_edit.ts";
import {
  legendOf,
  mappingRows,
  newMappingRow,
  propertyValue,
  rowsToMappings,
} from "./panel_edit_fields.ts";
import type { Panel, ValueMapping } from "./types.ts";

/** Mappings as Grafana 10 saves them: every result carries its place in the editor. */
const GRAFANA: ValueMapping[] = [
  {
    type: "value",
    options: { "0": { text: "down", color: "red", index: 0 }, "1": { text: "up", index: 1 } },
  },
  { type: "range", options: { from: 2, to: 10, result: { text: "many", index: 2 } } },
  { type: "regex", options: { pattern: "/(.*)-prod/", result: { text: "$1", index: 3 } } },
  { type: "special", options: { match: "null", result: { text: "n/a", index: 4 } } },
];

function panel(extra: Partial<Panel> = {}): Panel {
  return {
    id: 1,
    type: "timeseries",
    gridPos: { x: 0, y: 0, w: 12, h: 8 },
    fieldConfig: { defaults: { mappings: GRAFANA }, overrides: [] },
    options: { legend: { displayMode: "list", placement: "bottom", calcs: [], width: 300 } },
    ...extra,
  };
}

test("mappingRows() lists one row per match in Grafana's order and rowsToMappings() saves them back equal", () => {
  const rows = mappingRows(GRAFANA);
  expect(rows.map((r) => [r.kind, r.match, r.text])).toEqual([
    ["value", "0", "down"],
    ["value", "1", "up"],
    ["range", "", "many"],
    ["regex", "/(.*)-prod/", "$1"],
    ["special", "null", "n/a"],
  ]);
  expect(rowsToMappings(rows)).toEqual(GRAFANA);
});

test("mappingRows() follows each result's index over the stored order", () => {
  const shuffled: ValueMapping[] = [GRAFANA[3], GRAFANA[0]];
  expect(mappingRows(shuffled).map((r) => r.match)).toEqual(["0", "1", "null"]);
});

test("rowsToMappings() joins consecutive value rows and drops rows with nothing to match", () => {
  const rows = [
    { ...newMappingRow("value"), match: "a", text: "A" },
    newMappingRow("value"),
    { ...newMappingRow("range") },
    { ...newMappingRow("value"), match: "b", color: "green" },
  ];
  expect(rowsToMappings(rows)).toEqual([
    {
      type: "value",
      options: { a: { text: "A", index: 0 }, b: { color: "green", index: 1 } },
    },
  ]);
});

test("applyForm() keeps mappings, overrides and legend untouched when the form is", () => {
  const p = panel();
  expect(applyForm(p, panelToForm(p))).toEqual(p);
});

test("applyForm() writes an edited mapping, override and legend and keeps the legend's other fields", () => {
  const p = panel();
  const form = panelToForm(p);
  form.mappings[0].text = "DOWN";
  form.overrides.push({
    matcher: { id: "byName", options: "idle" },
    properties: [{ id: "color", value: propertyValue("color", "blue") }],
  });
  form.legend = { displayMode: "table", placement: "right", calcs: ["mean", "max"] };
  const out = applyForm(p, form);
  expect(out.fieldConfig?.defaults.mappings?.[0].options["0"]).toEqual({
    text: "DOWN",
    color: "red",
    index: 0,
  });
  expect(out.fieldConfig?.overrides).toEqual([
    {
      matcher: { id: "byName", options: "idle" },
      properties: [{ id: "color", value: { mode: "fixed", fixedColor: "blue" } }],
    },
  ]);
  expect(out.options?.legend).toEqual({
    displayMode: "table",
    placement: "right",
    calcs: ["mean", "max"],
    showLegend: true,
    width: 300,
  });
});

test("legendOf() reads a hidden legend from showLegend false as Grafana 9+ writes it", () => {
  const p = panel({ options: { legend: { showLegend: false, displayMode: "list" } } });
  expect(legendOf(p).displayMode).toBe("hidden");
  expect(legendOf(panel({ options: undefined }))).toEqual({
    displayMode: "list",
    placement: "bottom",
    calcs: [],
  });
});

test.each([
  ["decimals", "2", 2],
  [
    "custom.hideFrom",
    '{"legend":true,"tooltip":false,"viz":false}',
    { legend: true, tooltip: false, viz: false },
  ],
  ["displayName", "CPU {{cpu}}", "CPU {{cpu}}"],
  ["unit", "bytes", "bytes"],
  ["color", '{"mode":"palette-classic"}', { mode: "palette-classic" }],
  ["min", "", undefined],
])("propertyValue(%p, %p) reads the typed text", (id, typed, value) => {
  expect(propertyValue(id, typed)).toEqual(value);
});
