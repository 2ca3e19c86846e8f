/**
 * Functions over a range vector (`rate(x[5m])`, `avg_over_time(f(x)[1h:1m])`, …): each series'
 * windows go to the numeric kernel of functions/range.ts and the results stream on. Also
 * `absent_over_time`, which looks at all series together, and the annotations Prometheus
 * raises here (rate on a non-counter, an invalid quantile).
 */
import type { Labels } from "../../../shared/model/labels.ts";
import type { SamplePart } from "../../storage/storage.ts";
import { RANGE_FUNCTIONS } from "../functions/range.ts";
import type { Call, Expr, MatrixSelector, SubqueryExpr } from "../parser/ast.ts";
import { messages } from "./annotations.ts";
import { duplicateLabelset } from "./collect.ts";
import { dropName, type EvalContext } from "./context.ts";
import { evalScalar, internal, unwrap } from "./eval.ts";
import { RATE_KINDS, slidingRate } from "./fast_rate.ts";
import { type GroupRouting, HelpedFold, type Relabel } from "./helped_fold.ts";
import { deleteLabels, labelsKey, NAME, setLabel } from "./labelset.ts";
import type { HelperJob } from "./parallel_rate.ts";
import { PartsCursor, rateThroughPart, readMode, WALK, WHOLE } from "./sliding_parts.ts";
import { subqueryWindows } from "./subquery.ts";
import type { SeriesSink, StepSeries } from "./types.ts";
import { Plans } from "./window_plan.ts";
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

function windowsOf(ctx: EvalContext, arg: MatrixSelector | SubqueryExpr): WindowInput {
  return arg.type === "MatrixSelector" ? selectorWindows(ctx, arg) : subqueryWindows(ctx, arg);
}

function scalarArgs(ctx: EvalContext, e: Call, skip: number): Float64Array[] {
  const out: Float64Array[] = [];
  for (let i = 0; i < e.args.length; i++) if (i !== skip) out.push(evalScalar(ctx, e.args[i]));
  return out;
}

/** Streams the output series of a kernel-backed range function. */
export function streamRangeCall(
  ctx: EvalContext,
  e: Call,
  sink: SeriesSink,
  routing?: GroupRouting,
): void {
  const found = rangeArgument(e);
  const kernel = RANGE_FUNCTIONS[e.func];
  if (found === null || kernel === undefined) throw internal(`${e.func} is not a range function`);
  const params = scalarArgs(ctx, e, found.index);
  const input = windowsOf(ctx, found.arg);
  const checkCounter = e.func === "rate" || e.func === "increase";
  const quantile = e.func === "quantile_over_time" ? params[0] : null;
  // Dropping the name makes two outputs equal only when their inputs differ in name alone.
  const seen = ctx.delayedNameRemoval || !manyNames(input.series) ? null : new Set<string>();
  const relabel = (s: WindowSeries): { labels: Labels; dropName: boolean } =>
    KEEPS_NAME.has(e.func) ? { labels: s.labels, dropName: s.dropName } : dropName(ctx, s.labels);
  const onSeries = (s: WindowSeries, values: Float64Array, present: Uint8Array) => {
    if (checkCounter && !isCounterName(s.metricName)) {
      ctx.annotations.info(messages.possibleNonCounter(s.metricName), e.args[0].span);
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
  const kind = RATE_KINDS[e.func];
  if (kind !== undefined && !input.pinned) {
    // Groups can be folded in the helper when nothing needs each series' output here: one
    // metric name (no duplicate check), a counter's if it matters (no annotation).
    const series = input.series;
    const quiet =
      series.length > 0 &&
      !manyNames(series) &&
      (!checkCounter || isCounterName(series[0].metricName));
    const grouped =
      routing && quiet ? { routing, relabel: (i: number) => relabel(input.series[i]) } : undefined;
    streamSliding(ctx, input, e.func, onSeries, grouped);
  } else {
    const isCounter = () => checkCounter || e.func === "irate" || e.func === "resets";
    streamWindows(ctx, input, { kernel, params, isCounter }, onSeries);
  }
}

/**
 * Series whose slices rate() walks together, a slice of each in turn: a block's slices of one
 * file lie side by side in memory, and reading them in order is what makes a day of 24 hourly
 * slices per series fast (reading one series at a time jumps between 24 files). Results stay
 * per series and reach the sink in series order.
 */
const BLOCK = 32;

/** rate/increase/delta through the fused sliding-window path. */
function streamSliding(
  ctx: EvalContext,
  input: WindowInput,
  func: string,
  onSeries: (s: WindowSeries, values: Float64Array, present: Uint8Array) => void,
  grouped?: { routing: GroupRouting; relabel: Relabel },
): void {
  const kind = RATE_KINDS[func];
  const n = ctx.grid.n;
  const buffers = Array.from({ length: BLOCK }, () => ({
    values: new Float64Array(n),
    present: new Uint8Array(n),
    cursor: new PartsCursor(),
  }));
  const stats = { touched: 0 };
  const plans = new Plans(input.ends, input.range, kind.perSecond);
  const rateRun = { kind, stats, plans };
  const steps = input.ends.length;
  const run = (ts: Float64Array, vs: Float64Array, checkStale: boolean, k: number) =>
    slidingRate(
      kind,
      stats,
      vs,
      plans.shared(ts, 0, steps),
      buffers[k].values,
      buffers[k].present,
      checkStale,
    );
  // How each series of a block is read: stored samples as they are (in their per-file slices,
  // walked with the block's others, when the range is short beside them), or compacted when
  // they hold a staleness marker.
  const mode = new Uint8Array(BLOCK);
  const series = input.series;
  const folded = grouped && HelpedFold.start(ctx, input, func, grouped.routing, grouped.relabel);
  const helped = folded ? null : handOff(ctx, input, func);
  let taken = 0;
  let helperFailed = false;
  try {
    for (let b = 0, block = 0; b < series.length; b += BLOCK, block++) {
      const size = Math.min(BLOCK, series.length - b);
      if (helped?.blocks[block]) {
        ctx.limits.poll();
        for (let k = 0; k < size; k++) {
          const s = series[b + k];
          const got = helperFailed ? null : helped.job.take(taken++, () => ctx.limits.poll());
          if (got === null) {
            // The helper failed: walk the rest of its series here.
            helperFailed = true;
            walkAlone(b + k);
          } else if (got.count > 0) onSeries(s, got.values, got.present);
        }
        continue;
      }
      walkBlock(b, size);
    }
    if (helped) {
      helped.job.finish();
      if (!helperFailed) stats.touched += helped.job.touched;
    }
    if (folded) {
      const poll = () => ctx.limits.poll();
      folded.claim(poll, rateAlone, buffers[0]);
      stats.touched += folded.settle(poll, walkAlone);
    }
  } catch (error) {
    helped?.job.cancel();
    folded?.cancel();
    throw error;
  }
  ctx.limits.total += stats.touched;

  /**
   * Rates series `i` (whose slices can be walked) into the first buffer; returns how many
   * steps produced a value.
   */
  function rateAlone(i: number): number {
    const { values, present, cursor } = buffers[0];
    cursor.reset();
    while (rateThroughPart(rateRun, series[i].stored!.parts!, values, present, cursor));
    return cursor.count;
  }

  /** Rates series `i` on its own and passes it on; true if it produced a value. */
  function walkAlone(i: number): boolean {
    if (rateAlone(i) <= 0) return false;
    onSeries(series[i], buffers[0].values, buffers[0].present);
    return true;
  }

  function walkBlock(b: number, size: number): void {
    let walking = 0;
    for (let k = 0; k < size; k++) {
      ctx.limits.poll();
      mode[k] = folded?.skip[b + k] ? SKIP : readMode(series[b + k].stored, input.range);
      buffers[k].cursor.reset();
      if (mode[k] !== WALK) continue;
      // One slice (a joined entry's) has no file order to keep: it is walked when its turn
      // comes, in a buffer that the fold then still finds in the CPU's cache.
      if (series[b + k].stored!.parts!.length === 1) mode[k] = WALK_ONE;
      else walking++;
    }
    while (walking > 0) {
      walking = 0;
      for (let k = 0; k < size; k++) {
        if (mode[k] !== WALK) continue;
        const { values, present, cursor } = buffers[k];
        const parts = series[b + k].stored!.parts!;
        if (rateThroughPart(rateRun, parts, values, present, cursor)) walking++;
      }
    }
    for (let k = 0; k < size; k++) {
      if (mode[k] === SKIP) continue;
      const s = series[b + k];
      // Walked above into its own buffer, or computed now into the first.
      const out = mode[k] === WALK ? k : 0;
      let count = -1;
      if (mode[k] === WALK) count = buffers[k].cursor.count;
      else if (mode[k] === WALK_ONE) count = rateAlone(b + k);
      else if (mode[k] === WHOLE) count = run(s.stored!.ts, s.stored!.vs, true, 0);
      if (count < 0) {
        const { ts, vs } = s.samples();
        count = run(ts, vs, false, 0);
      }
      if (count <= 0) continue;
      if (folded) folded.add(b + k, buffers[out].values, buffers[out].present);
      else onSeries(s, buffers[out].values, buffers[out].present);
    }
  }
}

/** A series of one slice, walked on its own (see walkBlock). */
const WALK_ONE = 4;

/** The read mode of a series the helper folds (HelpedFold): the main thread skips it. */
const SKIP = 3;

/** Below this many series, handing blocks to the helper thread costs more than it saves. */
const HELPED_MIN_SERIES = 512;

/**
 * Hands three blocks in four to the helper thread (the main thread also folds every result),
 * those whose series it can walk: all slices narrow, in the cache, walked in place. Null
 * when there is no helper, it is busy, or nothing suits it.
 */
function handOff(
  ctx: EvalContext,
  input: WindowInput,
  func: string,
): { job: HelperJob; blocks: Uint8Array } | null {
  const helper = ctx.rateHelper;
  const series = input.series;
  if (helper === undefined || series.length < HELPED_MIN_SERIES) return null;
  const counter = RATE_KINDS[func].counter;
  const blocks = new Uint8Array(Math.ceil(series.length / BLOCK));
  const handed: (readonly SamplePart[])[] = [];
  for (let block = 0; block < blocks.length; block++) {
    if (block % 4 === 0) continue;
    const from = block * BLOCK;
    const to = Math.min(series.length, from + BLOCK);
    let suits = true;
    for (let i = from; i < to && suits; i++) {
      const stored = series[i].stored;
      suits =
        stored !== null &&
        readMode(stored, input.range) === WALK &&
        helper.holds(stored.parts!, counter);
    }
    if (!suits) continue;
    blocks[block] = 1;
    for (let i = from; i < to; i++) handed.push(series[i].stored!.parts!);
  }
  if (handed.length === 0) return null;
  const job = helper.start(func, input.ends, input.range, handed);
  return job && { job, blocks };
}

function manyNames(series: readonly WindowSeries[]): boolean {
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
export function absentOverTime(ctx: EvalContext, e: Call): StepSeries[] {
  const found = rangeArgument(e);
  if (found === null) throw internal("absent_over_time needs a range vector");
  const { n } = ctx.grid;
  const covered = new Uint8Array(n);
  streamWindows(
    ctx,
    windowsOf(ctx, found.arg),
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
