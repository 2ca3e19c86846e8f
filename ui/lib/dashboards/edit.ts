/** Changes edit mode makes to a dashboard's panels: find, replace, remove, add, place. */
import { gridBottom } from "./layout.ts";
import type { DashboardModel, GridPos, Panel } from "./types.ts";

/** Every panel id in use, inside collapsed rows too. */
function ids(panels: Panel[]): number[] {
  return panels.flatMap((p) => [p.id, ...ids(p.panels ?? [])]);
}

/** Panel edits, each returning new panels. */
export const editPanels = {
  /** The panel with this id, at the top level or inside a collapsed row. */
  find(panels: Panel[], id: number): Panel | undefined {
    for (const p of panels) {
      if (p.id === id) return p;
      const inner = p.panels && editPanels.find(p.panels, id);
      if (inner) return inner;
    }
    return undefined;
  },
  /** Panels with the one of the same id replaced. */
  replace(panels: Panel[], next: Panel): Panel[] {
    return panels.map((p) =>
      p.id === next.id ? next : p.panels ? { ...p, panels: editPanels.replace(p.panels, next) } : p,
    );
  },
  /** Panels without this one. */
  remove(panels: Panel[], id: number): Panel[] {
    return panels
      .filter((p) => p.id !== id)
      .map((p) => (p.panels ? { ...p, panels: editPanels.remove(p.panels, id) } : p));
  },
  /** Top-level panels at the places given (others unchanged). */
  place(panels: Panel[], positions: Map<number, GridPos>): Panel[] {
    return panels.map((p) => {
      const g = positions.get(p.id);
      return g &&
        (g.x !== p.gridPos.x || g.y !== p.gridPos.y || g.w !== p.gridPos.w || g.h !== p.gridPos.h)
        ? { ...p, gridPos: { ...g } }
        : p;
    });
  },
};

/** A new time series panel under every other one, with a free id. */
export function newPanel(panels: Panel[]): Panel {
  return {
    id: Math.max(0, ...ids(panels)) + 1,
    type: "timeseries",
    title: "New panel",
    gridPos: { x: 0, y: gridBottom(panels), w: 12, h: 8 },
    targets: [{ refId: "A", expr: "" }],
    fieldConfig: { defaults: {}, overrides: [] },
    options: {},
  };
}

/** True when the dashboard shows Grafana's built-in "Annotations & Alerts" (alert history). */
export function hasAlertAnnotations(model: DashboardModel): boolean {
  const list = Array.isArray(model.annotations?.list)
    ? (model.annotations.list as Record<string, unknown>[])
    : [];
  return list.some((a) => a?.builtIn === 1 && a.enable !== false);
}
