import { expect, test } from "bun:test";
import {
  gridBottom,
  layoutPanels,
  pixelBox,
  setGridPos,
  stackNarrow,
  toggleRow,
} from "./layout.ts";
import type { Panel } from "./types.ts";

const panel = (
  id: number,
  x: number,
  y: number,
  w: number,
  h: number,
  more: Partial<Panel> = {},
): Panel => ({
  id,
  type: "timeseries",
  gridPos: { x, y, w, h },
  ...more,
});
const row = (id: number, y: number, more: Partial<Panel> = {}): Panel => ({
  id,
  type: "row",
  gridPos: { x: 0, y, w: 24, h: 1 },
  ...more,
});
const none = () => [];
const places = (ps: ReturnType<typeof layoutPanels>) =>
  ps.map((p) => [p.key, p.gridPos.x, p.gridPos.y, p.gridPos.w, p.gridPos.h]);

test("layoutPanels() floats panels up into free space", () => {
  const out = layoutPanels(
    [panel(1, 0, 5, 12, 4), panel(2, 12, 20, 12, 4), panel(3, 0, 30, 24, 2)],
    none,
  );
  expect(places(out)).toEqual([
    ["1", 0, 0, 12, 4],
    ["2", 12, 0, 12, 4],
    ["3", 0, 4, 24, 2],
  ]);
});

test("layoutPanels() hides a collapsed row's panels and shows an expanded row's", () => {
  const ps = [
    row(1, 0, { collapsed: true, panels: [panel(2, 0, 1, 24, 4)] }),
    row(3, 1),
    panel(4, 0, 2, 24, 4),
  ];
  expect(places(layoutPanels(ps, none))).toEqual([
    ["row1:0", 0, 0, 24, 1],
    ["row3:0", 0, 1, 24, 1],
    ["r0:4", 0, 2, 24, 4],
  ]);
});

test("layoutPanels() repeats a panel across (maxPerRow) and down", () => {
  const values = () => ["a", "b", "c"];
  const h = layoutPanels(
    [panel(1, 0, 0, 6, 3, { repeat: "host", maxPerRow: 2 }), panel(2, 0, 3, 24, 2)],
    values,
  );
  expect(places(h)).toEqual([
    ["1:0", 0, 0, 12, 3],
    ["1:1", 12, 0, 12, 3],
    ["1:2", 0, 3, 12, 3],
    ["2", 0, 6, 24, 2],
  ]);
  expect(h[2].repeat).toEqual({ name: "host", value: "c" });
  const v = layoutPanels([panel(1, 0, 0, 8, 2, { repeat: "host", repeatDirection: "v" })], values);
  expect(places(v)).toEqual([
    ["1:0", 0, 0, 8, 2],
    ["1:1", 0, 2, 8, 2],
    ["1:2", 0, 4, 8, 2],
  ]);
});

test("layoutPanels() repeats a row with its panels and moves later rows down", () => {
  const ps = [row(1, 0, { repeat: "dc" }), panel(2, 0, 1, 24, 3), row(3, 4), panel(4, 0, 5, 24, 2)];
  const out = layoutPanels(ps, (n) => (n === "dc" ? ["x", "y"] : []));
  expect(places(out)).toEqual([
    ["row1:0", 0, 0, 24, 1],
    ["r0:2", 0, 1, 24, 3],
    ["row1:1", 0, 4, 24, 1],
    ["r1:2", 0, 5, 24, 3],
    ["row3:0", 0, 8, 24, 1],
    ["r0:4", 0, 9, 24, 2],
  ]);
  expect(out[3].repeat).toEqual({ name: "dc", value: "y" });
});

test("toggleRow() expands into the top level and collapses back", () => {
  const ps = [
    row(1, 0, { collapsed: true, panels: [panel(2, 0, 7, 12, 4), panel(3, 12, 7, 12, 5)] }),
    row(4, 1),
    panel(5, 0, 2, 24, 2),
  ];
  const open = toggleRow(ps, 1);
  expect(open.map((p) => [p.id, p.gridPos.y, p.collapsed])).toEqual([
    [1, 0, false],
    [2, 1, undefined],
    [3, 1, undefined],
    [4, 6, undefined],
    [5, 7, undefined],
  ]);
  const closed = toggleRow(open, 1);
  expect(closed.map((p) => p.id)).toEqual([1, 4, 5]);
  expect(closed[0].panels!.map((p) => p.id)).toEqual([2, 3]);
});

test("setGridPos() clamps to the grid and pixelBox() sizes cells as Grafana", () => {
  const ps = setGridPos([panel(1, 0, 0, 6, 3)], 1, { x: 22.4, y: -2, w: 6, h: 0.2 });
  expect(ps[0].gridPos).toEqual({ x: 18, y: 0, w: 6, h: 1 });
  expect(gridBottom(ps)).toBe(1);
  expect(pixelBox({ x: 12, y: 2, w: 12, h: 8 }, 1192)).toEqual({
    left: 600,
    top: 76,
    width: 592,
    height: 296,
  });
});

test("stackNarrow() puts the panels one under another at full width, in reading order", () => {
  const at = (id: number, x: number, y: number, w: number, h: number) => ({
    key: String(id),
    panel: panel(id, x, y, w, h),
    gridPos: { x, y, w, h },
  });
  const stacked = stackNarrow([at(3, 0, 4, 24, 8), at(2, 12, 0, 12, 4), at(1, 0, 0, 6, 3)]);
  expect(stacked.map((p) => [p.key, p.gridPos])).toEqual([
    ["1", { x: 0, y: 0, w: 24, h: 3 }],
    ["2", { x: 0, y: 3, w: 24, h: 4 }],
    ["3", { x: 0, y: 7, w: 24, h: 8 }],
  ]);
});
