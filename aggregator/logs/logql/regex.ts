/**
 * RE2 patterns for LogQL, run by shared/regex. Line filters and `| regexp` search anywhere in a
 * line (Go's `regexp.MatchString`, `.` not matching `\n`); label matchers stay anchored (shared
 * compileMatcher). Errors read like Go's (`error parsing regexp: missing closing ): …`).
 */

import { compileSearch, type Regex, RegexError } from "../../../shared/regex/regex.ts";
import { compileMatcher, type ValueTest } from "../../storage/matchers.ts";
import type { LabelMatcher } from "../../storage/storage.ts";

/** Compiles an RE2 pattern for unanchored search; throws a SyntaxError worded as Go's. */
export function compileSearchRegex(pattern: string): Regex {
  try {
    return compileSearch(pattern);
  } catch (error) {
    if (!(error instanceof RegexError)) throw error;
    throw new SyntaxError(`error parsing regexp: ${error.reason}`);
  }
}

/** Compiles a label matcher; throws a SyntaxError worded as Go's for a bad regex. */
export function compileLabelMatcher(m: LabelMatcher): ValueTest {
  try {
    return compileMatcher(m);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const prefix = `Cannot compile matcher ${m.name}${m.type}"${m.value}": `;
    const reason = message.startsWith(prefix) ? message.slice(prefix.length) : message;
    throw new SyntaxError(`error parsing regexp: ${reason}`);
  }
}
