/**
 * The Logs volume as stacked bars: Volume's series (one per value of `level`) on one time
 * axis, zero where a level has no lines in a step, ordered most severe first so errors sit at
 * the bottom of each bar, where they are seen first.
 */
import { LEVEL_CLASSES, levelClass, levelStroke } from "./logs.ts";

/** One level's counts per step. */
export interface VolumeBand {
  /** The label's value; `(none)` for streams without it. */
  level: string;
  color: string;
  counts: number[];
  total: number;
}

/** The bars' data: step ends in Unix seconds and the bands, bottom first. */
export interface StackedVolume {
  xs: number[];
  bands: VolumeBand[];
}

interface VolumeSeries {
  labels: readonly { name: string; value: string }[];
  timestampsMs: readonly bigint[];
  values: readonly number[];
}

/** Volume's answer as bands on a shared axis, most severe level at the bottom. */
export function stackVolume(series: readonly VolumeSeries[], by = "level"): StackedVolume {
  const times = new Set<number>();
  for (const s of series) for (const t of s.timestampsMs) times.add(Number(t));
  const ms = [...times].sort((a, b) => a - b);
  const index = new Map(ms.map((t, i) => [t, i]));
  const bands = series.map((s) => {
    const level = s.labels.find((l) => l.name === by)?.value ?? "(none)";
    const counts: number[] = new Array(ms.length).fill(0);
    let total = 0;
    s.timestampsMs.forEach((t, i) => {
      const v = Number.isFinite(s.values[i]) ? s.values[i] : 0;
      counts[index.get(Number(t))!] = v;
      total += v;
    });
    return { level, color: levelStroke(level), counts, total };
  });
  const rank = (b: VolumeBand) => LEVEL_CLASSES.indexOf(levelClass(b.level));
  bands.sort((a, b) => rank(a) - rank(b) || a.level.localeCompare(b.level));
  return { xs: ms.map((t) => t / 1000), bands };
}

/**
 * uPlot's columns for stacked bars: band i holds the sum of bands 0..i, reversed so the
 * tallest is drawn first and each lower band paints over it.
 */
export function cumulativeColumns(v: StackedVolume): [number[], ...number[][]] {
  const sums: number[][] = [];
  let run: number[] = new Array(v.xs.length).fill(0);
  for (const b of v.bands) {
    run = run.map((x, i) => x + b.counts[i]);
    sums.push(run);
  }
  return [v.xs, ...sums.reverse()];
}
