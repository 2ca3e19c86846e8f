/**
 * Every regex a user supplies runs here, in RE2 (re2js: a JavaScript port of Go's regexp, so
 * linear in the length of the text and with Go's syntax, semantics and error messages) rather
 * than in JavaScriptCore's backtracking engine, which can take seconds on a pattern such as
 * `(a+)+x|a+b` and then report no match.
 *
 * Two ways to compile, as Prometheus and Loki use Go's regexp:
 * - {@link compileRegex}: label matchers, relabeling, `label_replace`: the whole text must
 *   match, and `.` matches `\n` (Prometheus compiles `^(?s:<regex>)$`);
 * - {@link compileSearch}: LogQL line filters and parsers, probe and file-source patterns: a
 *   match anywhere counts, with Go's default flags (`.` does not match `\n`).
 *
 * Go reads text as UTF-8 and JavaScript strings are UTF-16: the only text Go cannot see is a
 * lone surrogate, which is read here as U+FFFD, as Go reads an invalid UTF-8 byte. Captured
 * text is cut from the caller's string, so it keeps whatever it held.
 */
import { RE2JS, RE2JSException } from "re2js";
import { spend } from "../runtime/budget.ts";
import { scanGroups } from "./groups.ts";
import { memoize } from "./memo.ts";
import { anchoredShortcut, type Shortcut, searchShortcut } from "./shortcut.ts";

/** The text of each group of a match (index 0 is the whole), undefined where a group took no part. */
export type Groups = readonly (string | undefined)[];

/** A user's RE2 pattern, compiled. */
export interface Regex {
  /** The pattern as the user wrote it. */
  readonly source: string;
  /** Name of each capture group by index ("" when unnamed; index 0 is the whole match). */
  readonly groupNames: readonly string[];
  /** Whether the pattern matches `text`. */
  test(text: string): boolean;
  /** The groups of the (leftmost) match, or null; the array may be shared, so never edit it. */
  exec(text: string): Groups | null;
  /**
   * Go's `FindAllStringSubmatchIndex`: each successive match as start and end offsets (UTF-16
   * code units) of group 0, 1, …, -1 where a group took no part.
   */
  findAll(text: string): number[][];
}

/** A pattern that does not compile; `reason` is Go's (`missing closing ): \`(a\``). */
export class RegexError extends SyntaxError {
  constructor(
    readonly pattern: string,
    readonly reason: string,
    what: string,
  ) {
    // The pattern as far as it names the regex: a 10 MB form's is not sent back whole.
    const shown = pattern.length > 200 ? `${pattern.slice(0, 200)}…` : pattern;
    super(`Cannot compile ${what} "${shown}": ${reason}`);
  }
}

/** Compiles a relabel or matcher regex the way Prometheus does: `^(?s:pattern)$`. */
export function compileRegex(pattern: string): Regex {
  return cached("anchored", pattern, "relabel regex");
}

/** Compiles a pattern for Go's unanchored `regexp.MatchString`, `.` not matching `\n`. */
export function compileSearch(pattern: string): Regex {
  return cached("search", pattern, "regex");
}

type Mode = "anchored" | "search";

// Queries and configs name the same patterns again and again; compiling costs 15-70 us. A
// full cache is dropped. It also bounds what remembered answers can hold (memo.ts).
const CACHE_LIMIT = 256;
const cache = new Map<string, Regex | string>();

function cached(mode: Mode, pattern: string, what: string): Regex {
  const key = `${mode}\0${pattern}`;
  let entry = cache.get(key);
  if (entry === undefined) {
    try {
      entry = compile(mode, pattern);
    } catch (error) {
      if (!(error instanceof SyntaxError)) throw error;
      entry = error.message;
    }
    if (cache.size >= CACHE_LIMIT) cache.clear();
    cache.set(key, entry);
  }
  if (typeof entry === "string") throw new RegexError(pattern, entry, what);
  return entry;
}

/** The part of re2js's engine that ports Go's `Regexp` methods. */
interface GoRegexp {
  findSubmatchIndex(text: string): number[] | null;
  findAllSubmatchIndex(text: string, n: number): number[][] | null;
}

function compile(mode: Mode, pattern: string): Regex {
  if (!pattern.isWellFormed()) throw new SyntaxError("invalid UTF-8");
  const { unnamed, groupNames, balanced } = scanGroups(pattern);
  // A `)` closing no group would close the wrapper instead; Go's message for it comes from
  // compiling the pattern alone.
  if (!balanced) engine(pattern);
  const wrapped = mode === "anchored" ? `^(?s:${unnamed})$` : unnamed;
  let re: RE2JS;
  try {
    re = engine(wrapped);
  } catch (error) {
    throw reasonFor(pattern, unnamed, error);
  }
  const go = re.re2() as unknown as GoRegexp;
  // Each call into the engine is charged to the request it serves, at its worst case (every
  // instruction over every character): spend() throws past its deadline
  // (shared/runtime/budget.ts). Memoised answers and shortcuts are not charged.
  const size = programSize(go, wrapped);
  let test = (text: string) => {
    spend(size * (text.length + 1));
    return re.test(wellFormed(text));
  };
  let exec = (text: string): Groups | null => {
    spend(size * (text.length + 1));
    const at = go.findSubmatchIndex(wellFormed(text));
    return at === null ? null : slices(text, at);
  };
  // Whole-text matches are on label values and names, which repeat; searched texts do not.
  if (mode === "anchored") {
    test = memoize(test);
    exec = memoize(exec);
  }
  const shortcut: Shortcut | null =
    mode === "anchored" ? anchoredShortcut(pattern) : searchShortcut(pattern);
  return {
    source: pattern,
    groupNames,
    test: shortcut?.test ?? test,
    exec: shortcut?.exec ?? exec,
    findAll: (text) => {
      spend(size * (text.length + 1));
      return go.findAllSubmatchIndex(wellFormed(text), -1) ?? [];
    },
  };
}

/** The instructions of a compiled program (re2js keeps them as `prog.inst`), else a bound. */
function programSize(go: GoRegexp, pattern: string): number {
  const inst = (go as unknown as { prog?: { inst?: unknown[] } }).prog?.inst;
  return Array.isArray(inst) ? inst.length : 2 * pattern.length;
}

/** Compiles with re2js; a bad pattern throws a SyntaxError with Go's reason. */
function engine(pattern: string): RE2JS {
  try {
    return RE2JS.compile(pattern);
  } catch (error) {
    if (!(error instanceof RE2JSException)) throw error;
    throw new SyntaxError(error.message.replace(/^error parsing regexp: /, ""));
  }
}

/**
 * Go's message for a pattern that failed once its names were taken out and it was wrapped:
 * the pattern as written names the right text, unless re2js stops there at a repeated group
 * name, which Go allows.
 */
function reasonFor(pattern: string, unnamed: string, failure: unknown): unknown {
  for (const text of [pattern, unnamed]) {
    try {
      engine(text);
    } catch (error) {
      if (!(error as Error).message.startsWith("duplicate capture group name")) return error;
    }
  }
  return failure;
}

/** The text with each lone surrogate read as U+FFFD; its length, so every offset, is kept. */
function wellFormed(text: string): string {
  return text.isWellFormed() ? text : text.toWellFormed();
}

function slices(text: string, at: readonly number[]): Groups {
  const out: (string | undefined)[] = [];
  for (let i = 0; i < at.length; i += 2) {
    out.push(at[i] < 0 ? undefined : text.slice(at[i], at[i + 1]));
  }
  return out;
}
