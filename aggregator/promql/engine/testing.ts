/**
 * Test helpers for the engine: syntax-tree builders for queries written without the parser,
 * and runners for trees and texts. The tests' store is storage/memory.ts.
 */

import type { Labels } from "../../../shared/model/labels.ts";
import type { LabelMatcher, Queryable } from "../../storage/storage.ts";
import type {
  AggregateExpr,
  AggregateOp,
  AtModifier,
  BinaryExpr,
  BinaryOp,
  Call,
  Expr,
  MatrixSelector,
  SubqueryExpr,
  VectorMatching,
  VectorSelector,
} from "../parser/ast.ts";
import type { QueryOutcome } from "../value.ts";
import { Engine, type EngineOptions } from "./engine.ts";
import { execute } from "./execute.ts";
import { fastPaths } from "./fast/index.ts";

const at0 = { start: 0, end: 0 };

/** `name{label="value", …}`; `matchers` may also be full matchers. */
export function sel(
  name: string,
  matchers: Record<string, string> | readonly LabelMatcher[] = {},
  opts: { offset?: number; at?: AtModifier } = {},
): VectorSelector {
  const list: LabelMatcher[] = Array.isArray(matchers)
    ? [...matchers]
    : Object.entries(matchers).map(([n, v]) => ({ name: n, type: "=" as const, value: v }));
  if (name !== "") list.unshift({ name: "__name__", type: "=", value: name });
  return {
    type: "VectorSelector",
    name,
    matchers: list,
    offset: opts.offset ?? 0,
    at: opts.at ?? null,
    span: at0,
  };
}

/** `v[range]`. */
export function mat(vector: VectorSelector, range: number): MatrixSelector {
  return { type: "MatrixSelector", vector, range, span: vector.span };
}

/** `expr[range:step] offset o @ t`. */
export function sub(
  expr: Expr,
  range: number,
  step: number,
  opts: { offset?: number; at?: AtModifier } = {},
): SubqueryExpr {
  return {
    type: "SubqueryExpr",
    expr,
    range,
    step,
    offset: opts.offset ?? 0,
    at: opts.at ?? null,
    span: at0,
  };
}

/** `func(args…)`. */
export function call(func: string, ...args: Expr[]): Call {
  return { type: "Call", func, args, span: at0 };
}

/** A number literal. */
export function num(value: number): Expr {
  return { type: "NumberLiteral", value, span: at0 };
}

/** A string literal. */
export function str(value: string): Expr {
  return { type: "StringLiteral", value, span: at0 };
}

/** `op by|without (grouping) (param, expr)`. */
export function agg(
  op: AggregateOp,
  expr: Expr,
  opts: { by?: string[]; without?: string[]; param?: Expr } = {},
): AggregateExpr {
  return {
    type: "AggregateExpr",
    op,
    expr,
    param: opts.param ?? null,
    grouping: opts.without ?? opts.by ?? [],
    without: opts.without !== undefined,
    span: at0,
  };
}

/** `lhs op [bool] [on|ignoring(…)] [group_x(…)] rhs`. */
export function bin(
  op: BinaryOp,
  lhs: Expr,
  rhs: Expr,
  opts: { matching?: Partial<VectorMatching>; bool?: boolean } = {},
): BinaryExpr {
  const vectors = isVector(lhs) && isVector(rhs);
  const setOp = op === "and" || op === "or" || op === "unless";
  const matching: VectorMatching | null = vectors
    ? {
        card: setOp ? "many-to-many" : "one-to-one",
        labels: [],
        on: false,
        include: [],
        ...opts.matching,
      }
    : null;
  return { type: "BinaryExpr", op, lhs, rhs, matching, returnBool: opts.bool ?? false, span: at0 };
}

function isVector(e: Expr): boolean {
  return !(
    e.type === "NumberLiteral" ||
    (e.type === "Call" && ["time", "pi", "scalar"].includes(e.func))
  );
}

/** `-expr`. */
export function neg(expr: Expr): Expr {
  return { type: "UnaryExpr", op: "-", expr, span: at0 };
}

/** Where to evaluate: an instant `{ time }` or a range `{ start, end, step }`. */
export type At = { time: number } | { start: number; end: number; step: number };

/** Executes a syntax tree against `store` as the engine would. */
export function run(
  store: Queryable,
  expr: Expr,
  at: At,
  opts: {
    delayedNameRemoval?: boolean;
    maxSamples?: number;
    query?: string;
    /** Run through the reference code only (see fast_paths.ts). */
    reference?: boolean;
  } = {},
): Promise<QueryOutcome> {
  const range = "start" in at;
  const grid = range
    ? { start: at.start, step: at.step, n: Math.floor((at.end - at.start) / at.step) + 1 }
    : { start: at.time, step: 1, n: 1 };
  return execute(store, {
    query: opts.query ?? "",
    expr,
    grid,
    range,
    lookback: 300_000,
    began: performance.now(),
    deadline: performance.now() + 60_000,
    maxSamples: opts.maxSamples ?? 50_000_000,
    signal: undefined,
    resolution: "raw",
    rollupSpans: {},
    delayedNameRemoval: opts.delayedNameRemoval ?? true,
    defaultSubqueryStep: 60_000,
    fast: opts.reference ? null : fastPaths(undefined),
  });
}

/**
 * Runs `query` through a fresh Engine over `store`, set up as Prometheus's test engine is:
 * delayed name removal and experimental functions on.
 */
export function query(
  store: Queryable,
  text: string,
  at: At,
  options: EngineOptions = {},
): Promise<QueryOutcome> {
  const engine = new Engine({
    enableDelayedNameRemoval: true,
    enableExperimentalFunctions: true,
    ...options,
  });
  if ("start" in at) return engine.rangeQuery(store, text, at.start, at.end, at.step);
  return engine.instantQuery(store, text, at.time);
}

/** Instant-query samples as `{labels record: value}` lines, for compact assertions. */
export function samplesOf(outcome: QueryOutcome): Record<string, number> {
  const out: Record<string, number> = {};
  if (outcome.result.type === "vector") {
    for (const s of outcome.result.samples) out[labelText(s.labels)] = s.v;
  }
  if (outcome.result.type === "scalar") out.scalar = outcome.result.v;
  return out;
}

/** Range-query series as `{labels: [[t, v], …]}`. */
export function seriesOf(outcome: QueryOutcome): Record<string, [number, number][]> {
  const out: Record<string, [number, number][]> = {};
  if (outcome.result.type === "matrix") {
    for (const s of outcome.result.series) {
      out[labelText(s.labels)] = Array.from(s.timestamps, (t, i) => [t, s.values[i]]);
    }
  }
  return out;
}

/** `{a="1",b="2"}` without spaces: a stable key for a label set. */
export function labelText(labels: Labels): string {
  const parts: string[] = [];
  for (let i = 0; i < labels.length; i += 2) parts.push(`${labels[i]}="${labels[i + 1]}"`);
  return `{${parts.join(",")}}`;
}

/** `store` with a count of its queriers' `select` and `close` calls, for tests of what a query reads. */
export function observed(store: Queryable): {
  queryable: Queryable;
  readonly selects: number;
  readonly closes: number;
} {
  const counts = { selects: 0, closes: 0 };
  const queryable: Queryable = {
    async querier() {
      const inner = await store.querier();
      return {
        select: (matchers, range) => {
          counts.selects++;
          return inner.select(matchers, range);
        },
        labelNames: (matchers, range) => inner.labelNames(matchers, range),
        labelValues: (name, matchers, range) => inner.labelValues(name, matchers, range),
        close: () => {
          counts.closes++;
          inner.close();
        },
      };
    },
  };
  return {
    queryable,
    get selects() {
      return counts.selects;
    },
    get closes() {
      return counts.closes;
    },
  };
}
