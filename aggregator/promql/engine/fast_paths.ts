/**
 * The seam between the evaluator and its speed-only paths (engine/fast/): sliding windows over
 * stored slices, the rate helper thread, lookups in slices, folds without per-step tests. The
 * evaluator asks `ctx.fast` and, when it is null (the reference mode) or declines, runs the
 * reference code: range kernels window by window (functions/), lookups in one joined array,
 * Prometheus's folds step by step. Both give the same answers bit for bit; the conformance
 * modes and the differential test (promqltest/modes.ts, test/conformance/promql_differential.test.ts) hold them to it.
 * Only engine.ts builds a FastPaths, so that this file and the fast folder are the only ways in.
 */
import type { Labels } from "../../../shared/model/labels.ts";
import type { GroupState } from "./aggregate.ts";
import type { EvalContext } from "./context.ts";
import type { SelectedSeries } from "./data.ts";
import type { Fold } from "./folds.ts";
import type { Rows } from "./rollup/rows.ts";
import type { WindowInput, WindowSeries } from "./windows.ts";

/** What an aggregation offers the rate() under it: its groups, found by output labels. */
export interface GroupRouting {
  /** The aggregation operator, a key of the folds. */
  readonly op: string;
  /** The key of the group of an output series' labels (equal keys, same group). */
  keyOf(labels: Labels): string;
  /** The group of an output series, made on first call. */
  groupOf(labels: Labels): GroupState;
  /**
   * True when the group of a series does not depend on its metadata labels (`by` labels
   * other than `__name__`, `__type__`, `__unit__`): an input series' labels then find its
   * group without being relabelled first.
   */
  readonly ignoresMetadata: boolean;
  /** Folds a series into its group, as the aggregation's sink does. */
  add(g: GroupState, values: Float64Array, present: Uint8Array, dropName: boolean): void;
  /** The groups in output order (a fast path may rewrite it). */
  readonly groups: GroupState[];
}

/** The output labels of an input series, as the range function gives them. */
export type Relabel = (index: number) => { labels: Labels; dropName: boolean };

/** Receives each output series of a range function with its input series. */
export type WindowSink = (s: WindowSeries, values: Float64Array, present: Uint8Array) => void;

/** The speed-only paths; `EvalContext.fast` is null in the reference mode. */
export interface FastPaths {
  /**
   * Streams `func(input)` through the sliding-window path when it has one for `func` (every
   * range function of functions/range.ts: rate, increase and delta in fast_rate.ts, the others
   * in range_kernels.ts); resolves false when it declines and the caller must run the kernels.
   * `params` are the scalar arguments, one value per step each.
   * With `grouped`, the series may be folded into the aggregation's groups directly (on
   * both threads) instead of reaching `onSeries`.
   */
  streamRange(
    ctx: EvalContext,
    input: WindowInput,
    func: string,
    params: readonly Float64Array[],
    onSeries: WindowSink,
    grouped?: { routing: GroupRouting; relabel: Relabel },
  ): Promise<boolean>;
  /**
   * The sample of `s` at each step (the latest in its lookback window, unless a staleness
   * marker), read from its stored slices in place; returns how many steps have one.
   */
  lookupSteps(
    ctx: EvalContext,
    s: SelectedSeries,
    offset: number,
    values: Float64Array,
    present: Uint8Array,
    timestamps: boolean,
    /** Only `present` is read (count, group): `values` may be left as it was. */
    presenceOnly?: boolean,
  ): number;
  /** The aggregations' folds. */
  readonly folds: Readonly<Record<string, Fold>>;
  /**
   * `rate` (`isRate`) or `increase` over one series' rollup rows, every window (end − range,
   * end] of `ends` (rollup/stream.ts; the reference runs the row kernels window by window):
   * the windows with a value, and the rows the windows touched together.
   */
  counterRows(
    rows: Rows,
    ends: Float64Array,
    range: number,
    isRate: boolean,
    values: Float64Array,
    present: Uint8Array,
  ): { count: number; touched: number };
}

/**
 * Test-only settings of the fast paths: the conformance runner lowers the thresholds so
 * that the helper thread takes every query it can, however small.
 */
export interface FastTuning {
  /** Fewest series a rate() needs before the helper thread takes part (512). */
  readonly helperMinSeries?: number;
  /** Series per block of the rate walk and of the hand-off to the helper (32). */
  readonly block?: number;
  /**
   * Ranges per stored slice a series' span must hold for rate() to walk its slices in place
   * rather than join them (4); 0 walks them whatever the range.
   */
  readonly walkRatio?: number;
  /**
   * Share an aggregation's groups with the helper however few or big they are (by default one
   * group, or one holding over a third of the series, keeps the block hand-off).
   */
  readonly shareAnyGroups?: boolean;
  /**
   * Run every range function but rate/increase/delta through its reference kernel on each
   * window (still over the shared window plans and the slices in place) instead of its
   * sliding kernel: the baseline the sliding kernels are measured and held against.
   */
  readonly perWindowKernels?: boolean;
  /**
   * Read narrow values (whole-number offsets) in place with the kernels that have a form for
   * them (max/min_over_time) (true). false widens them and runs the sliding kernel: the
   * baseline the narrow kernels are held to.
   */
  readonly narrowKernels?: boolean;
}
