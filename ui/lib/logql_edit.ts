/**
 * Edits of a LogQL log query from the Logs page's "filter for value" / "filter out" actions:
 * a stream label becomes a matcher in the selector, a parsed field a label filter after a
 * `| logfmt` or `| json` stage (added when the query has neither).
 */

import { parseFields } from "./logfields.ts";

/** A filter action on a line's label, structured metadata or parsed field. */
export interface FilterAction {
  kind: "label" | "metadata" | "field";
  parser: "logfmt" | "json" | null;
  name: string;
  value: string;
  out: boolean;
  /** The line's text. */
  line: string;
}

/**
 * The query with the action's filter: a stream label as a selector matcher, unless the query
 * has a parser stage that extracted it from the line (it is not a stream label then, and goes
 * in a label filter); metadata and fields as label filters.
 */
export function applyFilter(query: string, f: FilterAction): string {
  if (f.kind === "label") {
    const parsed = /\|\s*(logfmt|json)\b/.test(query) && fromLine(f.line, f.name);
    return parsed
      ? addFieldFilter(query, null, f.name, f.value, f.out)
      : addStreamMatcher(query, f.name, f.value, f.out);
  }
  return addFieldFilter(query, f.kind === "field" ? f.parser : null, f.name, f.value, f.out);
}

function fromLine(line: string, name: string): boolean {
  return parseFields(line).fields.some((x) => x.name === name);
}

/** A value as a LogQL double-quoted string. */
export function quoteLogQL(value: string): string {
  const escaped = value
    .replace(/\\/g, "\\\\")
    .replace(/"/g, '\\"')
    .replace(/\n/g, "\\n")
    .replace(/\t/g, "\\t");
  return `"${escaped}"`;
}

/** Where the query's leading stream selector's `{` and `}` are, or null without one. */
function selectorBounds(query: string): { open: number; close: number } | null {
  const open = query.search(/\S/);
  if (open < 0 || query[open] !== "{") return null;
  let quote = false;
  for (let i = open + 1; i < query.length; i++) {
    const c = query[i];
    if (quote) {
      if (c === "\\") i++;
      else if (c === '"') quote = false;
    } else if (c === '"') quote = true;
    else if (c === "}") return { open, close: i };
  }
  return null;
}

/**
 * The query with `name="value"` (or `!=`) added to its stream selector. Throws a TypeError
 * when the query does not start with one.
 */
export function addStreamMatcher(query: string, name: string, value: string, out = false): string {
  const b = selectorBounds(query);
  if (b === null) throw new TypeError(`Cannot add ${name} to the query: it has no stream selector`);
  const inside = query.slice(b.open + 1, b.close);
  const matcher = `${name}${out ? "!=" : "="}${quoteLogQL(value)}`;
  const joined = inside.trim() === "" ? matcher : `${inside.trimEnd()}, ${matcher}`;
  return `${query.slice(0, b.open + 1)}${joined}${query.slice(b.close)}`;
}

/**
 * The query with the label filter `| name="value"` (or `!=`) at its end, after a `| <parser>`
 * stage it gains when it has no `logfmt` or `json` stage yet. A null parser (structured
 * metadata, which label filters see without one) adds no stage.
 */
export function addFieldFilter(
  query: string,
  parser: "logfmt" | "json" | null,
  name: string,
  value: string,
  out = false,
): string {
  const hasParser = parser === null || /\|\s*(logfmt|json)\b/.test(query);
  const stage = hasParser ? "" : ` | ${parser}`;
  return `${query.trimEnd()}${stage} | ${name}${out ? "!=" : "="}${quoteLogQL(value)}`;
}
