/**
 * A time series panel's data as it is drawn: the series aligned on one time axis, then
 * transformed per field (negative-Y, log scales dropping values ≤ 0) and stacked as Grafana's
 * `custom.stacking` says (normal: cumulative within a group, percent: share of the group's
 * total at each time, 0–1).
 */

/** Series aligned on the union of their times (ms); a column per series, null for gaps. */
export interface Aligned {
  times: number[];
  columns: (number | null)[][];
}

/** One series' drawing options that change its numbers. */
export interface SeriesTransform {
  stacking: "none" | "normal" | "percent";
  group: string;
  negative: boolean;
  /** Log scales cannot place values ≤ 0: those become gaps. */
  log: boolean;
}

/** Aligns series on the union of their times; NaN and ±Inf become gaps. */
export function alignFrames(
  frames: readonly { times: readonly number[]; values: readonly (number | null)[] }[],
): Aligned {
  const set = new Set<number>();
  for (const f of frames) for (const t of f.times) set.add(t);
  const times = [...set].sort((a, b) => a - b);
  const index = new Map(times.map((t, i) => [t, i]));
  const columns = frames.map((f) => {
    const col: (number | null)[] = new Array(times.length).fill(null);
    f.times.forEach((t, i) => {
      const v = f.values[i];
      col[index.get(t)!] = v !== null && Number.isFinite(v) ? v : null;
    });
    return col;
  });
  return { times, columns };
}

/**
 * The columns as drawn. Stacked series are cumulative within their group and mode, in series
 * order (gaps add nothing but stay gaps); percent stacks divide by the group's total.
 */
export function drawnColumns(
  columns: readonly (number | null)[][],
  transforms: readonly SeriesTransform[],
): (number | null)[][] {
  const out = columns.map((col, i) => {
    const t = transforms[i];
    return col.map((v) => {
      if (v === null) return null;
      if (t.log && v <= 0) return null;
      return t.negative ? -v : v;
    });
  });
  const groups = new Map<string, number[]>();
  transforms.forEach((t, i) => {
    if (t.stacking === "none") return;
    const key = `${t.stacking}\u0000${t.group}`;
    groups.set(key, [...(groups.get(key) ?? []), i]);
  });
  for (const members of groups.values()) {
    const percent = transforms[members[0]].stacking === "percent";
    const n = columns[members[0]]?.length ?? 0;
    for (let x = 0; x < n; x++) {
      let total = 0;
      if (percent) for (const i of members) total += Math.abs(out[i][x] ?? 0);
      let acc = 0;
      for (const i of members) {
        const v = out[i][x];
        if (v === null) continue;
        acc += percent ? (total === 0 ? 0 : v / total) : v;
        out[i][x] = acc;
      }
    }
  }
  return out;
}

/** Pairs [upper, lower] of stacked series in the same group: the area between them is filled. */
export function stackPairs(transforms: readonly SeriesTransform[]): [number, number][] {
  const last = new Map<string, number>();
  const pairs: [number, number][] = [];
  transforms.forEach((t, i) => {
    if (t.stacking === "none") return;
    const key = `${t.stacking}\u0000${t.group}`;
    const below = last.get(key);
    if (below !== undefined) pairs.push([i, below]);
    last.set(key, i);
  });
  return pairs;
}
