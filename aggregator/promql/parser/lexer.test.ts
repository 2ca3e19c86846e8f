import { describe, expect, test } from "bun:test";
import { goQuote, goUnicode, unquoteGo as unquote } from "../../../shared/model/go_string.ts";
import { formatDuration, parseDuration } from "../../../shared/time/duration.ts";
import { formatGoFloat } from "./go_format.ts";
import { Lexer } from "./lexer.ts";
import { parseNumber } from "./number.ts";

/** The kinds and texts of all tokens up to the end or an error. */
function lex(input: string): string[] {
  const l = new Lexer(input);
  const out: string[] = [];
  for (;;) {
    const t = l.nextToken();
    out.push(t.kind === "EOF" ? "EOF" : `${t.kind}:${t.text}`);
    if (t.kind === "EOF" || t.kind === "ERROR") return out;
  }
}

describe("Lexer", () => {
  const cases: [string, string[]][] = [
    [
      "sum by (a) (x)",
      [
        "SUM:sum",
        "BY:by",
        "LEFT_PAREN:(",
        "IDENTIFIER:a",
        "RIGHT_PAREN:)",
        "LEFT_PAREN:(",
        "IDENTIFIER:x",
        "RIGHT_PAREN:)",
        "EOF",
      ],
    ],
    ["a:b:c", ["METRIC_IDENTIFIER:a:b:c", "EOF"]],
    ["Inf nan", ["NUMBER:Inf", "NUMBER:nan", "EOF"]],
    [
      "0x1F .5 5. 1e-3 1_000",
      ["NUMBER:0x1F", "NUMBER:.5", "NUMBER:5.", "NUMBER:1e-3", "NUMBER:1_000", "EOF"],
    ],
    ["1h30m 5ms", ["DURATION:1h30m", "DURATION:5ms", "EOF"]],
    [
      "a==b!=c<=d>=e<f>g",
      [
        "IDENTIFIER:a",
        "EQLC:==",
        "IDENTIFIER:b",
        "NEQ:!=",
        "IDENTIFIER:c",
        "LTE:<=",
        "IDENTIFIER:d",
        "GTE:>=",
        "IDENTIFIER:e",
        "LSS:<",
        "IDENTIFIER:f",
        "GTR:>",
        "IDENTIFIER:g",
        "EOF",
      ],
    ],
    [
      '{sum="a",b!~`c`}',
      [
        "LEFT_BRACE:{",
        "IDENTIFIER:sum",
        "EQL:=",
        'STRING:"a"',
        "COMMA:,",
        "IDENTIFIER:b",
        "NEQ_REGEX:!~",
        "STRING:`c`",
        "RIGHT_BRACE:}",
        "EOF",
      ],
    ],
    [
      "x[ 5m : ]",
      ["IDENTIFIER:x", "LEFT_BRACKET:[", "DURATION:5m", "COLON::", "RIGHT_BRACKET:]", "EOF"],
    ],
    [
      "x[step()+1]",
      [
        "IDENTIFIER:x",
        "LEFT_BRACKET:[",
        "STEP:step",
        "LEFT_PAREN:(",
        "RIGHT_PAREN:)",
        "ADD:+",
        "NUMBER:1",
        "RIGHT_BRACKET:]",
        "EOF",
      ],
    ],
    [
      "fill + fill(1)",
      ["IDENTIFIER:fill", "ADD:+", "FILL:fill", "LEFT_PAREN:(", "NUMBER:1", "RIGHT_PAREN:)", "EOF"],
    ],
    ["a # note\n+ b", ["IDENTIFIER:a", "ADD:+", "IDENTIFIER:b", "EOF"]],
    [
      "foo[5mm]",
      ["IDENTIFIER:foo", "LEFT_BRACKET:[", 'ERROR:bad number or duration syntax: "5mm"'],
    ],
    ["'\\q'", ["ERROR:unknown escape sequence U+0071 'q'"]],
  ];
  for (const [input, tokens] of cases) {
    test(`Lexer reads ${JSON.stringify(input)}`, () => {
      expect(lex(input)).toEqual(tokens);
    });
  }
});

describe("parseDuration() and formatDuration()", () => {
  const cases: [string, number][] = [
    ["0", 0],
    ["5m", 300_000],
    ["1h30m", 5_400_000],
    ["1d", 86_400_000],
    ["1w", 604_800_000],
    ["1y", 31_536_000_000],
    ["1s500ms", 1_500],
  ];
  for (const [text, ms] of cases) {
    test(`parseDuration() reads ${text} as ${ms} ms`, () => {
      expect(parseDuration(text)).toBe(ms);
    });
  }
  const bad: [string, string][] = [
    ["", "empty duration string"],
    ["5m1h", 'not a valid duration string: "5m1h"'],
    ["5x", 'unknown unit "x" in duration "5x"'],
    ["300y", "duration out of range"],
  ];
  for (const [text, message] of bad) {
    test(`parseDuration() rejects ${JSON.stringify(text)} with Prometheus's message`, () => {
      expect(() => parseDuration(text)).toThrow(message);
    });
  }
  test("formatDuration() prints as Prometheus's model.Duration does", () => {
    expect(
      [0, 1, 1500, 5_400_000, 86_400_000 * 90, 604_800_000, 31_536_000_000, -60_000].map(
        formatDuration,
      ),
    ).toEqual(["0s", "1ms", "1s500ms", "1h30m", "90d", "1w", "1y", "-1m"]);
  });
});

describe("Go formatting helpers", () => {
  test("goQuote() escapes as strconv.Quote does", () => {
    expect(goQuote('a"b\\c\n\t\x07\x7f\u00a0é☺\u{1f600}\udcff')).toBe(
      '"a\\"b\\\\c\\n\\t\\a\\x7f\\u00a0é☺😀\\xff"',
    );
  });
  test("goUnicode() prints %#U", () => {
    expect([goUnicode(0x63), goUnicode(0x0a)]).toEqual(["U+0063 'c'", "U+000A"]);
  });
  test("formatGoFloat() never uses an exponent", () => {
    expect([1e21, 1.5e-7, -0, 0.1, 123.456, -2.5e25].map(formatGoFloat)).toEqual([
      "1000000000000000000000",
      "0.00000015",
      "-0",
      "0.1",
      "123.456",
      "-25000000000000000000000000",
    ]);
  });
  test("parseNumber() reads Go's integer and float syntax", () => {
    expect(["0755", "0x1f", "09", "1_000.5", "1e400", "0x"].map(parseNumber)).toEqual([
      { value: 493 },
      { value: 31 },
      { value: 9 },
      { value: 1000.5 },
      { error: 'strconv.ParseFloat: parsing "1e400": value out of range' },
      { error: 'strconv.ParseFloat: parsing "0x": invalid syntax' },
    ]);
  });
  test("unquote() decodes Go escapes, bytes as UTF-8", () => {
    expect(unquote('"\\u263a\\xe2\\x98\\xba\\101\\t"')).toBe("☺☺A\t");
    expect(unquote("`a\\n`")).toBe("a\\n");
  });
});
