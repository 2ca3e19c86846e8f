/**
 * Line filters: `|=` contains, `!=` does not contain, `|~`/`!~` an RE2 search, `|>`/`!>` a
 * pattern. `or` alternatives pass a positive filter when any matches and a negative one
 * when none does (Loki's `newOrLineFilter`).
 */
import type { LineFilter } from "../source.ts";
import type { LineFilterOp, LineFilterStage } from "./ast.ts";
import { compilePattern } from "./pattern.ts";
import { compileSearchRegex } from "./regex.ts";

/** A test on a line. */
export type LineTest = (line: string) => boolean;

function positive(op: LineFilterOp, value: string): LineTest {
  if (op === "|=" || op === "!=") {
    if (value === "") return () => true;
    return (line) => line.includes(value);
  }
  if (op === "|~" || op === "!~") {
    const re = compileSearchRegex(value);
    return (line) => re.test(line);
  }
  const pattern = compilePattern(value, false);
  return (line) => pattern.test(line);
}

/** Compiles one filter stage. */
export function compileLineFilter(op: LineFilterOp, values: readonly string[]): LineTest {
  const tests = values.map((v) => positive(op, v));
  const negate = op[0] === "!";
  if (tests.length === 1) {
    const t = tests[0];
    return negate ? (line) => !t(line) : t;
  }
  return negate ? (line) => !tests.some((t) => t(line)) : (line) => tests.some((t) => t(line));
}

/** Compiles the filters storage was asked to apply (`LogSelectParams.lineFilters`). */
export function compileLineFilters(filters: readonly LineFilter[]): LineTest {
  const tests = filters.map((f) => compileLineFilter(f.op, [f.value]));
  if (tests.length === 0) return () => true;
  return (line) => tests.every((t) => t(line));
}

/**
 * The filters of a stage in the storage seam's form, or undefined when it has none:
 * pattern filters and positive `or` chains cannot be pushed; `!= "a" or "b"` is two filters.
 */
export function pushableFilters(stage: LineFilterStage): LineFilter[] | undefined {
  if (stage.op === "|>" || stage.op === "!>") return undefined;
  if (stage.values.length > 1 && stage.op[0] !== "!") return undefined;
  return stage.values.map((value) => ({ op: stage.op as LineFilter["op"], value }));
}
