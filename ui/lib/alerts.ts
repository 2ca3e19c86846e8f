/** Helpers of the Alerts page: matchers as people type them, relative times, state colours. */

/** One label matcher, as the silence API takes it. */
export interface Matcher {
  name: string;
  value: string;
  isRegex: boolean;
  isEqual: boolean;
}

const MATCHER = /^\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*"((?:[^"\\]|\\.)*)"\s*(?:,|$)/;

/**
 * Parses `a="b", c=~"d"` (braces optional) into matchers; throws a SyntaxError naming the
 * position that could not be read. Empty text gives no matchers.
 */
export function parseMatchers(text: string): Matcher[] {
  let rest = text.trim();
  if (rest.startsWith("{") && rest.endsWith("}")) rest = rest.slice(1, -1);
  const out: Matcher[] = [];
  while (rest.trim() !== "") {
    const m = MATCHER.exec(rest);
    if (!m)
      throw new SyntaxError(`Cannot parse matchers: expected name="value" at "${rest.trim()}"`);
    const op = m[2];
    out.push({
      name: m[1],
      value: m[3].replace(/\\(.)/g, "$1"),
      isRegex: op === "=~" || op === "!~",
      isEqual: op === "=" || op === "=~",
    });
    rest = rest.slice(m[0].length);
  }
  return out;
}

/** A matcher as text: `name=~"value"`. */
export function formatMatcher(m: Matcher): string {
  const op = (m.isEqual ? "=" : "!") + (m.isRegex ? "~" : m.isEqual ? "" : "=");
  return `${m.name}${op}${JSON.stringify(m.value)}`;
}

/** How long ago (or, for a future time, in how long) `ms` is from `now`: "3m ago", "in 2h". */
export function relativeTime(ms: number, now = Date.now()): string {
  const d = Math.round((now - ms) / 1000);
  const a = Math.abs(d);
  const text =
    a < 60
      ? `${a}s`
      : a < 3600
        ? `${Math.floor(a / 60)}m`
        : a < 86400
          ? `${Math.floor(a / 3600)}h`
          : `${Math.floor(a / 86400)}d`;
  return d >= 0 ? `${text} ago` : `in ${text}`;
}

/** The badge colour of an alert, rule or silence state. */
export function stateColor(state: string): string {
  switch (state) {
    case "firing":
    case "active":
      return "red";
    case "pending":
      return "yellow";
    case "suppressed":
    case "silenced":
    case "inhibited":
      return "blue";
    case "inactive":
    case "expired":
      return "green";
    default:
      return "gray";
  }
}
