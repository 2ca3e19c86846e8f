/**
 * Alertmanager's label matchers: `name="value"`, `name!=value`, `name=~"re"`, `name!~re`,
 * alone or as a `{a="b", c=~"d"}` list. Routes, inhibit rules, silences and amtool's filters
 * all read them this way. The syntax is Alertmanager 0.25's: values may be quoted or not,
 * `\"`, `\\` and `\n` are the only escapes (any other backslash stays as written), and a
 * regex must match the whole value (`^(?:re)$`, `.` not matching a newline).
 */
import { goQuote } from "../../shared/model/go_string.ts";
import { memoize } from "../../shared/regex/memo.ts";
import { compileSearch, type Regex, RegexError } from "../../shared/regex/regex.ts";

/** The four ways a matcher compares a label's value, written as in the syntax. */
export type MatchType = "=" | "!=" | "=~" | "!~";

/** Order of the types when matchers sort (Alertmanager's enum order). */
const TYPE_ORDER: Record<MatchType, number> = { "=": 0, "!=": 1, "=~": 2, "!~": 3 };

/** One parsed matcher: a label name, how it compares, and the value it compares with. */
export interface Matcher {
  readonly name: string;
  readonly type: MatchType;
  readonly value: string;
  /** Whether a label's value (`""` when the label is absent) satisfies the matcher. */
  matches(value: string): boolean;
}

/** A matcher that cannot be parsed or whose regex does not compile; the message is Alertmanager's. */
export class MatcherError extends SyntaxError {
  override readonly name = "MatcherError";
}

// Alertmanager 0.25's classic grammar: a Prometheus label name, an operator, the rest.
const MATCHER = /^\s*([a-zA-Z_:][a-zA-Z0-9_:]*)\s*(=~|=|!=|!~)\s*([\s\S]*?)\s*$/;

/** Builds a matcher from its parts; a regex that does not compile throws a {@link MatcherError}. */
export function newMatcher(name: string, type: MatchType, value: string): Matcher {
  if (type === "=" || type === "!=") {
    const equal = type === "=";
    return { name, type, value, matches: (v) => (v === value) === equal };
  }
  let re: Regex;
  try {
    re = compileSearch(`^(?:${value})$`);
  } catch (error) {
    if (error instanceof RegexError) {
      throw new MatcherError(`error parsing regexp: ${error.reason}`);
    }
    throw error;
  }
  const want = type === "=~";
  // A silence's or route's matcher meets the same label values at every evaluation: each is
  // matched once (a costly pattern, up to RE2's size limit, took over a second a value).
  const test = memoize((v: string) => re.test(v));
  return { name, type, value, matches: (v) => test(v) === want };
}

/** Parses one matcher, `name="value"` with or without quotes. */
export function parseMatcher(text: string): Matcher {
  const m = MATCHER.exec(text);
  if (m === null) throw new MatcherError(`bad matcher format: ${text}`);
  return newMatcher(m[1], m[2] as MatchType, unescapeValue(m[3]));
}

/**
 * Parses a list of matchers separated by commas (outside quotes), optionally inside braces.
 * A trailing comma is allowed; an empty list gives no matchers.
 */
export function parseMatchers(text: string): Matcher[] {
  let s = text.startsWith("{") ? text.slice(1) : text;
  if (s.endsWith("}")) s = s.slice(0, -1);
  const tokens: string[] = [];
  let token = "";
  let quoted = false;
  let escaped = false;
  for (const c of s) {
    if (c === "," && !quoted) {
      tokens.push(token);
      token = "";
      continue;
    }
    if (c === '"' && !escaped) quoted = !quoted;
    escaped = c === "\\" ? !escaped : false;
    token += c;
  }
  if (token.trim() !== "") tokens.push(token.trim());
  return tokens.map(parseMatcher);
}

/** Decodes a value as written after the operator: quotes taken off, escapes read. */
function unescapeValue(raw: string): string {
  const quoted = raw.startsWith('"');
  const body = quoted ? raw.slice(1) : raw;
  const unescapedQuote = () =>
    new MatcherError(`matcher value contains unescaped double quote: ${raw}`);
  let out = "";
  let closed = !quoted;
  const chars = [...body];
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i];
    if (c === "\\" && i < chars.length - 1) {
      const next = chars[++i];
      if (next === "n") out += "\n";
      else if (next === '"' || next === "\\") out += next;
      else out += `\\${next}`;
    } else if (c === '"') {
      if (closed || i < chars.length - 1) throw unescapedQuote();
      closed = true;
    } else out += c;
  }
  if (!closed) throw unescapedQuote();
  return out;
}

/** A matcher as Alertmanager prints it: `name="value"`, the value quoted as Go's %q does. */
export function formatMatcher(m: Matcher): string {
  return `${m.name}${m.type}${goQuote(m.value)}`;
}

/** A list of matchers as Alertmanager prints it: `{a="b",c=~"d"}`. */
export function formatMatchers(ms: readonly Matcher[]): string {
  return `{${ms.map(formatMatcher).join(",")}}`;
}

/** Sorts matchers as Alertmanager does before printing them: by name, value, then type. */
export function sortMatchers(ms: readonly Matcher[]): Matcher[] {
  const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return [...ms].sort(
    (a, b) =>
      cmp(a.name, b.name) || cmp(a.value, b.value) || TYPE_ORDER[a.type] - TYPE_ORDER[b.type],
  );
}

/** Whether every matcher is satisfied by the labels (absent labels read as ""). */
export function matchesAll(
  ms: readonly Matcher[],
  labels: Readonly<Record<string, string>>,
): boolean {
  return ms.every((m) => m.matches(Object.hasOwn(labels, m.name) ? labels[m.name] : ""));
}
