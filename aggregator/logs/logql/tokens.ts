/**
 * LogQL's token tables, as Loki's `syntax/lex.go` has them. A token's kind is the name
 * Loki's yacc parser prints in "unexpected …" errors: the literal text for punctuation and
 * keywords (`{`, `|=`, `by`, `json`), upper-case names for the rest (`IDENTIFIER`,
 * `COUNT_OVER_TIME`, `$end`).
 */

/** One lexed token. */
export interface Token {
  /** The yacc name of the token. */
  readonly kind: string;
  /** Identifier or number text, or a string's decoded value. */
  readonly text: string;
  /** DURATION and offset values in nanoseconds, RANGE in milliseconds, BYTES in bytes. */
  readonly value: number;
  /** Where Loki reports an error at this token (line 0 once its lexer read past it). */
  readonly line: number;
  readonly col: number;
}

/** Words and symbols that are tokens wherever they appear (matched lower-cased). */
export const KEYWORDS: ReadonlySet<string> = new Set([
  ",",
  ".",
  "{",
  "}",
  "=",
  "!=",
  "=~",
  "!~",
  "!>",
  "|=",
  "|~",
  "|>",
  "|",
  "(",
  ")",
  "[",
  "]",
  "by",
  "without",
  "bool",
  "unwrap",
  "label_replace",
  "offset",
  "on",
  "ignoring",
  "group_left",
  "group_right",
  "or",
  "and",
  "unless",
  "+",
  "-",
  "*",
  "/",
  "%",
  "^",
  "==",
  ">",
  ">=",
  "<",
  "<=",
  "json",
  "regexp",
  "logfmt",
  "unpack",
  "pattern",
  "label_format",
  "line_format",
  "ip",
  "decolorize",
  "drop",
  "keep",
  "variants",
  "of",
]);

/**
 * Words that are tokens only when a `(` (or `by (`/`without (`) follows; elsewhere they are
 * identifiers, so `| rate="a"` filters on a label named rate. `ip` and `label_replace` keep
 * their keyword names, as Loki's token-name table has them.
 */
export const FUNCTIONS: ReadonlyMap<string, string> = new Map([
  ["rate", "RATE"],
  ["rate_counter", "RATE_COUNTER"],
  ["count_over_time", "COUNT_OVER_TIME"],
  ["bytes_rate", "BYTES_RATE"],
  ["bytes_over_time", "BYTES_OVER_TIME"],
  ["avg_over_time", "AVG_OVER_TIME"],
  ["sum_over_time", "SUM_OVER_TIME"],
  ["min_over_time", "MIN_OVER_TIME"],
  ["max_over_time", "MAX_OVER_TIME"],
  ["stdvar_over_time", "STDVAR_OVER_TIME"],
  ["stddev_over_time", "STDDEV_OVER_TIME"],
  ["quantile_over_time", "QUANTILE_OVER_TIME"],
  ["first_over_time", "FIRST_OVER_TIME"],
  ["last_over_time", "LAST_OVER_TIME"],
  ["absent_over_time", "ABSENT_OVER_TIME"],
  ["vector", "VECTOR"],
  ["sum", "SUM"],
  ["avg", "AVG"],
  ["max", "MAX"],
  ["min", "MIN"],
  ["count", "COUNT"],
  ["stddev", "STDDEV"],
  ["stdvar", "STDVAR"],
  ["bottomk", "BOTTOMK"],
  ["topk", "TOPK"],
  ["sort", "SORT"],
  ["sort_desc", "SORT_DESC"],
  ["approx_topk", "APPROX_TOPK"],
  ["label_replace", "label_replace"],
  ["bytes", "BYTES_CONV"],
  ["duration", "DURATION_CONV"],
  ["duration_seconds", "DURATION_SECONDS_CONV"],
  ["ip", "ip"],
]);

/** Range aggregation tokens and the operation each names. */
export const RANGE_OPS: ReadonlyMap<string, string> = new Map(
  [...FUNCTIONS]
    .filter(([, kind]) => kind.endsWith("_OVER_TIME") || kind.includes("RATE"))
    .map(([word, kind]) => [kind, word]),
);

/** Vector aggregation tokens and the operation each names. */
export const VECTOR_OPS: ReadonlyMap<string, string> = new Map(
  ["sum", "avg", "max", "min", "count", "stddev", "stdvar", "bottomk", "topk", "sort", "sort_desc"]
    .concat(["approx_topk"])
    .map((op) => [op.toUpperCase(), op]),
);

/** Binary operators by token kind, with yacc's precedence (higher binds tighter). */
export const BINARY_PRECEDENCE: ReadonlyMap<string, number> = new Map([
  ["or", 1],
  ["and", 2],
  ["unless", 2],
  ["==", 3],
  ["!=", 3],
  ["<", 3],
  ["<=", 3],
  [">", 3],
  [">=", 3],
  ["+", 4],
  ["-", 4],
  ["*", 5],
  ["/", 5],
  ["%", 5],
  ["^", 6],
]);

/** Line filter operator tokens. */
export const LINE_FILTER_OPS: ReadonlySet<string> = new Set(["|=", "!=", "|~", "!~", "|>", "!>"]);

/** Parser flags Loki's lexer recognises after `logfmt`. */
export const PARSER_FLAGS: ReadonlySet<string> = new Set(["--strict", "--keep-empty"]);
