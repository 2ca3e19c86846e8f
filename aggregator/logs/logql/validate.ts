/**
 * The checks Loki makes while and after parsing, with its messages: parameters of
 * aggregations, which range aggregations take `unwrap` or a grouping, and the rule that a
 * selector needs one matcher that does not match the empty string.
 */
import type { Expr, RangeAggregation, RangeOp } from "./ast.ts";
import { compileLabelMatcher } from "./regex.ts";
import { failParse } from "./token_stream.ts";

const GROUPING_ALLOWED: ReadonlySet<RangeOp> = new Set([
  "avg_over_time",
  "stddev_over_time",
  "stdvar_over_time",
  "quantile_over_time",
  "rate",
  "rate_counter",
  "max_over_time",
  "min_over_time",
  "first_over_time",
  "last_over_time",
]);

const UNWRAP_ALLOWED: ReadonlySet<RangeOp> = new Set([
  ...GROUPING_ALLOWED,
  "sum_over_time",
  "absent_over_time",
]);

const WITHOUT_UNWRAP: ReadonlySet<RangeOp> = new Set([
  "bytes_over_time",
  "bytes_rate",
  "count_over_time",
  "rate",
  "absent_over_time",
]);

/** Loki's `newRangeAggregationExpr` checks; returns the expression with its parameter. */
export function checkRangeAggregation(e: RangeAggregation, param?: string): RangeAggregation {
  let value: number | undefined;
  if (param !== undefined) {
    if (e.op !== "quantile_over_time") {
      failParse(`parameter ${param} not supported for operation ${e.op}`);
    }
    value = Number(param);
  } else if (e.op === "quantile_over_time") {
    failParse(`parameter required for operation ${e.op}`);
  }
  if (e.grouping !== undefined && !GROUPING_ALLOWED.has(e.op)) {
    failParse(`grouping not allowed for ${e.op} aggregation`);
  }
  if (e.unwrap !== undefined) {
    if (!UNWRAP_ALLOWED.has(e.op)) failParse(`invalid aggregation ${e.op} with unwrap`);
  } else if (!WITHOUT_UNWRAP.has(e.op)) {
    failParse(`invalid aggregation ${e.op} without unwrap`);
  }
  return value === undefined ? e : { ...e, param: value };
}

/** Loki's `mustNewVectorAggregationExpr` parameter checks; returns k for topk/bottomk. */
export function checkVectorParam(op: string, param: string | undefined): number | undefined {
  if (op !== "topk" && op !== "bottomk") {
    if (param !== undefined) failParse(`unsupported parameter for operation ${op}(${param},`);
    return undefined;
  }
  if (param === undefined) failParse(`parameter required for operation ${op}`);
  if (!/^[+-]?\d+$/.test(param)) failParse(`invalid parameter ${op}(${param},`);
  const k = Number(param);
  if (k <= 0) failParse(`invalid parameter (must be greater than 0) ${op}(${param}`);
  return k;
}

/** Loki's message when a selector could select every stream. */
export const EMPTY_MATCHERS_ERROR =
  'queries require at least one regexp or equality matcher that does not have an empty-compatible value. For instance, app=~".*" does not meet this requirement, but app=~".+" will';

/** Loki's `validateExpr`: every selector needs a matcher that rejects the empty value. */
export function checkSelectors(e: Expr): void {
  if (e.kind === "log") {
    if (!e.matchers.some((m) => !compileLabelMatcher(m)(""))) failParse(EMPTY_MATCHERS_ERROR);
  } else if (e.kind === "range") {
    checkSelectors(e.log);
  } else if (e.kind === "vector_agg" || e.kind === "label_replace") {
    checkSelectors(e.expr);
  } else if (e.kind === "binary") {
    checkSelectors(e.lhs);
    checkSelectors(e.rhs);
  }
}
