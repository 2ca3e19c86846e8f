/**
 * A sliding kernel (range_kernels.ts) over a series that storage holds as disjoint slices,
 * walked by throughPart (sliding_parts.ts) as rate() is: the steps whose window lies inside one
 * slice run over that slice in place, with the window plan its shared timestamps array keeps;
 * the steps whose window reaches back across a seam run over a small copy of the samples
 * around it. The windows hold the same samples either way, so the results are those of the
 * joined series, bit for bit.
 */
import type { CachedPart } from "../../../storage/cache/part.ts";
import type { NarrowKernel, SlideCall, SlidingKernel } from "./slide_kernel.ts";
import { copy, copyValues, type PartSteps, seamSpan } from "./sliding_parts.ts";
import type { KeptSeam, Plans } from "./window_plan.ts";

/** One range-function call over stored slices: what all its series share. */
export interface SlideRun {
  readonly kernel: SlidingKernel;
  /** The kernel over narrow values in place, where the function has one (and it is on). */
  readonly narrowKernel?: NarrowKernel;
  readonly call: SlideCall;
  readonly plans: Plans;
  /** Samples the windows held, summed over the series. */
  readonly stats: { touched: number };
}

/** Scratch for a slice's widened values and for seams, grown as needed, reused. */
let wide = new Float64Array(1024);
let seamTs = new Float64Array(1024);
let seamVs = new Float64Array(1024);

/** A sliding kernel's steps over stored slices (see throughPart). */
export function slideSteps(run: SlideRun): PartSteps {
  const { kernel, narrowKernel, call, plans, stats } = run;
  return {
    plans,
    inPart(part, plan, values, present) {
      stats.touched += plan.touched;
      if (part.narrow !== undefined && narrowKernel !== undefined) {
        const count = narrowKernel(call, part.timestamps, part.narrow, plan, values, present);
        if (count >= 0) return count;
      }
      return kernel(call, part.timestamps, valuesOf(part), plan, values, present);
    },
    acrossSeam: (parts, p, values, present, from, to) =>
      slideSeam(run, parts, p, values, present, from, to),
  };
}

/**
 * A slice's values: its narrow ones widened into scratch when it has them (they are exact,
 * half the bytes to read, and a joined entry would widen into a new array on every read).
 */
function valuesOf(part: CachedPart): Float64Array {
  if (part.narrow === undefined) return part.values;
  const len = part.timestamps.length;
  if (wide.length < len) wide = new Float64Array(len * 2);
  copyValues(part, 0, len, wide, 0);
  return wide;
}

/**
 * Steps [from, to), which end within `range` of slice `p`'s start, over a copy of the samples
 * their windows can hold: those of earlier slices newer than the slice's start minus `range`,
 * and those of slice `p` up to the last step's end.
 */
function slideSeam(
  run: SlideRun,
  parts: readonly CachedPart[],
  p: number,
  values: Float64Array,
  present: Uint8Array,
  from: number,
  to: number,
): number {
  const { kernel, call, plans, stats } = run;
  const after = parts[p].timestamps[0] - plans.range;
  const kept = keptSeam(plans, parts, p, after, from, to);
  if (kept !== undefined) {
    // Most seams reach back into the slice before alone, whose times, like this slice's,
    // many series share: their layout is known already; only the samples are copied.
    const { lo, hi, plan } = kept;
    const prev = parts[p - 1];
    const n = prev.timestamps.length - lo + hi;
    growSeam(n);
    copy(prev.timestamps, lo, prev.timestamps.length, seamTs, 0);
    const cut = copyValues(prev, lo, prev.timestamps.length, seamVs, 0);
    copy(parts[p].timestamps, 0, hi, seamTs, cut);
    copyValues(parts[p], 0, hi, seamVs, cut);
    stats.touched += plan.touched;
    return kernel(call, seamTs, seamVs, plan, values, present);
  }
  const { q, lo, hi, n } = seamSpan(parts, p, after, plans.ends[to - 1]);
  growSeam(n);
  let at = 0;
  const take = (part: CachedPart, a: number, b: number) => {
    copy(part.timestamps, a, b, seamTs, at);
    at = copyValues(part, a, b, seamVs, at);
  };
  if (q > 0) take(parts[q - 1], lo, parts[q - 1].timestamps.length);
  for (let k = q; k < p; k++) take(parts[k], 0, parts[k].timestamps.length);
  take(parts[p], 0, hi);
  // A seam between two shared arrays is laid out once and kept (Plans.seam).
  const plan =
    q === p
      ? plans.seam(parts[p - 1].timestamps, parts[p].timestamps, from, to, lo, hi, () => seamTs)
      : plans.fresh(seamTs, from, to, n);
  stats.touched += plan.touched;
  return kernel(call, seamTs, seamVs, plan, values, present);
}

/** The kept plan of the seam before slice `p` for steps [from, to), if it has one. */
function keptSeam(
  plans: Plans,
  parts: readonly CachedPart[],
  p: number,
  after: number,
  from: number,
  to: number,
): KeptSeam | undefined {
  const prev = parts[p - 1].timestamps;
  if (prev[0] > after) return undefined;
  return plans.keptSeam(prev, parts[p].timestamps, from, to);
}

/** Makes the seam scratch hold at least `n` samples. */
function growSeam(n: number): void {
  if (seamTs.length >= n) return;
  seamTs = new Float64Array(n * 2);
  seamVs = new Float64Array(n * 2);
}
