import { describe, expect, test } from "bun:test";
import { bucketFraction, bucketQuantile } from "./histogram.ts";
import { expectClose } from "./test_windows.ts";

const INF = Number.POSITIVE_INFINITY;
const NAN = Number.NaN;

/** Buckets as `le:count` pairs (cumulative counts), in the order given. */
type Buckets = string;

/** The bounds and counts of `le:count` pairs, as the engine gathers them from `_bucket` series. */
function parse(buckets: Buckets): [Float64Array, Float64Array, number] {
  const pairs = buckets.split(" ").filter((p) => p !== "");
  const number = (text: string) => (text === "+Inf" ? INF : Number(text));
  const upper = Float64Array.from(pairs, (p) => number(p.split(":")[0]));
  const counts = Float64Array.from(pairs, (p) => number(p.split(":")[1]));
  return [upper, counts, pairs.length];
}

const quantile = (q: number, buckets: Buckets) => bucketQuantile(q, ...parse(buckets));
const fraction = (lower: number, upper: number, buckets: Buckets) =>
  bucketFraction(lower, upper, ...parse(buckets));

// histograms.test's classic histograms at 50m (the `0+Nx10` series reach 10 N).
const POSITIVE: Buckets = "0.1:50 0.2:70 1:110 +Inf:120";
const NEGATIVE: Buckets = "-0.2:10 -0.1:20 0.3:20 +Inf:30";
const H3_POSITIVE: Buckets = "0:0 0.1:50 0.2:70 1:110 +Inf:110";
const H3_NEGATIVE: Buckets = "-0.25:0 -0.2:10 -0.1:20 0.3:20 +Inf:20";
const H2_AT_7M: Buckets = "0:0 2:1 4:2 6:3 +Inf:3";
const NONMONOTONIC: Buckets = "0.1:20 1:10 10:50 100:40 1000:90 +Inf:80";
const MIXED_LE: Buckets = "0.1:1 0.2:1 0.2:1 0.2:1 +Inf:4";
const ONLY_INFS: Buckets = "+Inf:0 +Inf:0";

// [q, buckets, expected]
const quantiles: [string, number, Buckets, number][] = [
  ["the lowest positive bucket", 0, POSITIVE, 0],
  ["a lowest bucket ≤ 0", 0, NEGATIVE, -0.2],
  ["the +Inf bucket", 1, POSITIVE, 1],
  ["the +Inf bucket above a positive bound", 1, NEGATIVE, 0.3],
  ["the first bucket", 0.2, POSITIVE, 0.048],
  ["a lowest bucket ≤ 0 at 0.2", 0.2, NEGATIVE, -0.2],
  ["the middle", 0.5, POSITIVE, 0.15],
  ["negative bounds", 0.5, NEGATIVE, -0.15],
  ["a wide bucket", 0.8, POSITIVE, 0.72],
  ["the +Inf bucket at 0.8", 0.8, NEGATIVE, 0.3],
  ["an empty lowest bucket at 0", 0, H3_POSITIVE, 0],
  ["an empty negative lowest bucket", 0, H3_NEGATIVE, -0.25],
  ["the first filled bucket", 0.25, H3_POSITIVE, 0.055],
  ["negative buckets at 0.25", 0.25, H3_NEGATIVE, -0.225],
  ["the middle of testhistogram3", 0.5, H3_POSITIVE, 0.125],
  ["negative buckets at 0.5", 0.5, H3_NEGATIVE, -0.2],
  ["testhistogram3 at 0.75", 0.75, H3_POSITIVE, 0.45],
  ["negative buckets at 0.75", 0.75, H3_NEGATIVE, -0.15],
  ["the last finite bucket", 1, H3_POSITIVE, 1],
  ["a rank reached below +Inf", 1, H3_NEGATIVE, -0.1],
  ["the middle of a bucket at 1/6", 1 / 6, H2_AT_7M, 1],
  ["the middle of a bucket at 1/2", 0.5, H2_AT_7M, 3],
  ["the middle of a bucket at 5/6", 5 / 6, H2_AT_7M, 5],
  ["non-monotonic counts at 0.01", 0.01, NONMONOTONIC, 0.0045],
  ["non-monotonic counts at 0.5", 0.5, NONMONOTONIC, 8.5],
  ["non-monotonic counts at 0.99", 0.99, NONMONOTONIC, 979.75],
  ["duplicate bounds at 0.5", 0.5, MIXED_LE, 0.15],
  ["duplicate bounds at 0.75", 0.75, MIXED_LE, 0.2],
  ["duplicate bounds at 1", 1, MIXED_LE, 0.2],
  ["only +Inf buckets", 0.5, ONLY_INFS, NAN],
  ["q < 0", -0.1, POSITIVE, -INF],
  ["q > 1", 1.01, POSITIVE, INF],
  ["a NaN q", NAN, POSITIVE, NAN],
  ["no +Inf bucket", 0.5, "1:1 2:2", NAN],
  ["no buckets", 0.5, "", NAN],
  ["no observations", 0.5, "1:0 +Inf:0", NAN],
  ["unsorted buckets", 0.8, "+Inf:120 0.2:70 1:110 0.1:50", 0.72],
];

describe("bucketQuantile()", () => {
  for (const [name, q, buckets, want] of quantiles) {
    test(`bucketQuantile(${q}) over ${name} gives ${want}`, () => {
      expectClose(quantile(q, buckets).value, want);
    });
  }

  test("bucketQuantile() reports forced monotonicity with where and by how much", () => {
    const r = quantile(0.5, NONMONOTONIC);
    expect(r.forcedMonotonic).toBe(true);
    expect(r.fixedPrecision).toBe(false);
    expect([r.minBucket, r.maxBucket, r.maxDiff]).toEqual([1, INF, 10]);
  });

  test("bucketQuantile() levels float noise without reporting it as forced", () => {
    const r = quantile(0.5, `1:2 2:${2 - 1e-14} +Inf:4`);
    expect(r.forcedMonotonic).toBe(false);
    expect(r.fixedPrecision).toBe(true);
    expect(r.value).toBe(1);
  });

  test("bucketQuantile() measures later counts against the last accepted one", () => {
    // 5 is raised to 10; 8 is still below 10 and is raised too (by 2, not compared with 5).
    const r = quantile(0.5, "1:10 2:5 3:8 +Inf:20");
    expect([r.minBucket, r.maxBucket, r.maxDiff]).toEqual([2, 3, 5]);
    expect(r.value).toBe(1);
  });

  test("bucketQuantile() clears the flags of the previous call", () => {
    quantile(0.5, NONMONOTONIC);
    const r = quantile(0.5, POSITIVE);
    expect(r.forcedMonotonic).toBe(false);
    expect(r.maxDiff).toBe(0);
  });
});

// histograms.test's histogram_fraction cases over classic buckets.
const H2_AT_50M: Buckets = "0:0 2:10 4:20 6:30 +Inf:30";
const POS: Buckets = "1:1 2:3 3:6 +Inf:100";
const NEG: Buckets = "-3:10 -2:12 -1:15 +Inf:100";
const FRACTIONAL: Buckets = "0.5:2.5 1:7.5 +Inf:100";
const ACROSS_ZERO: Buckets = "-2:5 -1:10 0:15 1:20 +Inf:100";
const SMALL: Buckets = "1:1 2:3 +Inf:10";

// [name, lower, upper, buckets, expected]
const fractions: [string, number, number, Buckets, number][] = [
  ["two full buckets", 0, 4, H2_AT_50M, 0.6666666666666666],
  ["every finite bucket", 0, 6, H2_AT_50M, 1],
  ["a partial bucket", 0, 3.5, H2_AT_50M, 0.5833333333333334],
  ["positive buckets up to 0.2", 0, 0.2, H3_POSITIVE, 0.6363636363636364],
  ["negative buckets above 0", 0, 0.2, H3_NEGATIVE, 0],
  ["lower in the first bucket", 0, 1.5, POS, 0.02],
  ["negative, lower in the first bucket", -4, -2, NEG, 0.02],
  ["lower -Inf", -INF, -1.5, NEG, 0.135],
  ["everything, positive", -INF, INF, POS, 1],
  ["everything, negative", -INF, INF, NEG, 1],
  ["the last bucket, positive", 4, 5, POS, 0],
  ["the last bucket, negative", 0, 1, NEG, 0],
  ["upper in the last bucket", 2, 5, POS, 0.03],
  ["upper +Inf", 400, INF, POS, 0.94],
  ["lower = upper", 2, 2, POS, 0],
  ["lower > upper", 3, 2, POS, 0],
  ["a single bucket", 0, 1, "+Inf:100", 0],
  ["all zero counts", 0, 5, "1:0 2:0 3:0 +Inf:0", NAN],
  ["lower on a boundary", 2, 3.5, POS, 0.03],
  ["upper on a boundary", 0.5, 2, POS, 0.025],
  ["both on boundaries", 1, 3, POS, 0.05],
  ["fractional bounds", 0.1, 0.75, FRACTIONAL, 0.045],
  ["a range across zero", -1, 1, ACROSS_ZERO, 0.1],
  ["a NaN lower", NAN, 1, "1:1 +Inf:100", NAN],
  ["a NaN upper", 0, NAN, "1:1 +Inf:100", NAN],
  ["a range below all buckets", -10, -5, SMALL, 0],
  ["a range above all buckets", 5, 10, SMALL, 0],
  ["no buckets", 0, 1, "", NAN],
  ["no +Inf bucket", 0, 1, "1:1 2:2", NAN],
  ["duplicate bounds", 0, 0.15, MIXED_LE, 0.5],
];

describe("bucketFraction()", () => {
  for (const [name, lower, upper, buckets, want] of fractions) {
    test(`bucketFraction(${lower}, ${upper}) over ${name} gives ${want}`, () => {
      expectClose(fraction(lower, upper, buckets), want);
    });
  }
});
