/**
 * Token kinds of the PromQL lexer, named as Prometheus's `promql/parser/lex.go` names its item
 * types, and how Prometheus describes a token in "unexpected …" errors (`<op:+>`, `<by>`,
 * `identifier "foo"`, `end of input`).
 */
import { goQuote } from "../../../shared/model/go_string.ts";

/** Operators that are words or symbols; described as `<op:…>`. */
const OPERATORS = [
  "ADD",
  "DIV",
  "EQLC",
  "EQL_REGEX",
  "GTE",
  "GTR",
  "LAND",
  "LOR",
  "LSS",
  "LTE",
  "LUNLESS",
  "MOD",
  "MUL",
  "NEQ",
  "NEQ_REGEX",
  "POW",
  "SUB",
  "AT",
  "ATAN2",
] as const;

/** Aggregation operators; described as `<aggr:…>`. */
const AGGREGATORS = [
  "AVG",
  "BOTTOMK",
  "COUNT",
  "COUNT_VALUES",
  "GROUP",
  "MAX",
  "MIN",
  "QUANTILE",
  "STDDEV",
  "STDVAR",
  "SUM",
  "TOPK",
  "LIMITK",
  "LIMIT_RATIO",
] as const;

/** Keywords; described as `<…>`. */
const KEYWORDS = [
  "BOOL",
  "BY",
  "GROUP_LEFT",
  "GROUP_RIGHT",
  "IGNORING",
  "OFFSET",
  "SMOOTHED",
  "ANCHORED",
  "ON",
  "WITHOUT",
  "FILL",
  "FILL_LEFT",
  "FILL_RIGHT",
] as const;

/** Words that name a query-time value (`@ start()`, `[step()]`); described quoted. */
const PREPROCESSORS = ["START", "END", "STEP", "RANGE", "MIN_OF", "MAX_OF"] as const;

/** Punctuation, described by its text. */
const PUNCTUATION = {
  LEFT_PAREN: "(",
  RIGHT_PAREN: ")",
  LEFT_BRACE: "{",
  RIGHT_BRACE: "}",
  LEFT_BRACKET: "[",
  RIGHT_BRACKET: "]",
  COMMA: ",",
  EQL: "=",
  COLON: ":",
  DOUBLE_COLON: "::",
} as const;

type Operator = (typeof OPERATORS)[number];
type Aggregator = (typeof AGGREGATORS)[number];
type Keyword = (typeof KEYWORDS)[number];
type Preprocessor = (typeof PREPROCESSORS)[number];

/** Every kind of token the lexer produces. */
export type TokenKind =
  | "EOF"
  | "ERROR"
  | "COMMENT"
  | "IDENTIFIER"
  | "METRIC_IDENTIFIER"
  | "NUMBER"
  | "DURATION"
  | "STRING"
  | keyof typeof PUNCTUATION
  | Operator
  | Aggregator
  | Keyword
  | Preprocessor;

/** One token: its kind and where it sits, [start, end) in UTF-16 code units. */
export interface Token {
  readonly kind: TokenKind;
  readonly start: number;
  readonly end: number;
  /** The token's source text; the message for ERROR tokens. */
  readonly text: string;
}

/** Reserved words, lower-cased, and the token each lexes to (`inf`/`nan` are numbers). */
export const WORDS: ReadonlyMap<string, TokenKind> = new Map<string, TokenKind>([
  ["and", "LAND"],
  ["or", "LOR"],
  ["unless", "LUNLESS"],
  ["atan2", "ATAN2"],
  ...AGGREGATORS.map((k): [string, TokenKind] => [k.toLowerCase(), k]),
  ...KEYWORDS.map((k): [string, TokenKind] => [k.toLowerCase(), k]),
  ["start", "START"],
  ["end", "END"],
  ["step", "STEP"],
  ["range", "RANGE"],
  ["inf", "NUMBER"],
  ["nan", "NUMBER"],
]);

const operatorSet: ReadonlySet<TokenKind> = new Set(OPERATORS);
const aggregatorSet: ReadonlySet<TokenKind> = new Set(AGGREGATORS);
const keywordSet: ReadonlySet<TokenKind> = new Set(KEYWORDS);
const preprocessorSet: ReadonlySet<TokenKind> = new Set(PREPROCESSORS);

/** Whether a token kind is an aggregation operator (`sum`, `topk`, …). */
export function isAggregator(kind: TokenKind): boolean {
  return aggregatorSet.has(kind);
}

/** Words that may also name a metric (`sum`, `by`, `offset`, `and`, …), as in `metric_identifier`. */
const METRIC_WORDS: ReadonlySet<TokenKind> = new Set<TokenKind>([
  ...AGGREGATORS,
  "IDENTIFIER",
  "METRIC_IDENTIFIER",
  "BY",
  "WITHOUT",
  "LAND",
  "LOR",
  "LUNLESS",
  "OFFSET",
  "START",
  "END",
  "STEP",
  "RANGE",
  "ANCHORED",
  "SMOOTHED",
]);

/** Whether a token can be read as a metric name. */
export function isMetricWord(kind: TokenKind): boolean {
  return METRIC_WORDS.has(kind);
}

/** Words accepted as a label name in `by (…)`, `on (…)` and `group_left (…)` (`maybe_label`). */
const LABEL_WORDS: ReadonlySet<TokenKind> = new Set<TokenKind>([
  ...METRIC_WORDS,
  ...KEYWORDS,
  "ATAN2",
]);

/** Whether a token can be read as a label name in a grouping list. */
export function isLabelWord(kind: TokenKind): boolean {
  return LABEL_WORDS.has(kind);
}

/** How Prometheus names a token in "unexpected …" messages (`Item.desc()`). */
export function describeToken(t: Token): string {
  if (t.kind === "EOF") return "end of input";
  if (t.kind === "ERROR") return t.text;
  if (t.kind in PUNCTUATION) return quoteShort(t.text);
  if (keywordSet.has(t.kind)) return `<${t.text}>`;
  if (operatorSet.has(t.kind)) return `<op:${t.text}>`;
  if (aggregatorSet.has(t.kind)) return `<aggr:${t.text}>`;
  if (preprocessorSet.has(t.kind)) return quoteShort(t.text);
  switch (t.kind) {
    case "IDENTIFIER":
      return `identifier ${goQuote(t.text)}`;
    case "METRIC_IDENTIFIER":
      return `metric identifier ${goQuote(t.text)}`;
    case "NUMBER":
      return `number ${quoteShort(t.text)}`;
    case "DURATION":
      return `duration ${quoteShort(t.text)}`;
    case "STRING":
      return `string ${quoteShort(t.text)}`;
    default:
      return quoteShort(t.text);
  }
}

/** Go's `%q`, or `%.10q...` for text longer than 10 bytes. */
function quoteShort(text: string): string {
  if (Buffer.byteLength(text) <= 10) return goQuote(text);
  return `${goQuote(Array.from(text).slice(0, 10).join(""))}...`;
}
