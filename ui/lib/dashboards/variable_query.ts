/**
 * Where a variable's options come from: the Prometheus data source's query functions
 * (`label_names()`, `label_values()`, `metrics()`, `query_result()`, a series selector), the
 * `regex` that filters and captures them, the `sort` orders, and `custom` lists.
 */
import type { Variable } from "./types.ts";

/** A variable query of the Prometheus data source, parsed. */
export type VariableQuery =
  | { kind: "label_names"; match?: string }
  | { kind: "label_values"; label: string; match?: string }
  | { kind: "metrics"; regex: string }
  | { kind: "query_result"; expr: string }
  | { kind: "series"; match: string };

/** One option of a variable. */
export interface VariableOption {
  text: string;
  value: string;
}

/** The calls a variable query needs; the page backs it with QueryService. */
export interface VariableSource {
  labelNames(match: string | undefined, range: { from: number; to: number }): Promise<string[]>;
  labelValues(
    label: string,
    match: string | undefined,
    range: { from: number; to: number },
  ): Promise<string[]>;
  series(match: string, range: { from: number; to: number }): Promise<Record<string, string>[]>;
  instant(
    expr: string,
    timeMs: number,
  ): Promise<{ labels: Record<string, string>; value: number; timeMs: number }[]>;
}

/** The query text of a variable: a string, or the `query` of Grafana 9+'s object form. */
export function variableQueryText(v: Variable): string {
  const q = v.query;
  if (typeof q === "string") return q;
  if (q !== null && typeof q === "object" && typeof (q as { query?: unknown }).query === "string") {
    return (q as { query: string }).query;
  }
  return typeof v.definition === "string" ? v.definition : "";
}

/** Parses a Prometheus variable query as Grafana's `metricFindQuery` reads it. */
export function parseVariableQuery(text: string): VariableQuery {
  const q = text.trim();
  let m = /^label_names\(\s*(.*?)\s*\)$/s.exec(q);
  if (m) return m[1] === "" ? { kind: "label_names" } : { kind: "label_names", match: m[1] };
  m = /^label_values\(\s*(?:(.+?)\s*,\s*)?([A-Za-z_][A-Za-z0-9_]*)\s*\)$/s.exec(q);
  if (m)
    return m[1] === undefined
      ? { kind: "label_values", label: m[2] }
      : { kind: "label_values", label: m[2], match: m[1] };
  m = /^metrics\(\s*(.*?)\s*\)$/s.exec(q);
  if (m) return { kind: "metrics", regex: m[1] };
  m = /^query_result\(\s*(.+)\s*\)$/s.exec(q);
  if (m) return { kind: "query_result", expr: m[1] };
  return { kind: "series", match: q };
}

/** `{a="b", c="d"}` as Prometheus prints a label set (name first, outside the braces). */
export function formatLabels(labels: Record<string, string>): string {
  const { __name__: name = "", ...rest } = labels;
  const inner = Object.entries(rest)
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
    .join(", ");
  return `${name}{${inner}}`;
}

/** The values a parsed query yields over the range. */
export async function fetchValues(
  q: VariableQuery,
  source: VariableSource,
  range: { from: number; to: number },
): Promise<string[]> {
  switch (q.kind) {
    case "label_names":
      return source.labelNames(q.match, range);
    case "label_values":
      return source.labelValues(q.label, q.match, range);
    case "metrics": {
      const re = new RegExp(q.regex);
      return (await source.labelValues("__name__", undefined, range)).filter((n) => re.test(n));
    }
    case "query_result":
      return (await source.instant(q.expr, range.to)).map(
        (s) => `${formatLabels(s.labels)} ${s.value} ${s.timeMs}`,
      );
    case "series":
      return (await source.series(q.match, range)).map(formatLabels);
  }
}

/** A Grafana regex text (`/p/flags`, or a bare pattern matched whole) as a RegExp. */
export function variableRegex(text: string): RegExp {
  const m = /^\/(.*)\/([gimsuy]*)$/s.exec(text);
  return m ? new RegExp(m[1], m[2].replace("g", "")) : new RegExp(`^${text}$`);
}

/** Options from values through the variable's regex: filter, capture (group 1 or `text`/`value`), dedupe. */
export function applyRegex(values: string[], regex: string | undefined): VariableOption[] {
  const re = regex ? variableRegex(regex) : undefined;
  const seen = new Set<string>();
  const out: VariableOption[] = [];
  for (const v of values) {
    let option: VariableOption = { text: v, value: v };
    if (re) {
      const m = re.exec(v);
      if (m === null) continue;
      const g = m.groups;
      if (g?.value !== undefined || g?.text !== undefined) {
        option = { text: g.text ?? g.value, value: g.value ?? g.text };
      } else if (m.length > 1 && m[1] !== undefined) {
        option = { text: m[1], value: m[1] };
      }
    }
    if (seen.has(option.value)) continue;
    seen.add(option.value);
    out.push(option);
  }
  return out;
}

const firstNumber = (s: string) => {
  const m = /(-?\d+(?:\.\d+)?)/.exec(s);
  return m ? Number(m[1]) : Number.NaN;
};
const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: "base" });

/** Options in the variable's `sort` order (0 none, 1/2 alphabetical, 3/4 numerical, 5/6 case-insensitive, 7/8 natural). */
export function sortOptions(options: VariableOption[], sort = 0): VariableOption[] {
  if (!sort) return options;
  const out = [...options];
  const by: Record<number, (a: VariableOption, b: VariableOption) => number> = {
    1: (a, b) => (a.text < b.text ? -1 : a.text > b.text ? 1 : 0),
    3: (a, b) => (firstNumber(a.text) || 0) - (firstNumber(b.text) || 0),
    5: (a, b) => a.text.toLowerCase().localeCompare(b.text.toLowerCase()),
    7: (a, b) => collator.compare(a.text, b.text),
  };
  const base = by[sort % 2 === 1 ? sort : sort - 1];
  if (base === undefined) return options;
  out.sort(sort % 2 === 1 ? base : (a, b) => base(b, a));
  return out;
}

/** Options of a `custom` variable: commas separate (`\,` escapes one), `text : value` names one. */
export function customOptions(query: string): VariableOption[] {
  const parts = query.match(/(?:\\,|[^,])+/g) ?? [];
  return parts.map((p) => {
    const text = p.trim().replace(/\\,/g, ",");
    const kv = /^(.+?)\s:\s(.+)$/.exec(text);
    return kv ? { text: kv[1].trim(), value: kv[2].trim() } : { text, value: text };
  });
}
