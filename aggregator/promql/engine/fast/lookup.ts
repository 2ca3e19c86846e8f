/**
 * Instant selectors over stored slices: at each step, the latest sample in `(t - lookback, t]`
 * unless a staleness marker, found in the series' per-file slices in place (joining them
 * would copy a day of samples per series) and skipping the marker test for slices the cache
 * knows are clean. A slice held as 32-bit offsets (a joined entry's whole-number series) is
 * read as `base + offset` at the samples found: asking it for its values would widen the whole
 * day into a new array, per series and query (half the time of `count by (status) (counter)`).
 * Series scraped together share one timestamps array in the cache, so which sample each step
 * finds is the same for all of them: a series in one slice whose timestamps array was met
 * before reads a step plan (the index found at each step, made once per array and grid) and
 * only gathers its values (`count by (status) (counter)` over 6,700 series: the lookups took
 * two thirds of its evaluation). An aggregation that reads only which steps have a sample
 * (`count`, `group`) does not gather at all from a slice without markers: the plan's own mask,
 * made once, is its presence (the gather read every cache line of each series' day, ~47 ms of
 * a 100 ms `count by`). The reference walks the joined array (selectors.ts).
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
  presenceOnly = false,
): number {
  // A series stored in several files is read in its slices: joining them would copy it.
  const parts = s.parts ?? [{ timestamps: s.ts, values: s.vs }];
  if (parts.length === 1) {
    const plan = stepPlan(ctx, parts[0].timestamps, offset);
    if (plan !== null && presenceOnly && isClean(parts[0])) return presenceOf(plan, present);
    if (plan !== null) return gather(plan, parts[0], values, present, timestamps);
  }
  return lookupParts(ctx, parts, offset, values, present, timestamps);
}

/** Which sample each step of a grid finds in one timestamps array (-1: none in the lookback). */
interface StepPlan {
  readonly start: number;
  readonly step: number;
  readonly offset: number;
  readonly lookback: number;
  readonly index: Int32Array;
  /** 1 where `index` found a sample, made when first asked (presenceOf). */
  found?: { readonly mask: Uint8Array; readonly count: number };
}

/**
 * Plans by timestamps array: `null` marks an array met once (a series of its own pays no
 * plan). Weak, so that the cache's arrays are not held here; one plan per array, replaced
 * when another grid asks.
 */
const plans = new WeakMap<Float64Array, StepPlan | null>();

/** The plan of `ts` on the context's grid, or null the first time `ts` is met. */
function stepPlan(ctx: EvalContext, ts: Float64Array, offset: number): StepPlan | null {
  const { start, step, n } = ctx.grid;
  const lookback = ctx.lookback;
  const known = plans.get(ts);
  if (known === undefined) {
    plans.set(ts, null);
    return null;
  }
  if (
    known !== null &&
    known.start === start &&
    known.step === step &&
    known.index.length === n &&
    known.offset === offset &&
    known.lookback === lookback
  )
    return known;
  const index = new Int32Array(n);
  let j = 0;
  for (let i = 0; i < n; i++) {
    const ref = start + i * step - offset;
    while (j < ts.length && ts[j] <= ref) j++;
    // The latest sample at or before the reference time, if inside the lookback window.
    index[i] = j > 0 && ts[j - 1] > ref - lookback ? j - 1 : -1;
  }
  const plan = { start, step, offset, lookback, index };
  plans.set(ts, plan);
  return plan;
}

/** A slice that holds no staleness marker (whole-number offsets never do). */
function isClean(part: CachedPart): boolean {
  return part.narrow !== undefined || part.clean === true;
}

/** The steps a plan finds a sample at, in `present`, for a slice without markers. */
function presenceOf(plan: StepPlan, present: Uint8Array): number {
  if (plan.found === undefined) {
    const mask = new Uint8Array(plan.index.length);
    let count = 0;
    for (let i = 0; i < mask.length; i++) {
      if (plan.index[i] < 0) continue;
      mask[i] = 1;
      count++;
    }
    plan.found = { mask, count };
  }
  present.set(plan.found.mask);
  return plan.found.count;
}

/** The values of one slice at the samples a plan found, staleness markers left out. */
function gather(
  plan: StepPlan,
  part: CachedPart,
  values: Float64Array,
  present: Uint8Array,
  timestamps: boolean,
): number {
  const { index } = plan;
  const { ts, vs, clean, base, offsets } = slice(part);
  let words: Uint32Array | null = null;
  let count = 0;
  for (let i = 0; i < index.length; i++) {
    const j = index[i];
    if (j < 0) {
      present[i] = 0;
      continue;
    }
    const v = offsets !== null ? base + offsets[j] : vs[j];
    if (!clean && Number.isNaN(v)) {
      words ??= new Uint32Array(vs.buffer, vs.byteOffset, vs.length * 2);
      if (isStaleAt(words, j)) {
        present[i] = 0;
        continue;
      }
    }
    values[i] = timestamps ? ts[j] / 1000 : v;
    present[i] = 1;
    count++;
  }
  return count;
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
  let { ts, vs, clean, base, offsets } = slice(parts[0]);
  for (let i = 0; i < n; i++) {
    const ref = start + i * step - offset;
    while (p + 1 < parts.length && parts[p + 1].timestamps[0] <= ref) {
      p++;
      j = -1;
      stride = 0;
      words = null;
      ({ ts, vs, clean, base, offsets } = slice(parts[p]));
    }
    // The first step in a slice searches; later ones walk on.
    const k = j < 0 ? upperBound(ts, ref) - 1 : nextAbove(ts, ref, j + 1, ts.length, stride) - 1;
    stride = j < 0 ? 0 : k - j;
    j = k;
    let found = j >= 0 && ts[j] > ref - lookback;
    // Offsets are whole numbers: never a marker.
    if (found && !clean && offsets === null && Number.isNaN(vs[j])) {
      words ??= new Uint32Array(vs.buffer, vs.byteOffset, vs.length * 2);
      found = !isStaleAt(words, j);
    }
    if (found) {
      values[i] = timestamps ? ts[j] / 1000 : offsets !== null ? base + offsets[j] : vs[j];
      present[i] = 1;
      count++;
    } else present[i] = 0;
  }
  return count;
}

/** What a lookup reads of a slice: its offsets when it has them, else its values. */
function slice(part: CachedPart): {
  ts: Float64Array;
  vs: Float64Array;
  clean: boolean | undefined;
  base: number;
  offsets: Int32Array | null;
} {
  const narrow = part.narrow;
  if (narrow !== undefined) {
    const { base, offsets } = narrow;
    return { ts: part.timestamps, vs: EMPTY, clean: true, base, offsets };
  }
  return { ts: part.timestamps, vs: part.values, clean: part.clean, base: 0, offsets: null };
}

const EMPTY = new Float64Array(0);
