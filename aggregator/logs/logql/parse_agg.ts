/**
 * Aggregations: `count_over_time({…} |= "x" [5m] offset 1h)` with every placement of the
 * range, pipeline and unwrap that Loki's `logRangeExpr` rule accepts, `sum by (a) (…)`,
 * `topk(5, …)`, and `label_replace(…)`; checked as Loki checks them while parsing.
 */
import type {
  Grouping,
  LabelReplaceExpr,
  LogExpr,
  RangeAggregation,
  RangeOp,
  Stage,
  Unwrap,
  VectorAggregation,
  VectorOp,
} from "./ast.ts";
import { parseLabelList, parseMetricExpr } from "./parse_expr.ts";
import { parseLabelFilter } from "./parse_filter.ts";
import { parsePipeline, parseSelector } from "./parse_log.ts";
import { compileSearchRegex } from "./regex.ts";
import { failParse, type TokenStream } from "./token_stream.ts";
import { RANGE_OPS, VECTOR_OPS } from "./tokens.ts";
import { checkRangeAggregation, checkVectorParam } from "./validate.ts";

interface LogRange {
  log: LogExpr;
  rangeMs?: number;
  offsetNs: number;
  unwrap?: Unwrap;
}

/** `op([param,] logRange) [grouping]`. */
export function parseRangeAggregation(ts: TokenStream): RangeAggregation {
  const op = RANGE_OPS.get(ts.next().kind) as RangeOp;
  ts.expect("(");
  let param: string | undefined;
  if (ts.kind === "NUMBER") {
    param = ts.next().text;
    ts.expect(",");
  }
  if (ts.kind !== "{" && ts.kind !== "(") ts.unexpected(param ? ["{", "("] : ["NUMBER", "{", "("]);
  const range = parseLogRange(ts);
  if (range.rangeMs === undefined) ts.unexpected();
  ts.expect(")");
  const grouping = parseGrouping(ts);
  const { log, rangeMs, offsetNs, unwrap } = range;
  const e = { kind: "range" as const, op, log, rangeMs, offsetNs, unwrap, grouping };
  return checkRangeAggregation(e, param);
}

function parseLogRange(ts: TokenStream): LogRange {
  if (ts.accept("(")) {
    const inner = parseLogRange(ts);
    ts.expect(")");
    if (inner.rangeMs !== undefined) return inner;
    if (ts.kind !== "RANGE") ts.unexpected();
    return { ...inner, rangeMs: ts.next().value, offsetNs: parseOffset(ts) };
  }
  if (ts.kind !== "{") ts.unexpected(["{", "("]);
  const matchers = parseSelector(ts);
  let stages: Stage[] = [];
  let rangeMs: number | undefined;
  let offsetNs = 0;
  if (ts.peek().kind === "RANGE") {
    rangeMs = ts.next().value;
    offsetNs = parseOffset(ts);
  }
  stages = parsePipeline(ts, true);
  const unwrap = parseUnwrap(ts);
  if (rangeMs === undefined && ts.peek().kind === "RANGE") {
    rangeMs = ts.next().value;
    offsetNs = parseOffset(ts);
  }
  return { log: { kind: "log", matchers, stages }, rangeMs, offsetNs, unwrap };
}

function parseOffset(ts: TokenStream): number {
  if (!ts.accept("offset")) return 0;
  return ts.expect("DURATION").value;
}

/** `| unwrap label` or `| unwrap bytes(label)`, then `| label filter`s. */
function parseUnwrap(ts: TokenStream): Unwrap | undefined {
  if (ts.kind !== "|" || ts.peek(1).kind !== "unwrap") return undefined;
  ts.next();
  ts.next();
  const conversions: Record<string, Unwrap["conversion"]> = {
    BYTES_CONV: "bytes",
    DURATION_CONV: "duration",
    DURATION_SECONDS_CONV: "duration_seconds",
  };
  const conversion = conversions[ts.kind] ?? "";
  let label: string;
  if (conversion !== "") {
    ts.next();
    ts.expect("(");
    label = ts.expect("IDENTIFIER").text;
    ts.expect(")");
  } else {
    label = ts.expect("IDENTIFIER").text;
  }
  const postFilters = [];
  while (ts.accept("|")) postFilters.push(parseLabelFilter(ts));
  return { label, conversion, postFilters };
}

/** `by (…)` or `without (…)`, when present. */
export function parseGrouping(ts: TokenStream): Grouping | undefined {
  if (ts.kind !== "by" && ts.kind !== "without") return undefined;
  const without = ts.next().kind === "without";
  return { without, labels: parseLabelList(ts) };
}

/** `op [grouping] ([param,] expr) [grouping]`. */
export function parseVectorAggregation(ts: TokenStream): VectorAggregation {
  const op = VECTOR_OPS.get(ts.next().kind)!;
  if (op === "approx_topk") failParse("approx_topk is not supported");
  let grouping = parseGrouping(ts);
  ts.expect("(");
  let param: string | undefined;
  if (ts.kind === "NUMBER" && ts.peek(1).kind === ",") {
    param = ts.next().text;
    ts.next();
  }
  const expr = parseMetricExpr(ts);
  ts.expect(")");
  grouping ??= parseGrouping(ts);
  const value = checkVectorParam(op, param);
  return { kind: "vector_agg", op: op as VectorOp, param: value, grouping, expr };
}

/** `label_replace(expr, "dst", "replacement", "src", "regex")`. */
export function parseLabelReplace(ts: TokenStream): LabelReplaceExpr {
  ts.next();
  ts.expect("(");
  const expr = parseMetricExpr(ts);
  const strings: string[] = [];
  for (let i = 0; i < 4; i++) {
    ts.expect(",");
    strings.push(ts.expect("STRING").text);
  }
  ts.expect(")");
  const [dst, replacement, src, regex] = strings;
  try {
    compileSearchRegex(regex);
  } catch (error) {
    failParse(`invalid regex in label_replace: ${(error as Error).message}`);
  }
  return { kind: "label_replace", expr, dst, replacement, src, regex };
}
