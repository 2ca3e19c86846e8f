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
import { get } from "./labelset.ts";
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

/** `sort(v)` / `sort_desc(v)`: by value, NaN last either way. */
export async function sortByValue(ctx: EvalContext, e: Call): Promise<StepSeries[]> {
  const { series, sortable } = await input(ctx, e);
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

/** `sort_by_label(v, l…)`: by the labels' values in natural order, then by all labels. */
export async function sortByLabel(ctx: EvalContext, e: Call): Promise<StepSeries[]> {
  const { series, sortable } = await input(ctx, e);
  if (!sortable) return series;
  const names = e.args.slice(1).map(evalString);
  const sign = e.func === "sort_by_label_desc" ? -1 : 1;
  return [...series].sort((a, b) => {
    for (const name of names) {
      const x = get(a.labels, name);
      const y = get(b.labels, name);
      if (x === y) continue;
      return naturalLess(x, y) ? -sign : sign;
    }
    return sign * compareLabels(a.labels, b.labels);
  });
}

const CHUNKS = /\d+|\D+/g;

/**
 * The natural order of github.com/facette/natsort, which Prometheus uses: digit runs compare
 * as numbers, other runs as text.
 */
export function naturalLess(a: string, b: string): boolean {
  const ca = a.match(CHUNKS) ?? [];
  const cb = b.match(CHUNKS) ?? [];
  for (let i = 0; i < ca.length; i++) {
    if (i >= cb.length) return false;
    const x = ca[i];
    const y = cb[i];
    const bothNumbers = /^\d+$/.test(x) && /^\d+$/.test(y);
    const equal = bothNumbers ? Number(x) === Number(y) : x === y;
    if (equal) {
      if (i === ca.length - 1) return true;
      if (i === cb.length - 1) return false;
      continue;
    }
    return bothNumbers ? Number(x) < Number(y) : x < y;
  }
  return false;
}
