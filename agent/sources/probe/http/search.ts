import { compileSearch as compileRegexSearch, RegexError } from "../../../../shared/regex/regex.ts";

/**
 * blackbox_exporter matches `fail_if_*_regexp` patterns with Go's `regexp.Match`: RE2 syntax,
 * Go's default flags (`.` does not match `\n`, `^`/`$` are the ends of the text) and an
 * UNANCHORED search, so `ok` matches anywhere in the body.
 */

/** A compiled search: whether the pattern matches anywhere in a text. */
export interface Search {
  test(text: string): boolean;
}

/** Compiles an RE2 pattern for an unanchored search, as blackbox_exporter's body and header checks do. */
export function compileSearch(pattern: string): Search {
  try {
    return compileRegexSearch(pattern);
  } catch (error) {
    if (!(error instanceof RegexError)) throw error;
    throw new SyntaxError(`Cannot compile regexp ${JSON.stringify(pattern)}: ${error.reason}`);
  }
}
