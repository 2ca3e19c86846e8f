import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { exprToString, formatExpr } from "./format.ts";
import { parseExpr } from "./parse.ts";

/** The conformance scripts' core set (see promqltest/testdata/promql/README.md). */
const CORE = [
  "aggregators",
  "at_modifier",
  "collision",
  "functions",
  "histograms",
  "limit",
  "literals",
  "name_label_dropping",
  "operators",
  "range_queries",
  "selectors",
  "staleness",
  "subquery",
  "trig_functions",
];
const DIR = new URL("../promqltest/testdata/promql/", import.meta.url).pathname;
const EVAL =
  /^\s*eval(?:_\w+)?\s+(?:instant\s+at\s+\S+|range\s+from\s+\S+\s+to\s+\S+\s+step\s+\S+)\s+(.*)$/;

/** Every eval's query in a script, with its line number. */
function queries(file: string): [number, string][] {
  const lines = readFileSync(`${DIR}${file}.test`, "utf8").split("\n");
  const found: [number, string][] = [];
  lines.forEach((line, i) => {
    const m = EVAL.exec(line);
    if (m) found.push([i + 1, m[1]]);
  });
  return found;
}

describe("conformance scripts", () => {
  for (const file of CORE) {
    test(`parseExpr() parses every query of ${file}.test and parses its formatted form back to the same expression`, () => {
      const all = queries(file);
      expect(all.length).toBeGreaterThan(0);
      for (const [line, query] of all) {
        let text = "";
        try {
          const e = parseExpr(query);
          text = formatExpr(e, 10);
          expect(exprToString(parseExpr(text))).toBe(exprToString(e));
        } catch (error) {
          throw new Error(`${file}.test:${line}: ${query} (${text}): ${(error as Error).message}`);
        }
      }
    });
  }

  test("parseExpr() folds the constant duration expressions of duration_expression.test", () => {
    const constant = queries("duration_expression").filter(
      ([, q]) => !/step|range|min_of|max_of/i.test(q),
    );
    expect(constant.length).toBeGreaterThan(20);
    for (const [, query] of constant) parseExpr(query, { durationExpressions: true });
  });
});
