import { describe, expect, test } from "bun:test";
import { PATHOLOGICAL, PATHOLOGICAL_BUDGET_MS } from "../../../shared/regex/testing.ts";
import { compileLineFilter } from "./line_filter.ts";

describe("compileLineFilter()", () => {
  // [op, values, line, kept]
  const cases: [Parameters<typeof compileLineFilter>[0], string[], string, boolean][] = [
    ["|=", ["error"], "an error here", true],
    ["!=", ["error"], "an error here", false],
    ["|~", ["err(or)?"], "an err here", true], // anywhere in the line
    ["|~", ["^err"], "an err here", false], // `^` still anchors
    ["|~", ["a.b"], "a\nb", false], // Go's default flags: `.` does not match `\n`
    ["|~", ["error|timeout"], "read timeout", true],
    ["!~", ["error|timeout"], "read timeout", false],
    ["|~", ["(?i)ERROR"], "an error", true],
    ["|~", ["a", "b"], "b", true], // `or`: any alternative
    ["!~", ["a", "b"], "b", false], // negated `or`: none of them
  ];
  test.each(cases)("%s %j on %j keeps it: %p", (op, values, line, kept) => {
    expect(compileLineFilter(op, values)(line)).toBe(kept);
  });

  test.each(PATHOLOGICAL.map((c) => [c.pattern, c.text.length, c] as const))(
    "runs |~ %j on a line of %d characters in linear time with RE2's answer",
    (pattern, _, { text, search }) => {
      const began = performance.now();
      const kept = compileLineFilter("|~", [pattern])(text);
      const dropped = !compileLineFilter("!~", [pattern])(text);
      expect(performance.now() - began).toBeLessThan(PATHOLOGICAL_BUDGET_MS);
      expect([kept, dropped]).toEqual([search, search]);
    },
  );
});
