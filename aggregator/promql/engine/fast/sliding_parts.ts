/**
 * slidingRate over a series that storage holds as disjoint slices (a day of hourly files is
 * 24 of them) without joining the slices into one array, which would copy every sample of the
 * day for each query. A step whose window lies inside one slice reads that slice in place;
 * the few steps whose window reaches back across a seam between slices read a small copy of
 * the samples around the seam. The windows hold the same samples either way, so the results
 * are those of the joined series, bit for bit (fast_rate.test.ts, "slidingRateParts()").
 */

import type { NarrowValues } from "../../../../shared/model/sample.ts";
import { hasStaleMarker } from "../../../../shared/model/sample.ts";
import { lowerBound, upperBound } from "../../../../shared/model/search.ts";
import type { CachedPart } from "../../../storage/cache/part.ts";
import type { SelectedSeries } from "../data.ts";
import { type RateKind, seamRateNarrow, slidingRate, slidingRateNarrow } from "./fast_rate.ts";
import type { KeptSeam, Plans, WindowPlan } from "./window_plan.ts";

/**
 * True when walking `parts` pays: the seams copy up to two ranges of samples each, which must
 * stay well below the samples of the slices themselves (a `[1d]` range over hourly files
 * joins): `ratio` ranges per slice at most (4; 0 walks whatever the range, for tests).
 */
export function partsPay(parts: readonly CachedPart[], range: number, ratio = WALK_RATIO): boolean {
  const first = parts[0].timestamps[0];
  const lastTimes = parts[parts.length - 1].timestamps;
  const last = lastTimes[lastTimes.length - 1];
  return range * ratio * parts.length <= last - first;
}

/** How many ranges per slice a series' span must hold for its slices to be walked. */
export const WALK_RATIO = 4;

/** Read modes of a rate() series: slices walked, one stored array, or compacted samples. */
export const WALK = 1;
export const WHOLE = 2;
export const COMPACTED = 0;

/** How rate() reads a series: its slices in place, its one stored array, or compacted. */
export function readMode(stored: SelectedSeries | null, range: number, ratio = WALK_RATIO): number {
  if (stored === null) return COMPACTED;
  const parts = stored.parts;
  if (parts === null || !partsPay(parts, range, ratio)) return WHOLE;
  return holdsMarker(parts) ? COMPACTED : WALK;
}

/** Scratch for seams, grown as needed and reused across series. */
let seamTs = new Float64Array(1024);
let seamVs = new Float64Array(1024);

/** One rate()/increase()/delta() call over stored slices: what all its series share. */
export interface RateRun {
  readonly kind: RateKind;
  readonly plans: Plans;
  /** Samples the windows held, summed over the series. */
  readonly stats: { touched: number };
}

/**
 * As slidingRate() for every step, over `parts` (disjoint, ascending, none empty). Returns how
 * many steps produced a value, or -1 when a slice holds a staleness marker.
 */
export function slidingRateParts(
  run: RateRun,
  parts: readonly CachedPart[],
  values: Float64Array,
  present: Uint8Array,
): number {
  // Checked up front, so that a marker found never leaves half the steps counted.
  if (holdsMarker(parts)) return -1;
  const cursor = new PartsCursor();
  const steps = rateSteps(run);
  while (throughPart(steps, parts, values, present, cursor));
  return cursor.count;
}

/** True when a slice not known to be clean holds a staleness marker. */
export function holdsMarker(parts: readonly CachedPart[]): boolean {
  for (const part of parts) if (!part.clean && hasStaleMarker(part.values)) return true;
  return false;
}

/** How far throughPart() went through one series: its next slice and step. */
export class PartsCursor {
  p = 0;
  i = 0;
  /** Steps that produced a value so far. */
  count = 0;

  reset(): void {
    this.p = 0;
    this.i = 0;
    this.count = 0;
  }
}

/** What a walk over stored slices computes, for rate() (rateSteps) or a sliding kernel. */
export interface PartSteps {
  readonly plans: Plans;
  /** Steps [plan.from, plan.to) over `part` alone; returns how many have a value. */
  inPart(part: CachedPart, plan: WindowPlan, values: Float64Array, present: Uint8Array): number;
  /** Steps [from, to), whose windows reach back across the seam before slice `p`. */
  acrossSeam(
    parts: readonly CachedPart[],
    p: number,
    values: Float64Array,
    present: Uint8Array,
    from: number,
    to: number,
  ): number;
}

/** rate()'s steps over stored slices: narrow values and known drops where it has them. */
export function rateSteps(run: RateRun): PartSteps {
  const { kind, stats, plans } = run;
  return {
    plans,
    inPart(part, plan, values, present) {
      const narrow = part.narrow;
      return narrow !== undefined && (part.noDrops || part.drops !== undefined || !kind.counter)
        ? slidingRateNarrow(kind, stats, narrow, plan, values, present, part.drops)
        : slidingRate(kind, stats, part.values, plan, values, present, false, part.noDrops);
    },
    acrossSeam: (parts, p, values, present, from, to) =>
      seamRate(run, parts, p, values, present, from, to),
  };
}

/**
 * Computes the steps whose windows end in slice `cursor.p` (those reaching back across its
 * seam, then those inside it) and moves the cursor to the next slice. Returns false once no
 * slice or step is left. Callers that walk many series a slice at a time (see
 * range_calls.ts) read each file's values in order, which memory serves much faster than a
 * whole series at a time; the results are the same.
 */
export function throughPart(
  steps: PartSteps,
  parts: readonly CachedPart[],
  values: Float64Array,
  present: Uint8Array,
  cursor: PartsCursor,
): boolean {
  const { ends, range } = steps.plans;
  const n = ends.length;
  const { p, i } = cursor;
  if (p >= parts.length || i >= n) return false;
  const part = parts[p];
  const first = part.timestamps[0];
  const next = p + 1 < parts.length ? parts[p + 1].timestamps[0] : Number.POSITIVE_INFINITY;
  // Steps ending before the next slice starts draw on slices up to this one; those ending
  // within `range` of this slice's start reach back across the seam into earlier slices.
  let inSeam = i;
  if (p > 0) {
    inSeam = lowerBound(ends, Math.min(first + range, next), i);
    if (inSeam > i) cursor.count += steps.acrossSeam(parts, p, values, present, i, inSeam);
  }
  const done = lowerBound(ends, next, inSeam);
  if (done > inSeam) {
    const plan = steps.plans.shared(part.timestamps, inSeam, done);
    cursor.count += steps.inPart(part, plan, values, present);
  }
  cursor.i = done;
  cursor.p = p + 1;
  return cursor.p < parts.length && done < n;
}

/**
 * The steps [from, to) that end within `range` of slice `p`'s start: their windows hold
 * samples of earlier slices newer than `start - range`, and samples of slice `p` up to the
 * last of those steps' ends. Copies just those into the seam scratch and slides over it (the
 * slices were checked for markers already, so plain copies do).
 */
function seamRate(
  run: RateRun,
  parts: readonly CachedPart[],
  p: number,
  values: Float64Array,
  present: Uint8Array,
  from: number,
  to: number,
): number {
  const { kind, stats, plans } = run;
  const next = parts[p];
  const prev = parts[p - 1];
  const after = next.timestamps[0] - plans.range;
  // Mostly the windows reach back into the previous slice alone, whose times, like this
  // slice's, many series share: the layout of the seam is then known already.
  const kept =
    prev.timestamps[0] <= after
      ? plans.keptSeam(prev.timestamps, next.timestamps, from, to)
      : undefined;
  if (kept !== undefined) {
    const len = prev.timestamps.length;
    const narrow = narrowSeam(kind, prev, next, kept);
    if (narrow) {
      return seamRateNarrow(
        kind,
        stats,
        narrow[0],
        kept.lo,
        len - kept.lo,
        narrow[1],
        kept.plan,
        values,
        present,
      );
    }
    growSeam(len - kept.lo + kept.hi);
    const cut = copyValues(prev, kept.lo, len, seamVs, 0);
    copyValues(next, 0, kept.hi, seamVs, cut);
    // The copy holds no drop when neither slice does, nor the step from one to the other.
    const across = cut > 0 && kept.hi > 0 && seamVs[cut] < seamVs[cut - 1];
    const noDrops = !!prev.noDrops && !!next.noDrops && !across;
    return slidingRate(kind, stats, seamVs, kept.plan, values, present, false, noDrops);
  }
  const { q, lo, hi, n } = seamSpan(parts, p, after, plans.ends[to - 1]);
  growSeam(n);
  let at = 0;
  if (q > 0) at = copyValues(parts[q - 1], lo, parts[q - 1].timestamps.length, seamVs, at);
  for (let k = q; k < p; k++) at = copyValues(parts[k], 0, parts[k].timestamps.length, seamVs, at);
  copyValues(parts[p], 0, hi, seamVs, at);
  const copyTimes = () => {
    let at = 0;
    if (q > 0) at = copy(parts[q - 1].timestamps, lo, parts[q - 1].timestamps.length, seamTs, at);
    for (let k = q; k < p; k++)
      at = copy(parts[k].timestamps, 0, parts[k].timestamps.length, seamTs, at);
    copy(parts[p].timestamps, 0, hi, seamTs, at);
    return seamTs;
  };
  // Seams between two slices shared by many series (hourly files of one scrape) have the same
  // times in each of those series: their plan is kept, and only the values are copied.
  const plan =
    q === p && p > 0
      ? plans.seam(prev.timestamps, next.timestamps, from, to, lo, hi, copyTimes)
      : plans.fresh(copyTimes(), from, to, n);
  return slidingRate(kind, stats, seamVs, plan, values, present, false);
}

/** The samples the windows of a seam reach, from slices before slice `p` up to `end`. */
export interface SeamSpan {
  /** Slices q..p-1 lie wholly after the first window's start. */
  readonly q: number;
  /** From this index of slice q-1 (when q > 0), which may end after the start. */
  readonly lo: number;
  /** Up to this index of slice p (exclusive). */
  readonly hi: number;
  /** Samples in all. */
  readonly n: number;
}

/** Where the windows (after `after`, up to `end`) ending in slice `p` reach back to. */
export function seamSpan(
  parts: readonly CachedPart[],
  p: number,
  after: number,
  end: number,
): SeamSpan {
  let q = p;
  while (q > 0 && parts[q - 1].timestamps[0] > after) q--;
  const lo = q > 0 ? upperBound(parts[q - 1].timestamps, after) : 0;
  const hi = upperBound(parts[p].timestamps, end);
  let n = hi;
  if (q > 0) n += parts[q - 1].timestamps.length - lo;
  for (let k = q; k < p; k++) n += parts[k].timestamps.length;
  return { q, lo, hi, n };
}

/**
 * The narrow values of a kept seam's two slices when its windows can read them in place: both
 * narrow, and no drop for a counter to scan for, in either or from one to the other.
 */
function narrowSeam(
  kind: RateKind,
  prev: CachedPart,
  next: CachedPart,
  kept: KeptSeam,
): [NarrowValues, NarrowValues] | null {
  const a = prev.narrow;
  const b = next.narrow;
  if (a === undefined || b === undefined) return null;
  if (!kind.counter) return [a, b];
  if (!prev.noDrops || !next.noDrops || kept.hi === 0) return null;
  const last = a.base + a.offsets[a.offsets.length - 1];
  return b.base + b.offsets[0] < last ? null : [a, b];
}

/** Makes the seam scratch hold at least `n` samples. */
function growSeam(n: number): void {
  if (seamTs.length >= n) return;
  seamTs = new Float64Array(n * 2);
  seamVs = new Float64Array(n * 2);
}

/**
 * Copies values [lo, hi) of `part` to `into` at `at`, from its narrow offsets when it has them
 * (the walk reads those: the wide values may not be in the CPU's cache); returns where it ended.
 */
export function copyValues(
  part: CachedPart,
  lo: number,
  hi: number,
  into: Float64Array,
  at: number,
): number {
  const narrow = part.narrow;
  if (narrow === undefined) return copy(part.values, lo, hi, into, at);
  const { base, offsets } = narrow;
  for (let k = lo; k < hi; k++, at++) into[at] = base + offsets[k];
  return at;
}

/** Copies [lo, hi) of `from` to `into` at `at`; returns where it ended. */
export function copy(
  from: Float64Array,
  lo: number,
  hi: number,
  into: Float64Array,
  at: number,
): number {
  for (let k = lo; k < hi; k++, at++) into[at] = from[k];
  return at;
}
