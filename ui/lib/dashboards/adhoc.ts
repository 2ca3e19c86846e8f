/**
 * Ad hoc filters: label matchers added to every vector selector of a PromQL expression, as
 * Grafana's Prometheus data source adds them. Done on the text with a small lexer that knows
 * strings, comments, range brackets, function calls and grouping clauses, so that only
 * selectors are touched and everything else is left byte for byte.
 */

/** One ad hoc filter (`key operator value`). */
export interface AdhocFilter {
  key: string;
  operator: "=" | "!=" | "=~" | "!~" | string;
  value: string;
}

// Identifiers that are never metric names; the grouping ones are followed by a label list.
const KEYWORDS = new Set(["and", "or", "unless", "bool", "offset", "inf", "nan", "atan2"]);
const GROUPING = new Set(["by", "without", "on", "ignoring", "group_left", "group_right"]);
const IDENT_START = /[A-Za-z_:]/;
const IDENT = /[A-Za-z0-9_:]/;

/** The matchers text of the filters (`a="b", c=~"d"`), values quoted for PromQL. */
export function matchersText(filters: AdhocFilter[]): string {
  return filters
    .filter((f) => f.key !== "" && ["=", "!=", "=~", "!~"].includes(f.operator))
    .map((f) => `${f.key}${f.operator}"${f.value.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`)
    .join(", ");
}

/** Index just past the string literal that opens at `at`. */
function skipString(expr: string, at: number): number {
  const quote = expr[at];
  let i = at + 1;
  while (i < expr.length && expr[i] !== quote) i += expr[i] === "\\" && quote !== "`" ? 2 : 1;
  return i + 1;
}

/** Index just past the bracketed block that opens at `at` (strings inside skipped). */
function skipBlock(expr: string, at: number, open: string, close: string): number {
  let depth = 0;
  let i = at;
  while (i < expr.length) {
    const c = expr[i];
    if (c === '"' || c === "'" || c === "`") {
      i = skipString(expr, i);
      continue;
    }
    if (c === open) depth++;
    if (c === close && --depth === 0) return i + 1;
    i++;
  }
  return i;
}

function nextNonSpace(expr: string, at: number): number {
  let i = at;
  while (i < expr.length && /\s/.test(expr[i])) i++;
  return i;
}

/** `{…}` at `at` with `matchers` added inside before the closing brace. */
function extendBraces(expr: string, at: number, matchers: string): [string, number] {
  const end = skipBlock(expr, at, "{", "}");
  const inner = expr.slice(at + 1, end - 1);
  const sep = inner.trim() === "" ? "" : inner.trimEnd().endsWith(",") ? " " : ", ";
  return [`{${inner.trimEnd()}${sep}${matchers}}`, end];
}

/** `expr` with the filters added to every vector selector; unchanged when there are none. */
export function applyAdhocFilters(expr: string, filters: AdhocFilter[]): string {
  const matchers = matchersText(filters);
  if (matchers === "") return expr;
  let out = "";
  let i = 0;
  while (i < expr.length) {
    const c = expr[i];
    if (c === '"' || c === "'" || c === "`") {
      const end = skipString(expr, i);
      out += expr.slice(i, end);
      i = end;
    } else if (c === "#") {
      const nl = expr.indexOf("\n", i);
      const end = nl < 0 ? expr.length : nl;
      out += expr.slice(i, end);
      i = end;
    } else if (c === "[") {
      const end = skipBlock(expr, i, "[", "]");
      out += expr.slice(i, end);
      i = end;
    } else if (c === "{") {
      const [text, end] = extendBraces(expr, i, matchers);
      out += text;
      i = end;
    } else if (/[0-9.]/.test(c)) {
      // Numbers and durations (1e3, 0x1f, 5m) never start a selector.
      let j = i;
      while (j < expr.length && /[0-9A-Za-z_.]/.test(expr[j])) j++;
      out += expr.slice(i, j);
      i = j;
    } else if (IDENT_START.test(c)) {
      let j = i;
      while (j < expr.length && IDENT.test(expr[j])) j++;
      const word = expr.slice(i, j);
      const next = nextNonSpace(expr, j);
      out += word;
      i = j;
      if (GROUPING.has(word.toLowerCase()) && expr[next] === "(") {
        const end = skipBlock(expr, next, "(", ")");
        out += expr.slice(j, end);
        i = end;
      } else if (
        expr[next] === "(" ||
        KEYWORDS.has(word.toLowerCase()) ||
        /^(by|without)\s*\(/i.test(expr.slice(next))
      ) {
        // a call, an operator keyword, or an aggregation before its grouping: not a selector
      } else if (expr[next] === "{") {
        const [text, end] = extendBraces(expr, next, matchers);
        out += expr.slice(j, next) + text;
        i = end;
      } else {
        out += `{${matchers}}`;
      }
    } else {
      out += c;
      i++;
    }
  }
  return out;
}
