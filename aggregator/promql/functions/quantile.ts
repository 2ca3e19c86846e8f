/**
 * Prometheus's `quantile()` over a set of float values (the `quantile` aggregator,
 * `quantile_over_time`, `mad_over_time`): linear interpolation between the two closest ranks,
 * with NaNs ordered before every number. Selection instead of a full sort, in a module-level
 * scratch buffer that grows as needed, so a call allocates nothing once warm.
 */

let scratch = new Float64Array(256);

/** Makes the scratch buffer hold at least `n` values; returns it. */
function scratchFor(n: number): Float64Array {
  if (scratch.length < n) scratch = new Float64Array(Math.max(n, scratch.length * 2));
  return scratch;
}

/**
 * The φ-quantile of `values[lo, hi)` as Prometheus computes it: NaN for no values or a NaN φ,
 * -Inf for φ < 0, +Inf for φ > 1. `values` is not modified.
 */
export function quantileOf(q: number, values: Float64Array, lo: number, hi: number): number {
  const n = hi - lo;
  if (n <= 0 || Number.isNaN(q)) return Number.NaN;
  if (q < 0) return Number.NEGATIVE_INFINITY;
  if (q > 1) return Number.POSITIVE_INFINITY;
  const a = scratchFor(n);
  let m = 0;
  for (let i = lo; i < hi; i++) {
    const v = values[i];
    if (!Number.isNaN(v)) a[m++] = v;
  }
  return quantileOfScratch(q, n, m);
}

/**
 * The median absolute deviation of `values[lo, hi)`: the median of the distances from the
 * median. Any NaN value makes it NaN, as in Prometheus 3.
 */
export function medianAbsoluteDeviation(values: Float64Array, lo: number, hi: number): number {
  const n = hi - lo;
  for (let i = lo; i < hi; i++) {
    if (Number.isNaN(values[i])) return Number.NaN;
  }
  const median = quantileOf(0.5, values, lo, hi);
  const a = scratchFor(n);
  let m = 0;
  for (let i = lo; i < hi; i++) {
    // Inf - Inf is NaN; Prometheus sorts such deviations first, and so does quantileOfScratch.
    const d = Math.abs(values[i] - median);
    if (!Number.isNaN(d)) a[m++] = d;
  }
  return quantileOfScratch(0.5, n, m);
}

/**
 * The φ-quantile (0 ≤ φ ≤ 1) of n values of which the n-m NaNs are implied to sort first and
 * the m numbers sit unordered in scratch[0, m).
 */
function quantileOfScratch(q: number, n: number, m: number): number {
  const nans = n - m;
  const rank = q * (n - 1);
  const lowerIndex = Math.max(0, Math.floor(rank));
  const upperIndex = Math.min(n - 1, lowerIndex + 1);
  const weight = rank - Math.floor(rank);
  let lower = Number.NaN;
  let upper = Number.NaN;
  if (lowerIndex >= nans) {
    const k = lowerIndex - nans;
    lower = selectKth(k, m);
    upper = upperIndex === lowerIndex ? lower : minimumFrom(k + 1, m);
  } else if (upperIndex >= nans) {
    upper = minimumFrom(0, m);
  }
  return lower * (1 - weight) + upper * weight;
}

/** The smallest of scratch[from, m). */
function minimumFrom(from: number, m: number): number {
  const a = scratch;
  let min = a[from];
  for (let i = from + 1; i < m; i++) {
    if (a[i] < min) min = a[i];
  }
  return min;
}

/**
 * Quickselect: reorders scratch[0, m) (no NaNs) so that index k holds the k-th smallest value,
 * everything before it is ≤ and everything after it ≥; returns that value.
 */
function selectKth(k: number, m: number): number {
  const a = scratch;
  let left = 0;
  let right = m - 1;
  while (right - left > 16) {
    const pivot = medianOfThree(a, left, (left + right) >>> 1, right);
    let i = left;
    let j = right;
    while (i <= j) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i <= j) {
        const t = a[i];
        a[i++] = a[j];
        a[j--] = t;
      }
    }
    if (k <= j) right = j;
    else if (k >= i) left = i;
    else return a[k];
  }
  insertionSort(a, left, right);
  return a[k];
}

/** The median of a[i], a[j], a[k]: a pivot that keeps sorted input from degrading. */
function medianOfThree(a: Float64Array, i: number, j: number, k: number): number {
  const x = a[i];
  const y = a[j];
  const z = a[k];
  if (x < y) return y < z ? y : Math.max(x, z);
  return x < z ? x : Math.max(y, z);
}

/** Sorts a[left, right] in place; fast for the short ranges quickselect leaves. */
function insertionSort(a: Float64Array, left: number, right: number): void {
  for (let i = left + 1; i <= right; i++) {
    const v = a[i];
    let j = i - 1;
    while (j >= left && a[j] > v) {
      a[j + 1] = a[j];
      j--;
    }
    a[j + 1] = v;
  }
}
