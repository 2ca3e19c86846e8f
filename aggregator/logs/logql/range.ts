/**
 * Range aggregations: the counting ones by buckets (range_count.ts), the unwrapped ones by
 * samples (range_sampled.ts); then Loki's rule that a metric may not carry `__error__`, and
 * `absent_over_time`.
 */
import { type Labels, labelValue } from "../../../shared/model/labels.ts";
import { formatLabelsGo } from "../../promql/engine/format.ts";
import { LogQLError } from "../result.ts";
import type { RangeAggregation } from "./ast.ts";
import { type EvalContext, emptySeries, type StepSeries } from "./context.ts";
import { ERROR_LABEL } from "./labels_builder.ts";
import { compilePipeline } from "./pipeline.ts";
import { countBuckets, countWindows, windowGrid } from "./range_count.ts";
import { evalSampled } from "./range_sampled.ts";

/** Evaluates a range aggregation on the context's steps. */
export async function evalRange(ctx: EvalContext, e: RangeAggregation): Promise<StepSeries[]> {
  if (e.op === "rate_counter") throw new LogQLError("bad_data", "rate_counter is not supported");
  const pipeline = compilePipeline(e.log.stages);
  const grid = windowGrid(ctx, e);
  const series =
    e.unwrap === undefined
      ? countWindows(ctx, e, grid, await countBuckets(ctx, e, pipeline, grid))
      : await evalSampled(ctx, e, pipeline, grid);
  checkErrors(ctx, series);
  return e.op === "absent_over_time" ? [absent(ctx, e, series)] : series;
}

/** Loki refuses a metric whose samples carry `__error__` (`PipelineError`, a 400). */
function checkErrors(ctx: EvalContext, series: readonly StepSeries[]): void {
  const bad = series.filter((s) => labelValue(s.labels, ERROR_LABEL) !== "");
  for (let step = 0; step < ctx.steps && bad.length > 0; step++) {
    const here = bad.filter((s) => s.present[step] === 1).map((s) => s.labels);
    if (here.length === 0) continue;
    const labels = here.sort(compareLabelSets)[0];
    const err = labelValue(labels, ERROR_LABEL);
    throw new LogQLError(
      "bad_data",
      `pipeline error: '${err}' for series: '${formatLabelsGo(labels)}'.\n` +
        `Use a label filter to intentionally skip this error. (e.g | __error__!="${err}").\n` +
        `To skip all potential errors you can match empty errors.(e.g __error__="")\n` +
        `The label filter can also be specified after unwrap. (e.g | unwrap latency | __error__="" )\n`,
    );
  }
}

function compareLabelSets(a: Labels, b: Labels): number {
  const x = a.join("\u0000");
  const y = b.join("\u0000");
  return x < y ? -1 : x > y ? 1 : 0;
}

/** 1 at the steps where no series has a value, labelled by the selector's `=` matchers. */
function absent(ctx: EvalContext, e: RangeAggregation, series: readonly StepSeries[]): StepSeries {
  const set = new Map<string, string>();
  const dropped = new Set<string>();
  for (const m of e.log.matchers) {
    if (m.type === "=" && !set.has(m.name)) set.set(m.name, m.value);
    else dropped.add(m.name);
  }
  for (const name of dropped) set.delete(name);
  const labels = [...set.keys()].sort().flatMap((n) => [n, set.get(n)!]);
  const out = emptySeries(labels, ctx.steps);
  for (let step = 0; step < ctx.steps; step++) {
    if (series.some((s) => s.present[step] === 1)) continue;
    out.present[step] = 1;
    out.values[step] = 1;
  }
  return out;
}
