/**
 * The shape of a sliding kernel (range_kernels.ts): one range function over all the windows
 * of one samples array at once, and the general ones: the reference kernel run per window, a
 * kernel that reads only a window's edges, and one that reads its last two samples.
 */

import type { NarrowValues } from "../../../../shared/model/sample.ts";
import { emptyWindow, type RangeFunction } from "../../functions/range.ts";
import type { WindowPlan } from "./window_plan.ts";

/** What all the windows of one range-function call share. */
export interface SlideCall {
  /** Per step: the end of its window (ms, offset applied). */
  readonly ends: Float64Array;
  readonly range: number;
  /** The scalar arguments, one value per step each (quantile's φ, predict_linear's t). */
  readonly params: readonly Float64Array[];
  /** The evaluation time of step `i` is `t0 + i * step` (predict_linear extrapolates from it). */
  readonly t0: number;
  readonly step: number;
  /**
   * Run every function but rate/increase/delta through the reference kernel on each window
   * (FastTuning.perWindowKernels) rather than its sliding kernel.
   */
  readonly perWindowKernels?: boolean;
  /** Read narrow values in place where a NarrowKernel exists (FastTuning.narrowKernels). */
  readonly narrowKernels?: boolean;
}

/**
 * Computes steps [plan.from, plan.to) over one samples array (`plan` laid out over `ts`):
 * sets `values`/`present` of those steps, returns how many have a value.
 */
export type SlidingKernel = (
  call: SlideCall,
  ts: Float64Array,
  vs: Float64Array,
  plan: WindowPlan,
  values: Float64Array,
  present: Uint8Array,
) => number;

/**
 * A sliding kernel over a slice whose values storage holds narrow (`base` plus whole-number
 * offsets: no NaN, no -0, each exact), reading the offsets in place: same steps and results
 * as the kernel over the values widened. Where JavaScriptCore compiles integer arithmetic
 * without the branches its floating-point comparisons take (Math.max of two int32s is a
 * conditional move), such a kernel runs several times faster on values that go up and down.
 * It returns what a SlidingKernel returns, or -1 to decline before writing any step (the
 * caller then runs the SlidingKernel over the values widened).
 */
export type NarrowKernel = (
  call: SlideCall,
  ts: Float64Array,
  narrow: NarrowValues,
  plan: WindowPlan,
  values: Float64Array,
  present: Uint8Array,
) => number;

/** The window the reference kernels read, reused (kernels keep no reference to it). */
const w = emptyWindow();
const args: number[] = [];

/**
 * The reference kernel run on each window from the plan: for the functions whose result
 * depends on the order of their arithmetic over the whole window.
 */
export function perWindow(kernel: RangeFunction): SlidingKernel {
  return (call, ts, vs, plan, values, present) => {
    const { lo: los, hi: his } = plan;
    const { ends, range, params, t0, step } = call;
    w.ts = ts;
    w.vs = vs;
    args.length = params.length;
    let count = 0;
    for (let i = plan.from; i < plan.to; i++) {
      const lo = los[i];
      const hi = his[i];
      present[i] = 0;
      if (hi <= lo) continue;
      for (let p = 0; p < params.length; p++) args[p] = params[p][i];
      w.lo = lo;
      w.hi = hi;
      w.end = ends[i];
      w.start = w.end - range;
      w.evalTs = t0 + i * step;
      const r = kernel(w, args);
      if (r === null) continue;
      values[i] = r;
      present[i] = 1;
      count++;
    }
    return count;
  };
}

/** A kernel reading only the window's edges: `of(lo, hi)` is the value of a non-empty one. */
export function edges(of: (ts: Float64Array, vs: Float64Array, lo: number, hi: number) => number) {
  return ((_call, ts, vs, plan, values, present) => {
    const { lo: los, hi: his } = plan;
    let count = 0;
    for (let i = plan.from; i < plan.to; i++) {
      const lo = los[i];
      const hi = his[i];
      if (hi <= lo) {
        present[i] = 0;
        continue;
      }
      values[i] = of(ts, vs, lo, hi);
      present[i] = 1;
      count++;
    }
    return count;
  }) satisfies SlidingKernel;
}

/**
 * irate (`isRate`) or idelta: each window's last two samples, as the reference kernel reads them
 * (functions/range_rate.ts `instantValue`), without its window object and call per step. Run per
 * window, irate was the slowest of the benchmark's 24 h shapes.
 */
export function lastTwo(isRate: boolean): SlidingKernel {
  return (_call, ts, vs, plan, values, present) => {
    const { lo: los, hi: his } = plan;
    let count = 0;
    for (let i = plan.from; i < plan.to; i++) {
      const hi = his[i];
      present[i] = 0;
      if (hi - los[i] < 2) continue;
      const interval = ts[hi - 1] - ts[hi - 2];
      if (interval === 0) continue;
      const prev = vs[hi - 2];
      const curr = vs[hi - 1];
      if (isRate) values[i] = (curr < prev ? curr : curr - prev) / (interval / 1000);
      else values[i] = curr - prev;
      present[i] = 1;
      count++;
    }
    return count;
  };
}
