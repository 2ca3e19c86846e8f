/**
 * Turning the evaluated root into the API's QueryResult: pending name drops are applied
 * (series that then share labels merge, or fail when they clash at a step), an instant
 * vector keeps its evaluation order (which `sort` and `topk` define), and range results are
 * ordered by labels as Prometheus orders them.
 */
import { compareLabels } from "../../../shared/model/labels.ts";
import type { QueryResult, Sample, SeriesPoints } from "../value.ts";
import { mergeSameLabels } from "./collect.ts";
import { dropMetricName } from "./labelset.ts";
import type { Grid, RangeSeries, StepSeries, Value } from "./types.ts";

/** Applies the pending `__name__` drops of a vector. */
export function dropPendingNames(series: StepSeries[]): StepSeries[] {
  const renamed = series.map((s) =>
    s.dropName ? { ...s, labels: dropMetricName(s.labels), dropName: false } : s,
  );
  return mergeSameLabels(renamed);
}

function byLabels<T extends { labels: readonly string[] }>(list: T[]): T[] {
  return list.sort((a, b) => compareLabels(a.labels, b.labels));
}

function matrixOf(series: RangeSeries[]): QueryResult {
  const out: SeriesPoints[] = series.map((s) => ({
    labels: s.labels,
    timestamps: s.ts,
    values: s.vs,
  }));
  return { type: "matrix", series: byLabels(out) };
}

/** The result of an instant query evaluated on a one-step grid at `t`. */
export function instantResult(value: Value, t: number): QueryResult {
  switch (value.kind) {
    case "scalar":
      return { type: "scalar", t, v: value.values[0] };
    case "string":
      return { type: "string", t, v: value.value };
    case "matrix":
      return matrixOf(value.series);
    case "vector": {
      const samples: Sample[] = [];
      for (const s of dropPendingNames(value.series)) {
        if (s.present[0]) samples.push({ labels: s.labels, t, v: s.values[0] });
      }
      return { type: "vector", samples };
    }
  }
}

/** The result of a range query: always a matrix. */
export function rangeResult(value: Value, grid: Grid): QueryResult {
  if (value.kind === "scalar") {
    const present = new Uint8Array(grid.n).fill(1);
    return {
      type: "matrix",
      series: [points({ labels: [], values: value.values, present, dropName: false }, grid)],
    };
  }
  if (value.kind !== "vector") return { type: "matrix", series: [] };
  const series = dropPendingNames(value.series)
    .filter((s) => s.present.includes(1))
    .map((s) => points(s, grid));
  return { type: "matrix", series: byLabels(series) };
}

function points(s: StepSeries, grid: Grid): SeriesPoints {
  let n = 0;
  for (let i = 0; i < grid.n; i++) n += s.present[i];
  const timestamps = new Float64Array(n);
  const values = new Float64Array(n);
  for (let i = 0, j = 0; i < grid.n; i++) {
    if (!s.present[i]) continue;
    timestamps[j] = grid.start + i * grid.step;
    values[j++] = s.values[i];
  }
  return { labels: s.labels, timestamps, values };
}
