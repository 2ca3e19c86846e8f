/**
 * Binary searches over ascending arrays (sample times, step ends, postings), and the walk the
 * range and lookback loops use between steps: the bound usually moves by the same stride as at
 * the step before, which two comparisons confirm before any search.
 */

/** The first index from `from` on whose value is at least `t` (`a` ascending). */
export function lowerBound(a: ArrayLike<number>, t: number, from = 0): number {
  let lo = from;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid] < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The first index from `from` on whose value is greater than `t` (`a` ascending). */
export function upperBound(a: ArrayLike<number>, t: number, from = 0): number {
  let lo = from;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid] <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The first index in [from, limit) whose value is greater than `t`, or `limit`: tried first
 * at `from + stride`, else walked to from `from`.
 */
export function nextAbove(
  a: ArrayLike<number>,
  t: number,
  from: number,
  limit: number,
  stride: number,
): number {
  const k = from + stride;
  if (stride > 0 && k <= limit && a[k - 1] <= t && (k === limit || a[k] > t)) return k;
  let j = from;
  while (j < limit && a[j] <= t) j++;
  return j;
}
