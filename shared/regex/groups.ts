/**
 * The one reading of a pattern's structure that Outpost does itself before RE2 sees it: where
 * the capture groups are, what they are called, and whether the parentheses balance.
 *
 * Go allows a group name to repeat (`(?P<n>a)|(?P<n>b)`; `$n` then means the first such group
 * that took part), where re2js, like Java, rejects it. So valid names are taken out of the
 * pattern (`(?P<n>` and `(?<n>` become `(`) and kept here by group index; re2js then numbers
 * the groups exactly as Go does. Malformed names are left in place for re2js to reject with
 * Go's own message.
 */

/** A pattern with its group names taken out. */
export interface GroupScan {
  /**
   * The pattern with each valid `(?P<name>` or `(?<name>` turned into `(`, and a `\E` closing a
   * `\Q` left open at the end, which would otherwise quote a wrapper's closing `)`.
   */
  readonly unnamed: string;
  /** Name of each capture group by index ("" when unnamed; index 0 is the whole match). */
  readonly groupNames: readonly string[];
  /** False when a `)` closes no group, which would close a wrapper around the pattern. */
  readonly balanced: boolean;
}

/** Go's `isValidCaptureName`: ASCII letters, digits and `_`. */
const GROUP_NAME = /^[A-Za-z0-9_]+$/;

/** Reads `pattern` as RE2 does: escapes, `\Q…\E`, classes, and groups. */
export function scanGroups(pattern: string): GroupScan {
  const groupNames = [""];
  let unnamed = "";
  let depth = 0;
  let balanced = true;
  let quoteOpen = false;
  let i = 0;
  while (i < pattern.length) {
    const c = pattern[i];
    let end = i + 1;
    if (c === "\\") {
      end = escapeEnd(pattern, i);
      quoteOpen = pattern[i + 1] === "Q" && !pattern.startsWith("\\E", end - 2);
    } else if (c === "[") end = classEnd(pattern, i);
    else if (c === ")") {
      depth--;
      if (depth < 0) balanced = false;
    } else if (c === "(") {
      depth++;
      const name = groupName(pattern, i);
      if (name !== null) {
        groupNames.push(name.name);
        unnamed += "(";
        i = name.end;
        continue;
      }
      if (pattern[i + 1] !== "?") groupNames.push("");
    }
    unnamed += pattern.slice(i, end);
    i = end;
  }
  if (quoteOpen) unnamed += "\\E";
  return { unnamed, groupNames, balanced };
}

/** The name of a group opened at `open` by `(?P<name>` or `(?<name>`, when it is valid. */
function groupName(pattern: string, open: number): { name: string; end: number } | null {
  let start: number;
  if (pattern.startsWith("(?P<", open)) start = open + 4;
  else if (pattern.startsWith("(?<", open)) start = open + 3;
  else return null;
  const close = pattern.indexOf(">", start);
  if (close < 0) return null;
  const name = pattern.slice(start, close);
  return GROUP_NAME.test(name) ? { name, end: close + 1 } : null;
}

/** Where the escape at `at` ends: `\Q…\E` quotes everything up to `\E` or the end. */
function escapeEnd(pattern: string, at: number): number {
  if (pattern[at + 1] !== "Q") return Math.min(at + 2, pattern.length);
  const close = pattern.indexOf("\\E", at + 2);
  return close < 0 ? pattern.length : close + 2;
}

/**
 * Where the class opened at `at` ends (past its `]`, or the end of the pattern when it is
 * unclosed). A `]` right after `[` or `[^` is a member; so is anything inside `[:…:]`.
 */
function classEnd(pattern: string, at: number): number {
  let i = at + 1;
  if (pattern[i] === "^") i++;
  if (pattern[i] === "]") i++;
  while (i < pattern.length && pattern[i] !== "]") {
    if (pattern[i] === "\\") {
      i += 2;
    } else if (pattern.startsWith("[:", i) && pattern.indexOf(":]", i + 2) >= 0) {
      i = pattern.indexOf(":]", i + 2) + 2;
    } else {
      i++;
    }
  }
  return Math.min(i + 1, pattern.length);
}
