/**
 * Functions over a range vector (`rate(x[5m])`, `avg_over_time(f(x)[1h:1m])`, …): each series'
 * windows go to the numeric kernel of functions/range.ts and the results stream on. Also
 * `absent_over_time`, which looks at all series together, and the annotations Prometheus
 * raises here (rate on a non-counter, an invalid quantile).
 */
import type { Labels } from "../../../shared/model/labels.ts";
import { RANGE_FUNCTIONS } from "../functions/range.ts";
import type { Call, Expr, MatrixSelector, SubqueryExpr } from "../parser/ast.ts";
import { messages } from "./annotations.ts";
import { duplicateLabelset } from "./collect.ts";
import { dropName, type EvalContext } from "./context.ts";
import { evalScalar, internal, unwrap } from "./eval.ts";
import type { GroupRouting } from "./fast_paths.ts";
import { deleteLabels, labelsKey, NAME, setLabel } from "./labelset.ts";
import type { RollupInput } from "./rollup/fetch.ts";
import { streamRollups } from "./rollup/stream.ts";
import { subqueryWindows } from "./subquery.ts";
import type { SeriesSink, StepSeries } from "./types.ts";
import { selectorWindows, streamWindows, type WindowInput, type WindowSeries } from "./windows.ts";

/** Functions that keep the metric name: they act like an offset, not a transformation. */
const KEEPS_NAME = new Set(["last_over_time", "first_over_time"]);

/** Name suffixes of metrics that are counters by convention. */
const COUNTER_SUFFIXES = ["_total", "_sum", "_count", "_bucket"];

/** The range-vector argument of a call, or null when it has none. */
export function rangeArgument(
  e: Call,
): { index: number; arg: MatrixSelector | SubqueryExpr } | null {
  for (let i = 0; i < e.args.length; i++) {
    const a = unwrap(e.args[i]);
    if (a.type === "MatrixSelector" || a.type === "SubqueryExpr") return { index: i, arg: a };
  }
  return null;
}

/** True when `e` is a kernel-backed function over a range vector. */
export function isRangeCall(e: Call): boolean {
  return rangeArgument(e) !== null && RANGE_FUNCTIONS[e.func] !== undefined;
}

function windowsOf(ctx: EvalContext, arg: MatrixSelector | SubqueryExpr): Promise<WindowInput> {
  return arg.type === "MatrixSelector"
    ? Promise.resolve(selectorWindows(ctx, arg))
    : subqueryWindows(ctx, arg);
}

async function scalarArgs(ctx: EvalContext, e: Call, skip: number): Promise<Float64Array[]> {
  const out: Float64Array[] = [];
  for (let i = 0; i < e.args.length; i++) {
    if (i !== skip) out.push(await evalScalar(ctx, e.args[i]));
  }
  return out;
}

/** Streams the output series of a kernel-backed range function. */
export async function streamRangeCall(
  ctx: EvalContext,
  e: Call,
  sink: SeriesSink,
  routing?: GroupRouting,
): Promise<void> {
  const found = rangeArgument(e);
  const kernel = RANGE_FUNCTIONS[e.func];
  if (found === null || kernel === undefined) throw internal(`${e.func} is not a range function`);
  const params = await scalarArgs(ctx, e, found.index);
  const rollups = found.arg.type === "MatrixSelector" && ctx.rollups?.get(found.arg.vector);
  const input = rollups ? null : await windowsOf(ctx, found.arg);
  const checkCounter = e.func === "rate" || e.func === "increase";
  const quantile = e.func === "quantile_over_time" ? params[0] : null;
  // Dropping the name makes two outputs equal only when their inputs differ in name alone.
  const seen =
    ctx.delayedNameRemoval || !manyNames(input?.series ?? (rollups as RollupInput).series)
      ? null
      : new Set<string>();
  const relabel = (s: WindowSeries): { labels: Labels; dropName: boolean } =>
    KEEPS_NAME.has(e.func) ? { labels: s.labels, dropName: s.dropName } : dropName(ctx, s.labels);
  // Series mostly share their name: it is looked at once per name met in a row (the info for a
  // name is one, however many of its series raise it).
  let lastName: string | null = null;
  const onSeries = (s: WindowSeries, values: Float64Array, present: Uint8Array) => {
    if (checkCounter && s.metricName !== lastName) {
      lastName = s.metricName;
      if (!isCounterName(lastName))
        ctx.annotations.info(messages.possibleNonCounter(lastName), e.args[0].span);
    }
    if (quantile !== null) warnQuantile(ctx, quantile, present, e.args[0]);
    const out = relabel(s);
    if (seen !== null) {
      // Without delayed name removal, Prometheus refuses equal outputs outright.
      const key = labelsKey(out.labels);
      if (seen.has(key)) duplicateLabelset();
      seen.add(key);
    }
    sink(out.labels, values, present, out.dropName);
  };
  if (input === null) return streamRollups(ctx, rollups as RollupInput, onSeries);
  // Groups can be folded in the helper when nothing needs each series' output here: one
  // metric name (no duplicate check), a counter's if it matters, no quantile to warn about
  // (no annotation).
  const series = input.series;
  const quiet =
    series.length > 0 &&
    !manyNames(series) &&
    (!checkCounter || isCounterName(series[0].metricName)) &&
    quantile === null;
  const grouped =
    routing && quiet ? { routing, relabel: (i: number) => relabel(series[i]) } : undefined;
  const fast = ctx.fast;
  if (!input.pinned && (await fast?.streamRange(ctx, input, e.func, params, onSeries, grouped)))
    return;
  const isCounter = () => checkCounter || e.func === "irate" || e.func === "resets";
  await streamWindows(ctx, input, { kernel, params, isCounter }, onSeries);
}

function manyNames(series: readonly { readonly metricName: string }[]): boolean {
  for (const s of series) if (s.metricName !== series[0].metricName) return true;
  return false;
}

function isCounterName(name: string): boolean {
  return name === "" || COUNTER_SUFFIXES.some((s) => name.endsWith(s));
}

function warnQuantile(ctx: EvalContext, q: Float64Array, present: Uint8Array, arg: Expr): void {
  for (let i = 0; i < present.length; i++) {
    const v = q[i];
    if (present[i] && !(v >= 0 && v <= 1))
      ctx.annotations.warn(messages.invalidQuantile(v), arg.span);
  }
}

/** `absent_over_time(v[d])`: 1 at the steps where no series has a sample in its window. */
export async function absentOverTime(ctx: EvalContext, e: Call): Promise<StepSeries[]> {
  const found = rangeArgument(e);
  if (found === null) throw internal("absent_over_time needs a range vector");
  const { n } = ctx.grid;
  const covered = new Uint8Array(n);
  await streamWindows(
    ctx,
    await windowsOf(ctx, found.arg),
    { kernel: () => 1, params: [], isCounter: () => false },
    (_s, _values, present) => {
      for (let i = 0; i < n; i++) covered[i] |= present[i];
    },
  );
  const present = covered.map((c) => 1 - c);
  if (!present.includes(1)) return [];
  const labels = found.arg.type === "MatrixSelector" ? absentLabels(found.arg.vector.matchers) : [];
  return [{ labels, values: new Float64Array(n).fill(1), present, dropName: false }];
}

/**
 * The labels `absent()` gives its output: those an equality matcher pins, except names
 * matched more than once or by other kinds of matcher (Prometheus's historic behaviour).
 */
export function absentLabels(
  matchers: readonly { name: string; type: string; value: string }[],
): Labels {
  let labels: Labels = [];
  const has = new Set<string>();
  for (const m of matchers) {
    if (m.name === NAME) continue;
    if (m.type === "=" && !has.has(m.name)) {
      labels = setLabel(labels, m.name, m.value);
      has.add(m.name);
    } else {
      labels = deleteLabels(labels, [m.name]);
    }
  }
  return labels;
}
