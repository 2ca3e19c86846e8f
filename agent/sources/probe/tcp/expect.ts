import { expandTemplate } from "../../../../shared/regex/expand.ts";
import { compileRegex } from "../../../../shared/regex/regex.ts";

/** A compiled `expect` regex of a query_response step. */
export interface Expect {
  /** The capture groups of the leftmost match in `line` (0: the whole match), or null. */
  search(line: string): (string | undefined)[] | null;
  /** `template` with `$1`, `${name}`, `$$` expanded from `groups`, as Go's regexp.Expand does. */
  expand(template: string, groups: readonly (string | undefined)[]): string;
}

const compiled = new Map<string, Expect>();

/**
 * Compiles an `expect` pattern as blackbox_exporter does: RE2, matched anywhere in a line.
 * compileRegex() anchors at both ends, so the pattern is wrapped as `.*?(pattern).*`: the lazy
 * prefix finds the leftmost match and the added group 1 is Go's group 0. Lines never hold a
 * newline, so compileRegex's dot-matches-newline flag changes nothing.
 */
export function compileExpect(pattern: string): Expect {
  let expect = compiled.get(pattern);
  if (expect) return expect;
  const wrapped = `.*?(${pattern}).*`;
  try {
    compileRegex(pattern);
    const { regexp, groupNames } = compileRegex(wrapped);
    const names = groupNames.slice(1);
    expect = {
      search: (line) => regexp.exec(line)?.slice(1) ?? null,
      expand: (template, groups) => expandTemplate(template, groups, names),
    };
  } catch (error) {
    let reason = (error as Error).message;
    for (const p of [pattern, wrapped])
      reason = reason.replace(`Cannot compile relabel regex "${p}": `, "");
    throw new SyntaxError(`Cannot compile expect regex "${pattern}": ${reason}`);
  }
  compiled.set(pattern, expect);
  return expect;
}
