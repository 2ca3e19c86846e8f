/**
 * The panel editor's value mappings, overrides and legend: their form and their way back into
 * the panel. Mappings are edited as one row per value, range, regex or special match, as
 * Grafana's mapping editor shows them; going back, consecutive value rows join into one
 * `value` mapping as Grafana saves them. An override's property value is edited as text: JSON
 * when it parses (numbers, booleans, objects), else a string, so every property Grafana knows
 * can be edited, not only the ones with a widget.
 */
import type { FieldOverride, Panel, ValueMapping } from "./types.ts";

/** What a mapping row matches. */
export type MappingKind = "value" | "range" | "regex" | "special";

/** Grafana's special matches (`options.match` of a `special` mapping). */
export const SPECIAL_MATCHES = ["null", "nan", "null+nan", "true", "false", "empty"] as const;

/** One row of the mappings editor. */
export interface MappingRow {
  kind: MappingKind;
  /** The value (value), the pattern (regex) or the match (special). */
  match: string;
  /** A range's bounds; null is open. */
  from: number | null;
  to: number | null;
  /** Display text; empty keeps the value's own text. */
  text: string;
  /** A Grafana colour name or CSS colour; empty is none. */
  color: string;
}

/** The legend options the editor shows (`options.legend`). */
export interface LegendForm {
  displayMode: "list" | "table" | "hidden";
  placement: "bottom" | "right";
  calcs: string[];
}

/** Override properties offered by name (any other id can be typed). */
export const OVERRIDE_PROPERTIES = [
  "displayName",
  "unit",
  "decimals",
  "min",
  "max",
  "color",
  "noValue",
  "custom.fillOpacity",
  "custom.lineWidth",
  "custom.axisPlacement",
  "custom.axisSoftMin",
  "custom.axisSoftMax",
  "custom.stacking",
  "custom.transform",
  "custom.hideFrom",
  "custom.drawStyle",
] as const;

/** Override matchers the renderers apply (ui/lib/dashboards/fields.ts). */
export const OVERRIDE_MATCHERS = [
  { value: "byName", label: "Fields with name" },
  { value: "byRegexp", label: "Fields with name matching regex" },
  { value: "byType", label: "Fields with type" },
  { value: "byFrameRefID", label: "Fields returned by query" },
] as const;

interface Result {
  text?: string;
  color?: string;
  index?: number;
}

const text = (v: unknown): string => (typeof v === "string" ? v : "");
const bound = (v: unknown): number | null =>
  typeof v === "number" && Number.isFinite(v) ? v : null;

function row(kind: MappingKind, match: string, r: Result | undefined, extra = {}): MappingRow {
  return {
    kind,
    match,
    from: null,
    to: null,
    text: text(r?.text),
    color: text(r?.color),
    ...extra,
  };
}

/** The rows of a panel's mappings, in Grafana's order (each result's `index`, else as stored). */
export function mappingRows(mappings: readonly ValueMapping[] | undefined): MappingRow[] {
  const rows: { row: MappingRow; index: number }[] = [];
  for (const m of mappings ?? []) {
    const o = m.options ?? {};
    const result = o.result as Result | undefined;
    const at = (r: Result | undefined) => r?.index ?? rows.length;
    if (m.type === "value") {
      for (const [value, r] of Object.entries(o as Record<string, Result>))
        rows.push({ row: row("value", value, r), index: at(r) });
    } else if (m.type === "range") {
      const extra = { from: bound(o.from), to: bound(o.to) };
      rows.push({ row: row("range", "", result, extra), index: at(result) });
    } else if (m.type === "regex") {
      rows.push({ row: row("regex", text(o.pattern), result), index: at(result) });
    } else if (m.type === "special") {
      rows.push({ row: row("special", text(o.match), result), index: at(result) });
    }
  }
  return rows.sort((a, b) => a.index - b.index).map((r) => r.row);
}

function resultOf(r: MappingRow, index: number): Result {
  const out: Result = { index };
  if (r.text !== "") out.text = r.text;
  if (r.color !== "") out.color = r.color;
  return out;
}

/** The mappings of the rows, as Grafana saves them; rows with nothing to match are dropped. */
export function rowsToMappings(rows: readonly MappingRow[]): ValueMapping[] {
  const out: ValueMapping[] = [];
  let index = 0;
  for (const r of rows) {
    if (r.kind !== "range" && r.match === "") continue;
    if (r.kind === "range" && r.from === null && r.to === null) continue;
    const result = resultOf(r, index++);
    const last = out[out.length - 1];
    if (r.kind === "value") {
      if (last?.type === "value") last.options[r.match] = result;
      else out.push({ type: "value", options: { [r.match]: result } });
    } else if (r.kind === "range") {
      out.push({ type: "range", options: { from: r.from, to: r.to, result } });
    } else if (r.kind === "regex") {
      out.push({ type: "regex", options: { pattern: r.match, result } });
    } else {
      out.push({ type: "special", options: { match: r.match, result } });
    }
  }
  return out;
}

/** A new, empty row of `kind`. */
export function newMappingRow(kind: MappingKind): MappingRow {
  return row(kind, kind === "special" ? "null" : "", undefined);
}

/** An override property's value as the editor shows it. */
export function propertyText(value: unknown): string {
  if (value === undefined) return "";
  if (typeof value === "string") return value;
  return JSON.stringify(value);
}

/** The value of the text typed for a property: JSON when it parses, else the string. */
export function propertyValue(id: string, typed: string): unknown {
  const t = typed.trim();
  // A colour is Grafana's fixed-colour object; a name or CSS colour is the common way to type it.
  if (id === "color" && t !== "" && !t.startsWith("{")) return { mode: "fixed", fixedColor: t };
  if (t === "") return undefined;
  try {
    return JSON.parse(t);
  } catch {
    return typed;
  }
}

/** The overrides of a panel, copied so the editor can change them. */
export function overridesOf(panel: Panel): FieldOverride[] {
  return structuredClone(panel.fieldConfig?.overrides ?? []);
}

/** A new override: fields with a name, no properties yet. */
export function newOverride(): FieldOverride {
  return { matcher: { id: "byName", options: "" }, properties: [] };
}

/** The legend form of a panel, with Grafana's defaults (a list at the bottom, no calcs). */
export function legendOf(panel: Panel): LegendForm {
  const l = (panel.options?.legend ?? {}) as Record<string, unknown>;
  const mode = l.showLegend === false ? "hidden" : text(l.displayMode);
  return {
    displayMode: mode === "table" || mode === "hidden" ? mode : "list",
    placement: l.placement === "right" ? "right" : "bottom",
    calcs: Array.isArray(l.calcs) ? l.calcs.filter((c) => typeof c === "string") : [],
  };
}

/** True when `a` and `b` are the same legend. */
export function sameLegend(a: LegendForm, b: LegendForm): boolean {
  return (
    a.displayMode === b.displayMode &&
    a.placement === b.placement &&
    JSON.stringify(a.calcs) === JSON.stringify(b.calcs)
  );
}

/** `options` with the legend form written in, every other legend field kept. */
export function withLegend(
  options: Record<string, unknown> | undefined,
  form: LegendForm,
): Record<string, unknown> {
  const before = (options?.legend ?? {}) as Record<string, unknown>;
  return {
    ...options,
    legend: {
      ...before,
      showLegend: form.displayMode !== "hidden",
      displayMode: form.displayMode,
      placement: form.placement,
      calcs: form.calcs,
    },
  };
}
