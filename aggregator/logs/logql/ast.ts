/**
 * The LogQL syntax tree: a log query (stream selector and pipeline) or a metric query built
 * from range aggregations, vector aggregations, binary operations and literals.
 */
import type { LabelMatcher } from "../../storage/storage.ts";

/** `|=`, `!=`, `|~`, `!~`, and the pattern filters `|>`, `!>`. */
export type LineFilterOp = "|=" | "!=" | "|~" | "!~" | "|>" | "!>";

/**
 * One line filter stage. `values` holds the `or` alternatives (`|= "a" or "b"`): a line
 * passes a positive filter when any matches, a negative one when none does.
 */
export interface LineFilterStage {
  readonly kind: "line_filter";
  readonly op: LineFilterOp;
  readonly values: readonly string[];
}

/** A label extraction `name="path"` of `| json` or `| logfmt`. */
export interface Extraction {
  readonly name: string;
  readonly expr: string;
}

/** `| json` (every field) or `| json a="b.c", d`. */
export interface JsonStage {
  readonly kind: "json";
  readonly extractions: readonly Extraction[];
}

/** `| logfmt [--strict] [--keep-empty] [extractions]`. */
export interface LogfmtStage {
  readonly kind: "logfmt";
  readonly strict: boolean;
  readonly keepEmpty: boolean;
  readonly extractions: readonly Extraction[];
}

/** `| regexp "…"`, `| pattern "…"`. */
export interface PatternLikeStage {
  readonly kind: "regexp" | "pattern";
  readonly pattern: string;
}

/** `| unpack`, `| decolorize`. */
export interface BareStage {
  readonly kind: "unpack" | "decolorize";
}

/** Comparison operators of numeric, duration and bytes label filters. */
export type CompareOp = "==" | "!=" | ">" | ">=" | "<" | "<=";

/** A label filter expression. */
export type LabelFilter =
  | { readonly type: "and" | "or"; readonly left: LabelFilter; readonly right: LabelFilter }
  | { readonly type: "string"; readonly matcher: LabelMatcher }
  | {
      readonly type: "number" | "duration" | "bytes";
      readonly name: string;
      readonly op: CompareOp;
      /** The number, nanoseconds or bytes compared with. */
      readonly value: number;
    };

/** `| <label filter>`. */
export interface LabelFilterStage {
  readonly kind: "label_filter";
  readonly filter: LabelFilter;
}

/** `| line_format "template"`. */
export interface LineFormatStage {
  readonly kind: "line_format";
  readonly template: string;
}

/** One `dst=src` (rename) or `dst="template"` of `| label_format`. */
export interface LabelFormatItem {
  readonly name: string;
  readonly rename?: string;
  readonly template?: string;
}

/** `| label_format a=b, c="{{.d}}"`. */
export interface LabelFormatStage {
  readonly kind: "label_format";
  readonly items: readonly LabelFormatItem[];
}

/** `| drop a, b="x"` and `| keep a, b="x"`: names, or matchers on a label's value. */
export interface DropKeepStage {
  readonly kind: "drop" | "keep";
  readonly items: readonly { readonly name: string; readonly matcher?: LabelMatcher }[];
}

/** One pipeline stage. */
export type Stage =
  | LineFilterStage
  | JsonStage
  | LogfmtStage
  | PatternLikeStage
  | BareStage
  | LabelFilterStage
  | LineFormatStage
  | LabelFormatStage
  | DropKeepStage;

/** A log query: `{matchers} stages…`. */
export interface LogExpr {
  readonly kind: "log";
  readonly matchers: readonly LabelMatcher[];
  readonly stages: readonly Stage[];
}

/** `| unwrap [conv(]label[)] [| label filters…]`. */
export interface Unwrap {
  readonly label: string;
  readonly conversion: "" | "bytes" | "duration" | "duration_seconds";
  readonly postFilters: readonly LabelFilter[];
}

/** `by (…)` or `without (…)`. */
export interface Grouping {
  readonly without: boolean;
  readonly labels: readonly string[];
}

/** Range aggregations LogQL knows. */
export type RangeOp =
  | "count_over_time"
  | "rate"
  | "rate_counter"
  | "bytes_over_time"
  | "bytes_rate"
  | "avg_over_time"
  | "sum_over_time"
  | "min_over_time"
  | "max_over_time"
  | "stdvar_over_time"
  | "stddev_over_time"
  | "quantile_over_time"
  | "first_over_time"
  | "last_over_time"
  | "absent_over_time";

/** `op([param,] selector pipeline [unwrap] [range] [offset d]) [grouping]`. */
export interface RangeAggregation {
  readonly kind: "range";
  readonly op: RangeOp;
  readonly param?: number;
  readonly log: LogExpr;
  readonly rangeMs: number;
  readonly offsetNs: number;
  readonly unwrap?: Unwrap;
  readonly grouping?: Grouping;
}

/** Vector aggregations LogQL knows. */
export type VectorOp =
  | "sum"
  | "avg"
  | "max"
  | "min"
  | "count"
  | "stddev"
  | "stdvar"
  | "bottomk"
  | "topk"
  | "sort"
  | "sort_desc";

/** `op [grouping] ([param,] expr) [grouping]`. */
export interface VectorAggregation {
  readonly kind: "vector_agg";
  readonly op: VectorOp;
  readonly param?: number;
  readonly grouping?: Grouping;
  readonly expr: MetricExpr;
}

/** Binary operators. */
export type BinaryOp =
  | "or"
  | "and"
  | "unless"
  | "+"
  | "-"
  | "*"
  | "/"
  | "%"
  | "^"
  | "=="
  | "!="
  | ">"
  | ">="
  | "<"
  | "<=";

/** How the two sides of a vector binary operation are matched. */
export interface VectorMatching {
  readonly card: "one-to-one" | "many-to-one" | "one-to-many" | "many-to-many";
  /** True for `on(…)`, false for `ignoring(…)` or no clause. */
  readonly on: boolean;
  readonly labels: readonly string[];
  /** Labels copied from the "one" side by `group_left(…)`/`group_right(…)`. */
  readonly include: readonly string[];
}

/** `lhs op [bool] [on/ignoring(…) [group_left/right(…)]] rhs`. */
export interface BinaryExpr {
  readonly kind: "binary";
  readonly op: BinaryOp;
  readonly returnBool: boolean;
  readonly matching: VectorMatching;
  readonly lhs: MetricExpr;
  readonly rhs: MetricExpr;
}

/** A number literal; `vector(n)` is a vector with one series without labels. */
export interface LiteralExpr {
  readonly kind: "literal" | "vector";
  readonly value: number;
}

/** `label_replace(expr, "dst", "replacement", "src", "regex")`. */
export interface LabelReplaceExpr {
  readonly kind: "label_replace";
  readonly expr: MetricExpr;
  readonly dst: string;
  readonly replacement: string;
  readonly src: string;
  readonly regex: string;
}

/** A metric query. */
export type MetricExpr =
  | RangeAggregation
  | VectorAggregation
  | BinaryExpr
  | LiteralExpr
  | LabelReplaceExpr;

/** A parsed LogQL query. */
export type Expr = LogExpr | MetricExpr;
