/**
 * Table frames as Grafana's Prometheus data source and transformations give them: an instant
 * query is a row per series with Time, its labels and "Value" ("Value #A" with several
 * queries); `merge` joins rows whose labels agree; `organize` excludes, renames and orders;
 * `joinByField` outer-joins on a field; a range answer is one frame joined on Time.
 */
import { describe, expect, test } from "bun:test";
import { joinFrames, sortRows, tableFrame } from "./table.ts";
import type { Panel, SeriesFrame } from "./types.ts";

const T = 1_700_000_000_000;
const s = (
  refId: string,
  labels: Record<string, string>,
  value: number,
  times = [T],
): SeriesFrame => ({
  refId,
  name: JSON.stringify(labels),
  labels,
  times,
  values: times.map(() => value),
});
const panel = (over: Partial<Panel> = {}): Panel => ({
  id: 1,
  type: "table",
  gridPos: { x: 0, y: 0, w: 1, h: 1 },
  targets: [
    { refId: "A", instant: true, format: "table" },
    { refId: "B", instant: true, format: "table" },
  ],
  ...over,
});
const series = [
  s("A", { instance: "a", job: "n" }, 1),
  s("A", { instance: "b", job: "n" }, 0),
  s("B", { instance: "b", job: "n" }, 0.5),
];

describe("tableFrame()", () => {
  test("an instant query per refId: Time, labels sorted, Value #refId", () => {
    const f = tableFrame(panel(), series);
    expect(f.columns.map((c) => c.name)).toEqual(["Time", "instance", "job", "Value #A"]);
    expect(f.rows).toEqual([
      [T, "a", "n", 1],
      [T, "b", "n", 0],
    ]);
  });

  test("one query names its value column Value", () => {
    const f = tableFrame(panel({ targets: [{ refId: "A", instant: true }] }), series.slice(0, 2));
    expect(f.columns.at(-1)?.name).toBe("Value");
  });

  test("merge joins rows whose labels agree, then organize excludes, renames and orders", () => {
    const f = tableFrame(
      panel({
        transformations: [
          { id: "merge", options: {} },
          {
            id: "organize",
            options: {
              excludeByName: { Time: true },
              renameByName: { "Value #A": "Up" },
              indexByName: { "Value #B": 0 },
            },
          },
        ],
      }),
      series,
    );
    expect(f.columns.map((c) => c.name)).toEqual(["Value #B", "instance", "job", "Up"]);
    expect(f.rows).toEqual([
      [null, "a", "n", 1],
      [0.5, "b", "n", 0],
    ]);
  });

  test("joinByField outer-joins the queries on the field", () => {
    const f = tableFrame(
      panel({ transformations: [{ id: "joinByField", options: { byField: "instance" } }] }),
      series,
    );
    expect(f.rows.map((r) => r.slice(1))).toEqual([
      ["a", "n", 1, null],
      ["b", "n", 0, 0.5],
    ]);
  });

  test("a range answer is one frame on Time with a column per series, oldest first", () => {
    const range = [s("A", { x: "1" }, 3, [T, T + 60_000]), s("A", { x: "2" }, 4, [T + 60_000])];
    const f = tableFrame(panel({ targets: [{ refId: "A" }] }), range);
    expect(f.columns.map((c) => c.type)).toEqual(["time", "number", "number"]);
    expect(f.rows).toEqual([
      [T, 3, null],
      [T + 60_000, 3, 4],
    ]);
  });

  test("filterFieldsByName keeps the named columns", () => {
    const f = tableFrame(
      panel({
        transformations: [
          { id: "filterFieldsByName", options: { include: { names: ["instance"] } } },
        ],
      }),
      series,
    );
    expect(f.columns.map((c) => c.name)).toEqual(["instance"]);
  });

  test("a disabled transformation is skipped", () => {
    const f = tableFrame(
      panel({ transformations: [{ id: "merge", options: {}, disabled: true } as never] }),
      series,
    );
    expect(f.columns.at(-1)?.name).toBe("Value #A");
  });
});

describe("sortRows() and joinFrames()", () => {
  test("sorts numbers numerically with nulls last, text naturally", () => {
    const rows = [[10], [null], [9], [100]];
    expect(sortRows(rows, 0, false)).toEqual([[9], [10], [100], [null]]);
    expect(sortRows(rows, 0, true)).toEqual([[100], [10], [9], [null]]);
    expect(sortRows([["node10"], ["node9"]], 0, false)).toEqual([["node9"], ["node10"]]);
  });

  test("a frame without the join field joins by row", () => {
    const a = { columns: [{ name: "k", type: "string" as const }], rows: [["x"]] };
    const b = { columns: [{ name: "v", type: "number" as const }], rows: [[1]] };
    expect(joinFrames([a, b], "k").rows).toEqual([
      ["x", null],
      [null, 1],
    ]);
  });
});
