/**
 * Instant vector selectors: at each step, the latest sample in `(t - lookback, t]` unless
 * that sample is a staleness marker. One forward pass per series serves every step because
 * steps ascend; a selector pinned by `@` is looked up once and repeated.
 */
import { isStaleAt } from "../../../shared/model/sample.ts";
import { nextAbove, upperBound } from "../../../shared/model/search.ts";
import type { SamplePart } from "../../storage/storage.ts";
import type { MatrixSelector, VectorSelector } from "../parser/ast.ts";
import type { EvalContext } from "./context.ts";
import type { SelectedSeries } from "./data.ts";
import { atTime } from "./timing.ts";
import type { RangeSeries, SeriesSink } from "./types.ts";

/**
 * Streams the series of an instant selector. With `timestamps`, each value is the time of
 * the sample found (in seconds), which is what `timestamp(selector)` returns.
 */
export function streamSelector(
  ctx: EvalContext,
  sel: VectorSelector,
  sink: SeriesSink,
  timestamps = false,
): void {
  const { n } = ctx.grid;
  const values = new Float64Array(n);
  const present = new Uint8Array(n);
  const pinned = atTime(sel.at, ctx.times);
  for (const s of ctx.data.get(sel) ?? []) {
    ctx.limits.poll();
    const count =
      pinned === null
        ? lookupSteps(ctx, s, sel.offset, values, present, timestamps)
        : lookupPinned(ctx, s, pinned - sel.offset, values, present, timestamps);
    if (count === 0) continue;
    ctx.limits.total += count;
    sink(s.labels, values, present, false);
  }
}

/** The samples of series `s` at each step, looked up in its slices or its one array. */
function lookupSteps(
  ctx: EvalContext,
  s: SelectedSeries,
  offset: number,
  values: Float64Array,
  present: Uint8Array,
  timestamps: boolean,
): number {
  // A series stored in several files is read in its slices: joining them would copy it.
  const parts = s.parts ?? [{ timestamps: s.ts, values: s.vs }];
  return lookupParts(ctx, parts, offset, values, present, timestamps);
}

/**
 * At each step, the latest sample at or before its reference time in `parts` (disjoint,
 * ascending slices): it is in the last slice that starts by then.
 */
function lookupParts(
  ctx: EvalContext,
  parts: readonly SamplePart[],
  offset: number,
  values: Float64Array,
  present: Uint8Array,
  timestamps: boolean,
): number {
  const { start, step, n } = ctx.grid;
  const lookback = ctx.lookback;
  let p = 0;
  // j: the last sample of slice p at or before the reference time; it usually moves by the
  // same stride as at the step before, which two comparisons confirm.
  let j = -1;
  let stride = 0;
  let words: Uint32Array | null = null;
  let count = 0;
  // Read once per slice: a slice may make its values when asked (cache_join.ts).
  let { timestamps: ts, values: vs, clean } = parts[0];
  for (let i = 0; i < n; i++) {
    const ref = start + i * step - offset;
    while (p + 1 < parts.length && parts[p + 1].timestamps[0] <= ref) {
      p++;
      j = -1;
      stride = 0;
      words = null;
      ({ timestamps: ts, values: vs, clean } = parts[p]);
    }
    // The first step in a slice searches; later ones walk on.
    const k = j < 0 ? upperBound(ts, ref) - 1 : nextAbove(ts, ref, j + 1, ts.length, stride) - 1;
    stride = j < 0 ? 0 : k - j;
    j = k;
    let found = j >= 0 && ts[j] > ref - lookback;
    if (found && !clean && Number.isNaN(vs[j])) {
      words ??= new Uint32Array(vs.buffer, vs.byteOffset, vs.length * 2);
      found = !isStaleAt(words, j);
    }
    if (found) {
      values[i] = timestamps ? ts[j] / 1000 : vs[j];
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
    out.push({ labels: s.labels, ts: ts.slice(lo, hi), vs: vs.slice(lo, hi), dropName: false });
  }
  return out;
}
