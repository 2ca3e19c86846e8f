/**
 * Vector matching for arithmetic and comparison operators between two instant vectors:
 * one-to-one, many-to-one (`group_left`) and one-to-many (`group_right`, evaluated as
 * many-to-one with the sides swapped). Signatures, match groups and result label sets are
 * computed once per series or pair; only values and Prometheus's per-step cardinality checks
 * run per step, and only at the steps where both sides hold samples.
 */
import { compareLabels, type Labels } from "../../../shared/model/labels.ts";
import type { BinaryExpr, VectorMatching } from "../parser/ast.ts";
import { PromQLError } from "../value.ts";
import { ARITHMETIC, COMPARISON } from "./binary.ts";
import { put, SeriesCollector } from "./collect.ts";
import type { EvalContext } from "./context.ts";
import { evalVector, internal } from "./eval.ts";
import { formatLabelsGo } from "./format.ts";
import {
  deleteLabels,
  dropMetricName,
  get,
  keepLabels,
  labelsKey,
  matchLabels,
  matchSignature,
  setLabel,
} from "./labelset.ts";
import type { StepSeries } from "./types.ts";

/** The series of one match group: the "many" side and the "one" side. */
interface Group {
  readonly many: StepSeries[];
  readonly one: StepSeries[];
}

function fail(message: string): never {
  throw new PromQLError("execution", message);
}

/** Steps where a side has at least one sample. */
function anyPresent(series: StepSeries[], n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (const s of series) for (let i = 0; i < n; i++) out[i] |= s.present[i];
  return out;
}

/**
 * Evaluates `lhs op rhs` for an arithmetic or comparison operator between vectors, given the
 * left operand's series.
 */
export async function evalMatching(
  ctx: EvalContext,
  e: BinaryExpr,
  lhs: StepSeries[],
): Promise<StepSeries[]> {
  const m = e.matching;
  if (m === null || m.card === "many-to-many") throw internal("bad matching for a vector operator");
  const rhs = await evalVector(ctx, e.rhs);
  const swapped = m.card === "one-to-many";
  const many = swapped ? rhs : lhs;
  const one = swapped ? lhs : rhs;
  const n = ctx.grid.n;
  const a = anyPresent(many, n);
  const b = anyPresent(one, n);
  // Prometheus skips a step outright when either side is empty there: no result, no error.
  const active = a.map((x, i) => x & b[i]);
  const signature = matchSignature(m.on, m.labels);
  const groups = new Map<string, Group>();
  const groupOf = (s: StepSeries) => {
    const key = signature(s.labels);
    let g = groups.get(key);
    if (g === undefined) {
      g = { many: [], one: [] };
      groups.set(key, g);
    }
    return g;
  };
  for (const s of one) groupOf(s).one.push(s);
  const manyGroups = many.map((s) => {
    const g = groupOf(s);
    g.many.push(s);
    return g;
  });
  for (const g of groups.values()) checkOneSide(g, m, active, swapped);
  for (const g of groups.values()) if (g.one.length > 0) checkManySide(g, m, e, active);
  const out = new SeriesCollector(n, ctx.limits);
  many.forEach((l, k) => {
    for (const r of manyGroups[k].one) pair(ctx, e, l, r, active, out);
  });
  return out.finish();
}

/** The "one" side may hold a single series per group at any active step. */
function checkOneSide(g: Group, m: VectorMatching, active: Uint8Array, swapped: boolean): void {
  if (g.one.length < 2) return;
  for (let i = 0; i < active.length; i++) {
    if (!active[i]) continue;
    const here = g.one.filter((s) => s.present[i]);
    if (here.length < 2) continue;
    const [x, y] = here.slice(0, 2).sort((p, q) => compareLabels(p.labels, q.labels));
    const group = formatLabelsGo(matchLabels(here[1].labels, m.on, m.labels));
    fail(
      `found duplicate series for the match group ${group} on the ${swapped ? "left" : "right"} ` +
        `hand-side of the operation: [${formatLabelsGo(x.labels)}, ${formatLabelsGo(y.labels)}]` +
        ";many-to-many matching not allowed: matching labels must be unique on one side",
    );
  }
}

/**
 * One-to-one: a group may match one "many" series per step. Many-to-one: the result label
 * sets of a group must differ at each step.
 */
function checkManySide(g: Group, m: VectorMatching, e: BinaryExpr, active: Uint8Array): void {
  if (g.many.length < 2) return;
  if (m.card === "one-to-one") {
    const clash = overlap(g.many, g.one, active);
    if (clash)
      fail(
        "multiple matches for labels: many-to-one matching must be explicit (group_left/group_right)",
      );
    return;
  }
  for (const r of g.one) {
    const byResult = new Map<string, StepSeries[]>();
    for (const l of g.many) {
      const key = labelsKey(resultLabels(l.labels, r.labels, e));
      const list = byResult.get(key);
      if (list) list.push(l);
      else byResult.set(key, [l]);
    }
    for (const list of byResult.values()) {
      if (list.length > 1 && overlap(list, [r], active)) {
        fail("multiple matches for labels: grouping labels must ensure unique matches");
      }
    }
  }
}

/** True when two of `series` are present at an active step where one of `partners` is. */
function overlap(series: StepSeries[], partners: StepSeries[], active: Uint8Array): boolean {
  for (let i = 0; i < active.length; i++) {
    if (!active[i] || !partners.some((p) => p.present[i])) continue;
    let count = 0;
    for (const s of series) count += s.present[i];
    if (count > 1) return true;
  }
  return false;
}

/** Prometheus's `resultMetric`: the labels of the output of `many op one`. */
export function resultLabels(many: Labels, one: Labels, e: BinaryExpr): Labels {
  const m = e.matching!;
  // Arithmetic makes a new quantity: its name goes at once, whatever the name-removal mode.
  let labels = ARITHMETIC[e.op] !== undefined ? dropMetricName(many) : many;
  if (m.card === "one-to-one") {
    labels = m.on ? keepLabels(labels, m.labels) : deleteLabels(labels, m.labels);
  }
  for (const name of m.include) labels = setLabel(labels, name, get(one, name));
  return labels;
}

/** Computes one (many, one) pair at every active step where both are present. */
function pair(
  ctx: EvalContext,
  e: BinaryExpr,
  l: StepSeries,
  r: StepSeries,
  active: Uint8Array,
  out: SeriesCollector,
): void {
  const swapped = e.matching!.card === "one-to-many";
  const arith = ARITHMETIC[e.op];
  const cmp = COMPARISON[e.op];
  let labels = resultLabels(l.labels, r.labels, e);
  if (e.returnBool && !ctx.delayedNameRemoval) labels = dropMetricName(labels);
  let target: StepSeries | null = null;
  for (let i = 0; i < active.length; i++) {
    if (!active[i] || !l.present[i] || !r.present[i]) continue;
    const x = swapped ? r.values[i] : l.values[i];
    const y = swapped ? l.values[i] : r.values[i];
    let v: number;
    if (arith !== undefined) v = arith(x, y);
    else if (e.returnBool) v = cmp!(x, y) ? 1 : 0;
    else if (cmp!(x, y)) v = x;
    else continue;
    target ??= out.slot(labels, e.returnBool && ctx.delayedNameRemoval);
    put(target, i, v);
  }
}
