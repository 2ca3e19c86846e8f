/**
 * Patterns whose meaning plain string operations give exactly, answered without the regex
 * engine, as Prometheus's `FastRegexMatcher` and Loki's line filters do: the default relabel
 * regex `(.*)`, literals, sets of literals, and a literal prefix, suffix or infix beside `.*`.
 * Each shortcut gives the same answer as RE2, groups included; anything else returns null.
 */

/** Whether the pattern matches a text, and the groups of the match (index 0 is the whole). */
export interface Shortcut {
  test(text: string): boolean;
  /** Left to the engine when absent. */
  exec?(text: string): readonly (string | undefined)[] | null;
}

// RE2's metacharacters outside a class. `]`, `}` and `{` are sometimes literal in RE2, but
// are left to the engine. U+FFFD is left too: the engine reads a lone surrogate as U+FFFD.
const META = /[\\.+*?()|[\]{}^$\uFFFD]/;

/** Whether `text` means itself as an RE2 pattern. */
export function isLiteral(text: string): boolean {
  return !META.test(text) && text.isWellFormed();
}

/** `prefix` then `.*`, `.+`, `(.*)` or `(.+)`, then `suffix`. */
const DOTS = /^(.*?)(\.[*+]|\(\.[*+]\))(.*)$/s;
/** `.*infix.*`. */
const INFIX = /^\.\*(.*)\.\*$/s;

/** A shortcut for Prometheus's anchored `^(?s:pattern)$`, or null. */
export function anchoredShortcut(pattern: string): Shortcut | null {
  if (isLiteral(pattern)) return literal(pattern);
  const set = literalSet(pattern);
  if (set !== null) {
    return { test: (t) => set.has(t), exec: (t) => (set.has(t) ? [t] : null) };
  }
  // `(?s)` is on, so `.*` is any text and `.+` any non-empty text.
  const dots = DOTS.exec(pattern);
  if (dots !== null && isLiteral(dots[1]) && isLiteral(dots[3])) {
    const [, prefix, middle, suffix] = dots;
    return around(prefix, suffix, middle.includes("+"), middle.startsWith("("));
  }
  const infix = INFIX.exec(pattern);
  if (infix !== null && isLiteral(infix[1])) {
    const text = infix[1];
    return { test: (t) => t.includes(text), exec: (t) => (t.includes(text) ? [t] : null) };
  }
  return null;
}

/** A shortcut for an unanchored search (Go's `MatchString`) of a literal or literals, or null. */
export function searchShortcut(pattern: string): Shortcut | null {
  if (isLiteral(pattern)) {
    return {
      test: (t) => t.includes(pattern),
      exec: (t) => (t.includes(pattern) ? [pattern] : null),
    };
  }
  const folded = foldedSearch(pattern);
  if (folded !== null) return folded;
  // Which alternative matches leftmost is the engine's to say; whether one does is not.
  const set = literalSet(pattern);
  if (set === null) return null;
  const alternatives = [...set];
  return { test: (t) => alternatives.some((a) => t.includes(a)) };
}

const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

/**
 * `(?i)literal` with a printable ASCII literal, searched with JavaScript's `iu` flags: both
 * fold case by Unicode's simple case folding, so `k` also matches the Kelvin sign and `s` the
 * long s, as in Go. The literal holds no regex syntax, so no backtracking can come of it.
 */
function foldedSearch(pattern: string): Shortcut | null {
  if (!pattern.startsWith("(?i)")) return null;
  const text = pattern.slice(4);
  if (!isLiteral(text) || !PRINTABLE_ASCII.test(text)) return null;
  const folded = new RegExp(text, "iu");
  return { test: (t) => folded.test(t) };
}

function literal(text: string): Shortcut {
  return { test: (t) => t === text, exec: (t) => (t === text ? [t] : null) };
}

/** The members of `a|b|c` when every alternative is a literal. */
function literalSet(pattern: string): Set<string> | null {
  const alternatives = pattern.split("|");
  if (alternatives.length < 2 || !alternatives.every(isLiteral)) return null;
  return new Set(alternatives);
}

/**
 * `prefix.*suffix` (or `.+`), with the dots captured as group 1 when `captured`: the middle
 * is whatever lies between a matching prefix and suffix that do not overlap.
 */
function around(prefix: string, suffix: string, nonEmpty: boolean, captured: boolean): Shortcut {
  const least = prefix.length + suffix.length + (nonEmpty ? 1 : 0);
  const test = (t: string) => t.length >= least && t.startsWith(prefix) && t.endsWith(suffix);
  return {
    test,
    exec: (t) => {
      if (!test(t)) return null;
      return captured ? [t, t.slice(prefix.length, t.length - suffix.length)] : [t];
    },
  };
}
