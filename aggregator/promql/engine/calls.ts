/**
 * Function calls: which implementation each PromQL function has. Range functions go to the
 * numeric kernels through range_calls.ts, per-sample math to functions/math.ts; the functions
 * that work on whole series or label sets (label_replace, sort, absent, histogram_quantile, …)
 * live in their own files and are dispatched from here.
 */
import { MATH_FUNCTIONS, mathDropsAll } from "../functions/math.ts";
import type { Call } from "../parser/ast.ts";
import { histogramFraction, histogramQuantile, histogramQuantiles } from "./buckets.ts";
import { dropName, type EvalContext } from "./context.ts";
import { evalScalar, evalVector, internal, streamVector, unwrap } from "./eval.ts";
import { evalInfo } from "./info.ts";
import { labelJoin, labelReplace } from "./labelfuncs.ts";
import { absentLabels, absentOverTime, isRangeCall, streamRangeCall } from "./range_calls.ts";
import { streamSelector } from "./selectors.ts";
import { sortByLabel, sortByValue } from "./sorting.ts";
import { DATE_FUNCTIONS } from "./time_functions.ts";
import { constantScalar, type SeriesSink, type StepSeries, type Value } from "./types.ts";

/** Functions over native histograms: float samples give them nothing to work on. */
const NATIVE_HISTOGRAM_FUNCTIONS = new Set([
  "histogram_count",
  "histogram_sum",
  "histogram_avg",
  "histogram_stddev",
  "histogram_stdvar",
]);

/** True when the call maps its input series one to one and can stream them. */
export function streamableCall(e: Call): boolean {
  if (isRangeCall(e)) return true;
  if (MATH_FUNCTIONS[e.func] !== undefined) return true;
  if (DATE_FUNCTIONS[e.func] !== undefined) return e.args.length > 0;
  return e.func === "timestamp";
}

/** Streams the output of a call for which `streamableCall` holds. */
export async function streamCall(ctx: EvalContext, e: Call, sink: SeriesSink): Promise<void> {
  const math = MATH_FUNCTIONS[e.func];
  const date = DATE_FUNCTIONS[e.func];
  if (isRangeCall(e)) {
    await streamRangeCall(ctx, e, sink);
  } else if (e.func === "timestamp") {
    await streamTimestamp(ctx, e, sink);
  } else if (math !== undefined) {
    const params: Float64Array[] = [];
    for (const a of e.args.slice(1)) params.push(await evalScalar(ctx, a));
    const p: number[] = new Array(params.length).fill(0);
    await mapSeries(ctx, e, sink, (v, i) => {
      for (let k = 0; k < p.length; k++) p[k] = params[k][i];
      return mathDropsAll(e.func, p) ? null : math(v, p);
    });
  } else if (date !== undefined) {
    await mapSeries(ctx, e, sink, (v) => date(Math.trunc(v)));
  } else {
    throw internal(`${e.func} cannot stream`);
  }
}

/** Streams `f` applied to every value of the first argument; null drops the value. */
async function mapSeries(
  ctx: EvalContext,
  e: Call,
  sink: SeriesSink,
  f: (v: number, step: number) => number | null,
): Promise<void> {
  const n = ctx.grid.n;
  const out = new Float64Array(n);
  const mask = new Uint8Array(n);
  await streamVector(ctx, e.args[0], (labels, values, present) => {
    let count = 0;
    for (let i = 0; i < n; i++) {
      mask[i] = 0;
      if (!present[i]) continue;
      const r = f(values[i], i);
      if (r === null) continue;
      out[i] = r;
      mask[i] = 1;
      count++;
    }
    if (count === 0) return;
    const d = dropName(ctx, labels);
    sink(d.labels, out, mask, d.dropName);
  });
}

/** `timestamp(v)`: the sample's own time for a selector, the step's time otherwise. */
async function streamTimestamp(ctx: EvalContext, e: Call, sink: SeriesSink): Promise<void> {
  const arg = unwrap(e.args[0]);
  const renamed: SeriesSink = (labels, values, present) => {
    const d = dropName(ctx, labels);
    sink(d.labels, values, present, d.dropName);
  };
  const { start, step } = ctx.grid;
  if (arg.type === "VectorSelector") await streamSelector(ctx, arg, renamed, true);
  else await mapSeries(ctx, e, sink, (_v, i) => (start + i * step) / 1000);
}

/** Evaluates a call. */
export async function evalCall(ctx: EvalContext, e: Call): Promise<Value> {
  if (streamableCall(e)) return vector(await evalVector(ctx, e));
  const { n, start, step } = ctx.grid;
  switch (e.func) {
    case "time":
      return {
        kind: "scalar",
        values: Float64Array.from({ length: n }, (_, i) => (start + i * step) / 1000),
      };
    case "pi":
      return { kind: "scalar", values: constantScalar(n, Math.PI) };
    case "start":
    case "end":
    case "range":
    case "step":
      return { kind: "scalar", values: constantScalar(n, queryBoundary(ctx, e.func)) };
    case "min_of":
    case "max_of": {
      const a = await evalScalar(ctx, e.args[0]);
      const b = await evalScalar(ctx, e.args[1]);
      const f = e.func === "min_of" ? Math.min : Math.max;
      return { kind: "scalar", values: a.map((x, i) => f(x, b[i])) };
    }
    case "scalar":
      return { kind: "scalar", values: scalarOf(await evalVector(ctx, e.args[0]), n) };
    case "vector":
      return vector([constantSeries(await evalScalar(ctx, e.args[0]))]);
    case "absent":
      return vector(await absent(ctx, e));
    case "absent_over_time":
      return vector(await absentOverTime(ctx, e));
    case "label_replace":
      return vector(await labelReplace(ctx, e));
    case "label_join":
      return vector(await labelJoin(ctx, e));
    case "sort":
    case "sort_desc":
      return vector(await sortByValue(ctx, e));
    case "sort_by_label":
    case "sort_by_label_desc":
      return vector(await sortByLabel(ctx, e));
    case "histogram_quantile":
      return vector(await histogramQuantile(ctx, e));
    case "histogram_quantiles":
      return vector(await histogramQuantiles(ctx, e));
    case "histogram_fraction":
      return vector(await histogramFraction(ctx, e));
    case "info":
      return vector(await evalInfo(ctx, e));
  }
  const date = DATE_FUNCTIONS[e.func];
  if (date !== undefined) {
    const values = Float64Array.from({ length: n }, (_, i) =>
      date(Math.trunc((start + i * step) / 1000)),
    );
    return vector([constantSeries(values)]);
  }
  if (NATIVE_HISTOGRAM_FUNCTIONS.has(e.func)) return vector([]);
  throw internal(`unknown function ${e.func}`);
}

/** `start()`, `end()`, `range()`, `step()`: the query's own bounds, in seconds. */
function queryBoundary(ctx: EvalContext, name: string): number {
  const { start, end, step } = ctx.times;
  if (name === "start") return start / 1000;
  if (name === "end") return end / 1000;
  if (name === "range") return (end - start) / 1000;
  return step / 1000;
}

function vector(series: StepSeries[]): Value {
  return { kind: "vector", series };
}

/** A series without labels holding `values` at every step. */
function constantSeries(values: Float64Array): StepSeries {
  return { labels: [], values, present: new Uint8Array(values.length).fill(1), dropName: false };
}

/** `scalar(v)`: the value of the only series present at a step, NaN otherwise. */
function scalarOf(series: StepSeries[], n: number): Float64Array {
  const out = new Float64Array(n);
  const counts = new Uint32Array(n);
  for (const s of series) {
    for (let i = 0; i < n; i++) {
      if (!s.present[i]) continue;
      counts[i]++;
      out[i] = s.values[i];
    }
  }
  for (let i = 0; i < n; i++) if (counts[i] !== 1) out[i] = Number.NaN;
  return out;
}

/** `absent(v)`: 1 at the steps where `v` has no series. */
async function absent(ctx: EvalContext, e: Call): Promise<StepSeries[]> {
  const n = ctx.grid.n;
  const present = new Uint8Array(n).fill(1);
  await streamVector(ctx, e.args[0], (_labels, _values, p) => {
    for (let i = 0; i < n; i++) if (p[i]) present[i] = 0;
  });
  if (!present.includes(1)) return [];
  const arg = unwrap(e.args[0]);
  const matchers =
    arg.type === "VectorSelector"
      ? arg.matchers
      : arg.type === "MatrixSelector"
        ? arg.vector.matchers
        : [];
  return [
    {
      labels: absentLabels(matchers),
      values: new Float64Array(n).fill(1),
      present,
      dropName: false,
    },
  ];
}
