/**
 * Instant vector selectors: at each step, the latest sample in `(t - lookback, t]` unless
 * that sample is a staleness marker. One forward pass per series serves every step because
 * steps ascend; a selector pinned by `@` is looked up once and repeated.
 */
import { upperBound } from "../../../shared/model/search.ts";
import type { MatrixSelector, VectorSelector } from "../parser/ast.ts";
import type { EvalContext } from "./context.ts";
import type { SelectedSeries } from "./data.ts";
import { atTime } from "./timing.ts";
import type { RangeSeries, SeriesSink } from "./types.ts";

/**
 * Streams the series of an instant selector. With `timestamps`, each value is the time of
 * the sample found (in seconds), which is what `timestamp(selector)` returns. With
 * `presenceOnly` the sink reads only which steps have a sample (`count`, `group`), and the
 * fast paths may leave `values` unwritten.
 */
export async function streamSelector(
  ctx: EvalContext,
  sel: VectorSelector,
  sink: SeriesSink,
  timestamps = false,
  presenceOnly = false,
): Promise<void> {
  const { n } = ctx.grid;
  const values = new Float64Array(n);
  const present = new Uint8Array(n);
  const pinned = atTime(sel.at, ctx.times);
  for (const s of ctx.data.get(sel) ?? []) {
    if (ctx.limits.due()) await ctx.limits.turn();
    const count =
      pinned === null
        ? lookupSteps(ctx, s, sel.offset, values, present, timestamps, presenceOnly)
        : lookupPinned(ctx, s, pinned - sel.offset, values, present, timestamps);
    if (count === 0) continue;
    ctx.limits.total += count;
    sink(s.labels, values, present, false);
  }
}

/**
 * The samples of series `s` at each step: the fast paths look them up in its stored slices in
 * place; the reference walks its one joined array.
 */
function lookupSteps(
  ctx: EvalContext,
  s: SelectedSeries,
  offset: number,
  values: Float64Array,
  present: Uint8Array,
  timestamps: boolean,
  presenceOnly: boolean,
): number {
  if (ctx.fast !== null) {
    return ctx.fast.lookupSteps(ctx, s, offset, values, present, timestamps, presenceOnly);
  }
  const { start, step, n } = ctx.grid;
  const ts = s.ts;
  let j = 0;
  let count = 0;
  for (let i = 0; i < n; i++) {
    const ref = start + i * step - offset;
    while (j < ts.length && ts[j] <= ref) j++;
    // The latest sample at or before the reference time, in the lookback window, not stale.
    const k = j - 1;
    if (k >= 0 && ts[k] > ref - ctx.lookback && !s.isStale(k)) {
      values[i] = timestamps ? ts[k] / 1000 : s.vs[k];
      present[i] = 1;
      count++;
    } else present[i] = 0;
  }
  return count;
}

function lookupPinned(
  ctx: EvalContext,
  s: SelectedSeries,
  ref: number,
  values: Float64Array,
  present: Uint8Array,
  timestamps: boolean,
): number {
  const j = upperBound(s.ts, ref) - 1;
  const found = j >= 0 && s.ts[j] > ref - ctx.lookback && !s.isStale(j);
  present.fill(found ? 1 : 0);
  if (!found) return 0;
  values.fill(timestamps ? s.ts[j] / 1000 : s.vs[j]);
  return present.length;
}

/** A range selector's samples at the first step: what an instant query of `x[5m]` returns. */
export function matrixAtFirstStep(ctx: EvalContext, m: MatrixSelector): RangeSeries[] {
  const sel = m.vector;
  const end = (atTime(sel.at, ctx.times) ?? ctx.grid.start) - sel.offset;
  const out: RangeSeries[] = [];
  for (const s of ctx.data.get(sel) ?? []) {
    const { ts, vs } = s.rangeSamples();
    const lo = upperBound(ts, end - m.range);
    const hi = upperBound(ts, end, lo);
    if (hi === lo) continue;
    ctx.limits.total += hi - lo;
    // Copied out: held until the answer is written, as Prometheus counts a matrix's points.
    ctx.limits.hold(hi - lo);
    out.push({ labels: s.labels, ts: ts.slice(lo, hi), vs: vs.slice(lo, hi), dropName: false });
  }
  return out;
}
