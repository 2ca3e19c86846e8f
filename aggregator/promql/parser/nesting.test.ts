import { describe, expect, test } from "bun:test";
import type { Expr } from "./ast.ts";
import { formatExpr } from "./format.ts";
import { MAX_NESTING, TOO_DEEP } from "./nesting.ts";
import { exprType, parseExpr } from "./parse.ts";

const nested = (open: string, inner: string, close: string, n: number) =>
  open.repeat(n) + inner + close.repeat(n);
const chain = (term: string, op: string, n: number) => new Array(n).fill(term).join(op);
const K = MAX_NESTING;

function messageOf(query: string, options = {}): string | null {
  try {
    parseExpr(query, options);
    return null;
  } catch (e) {
    return (e as Error).message;
  }
}

describe("parseExpr() nesting", () => {
  // [what, query, where the error points (null: the query parses)]
  const cases: [string, string, string | null][] = [
    ["accepts parentheses nested to the limit", nested("(", "1", ")", K), null],
    ["refuses parentheses nested one level more", nested("(", "1", ")", K + 1), `1:${K + 2}`],
    ["refuses 100,000 nested parentheses", nested("(", "1", ")", 100_000), `1:${K + 2}`],
    ["refuses 100,000 signs", `${"-".repeat(100_000)}1`, `1:${K + 2}`],
    ["refuses signs before a selector", `${"-".repeat(10_000)}up`, `1:${K + 2}`],
    ["accepts function calls nested to the limit", nested("abs(", "up", ")", K), null],
    ["refuses 10,000 nested function calls", nested("abs(", "up", ")", 10_000), `1:${4 * K + 5}`],
    ["refuses 10,000 nested aggregations", nested("sum(", "up", ")", 10_000), `1:${4 * K + 5}`],
    ["refuses nested subqueries", nested("max(", "up", "[5m:1m])", 10_000), `1:${4 * K + 5}`],
    ["refuses a subquery of a subquery of …", `up${"[1m:]".repeat(10_000)}`, "1:1"],
    ["refuses 100,000 right-associative powers", chain("2", "^", 100_000), `1:${2 * K + 3}`],
    [
      "refuses 10,000 right operands in parentheses",
      nested("up+(", "up", ")", 10_000),
      `1:${2 * K + 4}`,
    ],
    [
      "refuses duration expressions nested 10,000 deep",
      `up[${nested("(", "5m", ")", 10_000)}]`,
      `1:${K + 4}`,
    ],
    ["accepts a chain of 100,000 additions", chain("1", "+", 100_000), null],
    ["accepts a chain of 20,000 set operations", chain("up", " or ", 20_000), null],
    ["accepts a chain of 10,000 left-associative comparisons", chain("up", " > ", 10_000), null],
  ];
  for (const [what, query, at] of cases) {
    test(`parseExpr() ${what}`, () => {
      expect(messageOf(query, { durationExpressions: true })).toBe(
        at === null ? null : `${at}: parse error: ${TOO_DEEP}`,
      );
    });
  }

  test("exprType() types a chain of 100,000 operators it has not checked", () => {
    const span = { start: 0, end: 1 };
    const one: Expr = { type: "NumberLiteral", value: 1, span };
    let e: Expr = one;
    for (let i = 1; i < 100_000; i++) {
      e = {
        type: "BinaryExpr",
        op: "+",
        lhs: e,
        rhs: one,
        matching: null,
        returnBool: false,
        span,
      };
    }
    expect(exprType(e)).toBe("scalar");
  });
});

describe("formatExpr() on long chains", () => {
  test("formatExpr() prints a chain of 1,000 terms as Prometheus indents it", () => {
    const text = formatExpr(parseExpr(chain("up", " + ", 1000)));
    const lines = text.split("\n");
    // The first 20 terms fit in 100 bytes; each of the 980 operators after them splits.
    expect(lines).toHaveLength(1 + 2 * 980);
    expect(lines[0]).toBe(`${"  ".repeat(980)}${chain("up", " + ", 20)}`);
    expect(lines.slice(1, 3)).toEqual([`${"  ".repeat(979)}+`, `${"  ".repeat(980)}up`]);
    expect(lines.slice(-2)).toEqual(["+", "  up"]);
  });

  test("formatExpr() refuses text that would grow past its limit before writing it", () => {
    const expr = parseExpr(chain("up", " + ", 100_000));
    expect(() => formatExpr(expr)).toThrow(
      new RangeError(
        "Cannot format the query: its formatted text would exceed 67108864 characters",
      ),
    );
  });
});
