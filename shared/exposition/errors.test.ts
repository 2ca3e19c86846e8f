import { describe, expect, test } from "bun:test";
import type { ExpositionFormat } from "./parse.ts";
import { collect } from "./testing.ts";

/** `[case, input, message]`: the SyntaxError message must equal `message` exactly. */
type ErrorCase = [string, string | Uint8Array, string];

const L = (line: number, what: string) => `Cannot parse exposition line ${line}: ${what}`;

const textErrors: ErrorCase[] = [
  ["digit starting a name", "1m 1", L(1, 'expected metric name or "{", got "1m"')],
  ["missing value", "m\n", L(1, "expected a value after the series, got end of line")],
  [
    "missing value at end of input",
    "m",
    L(1, "expected a value after the series, got end of input"),
  ],
  ["word as value", "m abc", L(1, 'expected a number as sample value, got "abc"')],
  ["hex float", "m 0x1p3", L(1, 'expected a number as sample value, got "0x1p3"')],
  ["underscore in number", "m 1_000", L(1, 'expected a number as sample value, got "1_000"')],
  ["overflowing number", "m 1e400", L(1, 'expected a number as sample value, got "1e400"')],
  ["signed NaN", "m +NaN", L(1, 'expected a number as sample value, got "+NaN"')],
  ["float timestamp", "m 1 1.5", L(1, 'expected an integer timestamp in milliseconds, got "1.5"')],
  ["negative timestamp", "m 1 -5", L(1, 'expected an integer timestamp in milliseconds, got "-5"')],
  [
    "huge timestamp",
    "m 1 99999999999999999999",
    L(1, "timestamp 99999999999999999999 is out of range"),
  ],
  ["extra token", "m 1 2 3", L(1, 'expected end of line after the sample, got "3"')],
  ["missing =", 'm{a "1"} 1', L(1, 'expected "=" after label name "a", got "\\"1\\"}"')],
  ["unquoted value", "m{a=1} 1", L(1, 'expected quoted label value after "a=", got "1}"')],
  [
    "label starting with a digit",
    'm{1a="x"} 1',
    L(1, 'expected label name or "}", got "1a=\\"x\\"}"'),
  ],
  [
    "colon in label name",
    'm{a:b="x"} 1',
    L(1, 'expected "=" after label name "a", got ":b=\\"x\\"}"'),
  ],
  ["lone comma", "m{,} 1", L(1, 'expected label name or "}", got ",}"')],
  ["unclosed brace", 'm{a="1"\nn 2', L(1, 'expected label name or "}", got end of line')],
  ["unterminated label value", 'm{a="x} 1\n', L(1, "unterminated quoted label value")],
  ["brace on the value", "m 1{", L(1, 'expected end of line after the sample, got "{"')],
  ["no metric name", '{a="b"} 1', L(1, "metric name is missing")],
  ["two metric names", '{"a","b"} 1', L(1, "metric name is set twice")],
  ["__name__ as a label too", 'm{__name__="x"} 1', L(1, 'label name "__name__" is not unique')],
  ["repeated label", 'm{a="1",a="2"} 1', L(1, 'label name "a" is not unique')],
  ["empty quoted label name", 'm{""="x"} 1', L(1, "label name is empty")],
  ["invalid type", "# TYPE m foo", L(1, 'invalid metric type "foo"')],
  ["OpenMetrics-only type", "# TYPE m info", L(1, 'invalid metric type "info"')],
  [
    "HELP without a name",
    "# HELP \n",
    L(1, 'expected metric name after "# HELP", got end of line'),
  ],
  [
    "junk after a metadata name",
    "# HELP m.x y",
    L(1, 'expected a space after the metric name in "# HELP", got ".x"'),
  ],
  [
    "error on a later line",
    "a 1\n# c\n\nb{x=1} 2\n",
    L(4, 'expected quoted label value after "x=", got "1}"'),
  ],
  [
    "bad UTF-8 in a label value",
    new Uint8Array([109, 123, 97, 61, 34, 0xff, 34, 125, 32, 49]),
    L(1, "label value is not valid UTF-8"),
  ],
  ["bare CR", "m 1\r", L(1, 'expected a number as sample value, got "1\\r"')],
];

const omErrors: ErrorCase[] = [
  ["missing EOF", "m 1\n", L(2, 'expected "# EOF" as the last line')],
  ["missing EOF without newline", "m 1", L(1, 'expected "# EOF" as the last line')],
  ["empty body", "", L(1, 'expected "# EOF" as the last line')],
  ["data after EOF", "# EOF\nm 1\n", L(2, 'unexpected data after "# EOF"')],
  ["blank line after EOF", "# EOF\n\n", L(2, 'unexpected data after "# EOF"')],
  ["text after EOF on its line", "# EOF x\n", L(1, 'expected end of line after "# EOF"')],
  ["blank line", "m 1\n\n# EOF\n", L(2, "unexpected blank line")],
  ["comment", "# hello\n# EOF", L(1, 'expected "# HELP", "# TYPE", "# UNIT" or "# EOF", got "#"')],
  [
    "two spaces before the value",
    "m  1\n# EOF",
    L(1, 'expected a value after the series, got " "'),
  ],
  [
    "tab before the value",
    "m\t1\n# EOF",
    L(1, 'expected a space and a value after the series, got "\\t"'),
  ],
  [
    "space between name and brace",
    'm {a="1"} 1\n# EOF',
    L(1, 'expected a number as sample value, got "{a=\\"1\\"}"'),
  ],
  ["space after a comma", 'm{a="1", b="2"} 1\n# EOF', L(1, 'expected label name or "}", got " "')],
  [
    "missing comma",
    'm{a="1"b="2"} 1\n# EOF',
    L(1, 'expected "," or "}" after label value, got "b=\\"2\\"}"'),
  ],
  ["raw newline in a label value", 'm{a="x\ny"} 1\n# EOF', L(1, "unterminated quoted label value")],
  ["word as timestamp", "m 1 abc\n# EOF", L(1, 'expected a timestamp in seconds, got "abc"')],
  ["NaN timestamp", "m 1 NaN\n# EOF", L(1, 'expected a timestamp in seconds, got "NaN"')],
  ["trailing space", "m 1 \n# EOF", L(1, 'expected a timestamp in seconds, got ""')],
  [
    "exemplar without value",
    'm 1 # {a="b"}\n# EOF',
    L(1, "expected a space and a value after the exemplar labels, got end of line"),
  ],
  [
    "exemplar with bad value",
    'm 1 # {a="b"} x\n# EOF',
    L(1, 'expected a number as sample value, got "x"'),
  ],
  [
    "exemplar without braces",
    "m 1 # a 1\n# EOF",
    L(1, 'expected a timestamp or " # {" to start an exemplar, got " "'),
  ],
  [
    "unit not a suffix",
    "# UNIT m_seconds bytes\n# EOF",
    L(1, 'unit "bytes" is not a suffix of metric "m_seconds"'),
  ],
  ["text-format type", "# TYPE m untyped\n# EOF", L(1, 'invalid metric type "untyped"')],
];

function messageOf(input: string | Uint8Array, format: ExpositionFormat): string {
  try {
    collect(input, format);
  } catch (e) {
    expect(e).toBeInstanceOf(SyntaxError);
    return (e as Error).message;
  }
  throw new Error("expected parseExposition() to throw");
}

describe("parseExposition() rejects malformed text-format lines", () => {
  test.each(textErrors)("%s", (_, input, message) => {
    expect(messageOf(input, "text")).toBe(message);
  });
});

describe("parseExposition() rejects malformed OpenMetrics", () => {
  test.each(omErrors)("%s", (_, input, message) => {
    expect(messageOf(input, "openmetrics")).toBe(message);
  });
});
