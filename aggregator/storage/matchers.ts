/**
 * PromQL label matchers with Prometheus semantics: an absent label has the value "", and
 * `=~`/`!~` are RE2 regexes anchored at both ends (`compileRegex`). Common regex shapes (`.*`,
 * `.+`, `a|b|c`, `prefix.*`, `.*suffix`, `.*infix.*`) skip the regex engine there, as
 * Prometheus's own fast paths do (shared/regex/shortcut.ts).
 */
import type { Labels } from "../../shared/model/labels.ts";
import { compileRegex, RegexError } from "../../shared/regex/regex.ts";
import { isLiteral } from "../../shared/regex/shortcut.ts";
import type { LabelMatcher } from "./storage.ts";

/** A test on one label value ("" when the series lacks the label). */
export type ValueTest = (value: string) => boolean;

/**
 * The exact values a matcher accepts when it accepts a finite set: `=` gives its value,
 * `=~"a|b|c"` made only of literal alternatives gives them; anything else gives undefined.
 */
export function matcherLiterals(m: LabelMatcher): string[] | undefined {
  if (m.type === "=") return [m.value];
  if (m.type !== "=~") return undefined;
  const alternatives = m.value.split("|");
  if (!alternatives.every(isLiteral)) return undefined;
  return [...new Set(alternatives)];
}

/** Compiles one matcher into a test on a label value. Throws a SyntaxError for a bad regex. */
export function compileMatcher(m: LabelMatcher): ValueTest {
  const { type, value } = m;
  if (type === "=") return (v) => v === value;
  if (type === "!=") return (v) => v !== value;
  if (type !== "=~" && type !== "!~") {
    throw new TypeError(`Cannot compile matcher ${m.name}${type}"${value}": unknown type`);
  }
  const positive = compileRegexTest(m);
  if (type === "=~") return positive;
  return (v) => !positive(v);
}

/** The regex's test; compileRegex answers common shapes (`.*`, `a|b`, `prefix.*`) without the engine. */
function compileRegexTest(m: LabelMatcher): ValueTest {
  try {
    const re = compileRegex(m.value);
    return (v) => re.test(v);
  } catch (error) {
    if (!(error instanceof RegexError)) throw error;
    throw new SyntaxError(`Cannot compile matcher ${m.name}${m.type}"${m.value}": ${error.reason}`);
  }
}

/** Compiles matchers into one test on a label set: true when every matcher matches. */
export function compileMatchers(matchers: readonly LabelMatcher[]): (labels: Labels) => boolean {
  const names = matchers.map((m) => m.name);
  const tests = matchers.map(compileMatcher);
  return (labels) => {
    for (let i = 0; i < tests.length; i++) {
      if (!tests[i](labelValueOf(labels, names[i]))) return false;
    }
    return true;
  };
}

function labelValueOf(labels: Labels, name: string): string {
  for (let i = 0; i < labels.length; i += 2) if (labels[i] === name) return labels[i + 1];
  return "";
}

/**
 * The metric names a matcher set pins (`__name__="x"`, `__name__=~"a|b"` of literals, the
 * intersection when several do), sorted, for pruning files by name; undefined when any name
 * (or a series without one) could match.
 */
export function metricNamesOf(matchers: readonly LabelMatcher[]): string[] | undefined {
  let names: Set<string> | undefined;
  for (const m of matchers) {
    if (m.name !== "__name__") continue;
    const literals = matcherLiterals(m);
    if (literals === undefined || literals.includes("")) continue;
    names = names === undefined ? new Set(literals) : names.intersection(new Set(literals));
  }
  return names === undefined ? undefined : [...names].sort();
}
