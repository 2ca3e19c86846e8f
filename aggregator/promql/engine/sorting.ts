/**
 * `sort`, `sort_desc`, `sort_by_label` and `sort_by_label_desc`. They only order an instant
 * query's result; a range query's series are always ordered by labels, so there they leave
 * their input alone and warn, as Prometheus 3 does.
 */
import { compareLabels } from "../../../shared/model/labels.ts";
import type { Call } from "../parser/ast.ts";
import { messages } from "./annotations.ts";
import type { EvalContext } from "./context.ts";
import { evalString, evalVector } from "./eval.ts";
import { goSortFunc } from "./go_sort.ts";
import { get } from "./labelset.ts";
import { naturalLess } from "./natsort.ts";
import type { StepSeries } from "./types.ts";

/** The input series, and whether ordering them means anything (only in instant queries). */
async function input(
  ctx: EvalContext,
  e: Call,
): Promise<{ series: StepSeries[]; sortable: boolean }> {
  const series = await evalVector(ctx, e.args[0]);
  if (ctx.rangeQuery) ctx.annotations.warn(messages.sortInRangeQuery(), e.span);
  return { series, sortable: !ctx.rangeQuery };
}

/**
 * `sort(v)` / `sort_desc(v)`: by value, NaN last either way. Prometheus sorts with Go's
 * `sort.Sort(sort.Reverse(heap))`, whose "less" holds for a pair of NaNs both ways and for
 * equal values neither way: which of those comes first is its sort algorithm's doing, so
 * that algorithm is replayed (go_sort.ts) with the same "less".
 */
export async function sortByValue(ctx: EvalContext, e: Call): Promise<StepSeries[]> {
  const { series, sortable } = await input(ctx, e);
  if (!sortable) return series;
  // Reverse(heap).Less(i, j) is heap.Less(j, i): NaN at j, or v[j] beyond v[i].
  const before =
    e.func === "sort_desc"
      ? (x: number, y: number) => Number.isNaN(y) || y < x
      : (x: number, y: number) => Number.isNaN(y) || y > x;
  return goSortFunc([...series], (a, b) => (before(a.values[0], b.values[0]) ? -1 : 1));
}

/**
 * `sort_by_label(v, l…)`: by the labels' values in natural order, then by all labels, with
 * Prometheus's comparator and Go's sort algorithm: natsort is not a strict weak order, so
 * both are needed for series to land where Prometheus puts them (natsort.ts, go_sort.ts).
 */
export async function sortByLabel(ctx: EvalContext, e: Call): Promise<StepSeries[]> {
  const { series, sortable } = await input(ctx, e);
  if (!sortable) return series;
  const names = e.args.slice(1).map(evalString);
  const sign = e.func === "sort_by_label_desc" ? -1 : 1;
  return goSortFunc([...series], (a, b) => {
    for (const name of names) {
      const x = get(a.labels, name);
      const y = get(b.labels, name);
      if (x === y) continue;
      return naturalLess(x, y) ? -sign : sign;
    }
    return sign * compareLabels(a.labels, b.labels);
  });
}
