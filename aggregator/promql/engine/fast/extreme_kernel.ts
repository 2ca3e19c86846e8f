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
 */
import type { SlidingKernel } from "./slide_kernel.ts";
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
