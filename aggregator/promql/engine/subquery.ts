/**
 * Subqueries: the inner expression is evaluated once on its own grid (multiples of the
 * subquery step covering every window the outer steps need), and its points then serve as a
 * range vector, windowed exactly like stored samples.
 */
import type { SubqueryExpr } from "../parser/ast.ts";
import { type EvalContext, onGrid } from "./context.ts";
import { evaluate } from "./eval.ts";
import { dropMetricName, get, NAME } from "./labelset.ts";
import { selectorsIn } from "./plan.ts";
import { atTime, referenceTimes, subqueryGrid } from "./timing.ts";
import type { Grid, RangeSeries, StepSeries } from "./types.ts";
import type { WindowInput, WindowSeries } from "./windows.ts";

/** Evaluates the inner expression and turns its series into raw points. */
async function innerSeries(ctx: EvalContext, sq: SubqueryExpr): Promise<WindowSeries[]> {
  const grid = subqueryGrid(ctx.grid, sq, ctx.times);
  if (grid === null) return [];
  // The inner expression holds each of its series at every step of the subquery's grid, as
  // Prometheus does for series with a sample at every step: refuse before allocating them
  // when the series it reads could not fit the sample limit at that many steps.
  let read = 0;
  for (const sel of selectorsIn(sq.expr)) read += ctx.data.get(sel)?.length ?? 0;
  ctx.limits.admit(grid.n * Math.max(1, read));
  const v = await evaluate(onGrid(ctx, grid), sq.expr);
  const series: StepSeries[] =
    v.kind === "vector"
      ? v.series
      : v.kind === "scalar"
        ? [
            {
              labels: [],
              values: v.values,
              present: new Uint8Array(grid.n).fill(1),
              dropName: false,
            },
          ]
        : [];
  return series.map((s) => toPoints(s, grid));
}

/**
 * A series' present steps as points. A pending name drop is applied here: the function over
 * the subquery sees the labels its inner expression produced.
 */
function toPoints(s: StepSeries, grid: Grid): WindowSeries {
  let n = 0;
  for (let i = 0; i < grid.n; i++) n += s.present[i];
  const ts = new Float64Array(n);
  const vs = new Float64Array(n);
  for (let i = 0, j = 0; i < grid.n; i++) {
    if (!s.present[i]) continue;
    ts[j] = grid.start + i * grid.step;
    vs[j++] = s.values[i];
  }
  const labels = s.dropName ? dropMetricName(s.labels) : s.labels;
  return {
    labels,
    metricName: get(labels, NAME),
    dropName: false,
    samples: () => ({ ts, vs }),
    stored: null,
  };
}

/** A subquery as the range-vector argument of a function on the context's grid. */
export async function subqueryWindows(ctx: EvalContext, sq: SubqueryExpr): Promise<WindowInput> {
  const series = await innerSeries(ctx, sq);
  const pinned = atTime(sq.at, ctx.times);
  return {
    series,
    ends: referenceTimes(ctx.grid, sq.offset, pinned),
    range: sq.range,
    pinned: pinned !== null,
  };
}

/** A subquery's points at the first step: what an instant query of `f(x)[5m:1m]` returns. */
export async function subqueryAtFirstStep(
  ctx: EvalContext,
  sq: SubqueryExpr,
): Promise<RangeSeries[]> {
  const first = { ...ctx.grid, n: 1 };
  const inner = onGrid(ctx, first);
  const out: RangeSeries[] = [];
  for (const s of await innerSeries(inner, sq)) {
    const { ts, vs } = s.samples();
    ctx.limits.hold(ts.length);
    if (ts.length > 0) out.push({ labels: s.labels, ts, vs, dropName: false });
  }
  return out;
}
