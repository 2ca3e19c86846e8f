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
 * indices of the window's numbers from which the front is that winner: the earliest maximum
 * keeps equal values behind it, the latest pushes them out.
 */
import type { SlidingKernel } from "./slide_kernel.ts";

/** The deque's scratch, grown as needed and reused across series. */
let deque = new Int32Array(1024);

/**
 * The kernel of `max` (else min) over time: the value, or with `tsOf` the timestamp in seconds
 * of the latest extreme.
 */
export function extremeKernel(max: boolean, tsOf: boolean): SlidingKernel {
  // Comparing v * sign keeps one loop for both: the sign does not change which numbers are
  // equal, and NaNs never enter.
  const sign = max ? 1 : -1;
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
          if (b < s || (tsOf && b === s)) tail--;
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
      values[i] = tsOf ? ts[k] / 1000 : vs[k];
      present[i] = 1;
      count++;
    }
    return count;
  };
}
