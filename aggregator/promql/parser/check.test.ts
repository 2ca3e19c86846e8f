import { describe, expect, test } from "bun:test";
import { ParseError, parseExpr } from "./parse.ts";

/** [query, Prometheus 3's error message] for operators, aggregations and calls. */
const CASES: [string, string][] = [
  // Operators and their types.
  ["1 and 1", '1:1: parse error: set operator "and" not allowed in binary scalar expression'],
  ["1 == 1", "1:3: parse error: comparisons between scalars must use BOOL modifier"],
  ["1 or 1", '1:1: parse error: set operator "or" not allowed in binary scalar expression'],
  ["1 unless 1", '1:1: parse error: set operator "unless" not allowed in binary scalar expression'],
  ["foo and 1", '1:1: parse error: set operator "and" not allowed in binary scalar expression'],
  ["1 or foo", '1:1: parse error: set operator "or" not allowed in binary scalar expression'],
  ["1 or on(bar) foo", "1:1: parse error: vector matching only allowed between instant vectors"],
  ["foo == on(bar) 10", "1:1: parse error: vector matching only allowed between instant vectors"],
  ["foo + group_left(baz) bar", "1:7: parse error: unexpected <group_left>"],
  ["a - on(b) ignoring(c) d", "1:11: parse error: unexpected <ignoring>"],
  ["foo + on(a) bool bar", "1:13: parse error: unexpected <bool>"],
  [
    "foo and on(bar) group_left(baz) bar",
    '1:1: parse error: no grouping allowed for "and" operation',
  ],
  [
    "foo or on(bar) group_right(baz) bar",
    '1:1: parse error: no grouping allowed for "or" operation',
  ],
  [
    "foo unless on(bar) group_left(baz) bar",
    '1:1: parse error: no grouping allowed for "unless" operation',
  ],
  [
    'http_requests{group="production"} + on(instance) group_left(job,instance) cpu_count{type="smp"}',
    '1:35: parse error: label "instance" must not occur in ON and GROUP clause at once',
  ],
  ["foo + bool bar", "1:5: parse error: bool modifier can only be used on comparison operators"],
  ["foo + bool 10", "1:5: parse error: bool modifier can only be used on comparison operators"],
  ["foo and bool 10", "1:5: parse error: bool modifier can only be used on comparison operators"],
  [
    '"a" + 1',
    "1:1: parse error: binary expression must contain only scalar and instant vector types",
  ],
  [
    "1 + foo[5m]",
    "1:5: parse error: binary expression must contain only scalar and instant vector types",
  ],
  [
    '-"string"',
    '1:1: parse error: unary expression only allowed on expressions of type scalar or instant vector, got "string"',
  ],
  [
    "-test[5m]",
    '1:1: parse error: unary expression only allowed on expressions of type scalar or instant vector, got "range vector"',
  ],
  ["*test", "1:1: parse error: unexpected <op:*>"],
  ["@@", "1:1: parse error: unexpected <op:@>"],
  ["-=", '1:2: parse error: unexpected "="'],
  ["++-++-+-+-<", "1:11: parse error: unexpected <op:<>"],
  ["e-+=/(0)", '1:4: parse error: unexpected "="'],
  ["foo bar", '1:5: parse error: unexpected identifier "bar"'],
  ["foo 1234567890123", '1:5: parse error: unexpected number "1234567890"...'],
  ['foo "a long string"', '1:5: parse error: unexpected string "\\"a long st"...'],
  ["foo:bar(1)", '1:8: parse error: unexpected "("'],
  ["on", "1:1: parse error: unexpected <on>"],
  ["foo + fill(0) bar", "1:1: parse error: binop fill modifiers are experimental and not enabled"],
  // Aggregations.
  ['sum by ("foo)(some_metric{})', "1:9: parse error: unterminated quoted string"],
  [
    "sum without(==)(some_metric)",
    "1:13: parse error: unexpected <op:==> in grouping opts, expected label",
  ],
  [
    "sum without(,)(some_metric)",
    '1:13: parse error: unexpected "," in grouping opts, expected label',
  ],
  [
    "sum without(foo,,)(some_metric)",
    '1:17: parse error: unexpected "," in grouping opts, expected label',
  ],
  [
    "sum without(foo bar)(x)",
    '1:17: parse error: unexpected identifier "bar" in grouping opts, expected "," or ")"',
  ],
  ['sum by ("")(x)', '1:9: parse error: invalid label name for grouping: ""'],
  ["sum some_metric by (test)", '1:5: parse error: unexpected identifier "some_metric"'],
  [
    "sum (some_metric) by test",
    '1:22: parse error: unexpected identifier "test" in grouping opts, expected "("',
  ],
  ["sum by (a) b", '1:12: parse error: unexpected identifier "b" in aggregation'],
  ["sum(foo bar)", '1:9: parse error: unexpected identifier "bar" in aggregation'],
  ["sum(rate(foo bar))", '1:14: parse error: unexpected identifier "bar" in aggregation'],
  ["sum by (a)", "1:11: parse error: unexpected end of input in aggregation"],
  ["sum () by (test)", "1:1: parse error: no arguments for aggregate expression provided"],
  ["MIN keep_common (some_metric)", '1:5: parse error: unexpected identifier "keep_common"'],
  ["MIN (some_metric) keep_common", '1:19: parse error: unexpected identifier "keep_common"'],
  ["sum (some_metric) without (test) by (test)", "1:34: parse error: unexpected <by>"],
  ["sum without (test) (some_metric) by (test)", "1:34: parse error: unexpected <by>"],
  [
    "topk(some_metric)",
    "1:1: parse error: wrong number of arguments for aggregate expression provided, expected 2, got 1",
  ],
  ["topk(some_metric,)", "1:17: parse error: trailing commas not allowed in function call args"],
  [
    "topk(some_metric, other_metric)",
    "1:6: parse error: expected type scalar in aggregation parameter, got instant vector",
  ],
  [
    "count_values(5, other_metric)",
    "1:14: parse error: expected type string in aggregation parameter, got scalar",
  ],
  [
    "quantile(0.5, foo[5m])",
    "1:15: parse error: expected type instant vector in aggregation expression, got range vector",
  ],
  ["sum(", "1:5: parse error: unclosed left parenthesis"],
  ["sum(rate(", "1:10: parse error: unclosed left parenthesis"],
  // Function calls.
  ["floor()", '1:1: parse error: expected 1 argument(s) in call to "floor", got 0'],
  [
    "floor(some_metric, other_metric)",
    '1:1: parse error: expected 1 argument(s) in call to "floor", got 2',
  ],
  [
    "floor(1)",
    '1:7: parse error: expected type instant vector in call to function "floor", got scalar',
  ],
  [
    "hour(some_metric, some_metric, some_metric)",
    '1:1: parse error: expected at most 1 argument(s) in call to "hour", got 3',
  ],
  ["time(some_metric)", '1:1: parse error: expected 0 argument(s) in call to "time", got 1'],
  [
    "non_existent_function_far_bar()",
    '1:1: parse error: unknown function with name "non_existent_function_far_bar"',
  ],
  [
    "rate(some_metric)",
    '1:6: parse error: expected type range vector in call to function "rate", got instant vector',
  ],
  ["a>b()", '1:3: parse error: unknown function with name "b"'],
  [
    "rate(avg)",
    '1:6: parse error: expected type range vector in call to function "rate", got instant vector',
  ],
  [
    "label_join(x)",
    '1:1: parse error: expected at least 3 argument(s) in call to "label_join", got 1',
  ],
  ["rate(foo[5m],)", "1:13: parse error: trailing commas not allowed in function call args"],
  ["rate(foo[5m] bar)", '1:14: parse error: unexpected identifier "bar"'],
  [
    'info(rate(http_request_counter_total{}[5m]), target_info{foo="bar"})',
    "1:46: parse error: expected label selectors only, got vector selector instead",
  ],
  [
    'info(http_request_counter_total{namespace="zzz"}, {foo="bar"} == 1)',
    "1:51: parse error: expected label selectors only",
  ],
];

function messageOf(query: string): string {
  try {
    parseExpr(query);
  } catch (error) {
    expect(error).toBeInstanceOf(ParseError);
    return (error as Error).message;
  }
  throw new Error(`expected ${JSON.stringify(query)} to fail`);
}

describe("parseExpr() type and arity errors", () => {
  for (const [query, message] of CASES) {
    test(`parseExpr() rejects ${JSON.stringify(query).slice(0, 60)} as Prometheus does`, () => {
      expect(messageOf(query)).toBe(message);
    });
  }
});
