/**
 * A table panel's rows from its series, as Grafana's Prometheus data source and transformations
 * make them. Instant answers (or `format: "table"`) give a frame per query: a row per series
 * with Time, a column per label and "Value" ("Value #A" when the panel has several queries).
 * Range answers give one frame joined on Time with a column per series. Then the panel's
 * `transformations` in order: `merge`, `seriesToColumns` / `joinByField`, `organize`
 * (exclude, rename, order), `filterFieldsByName`; others are left out (docs/ui.md lists them).
 */
import type { Panel, SeriesFrame } from "./types.ts";

/** A column: its header and Grafana's field type (the override matchers look at both). */
export interface Column {
  name: string;
  type: "time" | "string" | "number";
  refId?: string;
}

/** A cell: a number, a label's text, or nothing. */
export type Cell = number | string | null;

/** A table: columns, then rows of cells in column order. */
export interface TableFrame {
  columns: Column[];
  rows: Cell[][];
}

/** The transformations this module applies. */
export const TABLE_TRANSFORMS = [
  "merge",
  "seriesToColumns",
  "joinByField",
  "organize",
  "filterFieldsByName",
];

function isInstant(panel: Panel, series: readonly SeriesFrame[]): boolean {
  const targets = panel.targets ?? [];
  if (targets.some((t) => t.format === "table" || t.instant === true)) return true;
  return series.every((s) => s.times.length <= 1);
}

function instantFrames(panel: Panel, series: readonly SeriesFrame[]): TableFrame[] {
  const refIds = [...new Set(series.map((s) => s.refId))];
  const queries = (panel.targets ?? []).filter((t) => !t.hide).length;
  return refIds.map((refId) => {
    const mine = series.filter((s) => s.refId === refId);
    const keys = [...new Set(mine.flatMap((s) => Object.keys(s.labels)))].sort();
    const value = queries > 1 || refIds.length > 1 ? `Value #${refId}` : "Value";
    const columns: Column[] = [
      { name: "Time", type: "time", refId },
      ...keys.map((k) => ({ name: k, type: "string" as const, refId })),
      { name: value, type: "number", refId },
    ];
    const rows = mine.map((s) => {
      const last = s.times.length - 1;
      return [s.times[last] ?? null, ...keys.map((k) => s.labels[k] ?? ""), s.values[last] ?? null];
    });
    return { columns, rows };
  });
}

function timeFrame(series: readonly SeriesFrame[]): TableFrame {
  const times = [...new Set(series.flatMap((s) => s.times))].sort((a, b) => a - b);
  const index = new Map(times.map((t, i) => [t, i]));
  const rows: Cell[][] = times.map((t) => [t, ...series.map(() => null)]);
  series.forEach((s, k) => {
    s.times.forEach((t, i) => {
      rows[index.get(t)!][k + 1] = s.values[i];
    });
  });
  return {
    columns: [
      { name: "Time", type: "time" },
      ...series.map((s) => ({ name: s.name, type: "number" as const, refId: s.refId })),
    ],
    rows,
  };
}

/** Outer join of frames on the column `by`; other columns are added in frame order. */
export function joinFrames(frames: readonly TableFrame[], by: string): TableFrame {
  const columns: Column[] = [];
  const keyed = new Map<string, Map<string, Cell>>();
  const order: string[] = [];
  for (const f of frames) {
    const at = f.columns.findIndex((c) => c.name === by);
    for (const c of f.columns) if (!columns.some((x) => x.name === c.name)) columns.push(c);
    for (const row of f.rows) {
      // A frame without the field joins on its row number, as Grafana's outer join does.
      const key = at < 0 ? `#${order.length}` : String(row[at]);
      if (!keyed.has(key)) {
        keyed.set(key, new Map());
        order.push(key);
      }
      const cells = keyed.get(key)!;
      f.columns.forEach((c, i) => {
        if (row[i] !== null && row[i] !== undefined) cells.set(c.name, row[i]);
      });
    }
  }
  const rows = order.map((k) => columns.map((c) => keyed.get(k)!.get(c.name) ?? null));
  return { columns, rows };
}

/** Grafana's merge: rows whose non-value columns agree become one row; Time is ignored. */
export function mergeFrames(frames: readonly TableFrame[]): TableFrame {
  const columns: Column[] = [];
  for (const f of frames)
    for (const c of f.columns) if (!columns.some((x) => x.name === c.name)) columns.push(c);
  const keyCols = columns.filter((c) => c.type === "string").map((c) => c.name);
  const merged = new Map<string, Map<string, Cell>>();
  for (const f of frames) {
    for (const row of f.rows) {
      const get = (name: string) => row[f.columns.findIndex((c) => c.name === name)] ?? null;
      const key = JSON.stringify(keyCols.map(get));
      const cells = merged.get(key) ?? new Map<string, Cell>();
      f.columns.forEach((c, i) => {
        if (row[i] !== null && row[i] !== undefined) cells.set(c.name, row[i]);
      });
      merged.set(key, cells);
    }
  }
  return {
    columns,
    rows: [...merged.values()].map((cells) => columns.map((c) => cells.get(c.name) ?? null)),
  };
}

function organize(frame: TableFrame, o: Record<string, unknown>): TableFrame {
  const exclude = (o.excludeByName ?? {}) as Record<string, boolean>;
  const rename = (o.renameByName ?? {}) as Record<string, string>;
  const index = (o.indexByName ?? {}) as Record<string, number>;
  const keep = frame.columns.map((c, i) => ({ c, i })).filter(({ c }) => !exclude[c.name]);
  keep.sort((a, b) => (index[a.c.name] ?? 1000 + a.i) - (index[b.c.name] ?? 1000 + b.i));
  return {
    columns: keep.map(({ c }) => ({ ...c, name: rename[c.name] || c.name })),
    rows: frame.rows.map((r) => keep.map(({ i }) => r[i])),
  };
}

function filterByName(frame: TableFrame, o: Record<string, unknown>): TableFrame {
  const include = (o.include as { names?: string[]; pattern?: string } | undefined) ?? {};
  const exclude = (o.exclude as { names?: string[] } | undefined)?.names ?? [];
  const re = include.pattern ? new RegExp(include.pattern) : undefined;
  const keep = frame.columns
    .map((c, i) => ({ c, i }))
    .filter(({ c }) => !exclude.includes(c.name))
    .filter(
      ({ c }) => (!include.names && !re) || include.names?.includes(c.name) || re?.test(c.name),
    );
  return {
    columns: keep.map(({ c }) => c),
    rows: frame.rows.map((r) => keep.map(({ i }) => r[i])),
  };
}

/** The table a panel shows: frames from its series, then its transformations. */
export function tableFrame(panel: Panel, series: readonly SeriesFrame[]): TableFrame {
  let frames = isInstant(panel, series) ? instantFrames(panel, series) : [timeFrame(series)];
  for (const t of panel.transformations ?? []) {
    if ((t as { disabled?: boolean }).disabled) continue;
    const o = t.options ?? {};
    if (t.id === "merge") frames = [mergeFrames(frames)];
    else if (t.id === "seriesToColumns" || t.id === "joinByField")
      frames = [joinFrames(frames, (o.byField as string) ?? "Time")];
    else if (t.id === "organize") frames = frames.map((f) => organize(f, o));
    else if (t.id === "filterFieldsByName") frames = frames.map((f) => filterByName(f, o));
  }
  // Several frames left: Grafana shows one at a time with a picker; Outpost shows the first.
  return frames[0] ?? { columns: [], rows: [] };
}

/** Rows sorted by column `col` (numbers numerically, nulls last), ascending or descending. */
export function sortRows(rows: readonly Cell[][], col: number, desc: boolean): Cell[][] {
  const dir = desc ? -1 : 1;
  return [...rows].sort((a, b) => {
    const x = a[col];
    const y = b[col];
    if (x === null || x === undefined) return 1;
    if (y === null || y === undefined) return -1;
    if (typeof x === "number" && typeof y === "number") return dir * (x - y);
    return dir * String(x).localeCompare(String(y), undefined, { numeric: true });
  });
}
