import { afterAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { Registry } from "../../../../shared/metrics/registry.ts";
import { seriesHash } from "../../../../shared/model/labels.ts";
import { random } from "../../../../test/harness/random.ts";
import { QueryCache } from "../../../storage/cache/cache.ts";
import { readCached } from "../../../storage/cache/cached_read.ts";
import type { FileEntry } from "../../../storage/catalog/entry.ts";
import type { Querier, Queryable } from "../../../storage/storage.ts";
import type { QueryResult } from "../../value.ts";
import { Engine } from "../engine.ts";
import { RateHelper } from "./parallel_rate.ts";

const SERIES = 900;
const FILES = 6;
const PER_FILE = 240;
const T0 = 1_700_000_000_000;
/** The queries' range: cut inside the first and last files. */
const START = T0 + 7_000;
const END = T0 + FILES * PER_FILE * 15_000 - 53_000;

/**
 * Hourly files of counters as the query cache holds them: most whole numbers that never drop
 * (the helper's), some with resets, some fractional, one with a NaN (the main thread's).
 * With `lonely`, the first series holds one sample, at the start of the first file: it is
 * selected, but no window holds two of its samples. With `wide`, one series in seven gains
 * fractions that vary (a counter of seconds): its values do not fit offsets.
 */
function cacheWith(
  helper: RateHelper | undefined,
  lonely = false,
  wide = false,
): { cache: QueryCache; files: FileEntry[] } {
  const cache = new QueryCache(1 << 30, helper);
  const next = random(3);
  const start = Array.from({ length: SERIES }, () => Math.floor(next() * 1e6));
  const files = Array.from({ length: FILES }, (_, f) => {
    const ts = Float64Array.from({ length: PER_FILE }, (_, i) => T0 + (f * PER_FILE + i) * 15_000);
    const decoded = Array.from({ length: SERIES }, (_, s) => {
      const labels = ["__name__", "x_total", "job", `j${s % 5}`, "s", String(s).padStart(4, "0")];
      const values = new Float64Array(PER_FILE);
      for (let i = 0; i < PER_FILE; i++) {
        const at = f * PER_FILE + i;
        // Resets inside files, and some at a seam between two.
        const reset = (s % 97 === 0 && at % 500 === 499) || (s % 89 === 0 && at % 480 === 0);
        start[s] = reset ? 0 : start[s] + Math.floor(next() * 100);
        values[i] = s % 23 === 0 ? start[s] + 0.25 : start[s];
        if (wide && s % 7 === 0) values[i] += (at % 4) / 8;
      }
      if (s === 41 && f === 2) values[7] = Number.NaN;
      if (lonely && s === 0) {
        return {
          labels,
          hash: seriesHash(labels),
          timestamps: ts.slice(0, 1),
          values: values.slice(0, 1),
        };
      }
      return { labels, hash: seriesHash(labels), timestamps: ts, values };
    });
    cache.set(`f${f}`, "x_total", lonely && f > 0 ? decoded.slice(1) : decoded);
    return { key: `f${f}`, metrics: ["x_total"], minTime: ts[0], maxTime: ts[PER_FILE - 1] };
  });
  return { cache, files: files as unknown as FileEntry[] };
}

function queryable(cache: QueryCache, files: FileEntry[]): Queryable {
  const querier: Querier = {
    select: (matchers, range) =>
      readCached(
        cache,
        files,
        () => Promise.reject(new Error("not cached")),
        ["x_total"],
        matchers,
        range,
      ),
    labelNames: async () => [],
    labelValues: async () => [],
    close() {},
  };
  return { querier: async () => querier };
}

/** A matrix result as text: each series' labels and the bits of its times and values. */
/**
 * A matrix as the bits of its values, every NaN alike: a NaN's payload differs from thread to
 * thread (the JIT's code makes either sign) and no API shows it.
 */
function bits(result: QueryResult): string[] {
  if (result.type !== "matrix") throw new Error(`a matrix was expected, not a ${result.type}`);
  return result.series.map((s) => {
    const words = (a: Float64Array) => new Uint32Array(a.buffer, a.byteOffset, a.length * 2);
    const values = s.values.map((v) => (Number.isNaN(v) ? Number.NaN : v));
    return `${s.labels.join(",")} ${words(s.timestamps).join(" ")} ${words(values).join(" ")}`;
  });
}

/** `q` over the day through an engine over `over`, with `rateHelper` if given. */
function rangeOver(
  over: { cache: QueryCache; files: FileEntry[] },
  q: string,
  rateHelper?: RateHelper,
) {
  return new Engine({ rateHelper }).rangeQuery(
    queryable(over.cache, over.files),
    q,
    START,
    END,
    60_000,
  );
}

setDefaultTimeout(60_000);

describe("the rate helper thread", () => {
  const helper = new RateHelper();
  afterAll(() => helper.close());
  const alone = cacheWith(undefined);
  const helped = cacheWith(helper);
  const queries = [
    "sum(rate(x_total[5m]))",
    "sum by (job) (increase(x_total[2m]))",
    "delta(x_total[10m])",
    "rate(x_total[1m])",
    // Every other range function walks there too (walks.ts).
    "max_over_time(x_total[10m])",
    "quantile_over_time(0.9, x_total[5m])",
    "predict_linear(x_total[10m], 600)",
    "sum(changes(x_total[5m]))",
  ];

  for (const q of queries) {
    test(`gives ${q} bit for bit as the main thread alone, cut files included`, async () => {
      const jobs = helper.jobsRun;
      const a = await rangeOver(alone, q);
      const b = await rangeOver(helped, q, helper);
      expect(helper.jobsRun).toBe(jobs + 1);
      expect(bits(b.result)).toEqual(bits(a.result));
      expect(b.stats.totalQueryableSamples).toBe(a.stats.totalQueryableSamples);
    });
  }

  // Whole groups folded in the helper (helped_fold.ts), one fold of each kind.
  const grouped = [
    "sum by (job) (rate(x_total[5m]))",
    "avg by (job) (rate(x_total[5m]))",
    "count by (job) (increase(x_total[2m]))",
    "max without (s) (rate(x_total[5m]))",
    "min by (job) (delta(x_total[10m]))",
    "stddev by (job) (rate(x_total[5m]))",
    "group by (job) (rate(x_total[5m]))",
    "sum by (s) (rate(x_total[5m]))",
    "max by (job) (max_over_time(x_total[10m]))",
    "sum by (job) (avg_over_time(x_total[5m]))",
    "avg by (job) (stddev_over_time(x_total[5m]))",
    "min by (job) (irate(x_total[5m]))",
  ];
  for (const q of grouped) {
    test(`folds whole groups of ${q} in the helper, bit for bit as the main thread alone`, async () => {
      const folds = helper.foldsRun;
      const a = await rangeOver(alone, q);
      const b = await rangeOver(helped, q, helper);
      expect(helper.foldsRun).toBe(folds + 1);
      expect(bits(b.result)).toEqual(bits(a.result));
      expect(b.stats.totalQueryableSamples).toBe(a.stats.totalQueryableSamples);
    });
  }

  test("lists the groups as one thread does, by their first member with a value", async () => {
    // Series 0 (job j0) has no value: one thread makes group j1 first. limitk(1, …) keeps the
    // first group of each step, so it shows the order.
    const q = "limitk(1, sum by (job) (rate(x_total[5m])))";
    const over = (c: { cache: QueryCache; files: FileEntry[] }, rateHelper?: RateHelper) =>
      new Engine({ rateHelper, enableExperimentalFunctions: true }).rangeQuery(
        queryable(c.cache, c.files),
        q,
        START,
        END,
        60_000,
      );
    // A helper of its own: a helper mirrors one cache, whose entry numbers it goes by.
    const own = new RateHelper();
    const a = await over(cacheWith(undefined, true));
    const b = await over(cacheWith(own, true), own);
    own.close();
    expect(own.foldsRun).toBe(1);
    expect(bits(b.result)).toEqual(bits(a.result));
    expect(a.result.type === "matrix" && a.result.series.map((s) => s.labels)).toEqual([
      ["job", "j1"],
    ]);
  });

  test("leaves one group to the block hand-off", async () => {
    for (const q of ["sum(rate(x_total[5m]))", "sum by (nothing) (rate(x_total[5m]))"]) {
      const jobs = helper.jobsRun;
      const folds = helper.foldsRun;
      const a = await rangeOver(alone, q);
      const b = await rangeOver(helped, q, helper);
      expect(helper.jobsRun).toBe(jobs + 1);
      expect(helper.foldsRun).toBe(folds);
      expect(bits(b.result)).toEqual(bits(a.result));
    }
  });

  test("shares the blocks with a slow helper by who claims each first, bit for bit", async () => {
    // A helper of its own that holds 5 ms after each block it claims: the main thread walks
    // the blocks it reaches first and, rather than wait for one of the helper's, the next one
    // the helper has not reached, to pass on in its turn.
    const slow = new RateHelper(undefined, 5);
    try {
      const cache = cacheWith(slow);
      await rangeOver(cache, "sum(rate(x_total[5m]))", slow); // the thread started
      const before = { ...slow.shares };
      const queries = [
        "sum(rate(x_total[5m]))",
        "delta(x_total[10m])",
        "max_over_time(x_total[10m])",
      ];
      // On a busy machine the main thread may claim every block before the helper wakes:
      // the rounds go on until both threads have taken some.
      for (let round = 0; round < 10; round++) {
        for (const q of queries) {
          const a = await rangeOver(alone, q);
          const b = await rangeOver(cache, q, slow);
          expect(bits(b.result)).toEqual(bits(a.result));
          expect(b.stats.totalQueryableSamples).toBe(a.stats.totalQueryableSamples);
        }
        if (slow.shares.helper > before.helper && slow.shares.main > before.main) break;
      }
      expect(slow.shares.helper).toBeGreaterThan(before.helper);
      expect(slow.shares.main).toBeGreaterThan(before.main);
    } finally {
      slow.close();
    }
  });

  test("answers from entries joined across the files bit for bit as from the hourly ones", async () => {
    const hourly = cacheWith(undefined);
    // A helper of its own: a helper mirrors one cache, whose entry numbers it goes by.
    const own = new RateHelper();
    const joined = cacheWith(own);
    const run = joined.files.map((f) => joined.cache.get(f.key, "x_total")!);
    expect(await joined.cache.join("x_total", run)).not.toBeNull();
    for (const q of [
      ...queries,
      ...grouped,
      "sum(rate(x_total[1h]))",
      "avg_over_time(x_total[3m])",
    ]) {
      const a = await rangeOver(hourly, q);
      const b = await rangeOver(joined, q, own);
      // As bits: toEqual takes two NaNs for different numbers.
      expect(bits(b.result)).toEqual(bits(a.result));
      expect(b.stats.totalQueryableSamples).toBe(a.stats.totalQueryableSamples);
    }
    own.close();
  });

  test("walks series of wide values from shared memory, hourly and joined, bit for bit", async () => {
    // Every block of 32 holds a series whose values do not fit offsets. The main thread
    // leaves the helpers their blocks: each walks every block it is offered.
    const hourlyHelper = new RateHelper(undefined, 0, 60_000);
    const joinedHelper = new RateHelper(undefined, 0, 60_000);
    const alone = cacheWith(undefined, false, true);
    const hourly = cacheWith(hourlyHelper, false, true);
    const joined = cacheWith(joinedHelper, false, true);
    const entry = hourly.cache.get("f0", "x_total")!;
    expect(entry.series.filter((s) => s.narrow === undefined)).toHaveLength(Math.ceil(SERIES / 7));
    const run = joined.files.map((f) => joined.cache.get(f.key, "x_total")!);
    expect(await joined.cache.join("x_total", run)).not.toBeNull();
    try {
      for (const q of [
        "rate(x_total[5m])",
        "max_over_time(x_total[10m])",
        "stddev_over_time(x_total[5m])",
        "sum by (job) (rate(x_total[5m]))",
      ]) {
        const want = bits((await rangeOver(alone, q)).result);
        for (const [over, helper] of [
          [hourly, hourlyHelper],
          [joined, joinedHelper],
        ] as const) {
          const jobs = helper.jobsRun + helper.foldsRun;
          const b = await rangeOver(over, q, helper);
          expect(helper.jobsRun + helper.foldsRun).toBeGreaterThan(jobs);
          expect(bits(b.result)).toEqual(want);
        }
      }
    } finally {
      hourlyHelper.close();
      joinedHelper.close();
    }
  });

  test("failing in the middle of a job leaves the main thread walking the rest, counted", async () => {
    const registry = new Registry();
    // The main thread leaves the helper its blocks, waiting for their results: on a busy
    // machine it could otherwise walk every block before the helper's thread picks up the job.
    const failing = new RateHelper(registry, 0, 60_000);
    const cache = cacheWith(failing);
    // The helper forgets an entry the main thread still hands it: its job fails there.
    (failing as unknown as { worker: Worker }).worker.postMessage({ type: "drop", id: 3 });
    const q = "sum(rate(x_total[5m]))";
    const a = await rangeOver(alone, q);
    try {
      const b = await rangeOver(cache, q, failing);
      expect(b.result).toEqual(a.result);
      expect(failing.jobsRun).toBe(1);
      // The failure reaches the counter as a message from the helper.
      const counted = /outpost_query_helper_failures_total 1\n/;
      for (let i = 0; i < 1_500 && !counted.test(registry.render()); i++) await Bun.sleep(20);
      expect(registry.render()).toMatch(counted);
    } finally {
      failing.close();
    }
  });

  test("a failed fold job leaves the main thread folding the helper's groups again", async () => {
    const failing = new RateHelper();
    const cache = cacheWith(failing);
    // The helper forgets every entry: whatever group it claims fails. (Which groups it
    // claims, if any before the main thread has taken them all, depends on timing.)
    for (let id = 0; id < FILES; id++) {
      (failing as unknown as { worker: Worker }).worker.postMessage({ type: "drop", id });
    }
    const q = "sum by (s) (rate(x_total[5m]))";
    const a = await rangeOver(alone, q);
    const b = await rangeOver(cache, q, failing);
    expect(failing.foldsRun).toBe(1);
    expect(bits(b.result)).toEqual(bits(a.result));
    failing.close();
  });

  test("is not asked for a few series, and its failure leaves the main thread answering", async () => {
    const jobs = helper.jobsRun;
    await rangeOver(helped, 'rate(x_total{job="j1", s=~"00.*"}[5m])', helper);
    expect(helper.jobsRun).toBe(jobs);
    const broken = new RateHelper();
    const cache = cacheWith(broken);
    broken.close();
    const q = "sum(rate(x_total[5m]))";
    const a = await rangeOver(alone, q);
    const b = await rangeOver(cache, q, broken);
    expect(b.result).toEqual(a.result);
  });
});
