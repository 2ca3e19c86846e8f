import { describe, expect, test } from "bun:test";
import type { ValueType } from "./ast.ts";
import { documentedType } from "./check.ts";
import { AGGREGATIONS, FUNCTIONS } from "./functions.ts";
import { parseExpr } from "./parse.ts";

/** An argument of each type, and one of another type to provoke a type error. */
const VALID: Record<ValueType, string> = {
  scalar: "1",
  vector: "foo",
  matrix: "foo[5m]",
  string: '"s"',
};
const WRONG: Record<ValueType, string> = {
  scalar: '"s"',
  vector: "foo[5m]",
  matrix: "foo",
  string: "1",
};

function argument(func: string, i: number, type: ValueType): string {
  // info's second argument must be a bare label selector.
  return func === "info" && i === 1 ? '{a="b"}' : VALID[type];
}

function errorOf(query: string): string {
  try {
    parseExpr(query);
  } catch (error) {
    return (error as Error).message;
  }
  return "no error";
}

describe("FUNCTIONS", () => {
  for (const [name, f] of Object.entries(FUNCTIONS)) {
    const required = f.variadic === 0 ? f.args.length : f.args.length - 1;
    const args = f.args.slice(0, required).map((t, i) => argument(name, i, t));

    test(`${name}() accepts ${required} argument(s) of type ${f.args.join(", ") || "none"}`, () => {
      expect(parseExpr(`${name}(${args.join(", ")})`)).toMatchObject({ type: "Call", func: name });
    });

    test(`${name}() rejects a wrong number of arguments as Prometheus does`, () => {
      if (f.variadic === 0) {
        const over = [...args, "1"];
        expect(errorOf(`${name}(${over.join(", ")})`)).toBe(
          `1:1: parse error: expected ${f.args.length} argument(s) in call to "${name}", got ${over.length}`,
        );
      } else if (f.variadic > 0) {
        const most = f.args.length - 1 + f.variadic;
        const over = [...args, ...Array(f.variadic + 1).fill(VALID[f.args.at(-1)!])];
        expect(errorOf(`${name}(${over.join(", ")})`)).toBe(
          `1:1: parse error: expected at most ${most} argument(s) in call to "${name}", got ${over.length}`,
        );
      }
      if (required > 0 && f.variadic !== 0) {
        expect(errorOf(`${name}()`)).toBe(
          `1:1: parse error: expected at least ${required} argument(s) in call to "${name}", got 0`,
        );
      }
    });

    f.args.slice(0, Math.max(required, 1)).forEach((want, i) => {
      test(`${name}() rejects an argument ${i + 1} that is not of type ${want}`, () => {
        const bad = [...args];
        bad[i] = WRONG[want];
        const query = `${name}(${bad.join(", ")})`;
        const column =
          query.indexOf(WRONG[want], name.length + 1 + bad.slice(0, i).join(", ").length) + 1;
        const got = documentedType(exprTypeOf(WRONG[want]));
        expect(errorOf(query)).toBe(
          `1:${column}: parse error: expected type ${documentedType(want)} in call to function "${name}", got ${got}`,
        );
      });
    });

    if (f.experimental) {
      test(`${name}() is refused when experimental functions are off`, () => {
        expect(() =>
          parseExpr(`${name}(${args.join(", ")})`, { experimentalFunctions: false }),
        ).toThrow(`1:1: parse error: function "${name}" is not enabled`);
      });
    }
  }

  test("label_join() type-checks every extra label argument as a string", () => {
    expect(errorOf('label_join(foo, "a", ",", "b", 1)')).toBe(
      '1:32: parse error: expected type string in call to function "label_join", got scalar',
    );
  });
});

function exprTypeOf(text: string): ValueType {
  if (text.startsWith('"')) return "string";
  if (text.endsWith("]")) return "matrix";
  return /^\d/.test(text) ? "scalar" : "vector";
}

describe("AGGREGATIONS", () => {
  for (const [op, a] of Object.entries(AGGREGATIONS)) {
    const param = a.param === null ? "" : `${VALID[a.param]}, `;
    test(`${op}() takes ${a.param === null ? "no parameter" : `a ${a.param} parameter`}`, () => {
      expect(parseExpr(`${op} by (job) (${param}foo)`)).toMatchObject({
        type: "AggregateExpr",
        op,
      });
      const wanted = a.param === null ? 1 : 2;
      expect(errorOf(`${op}(${param}foo, bar)`)).toBe(
        `1:1: parse error: wrong number of arguments for aggregate expression provided, expected ${wanted}, got ${wanted + 1}`,
      );
    });
    if (a.param !== null) {
      test(`${op}() rejects a parameter of the wrong type`, () => {
        const got = documentedType(exprTypeOf(WRONG[a.param!]));
        expect(errorOf(`${op}(${WRONG[a.param!]}, foo)`)).toBe(
          `1:${op.length + 2}: parse error: expected type ${documentedType(a.param!)} in aggregation parameter, got ${got}`,
        );
      });
    }
  }
});

describe("holt_winters, Prometheus 2's name of double_exponential_smoothing", () => {
  test("is read as double_exponential_smoothing and type-checked as it is", () => {
    const e = parseExpr("holt_winters(foo[5m], 0.5, 0.1)");
    expect(e).toMatchObject({ type: "Call", func: "double_exponential_smoothing" });
    expect(errorOf("holt_winters(foo, 0.5, 0.1)")).toContain(
      'expected type range vector in call to function "double_exponential_smoothing"',
    );
  });
});
