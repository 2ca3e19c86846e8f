import { describe, expect, test } from "bun:test";
import { MAX_NESTING, TOO_DEEP } from "./nesting.ts";
import { parseExpr } from "./parse.ts";

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
});
