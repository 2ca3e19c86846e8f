/**
 * The values stat, gauge and bar gauge panels show, as Grafana's `getFieldDisplayValues`: one
 * per field and calc (titles gain the calc's name when there are several), every value with
 * `reduceOptions.values` up to `limit`, fields picked by `reduceOptions.fields`.
 */
import { describe, expect, test } from "bun:test";
import type { Panel, SeriesFrame } from "./types.ts";
import { fieldValues } from "./values.ts";

const frame = (name: string, values: (number | null)[]): SeriesFrame => ({
  refId: "A",
  name,
  labels: {},
  times: values.map((_, i) => i * 1000),
  values,
});
const panel = (options: Record<string, unknown>, unit = "percent"): Panel => ({
  id: 1,
  type: "stat",
  gridPos: { x: 0, y: 0, w: 1, h: 1 },
  fieldConfig: { defaults: { unit }, overrides: [] },
  options,
});
const series = [frame("a", [1, 2, null]), frame("b", [10, 20, 30])];
const range = { min: 0, max: 100 };

describe("fieldValues()", () => {
  test("lastNotNull by default, one value per field", () => {
    const v = fieldValues(panel({}), series, range);
    expect(v.map((x) => [x.title, x.display.text + (x.display.suffix ?? "")])).toEqual([
      ["a", "2%"],
      ["b", "30%"],
    ]);
  });

  test("several calcs give a value each, titled with the calc", () => {
    const v = fieldValues(
      panel({ reduceOptions: { calcs: ["min", "max"] } }),
      series.slice(1),
      range,
    );
    expect(v.map((x) => [x.title, x.display.numeric])).toEqual([
      ["b Min", 10],
      ["b Max", 30],
    ]);
  });

  test("values mode shows every value up to the limit", () => {
    const v = fieldValues(panel({ reduceOptions: { values: true, limit: 4 } }), series, range);
    expect(v.map((x) => x.display.numeric)).toEqual([1, 2, Number.NaN, 10]);
  });

  test("fields picks by name or /regex/", () => {
    expect(
      fieldValues(panel({ reduceOptions: { fields: "b" } }), series, range).map((x) => x.title),
    ).toEqual(["b"]);
    expect(
      fieldValues(panel({ reduceOptions: { fields: "/^[ab]$/" } }), series, range),
    ).toHaveLength(2);
  });
});
