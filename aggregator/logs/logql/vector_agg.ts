/**
 * Vector aggregations per step, with Loki's arithmetic (`evaluator.go`): sums, incremental
 * means, Welford variances, and topk/bottomk that keep each group's k best series with their
 * own labels. `sort`/`sort_desc` pass series through; the result is ordered when printed.
 */
import { groupingKey, groupingLabels } from "../../promql/engine/labelset.ts";
import type { VectorAggregation } from "./ast.ts";
import { emptySeries, type StepSeries } from "./context.ts";
import { variance } from "./range_funcs.ts";

interface Group {
  readonly series: StepSeries;
  readonly members: StepSeries[];
}

/** Aggregates `input` over `steps` steps. */
export function aggregate(
  e: VectorAggregation,
  input: readonly StepSeries[],
  steps: number,
): StepSeries[] {
  if (e.op === "sort" || e.op === "sort_desc") return [...input];
  const by = e.grouping?.labels ?? [];
  const without = e.grouping?.without ?? false;
  const groups = new Map<string, Group>();
  for (const s of input) {
    const key = groupingKey(s.labels, by, without);
    let g = groups.get(key);
    if (g === undefined) {
      g = { series: emptySeries(groupingLabels(s.labels, by, without), steps), members: [] };
      groups.set(key, g);
    }
    g.members.push(s);
  }
  if (e.op === "topk" || e.op === "bottomk") return topK(e, [...groups.values()], steps);
  const fold = FOLDS[e.op];
  for (const g of groups.values()) {
    for (let step = 0; step < steps; step++) {
      const values: number[] = [];
      for (const m of g.members) if (m.present[step] === 1) values.push(m.values[step]);
      if (values.length === 0) continue;
      g.series.present[step] = 1;
      g.series.values[step] = fold(values);
    }
  }
  return [...groups.values()].map((g) => g.series);
}

const FOLDS: Readonly<Record<string, (values: number[]) => number>> = {
  sum: (vs) => vs.reduce((a, b) => a + b, 0),
  count: (vs) => vs.length,
  avg: (vs) => {
    let mean = vs[0];
    for (let i = 1; i < vs.length; i++) {
      const v = vs[i];
      const n = i + 1;
      if (!Number.isFinite(mean) && !Number.isNaN(mean)) {
        if (!Number.isFinite(v) && !Number.isNaN(v) && mean > 0 === v > 0) continue;
        if (Number.isFinite(v)) continue;
      }
      mean += v / n - mean / n;
    }
    return mean;
  },
  max: (vs) => vs.reduce((a, b) => (a < b || Number.isNaN(a) ? b : a)),
  min: (vs) => vs.reduce((a, b) => (a > b || Number.isNaN(a) ? b : a)),
  stdvar: variance,
  stddev: (vs) => Math.sqrt(variance(vs)),
};

/** topk/bottomk: per group and step, the k largest (smallest) values, ties to the first seen. */
function topK(e: VectorAggregation, groups: Group[], steps: number): StepSeries[] {
  const k = e.param ?? 1;
  const top = e.op === "topk";
  const out = new Map<StepSeries, StepSeries>();
  for (const g of groups) {
    for (let step = 0; step < steps; step++) {
      const candidates = g.members.filter((m) => m.present[step] === 1);
      const better = (a: number, b: number) =>
        top
          ? a > b || (Number.isNaN(b) && !Number.isNaN(a))
          : a < b || (Number.isNaN(b) && !Number.isNaN(a));
      // A stable sort keeps the first-seen series ahead among equal values.
      candidates.sort((a, b) =>
        better(a.values[step], b.values[step])
          ? -1
          : better(b.values[step], a.values[step])
            ? 1
            : 0,
      );
      for (const m of candidates.slice(0, k)) {
        let s = out.get(m);
        if (s === undefined) {
          s = emptySeries(m.labels, steps);
          out.set(m, s);
        }
        s.present[step] = 1;
        s.values[step] = m.values[step];
      }
    }
  }
  return [...out.values()];
}
