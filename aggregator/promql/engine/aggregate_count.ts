/**
 * `count_values("label", v)`: per step, how many series of each group hold each value, the
 * value becoming a label. The output label sets depend on the values, so this one works
 * step by step.
 */
import { isValidLabelName } from "../../../shared/model/labels.ts";
import type { AggregateExpr } from "../parser/ast.ts";
import { PromQLError } from "../value.ts";
import { put, SeriesCollector } from "./collect.ts";
import type { EvalContext } from "./context.ts";
import { evalString, evalVector } from "./eval.ts";
import { formatFloatF, quoteGo } from "./format.ts";
import { groupingKey, groupingLabels, setLabel } from "./labelset.ts";
import type { StepSeries } from "./types.ts";

/** Evaluates count_values. */
export async function countValues(ctx: EvalContext, e: AggregateExpr): Promise<StepSeries[]> {
  const label = evalString(e.param!);
  if (!isValidLabelName(label)) {
    throw new PromQLError("execution", `invalid label name ${quoteGo(label)}`);
  }
  const grouping = [...e.grouping];
  if (!e.without) grouping.push(label);
  grouping.sort();
  const input = await evalVector(ctx, e.expr);
  const out = new SeriesCollector(ctx.grid.n, ctx.limits);
  for (let i = 0; i < ctx.grid.n; i++) {
    ctx.limits.poll();
    if (ctx.limits.due()) await ctx.limits.turn();
    const counts = new Map<string, { labels: readonly string[]; count: number }>();
    for (const s of input) {
      if (!s.present[i]) continue;
      const labels = setLabel(s.labels, label, formatFloatF(s.values[i]));
      const key = groupingKey(labels, grouping, e.without);
      const group = counts.get(key);
      if (group) group.count++;
      else counts.set(key, { labels: groupingLabels(labels, grouping, e.without), count: 1 });
    }
    for (const { labels, count } of counts.values()) put(out.slot(labels, false), i, count);
  }
  return out.finish();
}
