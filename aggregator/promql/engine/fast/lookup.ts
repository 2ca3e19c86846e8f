/**
 * Instant selectors over stored slices: at each step, the latest sample in `(t - lookback, t]`
 * unless a staleness marker, found in the series' per-file slices in place (joining them
 * would copy a day of samples per series) and skipping the marker test for slices the cache
 * knows are clean. The reference walks the joined array (selectors.ts).
 */
import { isStaleAt } from "../../../../shared/model/sample.ts";
import { nextAbove, upperBound } from "../../../../shared/model/search.ts";
import type { CachedPart } from "../../../storage/cache/part.ts";
import type { EvalContext } from "../context.ts";
import type { SelectedSeries } from "../data.ts";

/** The samples of series `s` at each step, looked up in its slices or its one array. */
export function lookupSteps(
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
  parts: readonly CachedPart[],
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
