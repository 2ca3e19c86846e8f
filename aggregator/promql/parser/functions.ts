/**
 * The signature of every PromQL function and aggregation, after Prometheus's
 * `promql/parser/functions.go`: what the parser type-checks calls against. `experimental`
 * marks what Prometheus 3 accepts only with `--enable-feature=promql-experimental-functions`.
 */
import type { AggregateOp, ValueType } from "./ast.ts";

/** A function's argument types, how many more of the last type it takes, and its result. */
export interface FunctionSignature {
  readonly args: readonly ValueType[];
  /**
   * 0: exactly `args`. n > 0: the last argument is optional and may repeat up to n times
   * (so `args.length - 1` to `args.length - 1 + n` arguments). -1: as many as wanted.
   */
  readonly variadic: number;
  readonly returns: ValueType;
  readonly experimental?: boolean;
}

const V: ValueType = "vector";
const M: ValueType = "matrix";
const S: ValueType = "scalar";
const STR: ValueType = "string";

function fn(args: ValueType[], returns: ValueType, variadic = 0, experimental = false) {
  const f: FunctionSignature = { args, variadic, returns };
  return experimental ? { ...f, experimental } : f;
}

const vectorMath = (...names: string[]) => names.map((n) => [n, fn([V], V)] as const);
const rangeFns = (...names: string[]) => names.map((n) => [n, fn([M], V)] as const);
const calendar = (...names: string[]) => names.map((n) => [n, fn([V], V, 1)] as const);
const experimentalRange = (...names: string[]) =>
  names.map((n) => [n, fn([M], V, 0, true)] as const);
const queryBoundary = (...names: string[]) => names.map((n) => [n, fn([], S, 0, true)] as const);

/** Every function Prometheus 3 knows, by name. */
export const FUNCTIONS: Readonly<Record<string, FunctionSignature>> = Object.fromEntries([
  ...vectorMath("abs", "absent", "ceil", "exp", "floor", "ln", "log10", "log2", "sgn", "sqrt"),
  ...vectorMath("acos", "acosh", "asin", "asinh", "atan", "atanh", "cos", "cosh", "deg", "rad"),
  ...vectorMath("sin", "sinh", "tan", "tanh", "sort", "sort_desc", "timestamp"),
  ...vectorMath("histogram_avg", "histogram_count", "histogram_sum"),
  ...vectorMath("histogram_stddev", "histogram_stdvar"),
  ...rangeFns("absent_over_time", "avg_over_time", "changes", "count_over_time", "delta"),
  ...rangeFns("deriv", "idelta", "increase", "irate", "last_over_time", "max_over_time"),
  ...rangeFns("min_over_time", "present_over_time", "rate", "resets", "stddev_over_time"),
  ...rangeFns("stdvar_over_time", "sum_over_time"),
  ...calendar("day_of_month", "day_of_week", "day_of_year", "days_in_month", "hour", "minute"),
  ...calendar("month", "year"),
  ...experimentalRange("first_over_time", "mad_over_time", "ts_of_first_over_time"),
  ...experimentalRange("ts_of_last_over_time", "ts_of_max_over_time", "ts_of_min_over_time"),
  ...queryBoundary("start", "end", "range", "step"),
  ["clamp", fn([V, S, S], V)],
  ["clamp_max", fn([V, S], V)],
  ["clamp_min", fn([V, S], V)],
  ["double_exponential_smoothing", fn([M, S, S], V, 0, true)],
  ["histogram_fraction", fn([S, S, V], V)],
  ["histogram_quantile", fn([S, V], V)],
  ["histogram_quantiles", fn([V, STR, S, S], V, 9, true)],
  ["info", fn([V, V], V, 1, true)],
  ["integral", fn([M, S], V, 1, true)],
  ["label_join", fn([V, STR, STR, STR], V, -1)],
  ["label_replace", fn([V, STR, STR, STR, STR], V)],
  ["max_of", fn([S, S], S, 0, true)],
  ["min_of", fn([S, S], S, 0, true)],
  ["pi", fn([], S)],
  ["predict_linear", fn([M, S], V)],
  ["quantile_over_time", fn([S, M], V)],
  ["round", fn([V, S], V, 1)],
  ["scalar", fn([V], S)],
  ["sort_by_label", fn([V, STR], V, -1, true)],
  ["start_timestamp", fn([V], V, 0, true)],
  ["sort_by_label_desc", fn([V, STR], V, -1, true)],
  ["time", fn([], S)],
  ["vector", fn([S], V)],
]);

/** What an aggregation's parameter must be (null: it takes none), and whether it is experimental. */
export interface AggregationSignature {
  readonly param: ValueType | null;
  readonly experimental?: boolean;
}

/** Every aggregation operator. */
export const AGGREGATIONS: Readonly<Record<AggregateOp, AggregationSignature>> = {
  sum: { param: null },
  avg: { param: null },
  count: { param: null },
  min: { param: null },
  max: { param: null },
  group: { param: null },
  stddev: { param: null },
  stdvar: { param: null },
  topk: { param: S },
  bottomk: { param: S },
  count_values: { param: STR },
  quantile: { param: S },
  limitk: { param: S, experimental: true },
  limit_ratio: { param: S, experimental: true },
};
