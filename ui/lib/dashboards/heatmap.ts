/**
 * A heatmap panel's grid: Prometheus histogram buckets (series with an `le` label) as rows,
 * lowest bound first, and time as columns. Buckets are cumulative in Prometheus; Grafana's
 * heatmap format (`format: "heatmap"`, or heatmap panels reading `le` buckets) shows each
 * bucket's own count, the cumulative value minus the bucket below. Series without `le` are rows
 * in their given order.
 */
import type { SeriesFrame } from "./types.ts";

/** Rows (buckets, bottom first) × columns (times), with the range of the cell values. */
export interface HeatmapGrid {
  times: number[];
  buckets: string[];
  /** `cells[row][col]`; null where the bucket has no sample at that time. */
  cells: (number | null)[][];
  min: number;
  max: number;
}

function bound(le: string): number {
  return le === "+Inf" || le === "Inf" ? Number.POSITIVE_INFINITY : Number.parseFloat(le);
}

/** The grid of `series`; `cumulative` subtracts each `le` bucket's lower neighbour. */
export function heatmapGrid(series: readonly SeriesFrame[], cumulative = true): HeatmapGrid {
  const withLe = series.filter((s) => s.labels.le !== undefined);
  const rowsOf = withLe.length === series.length && series.length > 0;
  const ordered = rowsOf
    ? [...series].sort((a, b) => bound(a.labels.le) - bound(b.labels.le))
    : [...series];
  const times = [...new Set(ordered.flatMap((s) => s.times))].sort((a, b) => a - b);
  const at = new Map(times.map((t, i) => [t, i]));
  const cells = ordered.map((s) => {
    const row: (number | null)[] = new Array(times.length).fill(null);
    s.times.forEach((t, i) => {
      const v = s.values[i];
      row[at.get(t)!] = v !== null && Number.isFinite(v) ? v : null;
    });
    return row;
  });
  if (rowsOf && cumulative) {
    for (let r = cells.length - 1; r > 0; r--) {
      cells[r] = cells[r].map((v, c) => {
        const below = cells[r - 1][c];
        return v === null || below === null ? v : Math.max(0, v - below);
      });
    }
  }
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const row of cells)
    for (const v of row) {
      if (v === null) continue;
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
  return {
    times,
    buckets: ordered.map((s) => (rowsOf ? s.labels.le : s.name)),
    cells,
    min: min <= max ? min : 0,
    max: min <= max ? max : 0,
  };
}

/** Grafana's heatmap schemes by name (d3's), as colour stops low to high. */
export const HEATMAP_SCHEMES: Record<string, string[]> = {
  Oranges: ["#fff5eb", "#fdd0a2", "#fd8d3c", "#d94801", "#7f2704"],
  Reds: ["#fff5f0", "#fcbba1", "#fb6a4a", "#cb181d", "#67000d"],
  Greens: ["#f7fcf5", "#c7e9c0", "#74c476", "#238b45", "#00441b"],
  Blues: ["#f7fbff", "#c6dbef", "#6baed6", "#2171b5", "#08306b"],
  Purples: ["#fcfbfd", "#dadaeb", "#9e9ac8", "#6a51a3", "#3f007d"],
  Greys: ["#ffffff", "#d9d9d9", "#969696", "#525252", "#000000"],
  YlOrRd: ["#ffffcc", "#fed976", "#fd8d3c", "#e31a1c", "#800026"],
  RdYlGn: ["#a50026", "#f46d43", "#fee08b", "#a6d96a", "#006837"],
  Spectral: ["#9e0142", "#f46d43", "#fee08b", "#abdda4", "#3288bd", "#5e4fa2"],
  Viridis: ["#440154", "#3b528b", "#21918c", "#5ec962", "#fde725"],
  Plasma: ["#0d0887", "#7e03a8", "#cc4778", "#f89540", "#f0f921"],
  Inferno: ["#000004", "#420a68", "#932667", "#dd513a", "#fcffa4"],
  Magma: ["#000004", "#3b0f70", "#8c2981", "#de4968", "#fcfdbf"],
  Turbo: ["#30123b", "#4686fb", "#1be5b5", "#a4fc3c", "#fb8022", "#7a0403"],
};

/** A cell's position in the colour scale, 0–1: linear, or Grafana's exponential (power). */
export function scalePosition(v: number, min: number, max: number, exponent?: number): number {
  if (max <= min) return v > 0 ? 1 : 0;
  const t = Math.min(Math.max((v - min) / (max - min), 0), 1);
  return exponent ? t ** exponent : t;
}
