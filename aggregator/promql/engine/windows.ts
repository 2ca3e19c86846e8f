/**
 * Range-vector windows: for each series and step, the samples in the left-open window
 * `(end - range, end]`, found with two pointers that only move forward as steps ascend, so a
 * series costs O(samples + steps) whatever the range. The window is handed to a numeric
 * kernel (functions/range.ts) without copying.
 */
import type { Labels } from "../../../shared/model/labels.ts";
import { emptyWindow, type RangeFunction, type Window } from "../functions/range.ts";
import type { MatrixSelector } from "../parser/ast.ts";
import type { EvalContext } from "./context.ts";
import type { SelectedSeries } from "./data.ts";
import { atTime, referenceTimes } from "./timing.ts";

/** One series of a range-vector argument. */
export interface WindowSeries {
  readonly labels: Labels;
  readonly metricName: string;
  readonly dropName: boolean;
  /** The samples, staleness markers removed. */
  samples(): { ts: Float64Array; vs: Float64Array };
  /** The stored series when the samples come from storage (markers not yet removed). */
  readonly stored: SelectedSeries | null;
}

/** A range-vector argument: its series and, per step, the end of the window. */
export interface WindowInput {
  readonly series: readonly WindowSeries[];
  readonly ends: Float64Array;
  readonly range: number;
  /** True when `@` pins every step to one window. */
  readonly pinned: boolean;
}

/** The windows of a range selector on the context's grid. */
export function selectorWindows(ctx: EvalContext, m: MatrixSelector): WindowInput {
  const sel = m.vector;
  const pinned = atTime(sel.at, ctx.times);
  const series = (ctx.data.get(sel) ?? []).map(
    (s): WindowSeries => ({
      labels: s.labels,
      metricName: s.metricName,
      dropName: false,
      samples: () => s.rangeSamples(),
      stored: s,
    }),
  );
  return {
    series,
    ends: referenceTimes(ctx.grid, sel.offset, pinned),
    range: m.range,
    pinned: pinned !== null,
  };
}

/** What a kernel is called with besides the window. */
export interface KernelCall {
  readonly kernel: RangeFunction;
  /** Scalar arguments, one value per step each. */
  readonly params: readonly Float64Array[];
  /** Sets `Window.isCounter` for a series. */
  readonly isCounter: (s: WindowSeries) => boolean;
}

/**
 * Runs `call.kernel` over every window of every series and streams the results. `onSeries`
 * is told, per series, how many steps produced a value (for annotations).
 */
export async function streamWindows(
  ctx: EvalContext,
  input: WindowInput,
  call: KernelCall,
  sink: (s: WindowSeries, values: Float64Array, present: Uint8Array) => void,
): Promise<void> {
  const { n } = ctx.grid;
  const values = new Float64Array(n);
  const present = new Uint8Array(n);
  const params: number[] = new Array(call.params.length).fill(0);
  const w = emptyWindow();
  for (const s of input.series) {
    if (ctx.limits.due()) await ctx.limits.turn();
    const { ts, vs } = s.samples();
    w.ts = ts;
    w.vs = vs;
    w.isCounter = call.isCounter(s);
    const count = input.pinned
      ? runPinned(ctx, input, call, w, params, values, present)
      : runSteps(ctx, input, call, w, params, values, present);
    if (count > 0) sink(s, values, present);
  }
}

function runSteps(
  ctx: EvalContext,
  input: WindowInput,
  call: KernelCall,
  w: Window,
  params: number[],
  values: Float64Array,
  present: Uint8Array,
): number {
  const { ends, range } = input;
  const { start: t0, step } = ctx.grid;
  const ts = w.ts;
  const len = ts.length;
  const kernel = call.kernel;
  const np = params.length;
  let lo = 0;
  let hi = 0;
  let count = 0;
  let touched = 0;
  for (let i = 0; i < ends.length; i++) {
    const end = ends[i];
    const start = end - range;
    while (hi < len && ts[hi] <= end) hi++;
    while (lo < hi && ts[lo] <= start) lo++;
    present[i] = 0;
    if (hi === lo) continue;
    for (let p = 0; p < np; p++) params[p] = call.params[p][i];
    w.lo = lo;
    w.hi = hi;
    w.start = start;
    w.end = end;
    w.evalTs = t0 + i * step;
    touched += hi - lo;
    const r = kernel(w, params);
    if (r === null) continue;
    values[i] = r;
    present[i] = 1;
    count++;
  }
  ctx.limits.total += touched;
  return count;
}

function runPinned(
  ctx: EvalContext,
  input: WindowInput,
  call: KernelCall,
  w: Window,
  params: number[],
  values: Float64Array,
  present: Uint8Array,
): number {
  // The window is the same at every step; the step time and scalar arguments may still vary.
  const end = input.ends[0];
  const start = end - input.range;
  let lo = 0;
  while (lo < w.ts.length && w.ts[lo] <= start) lo++;
  let hi = lo;
  while (hi < w.ts.length && w.ts[hi] <= end) hi++;
  present.fill(0);
  if (hi === lo) return 0;
  w.lo = lo;
  w.hi = hi;
  w.start = start;
  w.end = end;
  let count = 0;
  for (let i = 0; i < input.ends.length; i++) {
    for (let p = 0; p < params.length; p++) params[p] = call.params[p][i];
    w.evalTs = ctx.grid.start + i * ctx.grid.step;
    ctx.limits.total += hi - lo;
    const r = call.kernel(w, params);
    if (r === null) continue;
    values[i] = r;
    present[i] = 1;
    count++;
  }
  return count;
}
