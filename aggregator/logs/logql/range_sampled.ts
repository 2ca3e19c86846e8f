/**
 * Unwrapped range aggregations (`sum_over_time(… | unwrap latency [5m])` and friends): each
 * kept line gives a sample from a label's value, converted as Loki converts it (a float,
 * `bytes(…)`, `duration(…)` in seconds). A line without the label is skipped; a value that
 * does not convert gives 0 and `__error__=SampleExtractionErr`. The unwrapped label leaves
 * the series' labels; a range grouping (`by`/`without`) applies unless there is an error.
 */
import type { Labels } from "../../../shared/model/labels.ts";
import { deleteLabels, keepLabels } from "../../promql/engine/labelset.ts";
import { LogQLError } from "../result.ts";
import type { RangeAggregation, Unwrap } from "./ast.ts";
import { type EvalContext, emptySeries, forEachRecord, type StepSeries } from "./context.ts";
import { type GoResult, parseBytes, parseGoDuration, parseGoFloat } from "./go_values.ts";
import { compileLabelFilter } from "./label_filter.ts";
import { ERR_SAMPLE, LabelsBuilder } from "./labels_builder.ts";
import { type Pipeline, runPipeline } from "./pipeline.ts";
import { gridSelection, type WindowGrid } from "./range_count.ts";
import { RANGE_FUNCS } from "./range_funcs.ts";

const CONVERSIONS: Readonly<Record<Unwrap["conversion"], (v: string) => GoResult>> = {
  "": parseGoFloat,
  bytes: parseBytes,
  duration: seconds,
  duration_seconds: seconds,
};

function seconds(v: string): GoResult {
  const r = parseGoDuration(v);
  return r.error === undefined ? { value: r.value / 1e9 } : r;
}

interface Samples {
  readonly labels: Labels;
  /** Nanoseconds after the grid's base. */
  readonly t: number[];
  readonly v: number[];
}

function grouped(e: RangeAggregation, b: LabelsBuilder): Labels {
  const labels = b.labels();
  if (e.grouping === undefined || b.err !== "") return labels;
  const names = e.grouping.labels;
  return e.grouping.without ? deleteLabels(labels, names) : keepLabels(labels, names);
}

/** Evaluates an unwrapped range aggregation. */
export async function evalSampled(
  ctx: EvalContext,
  e: RangeAggregation,
  pipeline: Pipeline,
  grid: WindowGrid,
): Promise<StepSeries[]> {
  const unwrap = e.unwrap!;
  const fn = RANGE_FUNCS[e.op];
  if (fn === undefined) throw new LogQLError("bad_data", `${e.op} is not supported`);
  const convert = CONVERSIONS[unwrap.conversion];
  const postFilters = unwrap.postFilters.map(compileLabelFilter);
  const all = new Map<string, Samples>();
  const b = new LabelsBuilder();
  await forEachRecord(ctx, gridSelection(e, grid, pipeline), (chunk, i, stream) => {
    const timeNs = chunk.timeNs[i];
    b.reset(stream.labels, chunk.fields[i]);
    if (runPipeline(pipeline, chunk.lines[i], b, timeNs) === null) return true;
    const raw = b.get(unwrap.label);
    if (raw === undefined || raw === "") return true;
    const r = convert(raw);
    if (r.error !== undefined) b.setErr(ERR_SAMPLE, r.error);
    for (const f of postFilters) if (!f(b)) return true;
    b.del(unwrap.label);
    const labels = grouped(e, b);
    const key = labels.join("\u0000");
    let s = all.get(key);
    if (s === undefined) {
      s = { labels, t: [], v: [] };
      all.set(key, s);
    }
    s.t.push(Number(timeNs - grid.baseNs));
    s.v.push(r.value ?? 0);
    return true;
  });
  return [...all.values()].map((s) => windows(ctx, e, grid, s, fn));
}

function windows(
  ctx: EvalContext,
  e: RangeAggregation,
  grid: WindowGrid,
  s: Samples,
  fn: (typeof RANGE_FUNCS)[string],
): StepSeries {
  const out = emptySeries(s.labels, ctx.steps);
  const step = Number(ctx.stepNs);
  const range = Number(grid.rangeNs);
  const rangeSeconds = range / 1e9;
  let lo = 0;
  let hi = 0;
  for (let i = 0; i < ctx.steps; i++) {
    const start = i * step;
    while (lo < s.t.length && s.t[lo] <= start) lo++;
    while (hi < s.t.length && s.t[hi] <= start + range) hi++;
    if (hi <= lo) continue;
    out.present[i] = 1;
    out.values[i] = fn(s.v.slice(lo, hi), rangeSeconds, e.param ?? 0);
  }
  return out;
}
