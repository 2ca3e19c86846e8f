/**
 * RE2 patterns for LogQL, through the shared RE2-to-JavaScript translator. Line filters and
 * `| regexp` search anywhere in a line (Go's `regexp.MatchString`, `.` not matching `\n`);
 * label matchers stay anchored (shared compileMatcher). Errors read like Go's
 * (`error parsing regexp: missing closing ): …`).
 */

import { compileRegex } from "../../../shared/regex/regex.ts";
import { compileMatcher, type ValueTest } from "../../storage/matchers.ts";
import type { LabelMatcher } from "../../storage/storage.ts";

/** A pattern compiled for searching, with the name of each capture group by index. */
export interface SearchRegex {
  readonly regexp: RegExp;
  readonly groupNames: readonly string[];
}

/** Go's wording of why `pattern` does not compile, from the translator's error. */
function goReason(error: unknown, prefix: string): string {
  const message = error instanceof Error ? error.message : String(error);
  const reason = message.startsWith(prefix) ? message.slice(prefix.length) : message;
  return `error parsing regexp: ${reason}`;
}

/** Compiles an RE2 pattern for unanchored search; throws a SyntaxError worded as Go's. */
export function compileSearchRegex(pattern: string): SearchRegex {
  const prefix = `Cannot compile relabel regex "${pattern}": `;
  try {
    // Compiled alone first so that a stray `)` cannot close the wrapper below.
    compileRegex(pattern);
  } catch (error) {
    throw new SyntaxError(goReason(error, prefix));
  }
  // Go's regexp leaves `s` off, where Prometheus's matchers turn it on.
  const wrapped = compileRegex(`(?-s:${pattern})`);
  const source = wrapped.regexp.source;
  const body = source.slice("^(?:".length, source.length - ")$".length);
  return { regexp: new RegExp(body, "u"), groupNames: wrapped.groupNames };
}

/** Compiles a label matcher; throws a SyntaxError worded as Go's for a bad regex. */
export function compileLabelMatcher(m: LabelMatcher): ValueTest {
  try {
    return compileMatcher(m);
  } catch (error) {
    throw new SyntaxError(
      goReason(error, `Cannot compile matcher ${m.name}${m.type}"${m.value}": `),
    );
  }
}
