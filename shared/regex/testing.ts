/**
 * Catastrophic patterns for the tests of every place that runs users' regexes: a backtracking
 * engine takes exponential (or 20th-power) time on them and JavaScriptCore then gives up and
 * reports no match; RE2 answers in time linear in the text.
 */

/** One pattern and text, with RE2's answer. */
export interface PathologicalCase {
  readonly pattern: string;
  readonly text: string;
  /** Whether `^(?s:pattern)$` matches (Prometheus's matchers, relabel, label_replace). */
  readonly anchored: boolean;
  /** Whether the pattern matches anywhere (Go's MatchString: LogQL filters). */
  readonly search: boolean;
}

/** 19 `a`s spread through 10,000 `x`s: `(.*a){20}` needs one more. */
const NINETEEN_AS = `${"x".repeat(500)}a`.repeat(19) + "x".repeat(500);

/** The cases, each text 10,000 characters or more but the first (the NOTES.md case). */
export const PATHOLOGICAL: readonly PathologicalCase[] = [
  { pattern: "(a+)+x|a+b", text: `${"a".repeat(38)}b`, anchored: true, search: true },
  { pattern: "(a+)+x|a+b", text: `${"a".repeat(10_000)}b`, anchored: true, search: true },
  { pattern: "(x+x+)+y", text: "x".repeat(10_000), anchored: false, search: false },
  { pattern: "(x+x+)+y", text: `${"x".repeat(10_000)}y`, anchored: true, search: true },
  { pattern: "(.*a){20}", text: NINETEEN_AS, anchored: false, search: false },
  { pattern: "(.*a){20}", text: `${NINETEEN_AS}a`, anchored: true, search: true },
];

/**
 * Time one case may take, all included: RE2 needs a few milliseconds for the longest
 * (measured up to 30 ms on a loaded 2-core machine, 466 ms once at a load average of 30),
 * JavaScriptCore about a second per backtracking match, and it then answers wrongly (no match),
 * which the cases' expected answers catch whatever the time.
 */
export const PATHOLOGICAL_BUDGET_MS = 800;

/**
 * The costly pattern the tests of the regex budget share (shared/runtime/budget.ts): RE2 runs
 * it in linear time, but four runs of a thousand `.?` keep thousands of states live and fail
 * late: one match over a {@link costlyText} costs 0.15-0.25 s (up to ~0.7 s for a pattern's
 * first), measured on these VMs on 2026-11-27.
 */
export function costlyPattern(last = "q", anchored = false): string {
  const body = `${"(?:.?){1000}".repeat(4)}${last}`;
  return anchored ? `^${body}$` : body;
}

/** `prefix` and 208 letters: a text one match of {@link costlyPattern} takes that long over. */
export function costlyText(prefix: string): string {
  return `${prefix}${"abcdefghijklmnopqrstuvwxyz".repeat(8)}`;
}
