/**
 * `histogram_quantile`, `histogram_quantiles` and `histogram_fraction` over classic
 * histograms: the `_bucket` series are grouped by their labels without `le` once, then at
 * each step the present buckets of a group go to the kernels of functions/histogram.ts.
 */
import type { Labels } from "../../../shared/model/labels.ts";
import { bucketFraction, bucketQuantile } from "../functions/histogram.ts";
import type { Call, Expr } from "../parser/ast.ts";
import { messages } from "./annotations.ts";
import { put, SeriesCollector } from "./collect.ts";
import { dropName, type EvalContext } from "./context.ts";
import { evalScalar, evalString, evalVector } from "./eval.ts";
import { formatOpenMetricsFloat } from "./format.ts";
import { deleteLabels, get, labelsKey, NAME, setLabel } from "./labelset.ts";
import type { StepSeries } from "./types.ts";

/** The buckets of one histogram: its output labels and member series with their bounds. */
interface Histogram {
  readonly labels: Labels;
  readonly dropName: boolean;
  readonly name: string;
  readonly members: StepSeries[];
  readonly bounds: number[];
}

/** Go's `strconv.ParseFloat` for the forms an `le` label takes; NaN when it does not parse. */
export function parseBound(s: string): number {
  if (/^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(s)) return Number(s);
  const lower = s.toLowerCase();
  if (/^[+]?(inf|infinity)$/.test(lower)) return Number.POSITIVE_INFINITY;
  if (/^-(inf|infinity)$/.test(lower)) return Number.NEGATIVE_INFINITY;
  return Number.NaN;
}

/** Groups the bucket series by histogram, warning about series with a bad `le`. */
function histograms(ctx: EvalContext, series: StepSeries[], arg: Expr): Histogram[] {
  const byKey = new Map<string, Histogram>();
  for (const s of series) {
    const le = get(s.labels, "le");
    const bound = parseBound(le);
    const name = ctx.delayedNameRemoval ? get(s.labels, NAME) : "";
    if (Number.isNaN(bound) && le.toLowerCase() !== "nan") {
      ctx.annotations.warn(messages.badBucketLabel(le, name), arg.span);
      continue;
    }
    const without = deleteLabels(s.labels, ["le"]);
    const key = labelsKey(without);
    let h = byKey.get(key);
    if (h === undefined) {
      const d = dropName(ctx, without);
      h = { labels: d.labels, dropName: d.dropName, name, members: [], bounds: [] };
      byKey.set(key, h);
    }
    h.members.push(s);
    h.bounds.push(bound);
  }
  return [...byKey.values()];
}

/** Runs `f` at every step a histogram has buckets, with that step's buckets gathered. */
function eachStep(
  n: number,
  h: Histogram,
  f: (i: number, bounds: Float64Array, counts: Float64Array, m: number) => void,
): void {
  const bounds = new Float64Array(h.members.length);
  const counts = new Float64Array(h.members.length);
  for (let i = 0; i < n; i++) {
    let m = 0;
    for (let k = 0; k < h.members.length; k++) {
      const s = h.members[k];
      if (!s.present[i]) continue;
      bounds[m] = h.bounds[k];
      counts[m++] = s.values[i];
    }
    if (m > 0) f(i, bounds, counts, m);
  }
}

function warnQuantiles(ctx: EvalContext, q: Float64Array, arg: Expr): void {
  for (const v of q)
    if (!(v >= 0 && v <= 1)) ctx.annotations.warn(messages.invalidQuantile(v), arg.span);
}

/** Computes quantiles of every histogram into `out`, labelling each with `label(q)`. */
function quantiles(
  ctx: EvalContext,
  hs: Histogram[],
  q: Float64Array,
  arg: Expr,
  out: SeriesCollector,
  label: (labels: Labels, q: number) => Labels,
): void {
  for (const h of hs) {
    eachStep(ctx.grid.n, h, (i, bounds, counts, m) => {
      const r = bucketQuantile(q[i], bounds, counts, m);
      if (r.forcedMonotonic) ctx.annotations.info(messages.forcedMonotonicity(h.name), arg.span);
      put(out.slot(label(h.labels, q[i]), h.dropName), i, r.value);
    });
  }
}

/** `histogram_quantile(φ, buckets)`. */
export async function histogramQuantile(ctx: EvalContext, e: Call): Promise<StepSeries[]> {
  const q = await evalScalar(ctx, e.args[0]);
  warnQuantiles(ctx, q, e.args[0]);
  const hs = histograms(ctx, await evalVector(ctx, e.args[1]), e.args[1]);
  const out = new SeriesCollector(ctx.grid.n, ctx.limits);
  quantiles(ctx, hs, q, e.args[1], out, (labels) => labels);
  return out.finish();
}

/** `histogram_quantiles(buckets, "label", φ…)`: one series per quantile, labelled with it. */
export async function histogramQuantiles(ctx: EvalContext, e: Call): Promise<StepSeries[]> {
  const label = evalString(e.args[1]);
  const qs: Float64Array[] = [];
  for (const a of e.args.slice(2)) {
    const q = await evalScalar(ctx, a);
    warnQuantiles(ctx, q, a);
    qs.push(q);
  }
  const hs = histograms(ctx, await evalVector(ctx, e.args[0]), e.args[0]);
  const out = new SeriesCollector(ctx.grid.n, ctx.limits);
  for (const q of qs) {
    quantiles(ctx, hs, q, e.args[0], out, (labels, v) =>
      setLabel(labels, label, formatOpenMetricsFloat(v)),
    );
  }
  return out.finish();
}

/** `histogram_fraction(lower, upper, buckets)`. */
export async function histogramFraction(ctx: EvalContext, e: Call): Promise<StepSeries[]> {
  const lower = await evalScalar(ctx, e.args[0]);
  const upper = await evalScalar(ctx, e.args[1]);
  const hs = histograms(ctx, await evalVector(ctx, e.args[2]), e.args[2]);
  const out = new SeriesCollector(ctx.grid.n, ctx.limits);
  for (const h of hs) {
    eachStep(ctx.grid.n, h, (i, bounds, counts, m) => {
      put(out.slot(h.labels, h.dropName), i, bucketFraction(lower[i], upper[i], bounds, counts, m));
    });
  }
  return out.finish();
}
