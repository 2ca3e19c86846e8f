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

/** A label set as the API gives it: name/value pairs. */
export type LabelPairs = readonly { name: string; value: string }[];

/**
 * A test of label sets compiled once from matchers, as the notifier matches them: a regex is
 * anchored at both ends, and an absent label matches as "". Throws a SyntaxError naming a bad
 * regex; applied on every keystroke, so the regexes are built here, not per alert.
 */
export function labelTest(matchers: readonly Matcher[]): (labels: LabelPairs) => boolean {
  const tests = matchers.map((m) => {
    let re: RegExp | undefined;
    if (m.isRegex) {
      try {
        re = new RegExp(`^(?:${m.value})$`);
      } catch (e) {
        // The browser's words name the anchored pattern built here (/^(?:()$/): left out.
        const why = (e as Error).message.replace(/^Invalid regular expression: (\/.*\/\w*: )?/, "");
        throw new SyntaxError(`Cannot use ${formatMatcher(m)}: the regex is not valid (${why})`);
      }
    }
    const hit = re ? (v: string) => re.test(v) : (v: string) => v === m.value;
    return { name: m.name, want: m.isEqual, hit };
  });
  return (labels) =>
    tests.every((t) => {
      const v = labels.find((l) => l.name === t.name)?.value ?? "";
      return t.hit(v) === t.want;
    });
}

/** Matchers text that selects exactly these labels (`a="b", c="d"`): a silence from an alert. */
export function matchersText(labels: LabelPairs): string {
  return labels
    .map((l) => formatMatcher({ name: l.name, value: l.value, isRegex: false, isEqual: true }))
    .join(", ");
}

/**
 * A rule's evaluation time as the server measures it (whole milliseconds, Date.now): "under
 * 1 ms", "12 ms", "1.5 s", without decimals the clock does not have.
 */
export function formatTook(seconds: number): string {
  const ms = seconds * 1000;
  if (ms < 1) return "under 1 ms";
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(1)} s`;
}
