/**
 * The evaluator's dispatch: one function per node type, each evaluating its node over the
 * whole step grid at once. Nodes that map input series one to one (selectors, range
 * functions, math functions, vector-scalar arithmetic, negation) can also *stream* their
 * series to a consumer, so `sum(rate(x[5m]))` never materialises the inner vector.
 */
import type { Expr } from "../parser/ast.ts";
import { exprType } from "../parser/check.ts";
import { PromQLError } from "../value.ts";
import { evalAggregate } from "./aggregate.ts";
import { evalBinary, streamsAsVectorScalar, streamVectorScalar } from "./binary.ts";
import { evalCall, streamableCall, streamCall } from "./calls.ts";
import { SeriesCollector } from "./collect.ts";
import { dropName, type EvalContext } from "./context.ts";
import { matrixAtFirstStep, streamSelector } from "./selectors.ts";
import { subqueryAtFirstStep } from "./subquery.ts";
import { constantScalar, type SeriesSink, type StepSeries, type Value } from "./types.ts";

/** The value type of an expression (the parser has already checked it is well typed). */
export const typeOf = exprType;

/** Strips parentheses, as Prometheus does for function arguments and parameters. */
export function unwrap(e: Expr): Expr {
  while (e.type === "ParenExpr") e = e.expr;
  return e;
}

/** Evaluates any expression on the context's grid. */
export async function evaluate(ctx: EvalContext, e: Expr): Promise<Value> {
  await ctx.limits.turn();
  switch (e.type) {
    case "NumberLiteral":
      return { kind: "scalar", values: constantScalar(ctx.grid.n, e.value) };
    case "StringLiteral":
      return { kind: "string", value: e.value };
    case "ParenExpr":
      return evaluate(ctx, e.expr);
    case "MatrixSelector":
      return { kind: "matrix", series: matrixAtFirstStep(ctx, e) };
    case "SubqueryExpr":
      return { kind: "matrix", series: await subqueryAtFirstStep(ctx, e) };
    case "BinaryExpr":
      return evalBinary(ctx, e);
    case "Call":
      return evalCall(ctx, e);
    case "AggregateExpr":
      return { kind: "vector", series: await evalAggregate(ctx, e) };
    case "UnaryExpr":
      return evalUnary(ctx, e.op, e.expr);
    case "VectorSelector":
      return { kind: "vector", series: await evalVector(ctx, e) };
  }
}

/** Evaluates an instant-vector expression into its series. */
export async function evalVector(ctx: EvalContext, e: Expr): Promise<StepSeries[]> {
  if (streams(e)) return collectSeries(ctx, (sink) => streamVector(ctx, e, sink));
  const v = await evaluate(ctx, e);
  if (v.kind !== "vector") throw internal(`expected an instant vector, got a ${v.kind}`);
  return v.series;
}

/** The series `feed` hands to its sink, copied and counted against the sample limit. */
export async function collectSeries(
  ctx: EvalContext,
  feed: (sink: SeriesSink) => Promise<void>,
): Promise<StepSeries[]> {
  const out = new SeriesCollector(ctx.grid.n, ctx.limits);
  await feed((labels, values, present, drop) => out.add(labels, values, present, drop));
  return out.finish();
}

/** Evaluates a scalar expression: one value per step. */
export async function evalScalar(ctx: EvalContext, e: Expr): Promise<Float64Array> {
  const v = await evaluate(ctx, e);
  if (v.kind !== "scalar") throw internal(`expected a scalar, got a ${v.kind}`);
  return v.values;
}

/** The text of a string argument. */
export function evalString(e: Expr): string {
  const s = unwrap(e);
  if (s.type !== "StringLiteral") throw internal("expected a string literal");
  return s.value;
}

/** True when `e` can hand its series over one at a time. */
function streams(e: Expr): boolean {
  switch (e.type) {
    case "VectorSelector":
      return true;
    case "ParenExpr":
      return streams(e.expr);
    case "UnaryExpr":
      return typeOf(e) === "vector";
    case "Call":
      return streamableCall(e);
    case "BinaryExpr":
      return streamsAsVectorScalar(e);
    default:
      return false;
  }
}

/**
 * Hands the series of an instant-vector expression to `sink` one at a time. The sink runs
 * synchronously; the producers give other queries a turn between series (Limits.turn).
 */
export async function streamVector(ctx: EvalContext, e: Expr, sink: SeriesSink): Promise<void> {
  if (e.type === "VectorSelector") {
    await streamSelector(ctx, e, sink);
  } else if (e.type === "ParenExpr") {
    await streamVector(ctx, e.expr, sink);
  } else if (e.type === "UnaryExpr") {
    await streamVector(ctx, e.expr, e.op === "+" ? sink : negatingSink(ctx, sink));
  } else if (e.type === "Call" && streamableCall(e)) {
    await streamCall(ctx, e, sink);
  } else if (e.type === "BinaryExpr" && streamsAsVectorScalar(e)) {
    await streamVectorScalar(ctx, e, sink);
  } else {
    const series = await evalVector(ctx, e);
    for (let i = 0; i < series.length; i++) {
      const s = series[i];
      sink(s.labels, s.values, s.present, s.dropName);
      if (ctx.limits.due()) await ctx.limits.turn();
    }
  }
}

function negatingSink(ctx: EvalContext, sink: SeriesSink): SeriesSink {
  let scratch = new Float64Array(0);
  return (labels, values, present, _drop) => {
    if (scratch.length !== values.length) scratch = new Float64Array(values.length);
    for (let i = 0; i < values.length; i++) scratch[i] = -values[i];
    const d = dropName(ctx, labels);
    sink(d.labels, scratch, present, d.dropName);
  };
}

async function evalUnary(ctx: EvalContext, op: "-" | "+", e: Expr): Promise<Value> {
  if (typeOf(e) === "scalar") {
    const v = await evalScalar(ctx, e);
    return { kind: "scalar", values: op === "-" ? v.map((x) => -x) : v };
  }
  const expr: Expr = { type: "UnaryExpr", op, expr: e, span: e.span };
  return { kind: "vector", series: await evalVector(ctx, expr) };
}

/** An engine bug surfaced as Prometheus's "internal" error type. */
export function internal(message: string): PromQLError {
  return new PromQLError("internal", `Cannot evaluate the query: ${message}`);
}
