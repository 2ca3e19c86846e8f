/**
 * Binary operators: scalar/scalar element-wise, vector/scalar streamed series by series, and
 * vector/vector through vector matching (matching.ts) or the set operators (setops.ts).
 */
import type { BinaryExpr, BinaryOp } from "../parser/ast.ts";
import { dropName, type EvalContext } from "./context.ts";
import { evalScalar, evalVector, streamVector, typeOf } from "./eval.ts";
import { evalMatching } from "./matching.ts";
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

/** Evaluates a binary expression. */
export async function evalBinary(ctx: EvalContext, e: BinaryExpr): Promise<Value> {
  const lt = typeOf(e.lhs);
  const rt = typeOf(e.rhs);
  if (lt === "scalar" && rt === "scalar") return { kind: "scalar", values: await scalarOp(ctx, e) };
  if (lt === "vector" && rt === "vector") {
    const series = isSetOp(e.op) ? await evalSetOp(ctx, e) : await evalMatching(ctx, e);
    return { kind: "vector", series };
  }
  return { kind: "vector", series: await evalVector(ctx, e) };
}

async function scalarOp(ctx: EvalContext, e: BinaryExpr): Promise<Float64Array> {
  const a = await evalScalar(ctx, e.lhs);
  const b = await evalScalar(ctx, e.rhs);
  const out = new Float64Array(a.length);
  const arith = ARITHMETIC[e.op];
  const cmp = COMPARISON[e.op];
  for (let i = 0; i < out.length; i++) {
    out[i] = arith ? arith(a[i], b[i]) : cmp!(a[i], b[i]) ? 1 : 0;
  }
  return out;
}

/** True when `e` combines one vector with one scalar. */
export function streamsAsVectorScalar(e: BinaryExpr): boolean {
  const lt = typeOf(e.lhs);
  const rt = typeOf(e.rhs);
  return (lt === "vector" && rt === "scalar") || (lt === "scalar" && rt === "vector");
}

/** Streams `vector op scalar` (or `scalar op vector`) series by series. */
export async function streamVectorScalar(
  ctx: EvalContext,
  e: BinaryExpr,
  sink: SeriesSink,
): Promise<void> {
  const vectorLeft = typeOf(e.lhs) === "vector";
  const scalar = await evalScalar(ctx, vectorLeft ? e.rhs : e.lhs);
  const arith = ARITHMETIC[e.op];
  const cmp = COMPARISON[e.op];
  const n = ctx.grid.n;
  const out = new Float64Array(n);
  const mask = new Uint8Array(n);
  // Arithmetic and `bool` results are new values: they lose the metric name.
  const renames = arith !== undefined || e.returnBool;
  await streamVector(ctx, vectorLeft ? e.lhs : e.rhs, (labels, values, present, drop) => {
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
  });
}
