import { compileRegex, type RelabelRegex } from "../../../../shared/regex/regex.ts";

/**
 * Compiles an RE2 pattern for searching, as Go's regexp does in Promtail's `regex` and
 * `drop` stages: unanchored (a match anywhere counts; `^` and `$` anchor), and `.` not
 * matching a newline unless the pattern says `(?s)`. Both `(?P<name>…)` and `(?<name>…)`
 * name a group. Throws a SyntaxError naming the pattern when it does not compile.
 */
export function searchRegex(pattern: string): RelabelRegex {
  try {
    // Alone first, so that a pattern like `a)|(b` fails instead of closing our wrapper.
    compileRegex(pattern);
  } catch (err) {
    throw new SyntaxError((err as Error).message.replace("relabel regex", "regex"));
  }
  const anchored = compileRegex(`(?-s:${pattern})`);
  const source = anchored.regexp.source;
  // compileRegex anchors its translation as `^(?:…)$`; unwrapped, the regex searches, and
  // JavaScript's own search is faster than a lazy `.*?` prefix.
  if (source.startsWith("^(?:") && source.endsWith(")$")) {
    const regexp = new RegExp(source.slice(4, -2), "u");
    return { source: pattern, regexp, groupNames: anchored.groupNames };
  }
  const wrapped = compileRegex(`(?s:.*?)(?-s:${pattern})(?s:.*)`);
  return { ...wrapped, source: pattern };
}
