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
function input(ctx: EvalContext, e: Call): { series: StepSeries[]; sortable: boolean } {
  const series = evalVector(ctx, e.args[0]);
  if (ctx.rangeQuery) ctx.annotations.warn(messages.sortInRangeQuery(), e.span);
  return { series, sortable: !ctx.rangeQuery };
}

/** `sort(v)` / `sort_desc(v)`: by value, NaN last either way. */
export function sortByValue(ctx: EvalContext, e: Call): StepSeries[] {
  const { series, sortable } = input(ctx, e);
  if (!sortable) return series;
  const desc = e.func === "sort_desc";
  return [...series].sort((a, b) => {
    const x = a.values[0];
    const y = b.values[0];
    if (Number.isNaN(x)) return Number.isNaN(y) ? 0 : 1;
    if (Number.isNaN(y)) return -1;
    return desc ? y - x : x - y;
  });
}

/**
 * `sort_by_label(v, l…)`: by the labels' values in natural order, then by all labels, with
 * Prometheus's comparator and Go's sort algorithm: natsort is not a strict weak order, so
 * both are needed for series to land where Prometheus puts them (natsort.ts, go_sort.ts).
 */
export function sortByLabel(ctx: EvalContext, e: Call): StepSeries[] {
  const { series, sortable } = input(ctx, e);
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
