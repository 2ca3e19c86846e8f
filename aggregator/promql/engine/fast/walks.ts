/**
 * The one shape every range function takes through the sliding path (sliding.ts, and the
 * helper thread, parallel_rate_worker.ts): a walk over a series' stored slices a slice at a
 * time, or over its one array of samples. rate/increase/delta walk with their fused kernel
 * (fast_rate.ts, sliding_parts.ts), every other function with its sliding kernel
 * (range_kernels.ts, slide_parts.ts); the block walk, the hand-off to the helper and the
 * groups folded on both threads are the same for all.
 */
import { hasStaleMarker } from "../../../../shared/model/sample.ts";
import type { CachedPart } from "../../../storage/cache/part.ts";
import { RATE_KINDS, slidingRate } from "./fast_rate.ts";
import { heavy, NARROW_KERNELS, PER_WINDOW_KERNELS, SLIDING_KERNELS } from "./range_kernels.ts";
import type { SlideCall } from "./slide_kernel.ts";
import { type SlideRun, slideSteps } from "./slide_parts.ts";
import { type PartsCursor, rateSteps, throughPart } from "./sliding_parts.ts";
import { Plans } from "./window_plan.ts";

/** How one range-function call computes a series' steps. */
export interface SeriesWalk {
  /** True when the walk reads a counter's drops (the helper must know them). */
  readonly counter: boolean;
  /** True when the helper thread may run it (its kernel cannot fail on user input). */
  readonly helps: boolean;
  /** True when one series can take milliseconds (range_kernels.ts heavy()). */
  readonly heavy: boolean;
  /** Samples the windows held, summed over the series walked. */
  readonly stats: { touched: number };
  /** The steps ending in slice `cursor.p` (see throughPart); false when none is left. */
  part(
    parts: readonly CachedPart[],
    values: Float64Array,
    present: Uint8Array,
    cursor: PartsCursor,
  ): boolean;
  /**
   * Every step over one array of samples; -1 when `checkStale` and a sample the windows reach
   * is a staleness marker (the caller then removes the markers and calls again).
   */
  whole(
    ts: Float64Array,
    vs: Float64Array,
    checkStale: boolean,
    values: Float64Array,
    present: Uint8Array,
  ): number;
}

/** True when `func` has a sliding walk. */
export function walks(func: string): boolean {
  return RATE_KINDS[func] !== undefined || SLIDING_KERNELS[func] !== undefined;
}

/** The walk of `func` (which walks()) for the windows and arguments of `call`. */
export function seriesWalk(func: string, call: SlideCall): SeriesWalk {
  const { ends, range } = call;
  const steps = ends.length;
  const stats = { touched: 0 };
  const kind = RATE_KINDS[func];
  if (kind !== undefined) {
    const run = { kind, stats, plans: new Plans(ends, range, kind.perSecond) };
    const slices = rateSteps(run);
    return {
      counter: kind.counter,
      helps: true,
      heavy: false,
      stats,
      part: (parts, values, present, cursor) => throughPart(slices, parts, values, present, cursor),
      whole: (ts, vs, checkStale, values, present) =>
        slidingRate(kind, stats, vs, run.plans.shared(ts, 0, steps), values, present, checkStale),
    };
  }
  const run: SlideRun = {
    kernel: (call.perWindowKernels ? PER_WINDOW_KERNELS : SLIDING_KERNELS)[func],
    narrowKernel:
      call.perWindowKernels || call.narrowKernels === false ? undefined : NARROW_KERNELS[func],
    call,
    plans: new Plans(ends, range, null),
    stats,
  };
  const slices = slideSteps(run);
  return {
    counter: false,
    // Holt's smoothing refuses bad factors with an error: the main thread raises it.
    helps: func !== "double_exponential_smoothing",
    heavy: heavy(func),
    stats,
    part: (parts, values, present, cursor) => throughPart(slices, parts, values, present, cursor),
    whole(ts, vs, checkStale, values, present) {
      const plan = run.plans.shared(ts, 0, steps);
      // Only the samples the windows reach matter: a marker elsewhere changes no result.
      if (checkStale && hasStaleMarker(vs.subarray(plan.first, plan.end))) return -1;
      stats.touched += plan.touched;
      return run.kernel(call, ts, vs, plan, values, present);
    },
  };
}

/**
 * Walks the series of a block together, a slice of each in turn, each into its own buffer:
 * a block's slices of one file lie side by side in memory (sliding.ts, BLOCK).
 */
export function walkTogether(
  walk: SeriesWalk,
  series: readonly (readonly CachedPart[])[],
  into: readonly { values: Float64Array; present: Uint8Array; cursor: PartsCursor }[],
): void {
  const size = series.length;
  for (let k = 0; k < size; k++) into[k].cursor.reset();
  for (let walking = size; walking > 0; ) {
    walking = 0;
    for (let k = 0; k < size; k++) {
      const { values, present, cursor } = into[k];
      if (walk.part(series[k], values, present, cursor)) walking++;
    }
  }
}
