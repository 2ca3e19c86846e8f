/**
 * Classic-histogram kernels: `histogram_quantile` and `histogram_fraction` over the `_bucket`
 * series of one histogram at one step, as Prometheus 3's BucketQuantile and BucketFraction do
 * it. The caller gathers the buckets (upper bound from `le`, cumulative count) into two typed
 * arrays in any order; both arrays are sorted and rewritten in place (duplicate bounds merged,
 * counts made monotonic), so pass scratch copies.
 */

/** What bucketQuantile found; one object, reused by the next call (copy what you keep). */
export interface BucketQuantileResult {
  /** The estimated quantile. */
  value: number;
  /** Some bucket count was lower than a lower bucket's and was raised to it (worth an info). */
  forcedMonotonic: boolean;
  /** Some count differed from the previous by float noise (< 1e-12 relative) and was levelled. */
  fixedPrecision: boolean;
  /** Lowest upper bound whose count was raised (when forcedMonotonic). */
  minBucket: number;
  /** Highest upper bound whose count was raised (when forcedMonotonic). */
  maxBucket: number;
  /** Largest amount a count was raised by (when forcedMonotonic). */
  maxDiff: number;
}

const result: BucketQuantileResult = {
  value: 0,
  forcedMonotonic: false,
  fixedPrecision: false,
  minBucket: 0,
  maxBucket: 0,
  maxDiff: 0,
};

// Differences below this relative size between adjacent cumulative counts are float noise.
const SMALL_DELTA_TOLERANCE = 1e-12;
const MIN_NORMAL = 2.2250738585072014e-308;

/**
 * The q-quantile of a classic histogram of `n` buckets. Interpolates linearly inside the
 * bucket holding the rank, taking 0 as the lower edge of a lowest bucket with a positive upper
 * bound (a lowest bucket with bound ≤ 0 yields that bound); a rank in the +Inf bucket yields
 * the second highest bound. NaN without buckets, without a +Inf bucket, with fewer than two
 * distinct bounds, with no observations, or for a NaN q; -Inf for q < 0, +Inf for q > 1.
 */
export function bucketQuantile(
  q: number,
  upper: Float64Array,
  counts: Float64Array,
  n: number,
): BucketQuantileResult {
  result.forcedMonotonic = false;
  result.fixedPrecision = false;
  result.minBucket = 0;
  result.maxBucket = 0;
  result.maxDiff = 0;
  result.value = Number.NaN;
  if (Number.isNaN(q)) return result;
  if (q < 0 || q > 1) {
    result.value = q < 0 ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
    return result;
  }
  if (n === 0) return result;
  sortBuckets(upper, counts, n);
  if (upper[n - 1] !== Number.POSITIVE_INFINITY) return result;
  const m = coalesceBuckets(upper, counts, n);
  // Prometheus levels the counts before checking their number, so the flags are set even
  // when the answer is NaN.
  ensureMonotonic(upper, counts, m);
  const observations = counts[m - 1];
  if (m < 2 || observations === 0) return result;
  let rank = q * observations;
  const b = searchFirstAtLeast(counts, m - 1, rank);
  if (b === m - 1) {
    result.value = upper[m - 2];
  } else if (b === 0 && upper[0] <= 0) {
    result.value = upper[0];
  } else {
    let bucketStart = 0;
    let count = counts[b];
    if (b > 0) {
      bucketStart = upper[b - 1];
      count -= counts[b - 1];
      rank -= counts[b - 1];
    }
    result.value = bucketStart + (upper[b] - bucketStart) * (rank / count);
  }
  return result;
}

/**
 * The fraction of observations between `lower` and `upper` in a classic histogram of `n`
 * buckets, interpolating linearly inside buckets. The lowest bucket spans from 0 when its
 * bound is positive, else from -Inf, and nothing is interpolated into a bucket with an
 * infinite edge. NaN without buckets, without a +Inf bucket, with no observations or a NaN
 * bound; 0 when lower ≥ upper.
 */
export function bucketFraction(
  lower: number,
  upper: number,
  bounds: Float64Array,
  counts: Float64Array,
  n: number,
): number {
  if (n === 0) return Number.NaN;
  sortBuckets(bounds, counts, n);
  if (bounds[n - 1] !== Number.POSITIVE_INFINITY) return Number.NaN;
  const m = coalesceBuckets(bounds, counts, n);
  const total = counts[m - 1];
  if (total === 0 || Number.isNaN(lower) || Number.isNaN(upper)) return Number.NaN;
  if (lower >= upper) return 0;
  let lowerRank = rankBelow(lower, bounds, counts, m);
  let upperRank = rankBelow(upper, bounds, counts, m);
  if (lowerRank > total) lowerRank = total;
  if (upperRank > total) upperRank = total;
  return (upperRank - lowerRank) / total;
}

/**
 * How many observations lie below `x`: the cumulative count up to the bucket holding x, plus
 * x's linear share of that bucket; the total when x is beyond every finite bound. A bucket
 * with a -Inf lower edge contributes its whole count, one with a +Inf upper edge nothing.
 */
function rankBelow(x: number, bounds: Float64Array, counts: Float64Array, m: number): number {
  let rank = 0;
  let lowerEdge = bounds[0] <= 0 ? Number.NEGATIVE_INFINITY : 0;
  for (let i = 0; i < m; i++) {
    if (i > 0) lowerEdge = bounds[i - 1];
    const upperEdge = bounds[i];
    if (lowerEdge >= x) return rank;
    if (lowerEdge < x && upperEdge > x) {
      if (lowerEdge === Number.NEGATIVE_INFINITY) return counts[i];
      return rank + ((counts[i] - rank) * (x - lowerEdge)) / (upperEdge - lowerEdge);
    }
    rank = counts[i];
  }
  return counts[m - 1];
}

/** Sorts the first n buckets by upper bound, in place (insertion sort: input is near-sorted). */
function sortBuckets(upper: Float64Array, counts: Float64Array, n: number): void {
  for (let i = 1; i < n; i++) {
    const u = upper[i];
    const c = counts[i];
    let j = i - 1;
    while (j >= 0 && upper[j] > u) {
      upper[j + 1] = upper[j];
      counts[j + 1] = counts[j];
      j--;
    }
    upper[j + 1] = u;
    counts[j + 1] = c;
  }
}

/**
 * Merges adjacent buckets with the same upper bound (`le="0.2"` and `le="2e-1"`), summing
 * their counts; returns the new length.
 */
function coalesceBuckets(upper: Float64Array, counts: Float64Array, n: number): number {
  let out = 0;
  for (let i = 1; i < n; i++) {
    if (upper[i] === upper[out]) {
      counts[out] += counts[i];
    } else {
      out++;
      upper[out] = upper[i];
      counts[out] = counts[i];
    }
  }
  return out + 1;
}

/**
 * Levels the cumulative counts: a count within float noise of the previous accepted one is set
 * to it; a count below it (inconsistent input) is raised to it, which Prometheus reports as an
 * info annotation. Records both in `result`.
 */
function ensureMonotonic(upper: Float64Array, counts: Float64Array, m: number): void {
  let minBucket = Number.POSITIVE_INFINITY;
  let maxBucket = Number.NEGATIVE_INFINITY;
  let maxDiff = 0;
  let prev = counts[0];
  for (let i = 1; i < m; i++) {
    const curr = counts[i];
    if (curr === prev) continue;
    if (almostEqual(prev, curr, SMALL_DELTA_TOLERANCE)) {
      counts[i] = prev;
      result.fixedPrecision = true;
      continue;
    }
    if (curr < prev) {
      counts[i] = prev;
      result.forcedMonotonic = true;
      if (upper[i] < minBucket) minBucket = upper[i];
      if (upper[i] > maxBucket) maxBucket = upper[i];
      if (prev - curr > maxDiff) maxDiff = prev - curr;
      continue;
    }
    // Only an accepted count moves the envelope; levelled ones compare against the old one.
    prev = curr;
  }
  result.minBucket = minBucket;
  result.maxBucket = maxBucket;
  result.maxDiff = maxDiff;
}

/** Prometheus's almost.Equal: a and b differ by less than epsilon relative to their size. */
function almostEqual(a: number, b: number, epsilon: number): boolean {
  if (Number.isNaN(a) && Number.isNaN(b)) return true;
  if (a === b) return true;
  const absSum = Math.abs(a) + Math.abs(b);
  const diff = Math.abs(a - b);
  if (a === 0 || b === 0 || absSum < MIN_NORMAL) return diff < epsilon * MIN_NORMAL;
  return diff / Math.min(absSum, Number.MAX_VALUE) < epsilon;
}

/** Go's sort.Search: the first index in [0, len) with counts[i] >= rank, else len. */
function searchFirstAtLeast(counts: Float64Array, len: number, rank: number): number {
  let lo = 0;
  let hi = len;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (counts[mid] >= rank) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
