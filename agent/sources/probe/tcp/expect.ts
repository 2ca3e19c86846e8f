import { expandTemplate } from "../../../../shared/regex/expand.ts";
import { compileSearch, type Regex, RegexError } from "../../../../shared/regex/regex.ts";

/** A compiled `expect` regex of a query_response step. */
export interface Expect {
  /** The capture groups of the leftmost match in `line` (0: the whole match), or null. */
  search(line: string): readonly (string | undefined)[] | null;
  /** `template` with `$1`, `${name}`, `$$` expanded from `groups`, as Go's regexp.Expand does. */
  expand(template: string, groups: readonly (string | undefined)[]): string;
}

/**
 * Compiles an `expect` pattern as blackbox_exporter does: RE2, matched anywhere in a line.
 */
export function compileExpect(pattern: string): Expect {
  let regex: Regex;
  try {
    regex = compileSearch(pattern);
  } catch (error) {
    if (!(error instanceof RegexError)) throw error;
    throw new SyntaxError(`Cannot compile expect regex "${pattern}": ${error.reason}`);
  }
  return {
    search: (line) => regex.exec(line),
    expand: (template, groups) => expandTemplate(template, groups, regex.groupNames),
  };
}
