/**
 * max_over_time/min_over_time and their ts_of_ variants over sliding windows with a monotone
 * deque: each sample enters and leaves it once, so a series costs O(samples + steps) whatever
 * the range, where the reference scans every window.
 *
 * The reference (functions/range_stats.ts, extremeIndex) scans a window keeping a candidate
 * that a later sample replaces when strictly beyond it (or equal, for ts_of_), or when the
 * candidate is NaN. So a NaN wins only in a window of NaNs alone (then its last sample, for
 * ts_of_); otherwise the winner is the earliest (latest, for ts_of_) of the numbers equal to
 * the extreme, equal as `===` compares (0 and -0 alike, whose bits differ). The deque holds the
 * indices of the window's numbers from which the front is that winner: the latest of equal
 * values pushes the earlier ones out.
 *
 * max_over_time and min_over_time run the deque over segments instead (segmentKernel): the
 * samples between consecutive window borders (every window's start and end) folded to their
 * extreme. Each window is then whole segments, and the deque moves a segment at a time: where
 * a query's range is a multiple of its step, as on most dashboards, a segment a step, ~2×
 * quicker than a sample at a time (24 h of 2,200 gauges at a 60 s step, windows of 10 m).
 *
 * Over narrow values (whole-number offsets from a base, as the query cache holds most gauges)
 * max/min_over_time read the offsets in place, with the same segments and no deque
 * (narrowSegmentKernel): ~2.5× quicker again on values that go up and down.
 */
import type { NarrowValues } from "../../../../shared/model/sample.ts";
import type { NarrowKernel, SlidingKernel } from "./slide_kernel.ts";
import type { WindowPlan } from "./window_plan.ts";

/** The deque's scratch, grown as needed and reused across series. */
let deque = new Int32Array(1024);

/** The segments' scratch: each one's extreme (times the sign), and where it is. */
let segExtreme = new Float64Array(256);
let segAt = new Int32Array(256);

/**
 * The kernel of `max` (else min) over time: the value, or with `tsOf` the timestamp in seconds
 * of the latest extreme.
 */
export function extremeKernel(max: boolean, tsOf: boolean): SlidingKernel {
  // Comparing v * sign keeps one loop for both: the sign does not change which numbers are
  // equal, and NaNs never enter.
  const sign = max ? 1 : -1;
  if (tsOf) return latestExtremeTime(sign);
  return (_call, _ts, vs, plan, values, present) => segmentKernel(sign, vs, plan, values, present);
}

/**
 * The deque over segments: the samples from one window border to the next (a window's start
 * or end, whichever comes first) folded to their extreme (`sign` 1 for max, -1 for min), the
 * earliest of equal ones, as the sample deque keeps it. No segment straddles a window's start,
 * so a window drops whole segments only, and the earliest extreme among the segments it holds
 * is its own.
 */
function segmentKernel(
  sign: number,
  vs: Float64Array,
  plan: WindowPlan,
  values: Float64Array,
  present: Uint8Array,
): number {
  const { lo: los, hi: his } = plan;
  // Two borders a step at most, so as many segments.
  const room = 2 * (plan.to - plan.from) + 2;
  if (segAt.length < room) {
    segExtreme = new Float64Array(room * 2);
    segAt = new Int32Array(room * 2);
  }
  if (deque.length < room) deque = new Int32Array(room * 2);
  const q = deque;
  let head = 0;
  let tail = 0;
  let segments = 0;
  let next = plan.first;
  // The next window start after `next`: where the segment being folded ends, if before hi.
  let j = plan.from;
  let count = 0;
  for (let i = plan.from; i < plan.to; i++) {
    const lo = los[i];
    const hi = his[i];
    // Samples before the window are in no later one (windows' starts only move on).
    if (next < lo) next = lo;
    while (next < hi) {
      while (j < plan.to && los[j] <= next) j++;
      const cut = j < plan.to && los[j] < hi ? los[j] : hi;
      let best = 0;
      let at = -1;
      for (; next < cut; next++) {
        const s = vs[next] * sign;
        // NaNs never win a fold: s > best is false for them.
        if (s > best || (at < 0 && !Number.isNaN(s))) {
          best = s;
          at = next;
        }
      }
      if (at < 0) continue;
      while (tail > head && segExtreme[q[tail - 1]] < best) tail--;
      segExtreme[segments] = best;
      segAt[segments] = at;
      q[tail++] = segments++;
    }
    while (head < tail && segAt[q[head]] < lo) head++;
    if (hi <= lo) {
      present[i] = 0;
      continue;
    }
    // No number in the window: its samples are all NaN.
    values[i] = vs[head < tail ? segAt[q[head]] : hi - 1];
    present[i] = 1;
    count++;
  }
  return count;
}

/**
 * max_over_time (else min_over_time) over narrow values: segmentKernel's steps and results, or
 * -1 where it declines (fewer than two samples a step) and the values are to be widened.
 */
export function narrowExtremeKernel(max: boolean): NarrowKernel {
  return (_call, _ts, narrow, plan, values, present) =>
    narrowSegmentKernel(max, narrow, plan, values, present);
}

/** How often the narrow kernel took each way (what its tests check they reach). */
export const narrowRuns = { table: 0, deque: 0, declined: 0 };

/**
 * The narrow kernel's scratch: each segment's first sample, each step's run of segments, and
 * the extremes of runs of 1, 2, 4, … segments (level k at k × the room for segments).
 */
let segFirst = new Int32Array(256);
let runFrom = new Int32Array(256);
let runTo = new Int32Array(256);
let table = new Int32Array(1024);

/**
 * segmentKernel's segments over narrow values, without a deque: no comparison here takes a
 * branch that depends on the values. A deque's pops follow the values, and on values that go
 * up and down mispredict: 24 h of 2,200 such gauges at a 60 s step with windows of 10 m took
 * ~145 ms through segmentKernel, ~90 ms with its deque over int32 offsets (~22 ms of it the
 * segments' fold) and ~55 ms here. The segments' extremes (Math.max or Math.min of int32s,
 * which JavaScriptCore compiles as conditional moves; comparing doubles branches) make a
 * sparse table: level k holds the extreme of 2^k segments from each one, and a window of n
 * segments is the extreme of two overlapping runs of the largest 2^k ≤ n. A window of 10 m
 * at a 60 s step spans ~10 segments: three levels. Narrow values hold no NaN and no -0, so
 * neither the NaN rule nor which of equal numbers wins applies; each value is `base +
 * offset`, as widened.
 */
function narrowSegmentKernel(
  max: boolean,
  narrow: NarrowValues,
  plan: WindowPlan,
  values: Float64Array,
  present: Uint8Array,
): number {
  const { base, offsets } = narrow;
  const { lo: los, hi: his, from, to } = plan;
  // Under two samples a step, segments are samples: nothing to gain over the kernel on doubles.
  if (plan.end - plan.first < 2 * (to - from)) {
    narrowRuns.declined++;
    return -1;
  }
  const room = 2 * (to - from) + 2;
  if (segFirst.length < room) segFirst = new Int32Array(room * 2);
  if (runFrom.length < to) {
    runFrom = new Int32Array(to * 2);
    runTo = new Int32Array(to * 2);
  }
  if (table.length < room) table = new Int32Array(room * 2);
  // The segments, as segmentKernel cuts them, and the run of them each window holds: those
  // that start in it (none straddles a window's start).
  let segments = 0;
  let first = 0;
  let longest = 0;
  let next = plan.first;
  let j = from;
  for (let i = from; i < to; i++) {
    const lo = los[i];
    const hi = his[i];
    if (next < lo) next = lo;
    while (next < hi) {
      while (j < to && los[j] <= next) j++;
      const cut = j < to && los[j] < hi ? los[j] : hi;
      segFirst[segments] = next;
      table[segments++] = max ? foldMax(offsets, next, cut) : foldMin(offsets, next, cut);
      next = cut;
    }
    while (first < segments && segFirst[first] < lo) first++;
    runFrom[i] = first;
    runTo[i] = segments;
    if (segments - first > longest) longest = segments - first;
  }
  const levels = 31 - Math.clz32(Math.max(longest, 1));
  // Many levels over almost as many segments as samples (a window of a day at a 60 s step):
  // the table would cost more than the deque's mispredictions.
  if (levels * segments > 2 * (plan.end - plan.first)) {
    narrowRuns.deque++;
    return slideRuns(max, base, segments, los, his, from, to, values, present);
  }
  narrowRuns.table++;
  if (table.length < (levels + 1) * room) {
    const grown = new Int32Array((levels + 1) * room * 2);
    grown.set(table.subarray(0, segments));
    table = grown;
  }
  const t = table;
  for (let k = 1; k <= levels; k++) {
    const half = 1 << (k - 1);
    const below = (k - 1) * room;
    const at = k * room;
    const n = segments - (1 << k) + 1;
    if (max) for (let s = 0; s < n; s++) t[at + s] = Math.max(t[below + s], t[below + s + half]);
    else for (let s = 0; s < n; s++) t[at + s] = Math.min(t[below + s], t[below + s + half]);
  }
  let count = 0;
  for (let i = from; i < to; i++) {
    if (his[i] <= los[i]) {
      present[i] = 0;
      continue;
    }
    // A window with samples holds a segment.
    const a = runFrom[i];
    const b = runTo[i];
    const k = 31 - Math.clz32(b - a);
    const at = k * room;
    const x = t[at + a];
    const y = t[at + b - (1 << k)];
    values[i] = base + (max ? Math.max(x, y) : Math.min(x, y));
    present[i] = 1;
    count++;
  }
  return count;
}

/** The windows' runs of segments (table's level 0) by a monotone deque. */
function slideRuns(
  max: boolean,
  base: number,
  segments: number,
  los: Int32Array,
  his: Int32Array,
  from: number,
  to: number,
  values: Float64Array,
  present: Uint8Array,
): number {
  if (deque.length < segments) deque = new Int32Array(segments * 2);
  const q = deque;
  const t = table;
  let head = 0;
  let tail = 0;
  let pushed = 0;
  let count = 0;
  for (let i = from; i < to; i++) {
    const b = runTo[i];
    for (; pushed < b; pushed++) {
      const e = t[pushed];
      if (max) while (tail > head && t[q[tail - 1]] < e) tail--;
      else while (tail > head && t[q[tail - 1]] > e) tail--;
      q[tail++] = pushed;
    }
    const a = runFrom[i];
    while (head < tail && q[head] < a) head++;
    if (his[i] <= los[i]) {
      present[i] = 0;
      continue;
    }
    values[i] = base + t[q[head]];
    present[i] = 1;
    count++;
  }
  return count;
}

function foldMax(offsets: Int32Array, from: number, to: number): number {
  let best = offsets[from];
  for (let k = from + 1; k < to; k++) best = Math.max(best, offsets[k]);
  return best;
}

function foldMin(offsets: Int32Array, from: number, to: number): number {
  let best = offsets[from];
  for (let k = from + 1; k < to; k++) best = Math.min(best, offsets[k]);
  return best;
}

/**
 * ts_of_max/min_over_time: the deque over samples (see the file's comment), the latest of
 * equal extremes at its front, its time in seconds.
 */
function latestExtremeTime(sign: number): SlidingKernel {
  return (_call, ts, vs, plan, values, present) => {
    const { lo: los, hi: his } = plan;
    if (deque.length < plan.end - plan.first) deque = new Int32Array((plan.end - plan.first) * 2);
    const q = deque;
    let head = 0;
    let tail = 0;
    let next = plan.first;
    let count = 0;
    for (let i = plan.from; i < plan.to; i++) {
      const lo = los[i];
      const hi = his[i];
      for (; next < hi; next++) {
        const v = vs[next];
        if (Number.isNaN(v)) continue;
        const s = v * sign;
        while (tail > head) {
          const b = vs[q[tail - 1]] * sign;
          if (b <= s) tail--;
          else break;
        }
        q[tail++] = next;
      }
      while (head < tail && q[head] < lo) head++;
      if (hi <= lo) {
        present[i] = 0;
        continue;
      }
      // No number in the window: its samples are all NaN.
      const k = head < tail ? q[head] : hi - 1;
      values[i] = ts[k] / 1000;
      present[i] = 1;
      count++;
    }
    return count;
  };
}
