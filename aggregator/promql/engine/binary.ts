/**
 * Binary operators: scalar/scalar element-wise, vector/scalar streamed series by series, and
 * vector/vector through vector matching (matching.ts) or the set operators (setops.ts). Chains
 * of operators are evaluated in a loop, not by recursion (a query may chain 100,000).
 */
import type { BinaryExpr, BinaryOp, Expr } from "../parser/ast.ts";
import { dropName, type EvalContext } from "./context.ts";
import {
  collectSeries,
  evalScalar,
  evaluate,
  evalVector,
  internal,
  streamVector,
  typeOf,
} from "./eval.ts";
import { evalMatching } from "./matching.ts";
import { leftSpine } from "./plan.ts";
import { evalSetOp } from "./setops.ts";
import type { SeriesSink, Value } from "./types.ts";

/** Go's `math.Pow`, which differs from `**` for a base of ±1 and NaN or infinite exponents. */
export function goPow(x: number, y: number): number {
  if (x === 1) return 1;
  if (x === -1 && (y === Number.POSITIVE_INFINITY || y === Number.NEGATIVE_INFINITY)) return 1;
  return x ** y;
}

/** The arithmetic operators. */
export const ARITHMETIC: Partial<Record<BinaryOp, (a: number, b: number) => number>> = {
  "+": (a, b) => a + b,
  "-": (a, b) => a - b,
  "*": (a, b) => a * b,
  "/": (a, b) => a / b,
  "%": (a, b) => a % b,
  "^": goPow,
  atan2: Math.atan2,
};

/** The comparison operators. */
export const COMPARISON: Partial<Record<BinaryOp, (a: number, b: number) => boolean>> = {
  "==": (a, b) => a === b,
  "!=": (a, b) => a !== b,
  ">": (a, b) => a > b,
  "<": (a, b) => a < b,
  ">=": (a, b) => a >= b,
  "<=": (a, b) => a <= b,
};

/** True for `and`, `or`, `unless`. */
export function isSetOp(op: BinaryOp): boolean {
  return op === "and" || op === "or" || op === "unless";
}

/**
 * A chain of vector/scalar operators longer than this is not streamed: each operator streams
 * through the one below it, a few stack frames each.
 */
const STREAMED_CHAIN = 64;

/**
 * Evaluates a binary expression. A chain `a op b op … op z` is evaluated from its bottom up in
 * a loop, each operator applied to the value of the ones below it, so chains of any length
 * nest nothing; a vector/scalar operator near the bottom streams the ones below it as before.
 */
export async function evalBinary(ctx: EvalContext, top: BinaryExpr): Promise<Value> {
  if (streamsAsVectorScalar(top)) return { kind: "vector", series: await evalVector(ctx, top) };
  const { nodes, bottom } = leftSpine(top);
  let end = nodes.length;
  for (let i = Math.max(1, nodes.length - STREAMED_CHAIN); i < nodes.length; i++) {
    if (vectorAndScalar(nodes[i])) {
      end = i;
      break;
    }
  }
  let value = await evaluate(ctx, end === nodes.length ? bottom : nodes[end]);
  for (let i = end - 1; i >= 0; i--) value = await applyBinary(ctx, nodes[i], value);
  return value;
}

/** `e` evaluated with its left operand's value already known. */
async function applyBinary(ctx: EvalContext, e: BinaryExpr, lhs: Value): Promise<Value> {
  const rt = typeOf(e.rhs);
  if (lhs.kind === "scalar" && rt === "scalar") {
    return { kind: "scalar", values: scalarOp(e, lhs.values, await evalScalar(ctx, e.rhs)) };
  }
  if (lhs.kind === "vector" && rt === "vector") {
    const series = isSetOp(e.op)
      ? await evalSetOp(ctx, e, lhs.series)
      : await evalMatching(ctx, e, lhs.series);
    return { kind: "vector", series };
  }
  if (lhs.kind === "vector") {
    const scalar = await evalScalar(ctx, e.rhs);
    return collectVector(ctx, async (sink) => {
      const apply = vectorScalarSink(ctx, e, scalar, true, sink);
      for (const s of lhs.series) {
        apply(s.labels, s.values, s.present, s.dropName);
        if (ctx.limits.due()) await ctx.limits.turn();
      }
    });
  }
  if (lhs.kind === "scalar") {
    const scalar = lhs.values;
    return collectVector(ctx, (sink) =>
      streamVector(ctx, e.rhs, vectorScalarSink(ctx, e, scalar, false, sink)),
    );
  }
  throw internal(`a ${lhs.kind} as the operand of ${e.op}`);
}

async function collectVector(
  ctx: EvalContext,
  feed: (sink: SeriesSink) => Promise<void>,
): Promise<Value> {
  return { kind: "vector", series: await collectSeries(ctx, feed) };
}

function scalarOp(e: BinaryExpr, a: Float64Array, b: Float64Array): Float64Array {
  const out = new Float64Array(a.length);
  const arith = ARITHMETIC[e.op];
  const cmp = COMPARISON[e.op];
  for (let i = 0; i < out.length; i++) {
    out[i] = arith ? arith(a[i], b[i]) : cmp!(a[i], b[i]) ? 1 : 0;
  }
  return out;
}

function vectorAndScalar(e: BinaryExpr): boolean {
  const lt = typeOf(e.lhs);
  const rt = typeOf(e.rhs);
  return (lt === "vector" && rt === "scalar") || (lt === "scalar" && rt === "vector");
}

/** True when `e` combines one vector with one scalar and streams (it is no long chain). */
export function streamsAsVectorScalar(e: BinaryExpr): boolean {
  if (!vectorAndScalar(e)) return false;
  let n = 0;
  for (let node: Expr = e; node.type === "BinaryExpr"; node = node.lhs) {
    if (++n > STREAMED_CHAIN) return false;
  }
  return true;
}

/** Streams `vector op scalar` (or `scalar op vector`) series by series. */
export async function streamVectorScalar(
  ctx: EvalContext,
  e: BinaryExpr,
  sink: SeriesSink,
): Promise<void> {
  const vectorLeft = typeOf(e.lhs) === "vector";
  const scalar = await evalScalar(ctx, vectorLeft ? e.rhs : e.lhs);
  const apply = vectorScalarSink(ctx, e, scalar, vectorLeft, sink);
  await streamVector(ctx, vectorLeft ? e.lhs : e.rhs, apply);
}

/** What `vector op scalar` makes of each series of the vector, handed on to `sink`. */
function vectorScalarSink(
  ctx: EvalContext,
  e: BinaryExpr,
  scalar: Float64Array,
  vectorLeft: boolean,
  sink: SeriesSink,
): SeriesSink {
  const arith = ARITHMETIC[e.op];
  const cmp = COMPARISON[e.op];
  const n = ctx.grid.n;
  const out = new Float64Array(n);
  const mask = new Uint8Array(n);
  // Arithmetic and `bool` results are new values: they lose the metric name.
  const renames = arith !== undefined || e.returnBool;
  return (labels, values, present, drop) => {
    let count = 0;
    for (let i = 0; i < n; i++) {
      mask[i] = 0;
      if (!present[i]) continue;
      const v = values[i];
      const l = vectorLeft ? v : scalar[i];
      const r = vectorLeft ? scalar[i] : v;
      if (arith !== undefined) {
        out[i] = arith(l, r);
      } else if (e.returnBool) {
        out[i] = cmp!(l, r) ? 1 : 0;
      } else if (cmp!(l, r)) {
        // A filtering comparison keeps the vector's value, whichever side it is on.
        out[i] = v;
      } else {
        continue;
      }
      mask[i] = 1;
      count++;
    }
    if (count === 0) return;
    if (!renames) return sink(labels, out, mask, drop);
    const d = dropName(ctx, labels);
    sink(d.labels, out, mask, d.dropName);
  };
}
