/**
 * `topk`, `bottomk`, `limitk` and `limit_ratio`: operators that keep some input series per
 * group and step. The selection replays Prometheus's binary heaps (container/heap with its
 * NaN-first ordering), so ties and NaNs pick the same series, and an instant query lists
 * them in Prometheus's order: groups in input order, topk descending, bottomk ascending.
 */
import type { AggregateExpr } from "../parser/ast.ts";
import { PromQLError } from "../value.ts";
import { paramRange } from "./aggregate.ts";
import { messages } from "./annotations.ts";
import { put, SeriesCollector } from "./collect.ts";
import type { EvalContext } from "./context.ts";
import { evalScalar, evalVector } from "./eval.ts";
import { formatGoFloat } from "./format.ts";
import { goSortFunc } from "./go_sort.ts";
import { keepForRatio, sampleOffset } from "./hash.ts";
import { groupingKey } from "./labelset.ts";
import type { StepSeries } from "./types.ts";

/** Orders heap entries (series indices) by their value at the current step. */
type Less = (a: number, b: number) => boolean;

function up(h: number[], j: number, less: Less): void {
  while (j > 0) {
    const i = (j - 1) >> 1;
    if (!less(h[j], h[i])) break;
    [h[i], h[j]] = [h[j], h[i]];
    j = i;
  }
}

function down(h: number[], i0: number, less: Less): boolean {
  let i = i0;
  for (;;) {
    const j1 = 2 * i + 1;
    if (j1 >= h.length) break;
    let j = j1;
    if (j1 + 1 < h.length && less(h[j1 + 1], h[j1])) j = j1 + 1;
    if (!less(h[j], h[i])) break;
    [h[i], h[j]] = [h[j], h[i]];
    i = j;
  }
  return i > i0;
}

function push(h: number[], x: number, less: Less): void {
  h.push(x);
  up(h, h.length - 1, less);
}

function fail(message: string): never {
  throw new PromQLError("execution", message);
}

/** The largest float64 below 2^63, and -2^63: the int64 range as Prometheus checks it. */
const MAX_INT64 = 2 ** 63 - 1024;
const MIN_INT64 = -(2 ** 63);

/** Checks the parameter as Prometheus does; false when no step can output anything. */
function checkParam(ctx: EvalContext, e: AggregateExpr, params: Float64Array): boolean {
  const { min, max } = paramRange(params);
  if (e.op === "limit_ratio") {
    if (max === 0 && min === 0) return false;
    if (Number.isNaN(max)) fail("Ratio value is NaN");
    if (max > 1) ctx.annotations.warn(messages.invalidRatio(max, 1), e.param!.span);
    if (min < -1) ctx.annotations.warn(messages.invalidRatio(min, -1), e.param!.span);
    return true;
  }
  if (max < 1) return false;
  if (Number.isNaN(max)) fail("Parameter value is NaN");
  if (min <= MIN_INT64) fail(`Scalar value ${formatGoFloat(min)} underflows int64`);
  if (max >= MAX_INT64) fail(`Scalar value ${formatGoFloat(max)} overflows int64`);
  return true;
}

/** Evaluates topk, bottomk, limitk or limit_ratio. */
export async function aggregateK(ctx: EvalContext, e: AggregateExpr): Promise<StepSeries[]> {
  const params = await evalScalar(ctx, e.param!);
  if (!checkParam(ctx, e, params)) return [];
  const input = await evalVector(ctx, e.expr);
  const grouping = [...e.grouping].sort();
  const groupIndex = new Map<string, number>();
  const groupOf = Int32Array.from(input, (s) => {
    const key = groupingKey(s.labels, grouping, e.without);
    if (!groupIndex.has(key)) groupIndex.set(key, groupIndex.size);
    return groupIndex.get(key)!;
  });
  const offsets = e.op === "limit_ratio" ? input.map((s) => sampleOffset(s.labels)) : [];
  const out = new SeriesCollector(ctx.grid.n, ctx.limits);
  const heaps: number[][] = Array.from({ length: groupIndex.size }, () => []);
  for (let i = 0; i < ctx.grid.n; i++) {
    ctx.limits.poll();
    if (ctx.limits.due()) await ctx.limits.turn();
    for (const h of heaps) h.length = 0;
    if (!selectStep(e, input, groupOf, offsets, params[i], i, heaps)) continue;
    for (const h of heaps) {
      for (const k of ordered(e, h, input, i)) {
        const s = input[k];
        put(out.slot(s.labels, s.dropName), i, s.values[i]);
      }
    }
  }
  return out.finish();
}

/** Fills each group's heap for step `i`; false when the parameter rules the step out. */
function selectStep(
  e: AggregateExpr,
  input: StepSeries[],
  groupOf: Int32Array,
  offsets: number[],
  param: number,
  i: number,
  heaps: number[][],
): boolean {
  const v = (k: number) => input[k].values[i];
  const byValue: Less = (a, b) => Number.isNaN(v(a)) || v(a) < v(b);
  const byReverse: Less = (a, b) => Number.isNaN(v(a)) || v(a) > v(b);
  const k = Math.min(Math.trunc(param), input.length);
  const ratio = Math.max(-1, Math.min(1, param));
  if (e.op === "limit_ratio" ? param === 0 : k < 1) return false;
  for (let si = 0; si < input.length; si++) {
    if (!input[si].present[i]) continue;
    const h = heaps[groupOf[si]];
    const x = v(si);
    switch (e.op) {
      case "topk":
        if (h.length < k) push(h, si, byValue);
        else if (v(h[0]) < x || (Number.isNaN(v(h[0])) && !Number.isNaN(x))) {
          h[0] = si;
          if (k > 1 && !down(h, 0, byValue)) up(h, 0, byValue);
        }
        break;
      case "bottomk":
        if (h.length < k) push(h, si, byReverse);
        else if (v(h[0]) > x || (Number.isNaN(v(h[0])) && !Number.isNaN(x))) {
          h[0] = si;
          if (k > 1 && !down(h, 0, byReverse)) up(h, 0, byReverse);
        }
        break;
      case "limitk":
        if (h.length < k) push(h, si, byValue);
        break;
      case "limit_ratio":
        if (keepForRatio(ratio, offsets[si])) push(h, si, byValue);
        break;
    }
  }
  return true;
}

/**
 * A group's selected series in Prometheus's output order: `sort.Sort(sort.Reverse(heap))` over
 * the heap's array, whose "less" (NaN at j, or v[j] beyond v[i]) holds both ways for two NaNs
 * and neither way for equal values, so Go's sort algorithm is replayed to place those.
 */
function ordered(e: AggregateExpr, h: number[], input: StepSeries[], i: number): number[] {
  if (h.length < 2 || (e.op !== "topk" && e.op !== "bottomk")) return h;
  const v = (k: number) => input[k].values[i];
  const before =
    e.op === "topk"
      ? (x: number, y: number) => Number.isNaN(y) || y < x
      : (x: number, y: number) => Number.isNaN(y) || y > x;
  return goSortFunc([...h], (a, b) => (before(v(a), v(b)) ? -1 : 1));
}
