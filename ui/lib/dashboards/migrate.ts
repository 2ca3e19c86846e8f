/**
 * A stored dashboard made ready to render, as Grafana migrates old ones on load: pre-5.0
 * `rows` become row panels with `gridPos`, legacy panel types become current ones, and every
 * panel gets an id and a place. Pure: the stored JSON is not changed, a new model is returned.
 */
import { migrateGraph } from "./migrate_graph.ts";
import { migrateSinglestat, migrateTableOld } from "./migrate_singlestat.ts";
import type { DashboardModel, Panel } from "./types.ts";

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (v !== null && typeof v === "object" ? (v as Obj) : {});

/** Grafana's grid: a cell is 30 px high with 8 px between rows. */
const CELL_PX = 30;
const MARGIN_PX = 8;

/** Grid rows of a pre-5 pixel height (`"250px"` or 250). */
function gridHeight(height: unknown, fallback: number): number {
  const px = typeof height === "number" ? height : Number.parseInt(String(height ?? ""), 10);
  return Number.isFinite(px) && px > 0 ? Math.ceil(px / (CELL_PX + MARGIN_PX)) : fallback;
}

/** Panels of pre-5 `rows` laid out on the grid as Grafana's `upgradeToGridLayout` places them. */
export function rowsToPanels(rows: unknown[], nextId: () => number): Panel[] {
  const out: Panel[] = [];
  const list = rows.map(obj);
  // A dashboard whose rows show no title and cannot collapse gets no row panels at all.
  const showRows = list.some((r) => r.collapse || r.showTitle || r.repeat);
  let y = 0;
  for (const row of list) {
    const h = gridHeight(row.height, 7);
    const children: Panel[] = [];
    let x = 0;
    let rowY = y + (showRows ? 1 : 0);
    let lineH = 0;
    for (const raw of Array.isArray(row.panels) ? row.panels.map(obj) : []) {
      const w = Math.max(1, Math.min(24, Math.round((Number(raw.span) || 4) * 2)));
      const ph = raw.height !== undefined ? gridHeight(raw.height, h) : h;
      if (x + w > 24) {
        rowY += lineH;
        x = 0;
        lineH = 0;
      }
      const { span: _span, height: _height, ...rest } = raw;
      children.push({
        ...(rest as unknown as Panel),
        id: Number(raw.id) || nextId(),
        gridPos: { x, y: rowY, w, h: ph },
      });
      x += w;
      lineH = Math.max(lineH, ph);
    }
    const bottom = children.length > 0 ? rowY + lineH : rowY;
    if (showRows) {
      const collapsed = row.collapse === true;
      const rowPanel: Panel = {
        id: nextId(),
        type: "row",
        title: typeof row.title === "string" ? row.title : "",
        gridPos: { x: 0, y, w: 24, h: 1 },
        collapsed,
        panels: collapsed ? children : [],
      };
      if (typeof row.repeat === "string" && row.repeat !== "") rowPanel.repeat = row.repeat;
      out.push(rowPanel);
      if (!collapsed) out.push(...children);
      y = collapsed ? y + 1 : bottom;
    } else {
      out.push(...children);
      y = bottom;
    }
  }
  return out;
}

/** One panel in its current type; a row's children too. */
export function migratePanel(panel: Panel): Panel {
  let p = panel;
  if (p.type === "graph") p = migrateGraph(p);
  else if (p.type === "singlestat" || p.type === "grafana-singlestat-panel")
    p = migrateSinglestat(p);
  else if (p.type === "table-old" || (p.type === "table" && Array.isArray((p as Obj).styles)))
    p = migrateTableOld(p);
  if (Array.isArray(p.panels)) p = { ...p, panels: p.panels.map(migratePanel) };
  return p;
}

/** The dashboard with rows moved into panels, panels migrated, ids and grid places filled in. */
export function migrateDashboard(model: DashboardModel): DashboardModel {
  const ids = new Set<number>();
  const collect = (ps: Panel[] | undefined) => {
    for (const p of ps ?? []) {
      if (typeof p.id === "number") ids.add(p.id);
      collect(p.panels);
    }
  };
  collect(model.panels);
  for (const r of Array.isArray(model.rows) ? model.rows : [])
    collect(obj(r).panels as Panel[] | undefined);
  let next = Math.max(0, ...ids) + 1;
  const nextId = () => next++;
  let panels = Array.isArray(model.panels) ? model.panels : [];
  const { rows, ...rest } = model;
  if (Array.isArray(rows) && rows.length > 0) panels = [...panels, ...rowsToPanels(rows, nextId)];
  const fill = (p: Panel): Panel => {
    const g = obj(p.gridPos);
    const gridPos = {
      x: Number(g.x) || 0,
      y: Number(g.y) || 0,
      w: Number(g.w) || (p.type === "row" ? 24 : 12),
      h: Number(g.h) || (p.type === "row" ? 1 : 8),
    };
    const id = typeof p.id === "number" ? p.id : nextId();
    return {
      ...p,
      id,
      gridPos,
      ...(Array.isArray(p.panels) ? { panels: p.panels.map(fill) } : {}),
    };
  };
  return { ...rest, panels: panels.map(migratePanel).map(fill) };
}
