/**
 * Evaluates a range call planned onto rollups: per series and step, the rows whose windows
 * make up (t − r, t] go to the row kernel (kernels.ts), found by the same window walk as
 * samples (windows.ts, over the rows' ends); a series read raw because its rows are not exact
 * goes through the sample kernel as any other range call does.
 */
import { RANGE_FUNCTIONS, type Window } from "../../functions/range.ts";
import type { EvalContext } from "../context.ts";
import { internal } from "../eval.ts";
import type { FastPaths } from "../fast_paths.ts";
import { referenceTimes } from "../timing.ts";
import { type KernelCall, streamWindows, type WindowSeries } from "../windows.ts";
import type { RollupInput, RollupSeries } from "./fetch.ts";
import { ROW_KERNELS, type RowKernel, type RowWindow } from "./kernels.ts";
import { NO_ROWS } from "./rows.ts";

/** Receives each output series (as range_calls.ts's `onSeries`). */
export type RollupSink = (s: WindowSeries, values: Float64Array, present: Uint8Array) => void;

/** Streams the output series of `input`'s range call, in label order. */
export async function streamRollups(
  ctx: EvalContext,
  input: RollupInput,
  sink: RollupSink,
): Promise<void> {
  const { plan } = input;
  const rowKernel = ROW_KERNELS[plan.func];
  const sampleKernel = RANGE_FUNCTIONS[plan.func];
  if (rowKernel === undefined || sampleKernel === undefined)
    throw internal(`${plan.func} has no rollup kernel`);
  const ends = referenceTimes(ctx.grid, plan.matrix.vector.offset, null);
  // At a chosen resolution a window ends on the last step multiple before it (plan.ts).
  if (!plan.exact) for (let i = 0; i < ends.length; i++) ends[i] -= mod(ends[i], plan.stepMs);
  const counter = plan.func === "rate" || plan.func === "increase" || plan.func === "resets";
  const rw: RowWindow = { rows: NO_ROWS, a: 0, b: 0, start: 0, end: 0 };
  const calls = {
    samples: { kernel: sampleKernel, params: [], isCounter: () => counter },
    rows: { kernel: onRows(rw, rowKernel), params: [], isCounter: () => counter },
  };
  const range = plan.matrix.range;
  // The fast paths' loop for counters over rows (null in the reference mode).
  const fast = plan.func === "rate" || plan.func === "increase" ? ctx.fast : null;
  for (const s of input.series) {
    if (fast !== null && s.raw === null) {
      await counterSeries(ctx, fast, s, ends, range, plan.func === "rate", sink);
      continue;
    }
    rw.rows = s.rows;
    const call: KernelCall = s.raw === null ? calls.rows : calls.samples;
    const one = { series: [seriesOf(s)], ends, range, pinned: false };
    await streamWindows(ctx, one, call, sink);
  }
}

/**
 * A counter function over one series' rows in the fast paths' one loop (fast/row_counters.ts),
 * as streamWindows() runs the row kernel: a turn when due, the rows touched counted, the series
 * sunk when some step has a value.
 */
async function counterSeries(
  ctx: EvalContext,
  fast: FastPaths,
  s: RollupSeries,
  ends: Float64Array,
  range: number,
  isRate: boolean,
  sink: RollupSink,
): Promise<void> {
  if (ctx.limits.due()) await ctx.limits.turn();
  const values = new Float64Array(ctx.grid.n);
  const present = new Uint8Array(ctx.grid.n);
  const { count, touched } = fast.counterRows(s.rows, ends, range, isRate, values, present);
  ctx.limits.total += touched;
  if (count > 0) sink(seriesOf(s), values, present);
}

function mod(x: number, m: number): number {
  return ((x % m) + m) % m;
}

/** A sample kernel over `rw.rows`: the walk's window over row ends picks the rows. */
function onRows(rw: RowWindow, kernel: RowKernel) {
  return (w: Window): number | null => {
    rw.a = w.lo;
    rw.b = w.hi;
    rw.start = w.start;
    rw.end = w.end;
    return kernel(rw);
  };
}

/** The series as the window walk sees it: its rows' ends, or its raw samples. */
function seriesOf(s: RollupSeries): WindowSeries {
  const raw = s.raw;
  return {
    labels: s.labels,
    metricName: s.metricName,
    dropName: false,
    // Over rows the walk steps on their ends; the row kernel reads the rows, not these values
    // (a read of some fields may hold no `last`).
    samples: () => raw?.rangeSamples() ?? { ts: s.rows.ends, vs: s.rows.ends },
    stored: raw,
  };
}
