/**
 * Counting range aggregations (`count_over_time`, `rate`, `bytes_over_time`, `bytes_rate`,
 * `absent_over_time`) over Loki's windows `(T - range - offset, T - offset]`.
 *
 * The time from the first window's start to the last window's end is cut into buckets of
 * gcd(step, range), so that every window is a run of whole buckets; each series keeps its
 * non-empty buckets (sorted), and a window's sum is a difference of running sums. Buckets
 * come from storage (`buckets()`) when the pipeline is only line filters storage applies,
 * otherwise from reading the lines through the pipeline.
 */
import type { Labels } from "../../../shared/model/labels.ts";
import type { LogSelectParams } from "../source.ts";
import type { RangeAggregation } from "./ast.ts";
import {
  type EvalContext,
  emptySeries,
  forEachRecord,
  readLines,
  type StepSeries,
  utf8Length,
} from "./context.ts";
import { LabelsBuilder } from "./labels_builder.ts";
import { type Pipeline, runPipeline } from "./pipeline.ts";

/** The windows of a range aggregation on the query's step grid. */
export interface WindowGrid {
  /** Start of the first window (exclusive), in nanoseconds. */
  readonly baseNs: bigint;
  readonly rangeNs: bigint;
  /** Bucket length: gcd(step, range), or the range for an instant query. */
  readonly bucketNs: bigint;
  readonly buckets: number;
  /** Buckets per step and per window. */
  readonly stepBuckets: number;
  readonly rangeBuckets: number;
}

function gcd(a: bigint, b: bigint): bigint {
  while (b !== 0n) [a, b] = [b, a % b];
  return a;
}

/** The grid of `e` over the context's steps. */
export function windowGrid(ctx: EvalContext, e: RangeAggregation): WindowGrid {
  const rangeNs = BigInt(e.rangeMs) * 1_000_000n;
  const baseNs = ctx.startNs - BigInt(e.offsetNs) - rangeNs;
  const bucketNs = ctx.stepNs === 0n || rangeNs === 0n ? rangeNs || 1n : gcd(ctx.stepNs, rangeNs);
  const stepBuckets = Number(ctx.stepNs / bucketNs);
  const rangeBuckets = Number(rangeNs / bucketNs);
  const buckets = (ctx.steps - 1) * stepBuckets + rangeBuckets;
  return { baseNs, rangeNs, bucketNs, buckets, stepBuckets, rangeBuckets };
}

/** The records a grid needs, as a half-open selection. */
export function gridSelection(
  e: RangeAggregation,
  grid: WindowGrid,
  pipeline: Pipeline,
): LogSelectParams {
  return {
    matchers: e.log.matchers,
    startNs: grid.baseNs + 1n,
    endNs: grid.baseNs + BigInt(grid.buckets) * grid.bucketNs + 1n,
    direction: "forward",
    lineFilters: pipeline.pushdown,
    limitHint: 0,
  };
}

/** Non-empty buckets of one series, in ascending bucket order. */
interface Counter {
  readonly labels: Labels;
  bucket: number[];
  count: number[];
  bytes: number[];
}

function add(c: Counter, bucket: number, count: number, bytes: number): void {
  const last = c.bucket.length - 1;
  if (last >= 0 && c.bucket[last] === bucket) {
    c.count[last] += count;
    c.bytes[last] += bytes;
  } else {
    c.bucket.push(bucket);
    c.count.push(count);
    c.bytes.push(bytes);
  }
}

/** The bucket counts of `e`, from storage when it can count them. */
export async function countBuckets(
  ctx: EvalContext,
  e: RangeAggregation,
  pipeline: Pipeline,
  grid: WindowGrid,
): Promise<Counter[]> {
  const q = ctx.querier;
  if (pipeline.fullyPushed && q.buckets !== undefined && grid.buckets < 2 ** 31) {
    const rows = await q.buckets({
      matchers: e.log.matchers,
      lineFilters: pipeline.pushdown,
      startNs: grid.baseNs,
      bucketNs: grid.bucketNs,
      buckets: grid.buckets,
    });
    const counters = rows.streams.map(
      (labels) => ({ labels, bucket: [], count: [], bytes: [] }) as Counter,
    );
    const order = [...Array(rows.length).keys()].sort((a, b) => rows.bucket[a] - rows.bucket[b]);
    for (const r of order) {
      add(counters[rows.stream[r]], rows.bucket[r], rows.count[r], rows.bytes[r]);
      readLines(ctx, rows.count[r]);
      ctx.stats.bytesScanned += rows.bytes[r];
    }
    return counters.filter((c) => c.bucket.length > 0);
  }
  return countLines(ctx, e, pipeline, grid);
}

async function countLines(
  ctx: EvalContext,
  e: RangeAggregation,
  pipeline: Pipeline,
  grid: WindowGrid,
): Promise<Counter[]> {
  const counters = new Map<string, Counter>();
  const b = new LabelsBuilder();
  const from = grid.baseNs + 1n;
  const { bucketNs } = grid;
  await forEachRecord(ctx, gridSelection(e, grid, pipeline), (chunk, i, stream, lineBytes) => {
    let line: string | null = chunk.lines[i];
    let labels = stream.labels;
    let key = stream.key;
    let bytes = lineBytes;
    if (pipeline.lineTest !== undefined) {
      if (!pipeline.lineTest(line)) return true;
    } else {
      b.reset(stream.labels, chunk.fields[i]);
      line = runPipeline(pipeline, line, b, chunk.timeNs[i]);
      if (line === null) return true;
      if (line !== chunk.lines[i]) bytes = utf8Length(line);
      if (!b.unchanged) {
        labels = b.labels();
        key = labels.join("\u0000");
      }
    }
    let c = counters.get(key);
    if (c === undefined) {
      c = { labels, bucket: [], count: [], bytes: [] };
      counters.set(key, c);
    }
    add(c, Number((chunk.timeNs[i] - from) / bucketNs), 1, bytes);
    return true;
  });
  return [...counters.values()];
}

/** Window sums of counters as the values of `e` (`count` or `bytes`, per second for rates). */
export function countWindows(
  ctx: EvalContext,
  e: RangeAggregation,
  grid: WindowGrid,
  counters: Counter[],
): StepSeries[] {
  const rangeSeconds = Number(grid.rangeNs) / 1e9;
  const useBytes = e.op === "bytes_over_time" || e.op === "bytes_rate";
  const perSecond = e.op === "rate" || e.op === "bytes_rate";
  return counters.map((c) => {
    const s = emptySeries(c.labels, ctx.steps);
    const n = c.bucket.length;
    const cumCount = new Float64Array(n + 1);
    const cumBytes = new Float64Array(n + 1);
    for (let k = 0; k < n; k++) {
      cumCount[k + 1] = cumCount[k] + c.count[k];
      cumBytes[k + 1] = cumBytes[k] + c.bytes[k];
    }
    let lo = 0;
    let hi = 0;
    for (let step = 0; step < ctx.steps; step++) {
      const first = step * grid.stepBuckets;
      while (lo < n && c.bucket[lo] < first) lo++;
      while (hi < n && c.bucket[hi] < first + grid.rangeBuckets) hi++;
      const count = cumCount[hi] - cumCount[lo];
      if (count === 0) continue;
      const total = useBytes ? cumBytes[hi] - cumBytes[lo] : count;
      s.present[step] = 1;
      s.values[step] = perSecond ? total / rangeSeconds : total;
    }
    return s;
  });
}
