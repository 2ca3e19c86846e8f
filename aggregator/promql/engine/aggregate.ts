/**
 * Aggregation operators that fold each group into one value per step: sum, avg, count, min,
 * max, group, stddev, stdvar, quantile. The group of a series is found once, then its values
 * are folded into per-group arrays step by step, straight from the streamed input, so
 * `sum(rate(x[5m]))` holds one group's arrays instead of every input series. The
 * arithmetic follows Prometheus 3: Kahan–Neumaier sums, direct means that fall back to
 * incremental ones on overflow, Welford variances.
 */
import type { Labels } from "../../../shared/model/labels.ts";
import { quantileOf } from "../functions/quantile.ts";
import type { AggregateExpr } from "../parser/ast.ts";
import { countValues } from "./aggregate_count.ts";
import { aggregateK } from "./aggregate_k.ts";
import { messages } from "./annotations.ts";
import { seriesCost } from "./collect.ts";
import type { EvalContext } from "./context.ts";
import { evalScalar, evalVector, streamVector, unwrap } from "./eval.ts";
import { FOLDS, type Fold } from "./folds.ts";
import { groupingKey, groupingLabels, isMetadataLabel } from "./labelset.ts";
import { isRangeCall, streamRangeCall } from "./range_calls.ts";
import { streamSelector } from "./selectors.ts";
import type { SeriesSink, StepSeries } from "./types.ts";

/** One output group: its labels and per-step fold state. */
export interface GroupState {
  readonly labels: Labels;
  /** The folded value (the running sum for sum/avg). */
  readonly value: Float64Array;
  /** Kahan compensation (sum/avg) or running mean (stddev/stdvar). */
  readonly aux: Float64Array;
  /** The running mean of avg once it switched to incremental mode. */
  readonly mean: Float64Array;
  readonly count: Float64Array;
  /** 1 where a member had a value; 2 where avg switched to incremental means. */
  readonly seen: Uint8Array;
  /**
   * The last step of a member that drops its name. Prometheus takes the output's name-drop
   * flag from the group's last step; such a member is present there exactly when its own
   * last step is the group's last step.
   */
  lastDropStep: number;
  /** True once every step has seen a member (`seen` all set), for folds' fast paths. */
  full: boolean;
}

/** Evaluates an aggregation. */
export function evalAggregate(ctx: EvalContext, e: AggregateExpr): Promise<StepSeries[]> {
  switch (e.op) {
    case "topk":
    case "bottomk":
    case "limitk":
    case "limit_ratio":
      return aggregateK(ctx, e);
    case "count_values":
      return countValues(ctx, e);
    case "quantile":
      return quantileAggregate(ctx, e);
    default:
      return foldAggregate(ctx, e, (ctx.fast?.folds ?? FOLDS)[e.op]);
  }
}

/** Finds or creates the group of each input series by its grouping key. */
export function grouper(
  e: AggregateExpr,
  make: (labels: Labels) => GroupState,
): {
  groupOf: (labels: Labels) => GroupState;
  keyOf: (labels: Labels) => string;
  groups: GroupState[];
} {
  const grouping = [...e.grouping].sort();
  const byKey = new Map<string, GroupState>();
  const groups: GroupState[] = [];
  return {
    groups,
    keyOf: (labels) => groupingKey(labels, grouping, e.without),
    groupOf: (labels) => {
      const key = groupingKey(labels, grouping, e.without);
      let g = byKey.get(key);
      if (g === undefined) {
        g = make(groupingLabels(labels, grouping, e.without));
        byKey.set(key, g);
        groups.push(g);
      }
      return g;
    },
  };
}

/**
 * A group's state; `mean` and `count` are made on first use: `sum`, `min` and `max` never use
 * them, and zeroing them cost `sum by` over 63 groups of a 1,435-step day ~3 ms a query.
 */
class Group implements GroupState {
  readonly value: Float64Array;
  readonly aux: Float64Array;
  readonly seen: Uint8Array;
  lastDropStep = -1;
  full = false;
  private means: Float64Array | null = null;
  private counts: Float64Array | null = null;

  constructor(
    readonly labels: Labels,
    private readonly n: number,
  ) {
    this.value = new Float64Array(n);
    this.aux = new Float64Array(n);
    this.seen = new Uint8Array(n);
  }

  get mean(): Float64Array {
    this.means ??= new Float64Array(this.n);
    return this.means;
  }

  get count(): Float64Array {
    this.counts ??= new Float64Array(this.n);
    return this.counts;
  }
}

function newGroup(labels: Labels, n: number): GroupState {
  return new Group(labels, n);
}

async function foldAggregate(
  ctx: EvalContext,
  e: AggregateExpr,
  fold: Fold,
): Promise<StepSeries[]> {
  const n = ctx.grid.n;
  const { groupOf, keyOf, groups } = grouper(e, (labels) => newGroup(labels, n));
  const add = (g: GroupState, values: Float64Array, present: Uint8Array, dropName: boolean) => {
    fold.add(g, values, present, n);
    if (dropName) g.lastDropStep = Math.max(g.lastDropStep, lastStep(present));
  };
  const sink: SeriesSink = (labels, values, present, dropName) =>
    add(groupOf(labels), values, present, dropName);
  const inner = unwrap(e.expr);
  // rate() and its kin can fold whole groups in the helper thread (helped_fold.ts); one
  // group is left to the block hand-off.
  if (inner.type === "Call" && isRangeCall(inner) && (e.without || e.grouping.length > 0)) {
    const ignoresMetadata = !e.without && !e.grouping.some(isMetadataLabel);
    const routing = { op: e.op, keyOf, groupOf, add, groups, ignoresMetadata };
    await streamRangeCall(ctx, inner, sink, routing);
  } else if (inner.type === "VectorSelector" && fold.presenceOnly) {
    await streamSelector(ctx, inner, sink, false, true);
  } else {
    await streamVector(ctx, e.expr, sink);
  }
  return groups.map((g) => finish(ctx, g, fold));
}

/** The last step a presence mask marks, or -1. */
function lastStep(present: Uint8Array): number {
  let i = present.length - 1;
  while (i >= 0 && !present[i]) i--;
  return i;
}

/** The output series of a group, with the name-drop flag of its last step (as Prometheus). */
export function finish(ctx: EvalContext, g: GroupState, fold: Fold): StepSeries {
  const n = g.seen.length;
  const present = new Uint8Array(n);
  let last = -1;
  for (let i = 0; i < n; i++) {
    if (!g.seen[i]) continue;
    present[i] = 1;
    last = i;
    g.value[i] = fold.result(g, i);
  }
  // The group's state over every step (value, aux, seen, and more for some folds), or its points.
  ctx.limits.hold(Math.max(last + 1, seriesCost(g.labels, 2 * n)));
  return {
    labels: g.labels,
    values: g.value,
    present,
    dropName: last >= 0 && g.lastDropStep === last,
  };
}

/** `quantile(φ, v)`: the members' values of each step are gathered and interpolated. */
async function quantileAggregate(ctx: EvalContext, e: AggregateExpr): Promise<StepSeries[]> {
  const q = await evalScalar(ctx, e.param!);
  warnQuantileParam(ctx, e, q);
  const n = ctx.grid.n;
  const members = new Map<GroupState, StepSeries[]>();
  const { groupOf, groups } = grouper(e, (labels) => newGroup(labels, n));
  for (const s of await evalVector(ctx, e.expr)) {
    const g = groupOf(s.labels);
    const list = members.get(g);
    if (list) list.push(s);
    else members.set(g, [s]);
    if (s.dropName) g.lastDropStep = Math.max(g.lastDropStep, lastStep(s.present));
  }
  let scratch = new Float64Array(16);
  const fold: Fold = {
    add: () => {},
    result: (g, i) => {
      const list = members.get(g)!;
      if (scratch.length < list.length) scratch = new Float64Array(list.length * 2);
      let m = 0;
      for (const s of list) if (s.present[i]) scratch[m++] = s.values[i];
      return quantileOf(q[i], scratch, 0, m);
    },
  };
  for (const [g, list] of members) {
    for (const s of list) for (let i = 0; i < n; i++) g.seen[i] |= s.present[i];
  }
  return groups.map((g) => finish(ctx, g, fold));
}

/** Prometheus warns about a φ out of [0, 1] once per query, from the extremes over all steps. */
function warnQuantileParam(ctx: EvalContext, e: AggregateExpr, q: Float64Array): void {
  const { min, max } = paramRange(q);
  const span = e.param!.span;
  // As with Go's math.Max, a NaN anywhere makes both extremes NaN.
  if (Number.isNaN(max)) {
    ctx.annotations.warn(messages.invalidQuantile(Number.NaN), span);
    return;
  }
  if (max > 1) ctx.annotations.warn(messages.invalidQuantile(max), span);
  if (min < 0) ctx.annotations.warn(messages.invalidQuantile(min), span);
}

/** The smallest and largest value of a parameter over all steps; NaN for both if any is NaN. */
export function paramRange(values: Float64Array): { min: number; max: number } {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const v of values) {
    if (Number.isNaN(v)) return { min: Number.NaN, max: Number.NaN };
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return { min, max };
}
