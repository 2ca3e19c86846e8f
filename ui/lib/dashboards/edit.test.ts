import { expect, test } from "bun:test";
import { editPanels, hasAlertAnnotations, newPanel } from "./edit.ts";
import type { DashboardModel, Panel } from "./types.ts";

const p = (id: number, y: number, more: Partial<Panel> = {}): Panel => ({
  id,
  type: "stat",
  gridPos: { x: 0, y, w: 6, h: 4 },
  ...more,
});
const panels = [p(1, 0), p(2, 4, { type: "row", collapsed: true, panels: [p(7, 5)] }), p(3, 5)];

test("editPanels finds, replaces and removes panels inside collapsed rows too", () => {
  expect(editPanels.find(panels, 7)?.id).toBe(7);
  const replaced = editPanels.replace(panels, { ...p(7, 5), title: "new" });
  expect(editPanels.find(replaced, 7)?.title).toBe("new");
  expect(editPanels.find(editPanels.remove(panels, 7), 7)).toBeUndefined();
  expect(editPanels.remove(panels, 1).map((x) => x.id)).toEqual([2, 3]);
});

test("editPanels.place() moves only the panels whose place changed", () => {
  const out = editPanels.place(
    panels,
    new Map([
      [1, { x: 0, y: 0, w: 6, h: 4 }],
      [3, { x: 6, y: 0, w: 6, h: 4 }],
    ]),
  );
  expect(out[0]).toBe(panels[0]);
  expect(out[2].gridPos).toEqual({ x: 6, y: 0, w: 6, h: 4 });
});

test("newPanel() takes a free id and goes under every panel", () => {
  expect(newPanel(panels)).toMatchObject({
    id: 8,
    type: "timeseries",
    gridPos: { x: 0, y: 9, w: 12, h: 8 },
  });
});

test("hasAlertAnnotations() is true for Grafana's enabled built-in annotation only", () => {
  const with_ = (list: unknown[]) => ({ title: "x", annotations: { list } }) as DashboardModel;
  expect(hasAlertAnnotations(with_([{ builtIn: 1, enable: true }]))).toBe(true);
  expect(hasAlertAnnotations(with_([{ builtIn: 1, enable: false }]))).toBe(false);
  expect(hasAlertAnnotations(with_([{ name: "deploys" }]))).toBe(false);
  expect(hasAlertAnnotations({ title: "x" })).toBe(false);
});
