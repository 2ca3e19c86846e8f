/**
 * The PromQL syntax tree, after Prometheus's `promql/parser/ast.go`: what the parser produces
 * and the engine evaluates. The parser never imports the engine; both import this file.
 * Durations and timestamps are milliseconds; every node carries its source span so errors and
 * `format_query` can point at it.
 */
import type { LabelMatcher } from "../../storage/storage.ts";

/** The four PromQL value types. */
export type ValueType = "scalar" | "vector" | "matrix" | "string";

/** Where a node sits in the query text: [start, end) in UTF-16 code units. */
export interface Span {
  readonly start: number;
  readonly end: number;
}

/** `@ <timestamp>`, `@ start()` or `@ end()` on a selector or subquery. */
export type AtModifier =
  | { readonly kind: "timestamp"; readonly ms: number }
  | { readonly kind: "start" }
  | { readonly kind: "end" };

/** A number: `1`, `1.5e3`, `0x1f`, `Inf`, `NaN`, or a duration used as a number (`5m` → 300). */
export interface NumberLiteral {
  readonly type: "NumberLiteral";
  readonly value: number;
  readonly span: Span;
}

/** A string literal, unquoted. */
export interface StringLiteral {
  readonly type: "StringLiteral";
  readonly value: string;
  readonly span: Span;
}

/** `name{matchers} offset d @ t`. `matchers` include the `__name__` matcher for `name`. */
export interface VectorSelector {
  readonly type: "VectorSelector";
  /** The metric name as written before the braces ("" when none). */
  readonly name: string;
  readonly matchers: readonly LabelMatcher[];
  /** Offset in ms; negative for `offset -5m`. */
  readonly offset: number;
  readonly at: AtModifier | null;
  readonly span: Span;
}

/** `selector[range]`: a range vector. Offset and `@` live on the inner selector. */
export interface MatrixSelector {
  readonly type: "MatrixSelector";
  readonly vector: VectorSelector;
  readonly range: number;
  readonly span: Span;
}

/** `expr[range:step] offset d @ t`; `step` 0 means the query's step (or the default). */
export interface SubqueryExpr {
  readonly type: "SubqueryExpr";
  readonly expr: Expr;
  readonly range: number;
  readonly step: number;
  readonly offset: number;
  readonly at: AtModifier | null;
  readonly span: Span;
}

/** A function call; `func` is the function's name, checked against its signature. */
export interface Call {
  readonly type: "Call";
  readonly func: string;
  readonly args: readonly Expr[];
  readonly span: Span;
}

/** Aggregation operators. */
export type AggregateOp =
  | "sum"
  | "avg"
  | "count"
  | "min"
  | "max"
  | "group"
  | "stddev"
  | "stdvar"
  | "topk"
  | "bottomk"
  | "count_values"
  | "quantile"
  | "limitk"
  | "limit_ratio";

/** `op by|without (labels) (param, expr)`. */
export interface AggregateExpr {
  readonly type: "AggregateExpr";
  readonly op: AggregateOp;
  readonly expr: Expr;
  /** topk/bottomk/limitk/quantile/limit_ratio's number, count_values' label name. */
  readonly param: Expr | null;
  readonly grouping: readonly string[];
  readonly without: boolean;
  readonly span: Span;
}

/** Binary operators, in Prometheus's spelling. */
export type BinaryOp =
  | "+"
  | "-"
  | "*"
  | "/"
  | "%"
  | "^"
  | "atan2"
  | "=="
  | "!="
  | ">"
  | "<"
  | ">="
  | "<="
  | "and"
  | "or"
  | "unless";

/** How the two sides of a vector/vector operation are matched. */
export interface VectorMatching {
  /** one-to-one, many-to-one (group_left), one-to-many (group_right), many-to-many (set ops). */
  readonly card: "one-to-one" | "many-to-one" | "one-to-many" | "many-to-many";
  /** The `on`/`ignoring` labels. */
  readonly labels: readonly string[];
  /** True for `on(...)`, false for `ignoring(...)` or neither. */
  readonly on: boolean;
  /** The `group_left(...)`/`group_right(...)` labels copied from the "one" side. */
  readonly include: readonly string[];
}

/** `lhs op [bool] [on|ignoring(...)] [group_left|group_right(...)] rhs`. */
export interface BinaryExpr {
  readonly type: "BinaryExpr";
  readonly op: BinaryOp;
  readonly lhs: Expr;
  readonly rhs: Expr;
  /** Set when both sides are vectors; null otherwise. */
  readonly matching: VectorMatching | null;
  /** `bool` on a comparison. */
  readonly returnBool: boolean;
  readonly span: Span;
}

/** `-expr` or `+expr`. */
export interface UnaryExpr {
  readonly type: "UnaryExpr";
  readonly op: "-" | "+";
  readonly expr: Expr;
  readonly span: Span;
}

/** `(expr)`: kept so that `format_query` can print what the user wrote. */
export interface ParenExpr {
  readonly type: "ParenExpr";
  readonly expr: Expr;
  readonly span: Span;
}

/** Any PromQL expression. */
export type Expr =
  | NumberLiteral
  | StringLiteral
  | VectorSelector
  | MatrixSelector
  | SubqueryExpr
  | Call
  | AggregateExpr
  | BinaryExpr
  | UnaryExpr
  | ParenExpr;
