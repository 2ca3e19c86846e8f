/**
 * Cost of the aggregator's in-memory head (aggregator/storage/head): ingest rate, memory per
 * series, and select latency.
 *
 *   bun bench/head.ts [--quick]
 *
 * Prints `name value unit` lines. The main head holds 10,000 series × 2 h at a 15 s interval
 * (--quick: 30 min), fed one scrape of every series per batch (one sample per series per batch,
 * the agent's 10 s batching at a 15 s scrape interval, so every sample pays a series lookup).
 * The mix follows ../shared/bench/gen_openmetrics.py: ~70 % counters, ~25 % gauges, ~5 %
 * histogram buckets, with Poisson-like increments and random-walk gauges, deterministic.
 * Memory is reported twice, after each hour and at the end: the head's own estimate
 * (`stats().bytes`) and the RSS growth after a full GC (noisy: ±100 bytes a series between
 * runs; a small head warms the JIT first so that compiled code is not counted).
 * A second head holds 100,000 series (10 metrics × 10,000) to time selecting one metric.
 */

import { Head } from "../aggregator/storage/head/head.ts";
import type { LabelMatcher } from "../aggregator/storage/storage.ts";
import type { DecodedBatch } from "../shared/codec/decode.ts";
import type { Labels } from "../shared/model/labels.ts";
import { random } from "../test/harness/random.ts";

const quick = process.argv.includes("--quick");
const SERIES = 10_000;
const STEP = 15_000;
const T0 = 1_704_067_200_000;
const JOBS = ["api-gateway", "checkout", "auth", "search", "catalog", "billing", "inventory"];
const METHODS = ["GET", "POST", "PUT", "DELETE", "PATCH"];
const STATUSES = ["200", "201", "204", "304", "400", "404", "500", "503"];
const PATHS = [
  "/api/v1/products",
  "/api/v1/search",
  "/api/v1/cart",
  "/api/v1/users/:id",
  "/api/v1/orders",
  "/api/v1/checkout",
  "/static/*",
  "/healthz",
];
const BUCKETS = [
  "0.005",
  "0.01",
  "0.025",
  "0.05",
  "0.1",
  "0.25",
  "0.5",
  "1.0",
  "2.5",
  "5.0",
  "10.0",
  "+Inf",
];

enum Kind {
  Counter = 0,
  IntGauge = 1,
  DecimalGauge = 2,
}

/** The series of the mixed 10k set, with how each one's value moves. */
function mixedSeries(n: number): { labels: Labels[]; kinds: Uint8Array } {
  const labels: Labels[] = [];
  const kinds: Uint8Array = new Uint8Array(n);
  const hosts = Math.max(1, Math.floor(n / 100));
  const base = (j: number) => {
    const h = j % hosts;
    const k = Math.floor(j / hosts);
    const instance = `10.1.${Math.floor(h / 250)}.${(h % 250) + 4}:8080`;
    return {
      job: JOBS[h % JOBS.length],
      instance,
      method: METHODS[k % 5],
      path: PATHS[Math.floor(k / 5) % PATHS.length],
      k,
    };
  };
  const histograms = Math.round((0.05 * n) / 14);
  const gauges = Math.round(0.25 * n);
  for (let j = 0; j < n - gauges - histograms * 14; j++) {
    const b = base(j);
    const status = STATUSES[Math.floor(b.k / 40) % STATUSES.length];
    labels.push([
      "__name__",
      "http_requests_total",
      "instance",
      b.instance,
      "job",
      b.job,
      "method",
      b.method,
      "path",
      b.path,
      "status",
      status,
    ]);
  }
  for (let j = 0; j < gauges; j++) {
    const b = base(j);
    kinds[labels.length] = j % 2 === 0 ? Kind.IntGauge : Kind.DecimalGauge;
    labels.push([
      "__name__",
      "http_requests_in_flight",
      "instance",
      b.instance,
      "job",
      b.job,
      "method",
      b.method,
      "path",
      b.path,
    ]);
  }
  for (let j = 0; j < histograms; j++) {
    const b = base(j);
    const common = ["instance", b.instance, "job", b.job];
    for (const le of BUCKETS)
      labels.push([
        "__name__",
        "http_request_duration_seconds_bucket",
        ...common,
        "le",
        le,
        "method",
        b.method,
        "path",
        b.path,
      ]);
    labels.push([
      "__name__",
      "http_request_duration_seconds_count",
      ...common,
      "method",
      b.method,
      "path",
      b.path,
    ]);
    kinds[labels.length] = Kind.DecimalGauge; // the _sum moves by fractional seconds
    labels.push([
      "__name__",
      "http_request_duration_seconds_sum",
      ...common,
      "method",
      b.method,
      "path",
      b.path,
    ]);
  }
  return { labels, kinds };
}

/** Scrapes of a series set: one reused batch per scrape, values moving as their kind says. */
class Scrapes {
  private readonly rand = random(7);
  private readonly state: Float64Array;
  private readonly rate: Float64Array;
  readonly batch: DecodedBatch;

  constructor(
    labels: Labels[],
    private readonly kinds: Uint8Array,
  ) {
    const n = labels.length;
    this.state = Float64Array.from({ length: n }, () => Math.floor(this.rand() * 1e6));
    this.rate = Float64Array.from({ length: n }, () => 10 ** (this.rand() * 3));
    const values = new Float64Array(n);
    const samples = {
      length: n,
      series: Int32Array.from({ length: n }, (_, i) => i),
      timestamps: new Float64Array(n),
      values,
      valueWords: new Uint32Array(values.buffer),
    };
    this.batch = { series: labels, samples, metadata: [], createdMs: 0 };
  }

  /** A Poisson-like count with mean `lambda` (normal approximation, never negative). */
  private poisson(lambda: number): number {
    const gauss = Math.sqrt(-2 * Math.log(1 - this.rand())) * Math.cos(2 * Math.PI * this.rand());
    return Math.max(0, Math.round(lambda + Math.sqrt(lambda) * gauss));
  }

  /** Fills the batch with the scrape at `ts`. */
  next(ts: number): DecodedBatch {
    const { timestamps, values } = this.batch.samples;
    for (let i = 0; i < values.length; i++) {
      const kind = this.kinds[i];
      if (kind === Kind.Counter) this.state[i] += this.poisson(this.rate[i]);
      else if (kind === Kind.IntGauge)
        this.state[i] = Math.max(0, this.state[i] + Math.round((this.rand() - 0.5) * 4));
      else this.state[i] = Math.max(0, this.state[i] + Math.round((this.rand() - 0.5) * 2000));
      timestamps[i] = ts;
      values[i] = kind === Kind.DecimalGauge ? this.state[i] / 1000 : this.state[i];
    }
    return this.batch;
  }
}

/** RSS after a full collection, once the allocator had a moment to return freed pages. */
async function rss(): Promise<number> {
  Bun.gc(true);
  await Bun.sleep(200);
  Bun.gc(true);
  return process.memoryUsage().rss;
}

/** Median milliseconds of `fn` over repeated runs. */
async function medianMs(fn: () => Promise<unknown>, runs: number): Promise<number> {
  await fn();
  const times: number[] = [];
  for (let k = 0; k < runs; k++) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  return times.sort((a, b) => a - b)[runs >> 1];
}

async function selectMs(head: Head, matchers: LabelMatcher[], runs: number): Promise<number> {
  const q = await head.querier();
  const range = { start: 0, end: Number.POSITIVE_INFINITY };
  const ms = await medianMs(() => q.select(matchers, range), runs);
  q.close();
  return ms;
}

/**
 * Ingests `scrapes` scrapes into a fresh head; returns it with the seconds spent appending.
 * `checkpoint` runs after each hour of scrapes (outside the timed part).
 */
async function fill(
  labels: Labels[],
  kinds: Uint8Array,
  scrapes: number,
  checkpoint?: (head: Head, hours: number) => Promise<void>,
): Promise<{ head: Head; seconds: number; gen: Scrapes }> {
  const head = new Head();
  const gen = new Scrapes(labels, kinds);
  let ns = 0;
  for (let k = 0; k < scrapes; k++) {
    const batch = gen.next(T0 + k * STEP);
    const t0 = Bun.nanoseconds();
    head.append(batch, k);
    ns += Bun.nanoseconds() - t0;
    if ((k + 1) % 240 === 0) await checkpoint?.(head, (k + 1) / 240);
  }
  return { head, seconds: ns / 1e9, gen };
}

const print = (name: string, value: number, unit: string) =>
  console.log(`${name} ${Number(value.toPrecision(4))} ${unit}`);

// Warm the JIT on a small head, every code path included, so that compiled code does not
// count as head memory.
await fill(mixedSeries(200).labels, mixedSeries(200).kinds, 480);
const { labels, kinds } = mixedSeries(SERIES);
const before = await rss();
const scrapes = (quick ? 30 : 120) * 4;
const { head, seconds, gen } = await fill(labels, kinds, scrapes, async (h, hours) => {
  const rssNow = await rss();
  print(`head_bytes_per_series_${hours}h`, h.stats().bytes / SERIES, "bytes");
  print(`head_rss_bytes_per_series_${hours}h`, (rssNow - before) / SERIES, "bytes");
});
const after = await rss();
print("head_append_samples_per_s", (SERIES * scrapes) / seconds, "samples/s");
print("head_bytes_per_series", head.stats().bytes / SERIES, "bytes");
print("head_rss_bytes_per_series", (after - before) / SERIES, "bytes");
print("head_bytes_per_sample", head.stats().bytes / head.stats().samples, "bytes");
const one = labels[1234];
const exact = Array.from({ length: one.length / 2 }, (_, i) => ({
  name: one[2 * i],
  type: "=" as const,
  value: one[2 * i + 1],
}));
print("head_select_one_series_ms", await selectMs(head, exact, 200), "ms");
print(
  "head_select_counter_family_ms",
  await selectMs(head, [{ name: "__name__", type: "=", value: "http_requests_total" }], 5),
  "ms",
);
head.cut();
// Flushes a minute apart: four scrapes to hand out each time; the median of seven.
const cuts: number[] = [];
let next = scrapes;
for (let round = 0; round < 7; round++) {
  for (let k = 0; k < 4; k++, next++) head.append(gen.next(T0 + next * STEP), next);
  const t0 = performance.now();
  head.cut();
  cuts.push(performance.now() - t0);
}
print("head_cut_10k_series_1m_ms", cuts.sort((a, b) => a - b)[3], "ms");

// 100k series: 10 metrics × 10,000 series, 20 scrapes each.
const wide: Labels[] = [];
for (let i = 0; i < 100_000; i++)
  wide.push([
    "__name__",
    `metric_${i % 10}`,
    "instance",
    `host-${Math.floor(i / 10) % 1000}:9100`,
    "job",
    "node",
    "shard",
    String(Math.floor(i / 10_000)),
  ]);
const big = (await fill(wide, new Uint8Array(wide.length), 20)).head;
print(
  "head_select_metric_10k_series_ms",
  await selectMs(big, [{ name: "__name__", type: "=", value: "metric_3" }], 9),
  "ms",
);
print(
  "head_select_one_series_of_100k_ms",
  await selectMs(
    big,
    [
      { name: "__name__", type: "=", value: "metric_3" },
      { name: "instance", type: "=", value: "host-3:9100" },
      { name: "shard", type: "=", value: "0" },
    ],
    200,
  ),
  "ms",
);
