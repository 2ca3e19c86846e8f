/**
 * What evaluating one query carries: the storage view, the step grid of a metric query, the
 * statistics, and the abort signal; plus the record loop every evaluator reads through.
 */
import type { Labels } from "../../../shared/model/labels.ts";
import { heavy } from "../../../shared/runtime/budget.ts";
import { Turns } from "../../../shared/runtime/turns.ts";
import { TOO_MANY_SAMPLES } from "../../promql/engine/limits.ts";
import { LogQLError, type LogQueryStats } from "../result.ts";
import type { LogChunk, LogQuerier, LogSelectParams } from "../source.ts";

/** Values of one metric series on the step grid; `present[i]` says step i has a value. */
export interface StepSeries {
  readonly labels: Labels;
  readonly values: Float64Array;
  readonly present: Uint8Array;
}

/** The value of a metric expression. */
export type MetricValue =
  | { readonly kind: "series"; readonly series: readonly StepSeries[] }
  | { readonly kind: "scalar"; readonly value: number };

/** One query's evaluation state. */
export interface EvalContext {
  readonly querier: LogQuerier;
  /** Time of step 0, and step length (0 for an instant query), in nanoseconds. */
  readonly startNs: bigint;
  readonly stepNs: bigint;
  readonly steps: number;
  readonly stats: LogQueryStats;
  readonly signal: AbortSignal | undefined;
  /** Log lines the query may read; past it the query fails (its tenant's limit). */
  readonly maxSamples: number;
}

/** Throws Loki's cancellation error when the query was aborted. */
export function checkAbort(ctx: { readonly signal?: AbortSignal | undefined }): void {
  if (ctx.signal?.aborted) throw new LogQLError("canceled", "context canceled");
}

/**
 * Counts `n` more lines read; throws Prometheus's sample-limit error past `maxSamples` (a log
 * line is LogQL's sample: what a query reads and holds).
 */
export function readLines(ctx: EvalContext, n: number): void {
  ctx.stats.linesScanned += n;
  if (ctx.stats.linesScanned > ctx.maxSamples) throw new LogQLError("execution", TOO_MANY_SAMPLES);
}

/** A new all-absent series. */
export function emptySeries(labels: Labels, steps: number): StepSeries {
  return { labels, values: new Float64Array(steps), present: new Uint8Array(steps) };
}

const NON_ASCII = /[^\x00-\x7f]/;

/** The UTF-8 length of a string, without encoding it. */
export function utf8Length(s: string): number {
  if (!NON_ASCII.test(s)) return s.length;
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) n += 1;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      // A surrogate pair is two code units and four bytes.
      n += 2;
      i++;
    } else n += 2;
  }
  return n;
}

/** A stream as the record loop hands it over: its labels and their identity key. */
export interface StreamRef {
  readonly labels: Labels;
  readonly key: string;
}

/**
 * Reads every record of a selection: counts it in the statistics, checks for abort once per
 * chunk, and calls `visit` with the chunk, the record's index, its stream and its line's
 * UTF-8 length. `visit` returns false to stop reading.
 */
export async function forEachRecord(
  ctx: EvalContext,
  params: LogSelectParams,
  visit: (chunk: LogChunk, i: number, stream: StreamRef, lineBytes: number) => boolean,
): Promise<void> {
  const known = new Map<string, StreamRef>();
  // Others get turns between chunks, and between lines where a costly regex filters them.
  const turns = new Turns();
  checkAbort(ctx);
  for await (const chunk of ctx.querier.select(params)) {
    if (turns.due()) await turns.turn();
    checkAbort(ctx);
    const refs = chunk.streams.map((labels) => {
      const key = labels.join("\u0000");
      let ref = known.get(key);
      if (ref === undefined) {
        ref = { labels, key };
        known.set(key, ref);
      }
      return ref;
    });
    const { stats } = ctx;
    for (let i = 0; i < chunk.length; i++) {
      const bytes = utf8Length(chunk.lines[i]);
      readLines(ctx, 1);
      stats.bytesScanned += bytes;
      if (!visit(chunk, i, refs[chunk.stream[i]], bytes)) return;
      if (heavy()) await turns.turn();
    }
  }
}
