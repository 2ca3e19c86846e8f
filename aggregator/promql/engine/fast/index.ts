/**
 * The engine's speed-only paths behind one object (see ../fast_paths.ts): engine.ts makes
 * one per engine unless it runs in the reference mode, and nothing else outside this folder
 * imports it (scripts/check-deps.ts).
 */
import type { FastPaths, FastTuning } from "../fast_paths.ts";
import { FAST_FOLDS } from "./folds.ts";
import { lookupSteps } from "./lookup.ts";
import type { RateHelper } from "./parallel_rate.ts";
import { counterRows } from "./row_counters.ts";
import { BLOCK, HELPED_MIN_SERIES, type HelperSettings, streamSliding } from "./sliding.ts";
import { WALK_RATIO } from "./sliding_parts.ts";
import { walks } from "./walks.ts";

export { RateHelper } from "./parallel_rate.ts";

/** The fast paths, with `helper` (a second thread for rate()) when given. */
export function fastPaths(helper: RateHelper | undefined, tuning: FastTuning = {}): FastPaths {
  const settings: HelperSettings = {
    helper,
    minSeries: tuning.helperMinSeries ?? HELPED_MIN_SERIES,
    block: tuning.block ?? BLOCK,
    walkRatio: tuning.walkRatio ?? WALK_RATIO,
    shareAnyGroups: tuning.shareAnyGroups ?? false,
    perWindowKernels: tuning.perWindowKernels ?? false,
    narrowKernels: tuning.narrowKernels ?? true,
  };
  return {
    async streamRange(ctx, input, func, params, onSeries, grouped) {
      if (!walks(func)) return false;
      await streamSliding(ctx, settings, input, func, params, onSeries, grouped);
      return true;
    },
    lookupSteps,
    folds: FAST_FOLDS,
    counterRows,
  };
}
