/**
 * Grafana's display processor: a value and its field's config become the text, prefix, suffix
 * and colour a panel shows. Value mappings first (their text and colour win), then the unit and
 * decimals, then the colour mode (thresholds, fixed, classic palette, continuous schemes).
 */
import { CONTINUOUS, cssColor, interpolate, paletteColor } from "./colors.ts";
import { toRegExp } from "./fields.ts";
import type { FieldConfig, ThresholdStep, ValueMapping } from "./types.ts";
import { type Formatted, formatUnit } from "./units.ts";

/** A value ready to show. */
export interface DisplayValue extends Formatted {
  /** The number shown (NaN for null). */
  numeric: number;
  /** CSS colour. */
  color: string;
  /** Position between min and max in [0, 1] (gauges, bar gauges, continuous colours). */
  percent: number;
}

/** What the display processor needs beyond the field's config. */
export interface DisplayContext {
  /** The series' position (palette colours). */
  index?: number;
  /** Min and max of the panel's data, used where the config sets none. */
  range?: { min: number; max: number };
  /** The colour mode when the config has none (timeseries: palette, stat: thresholds). */
  defaultColorMode?: string;
  /** The theme the named colours resolve in (dark unless false). */
  dark?: boolean;
}

/** Grafana's default thresholds: green, red from 80. */
export const DEFAULT_THRESHOLDS = {
  mode: "absolute",
  steps: [
    { value: null, color: "green" },
    { value: 80, color: "red" },
  ] as ThresholdStep[],
};

/** The min and max a field's value is placed between: the config's, else the data's. */
export function fieldRange(config: FieldConfig, ctx: DisplayContext): { min: number; max: number } {
  const min = config.min ?? ctx.range?.min ?? 0;
  let max = config.max ?? ctx.range?.max ?? 100;
  if (max <= min) max = min + 1;
  return { min, max };
}

/**
 * The threshold step a value falls in: the last whose value it reaches (the base step's null
 * is −∞). Percentage thresholds compare the value's percent between min and max.
 */
export function activeThreshold(
  value: number,
  thresholds: FieldConfig["thresholds"],
  range: { min: number; max: number },
): ThresholdStep {
  const t = thresholds?.steps?.length ? thresholds : DEFAULT_THRESHOLDS;
  const x = t.mode === "percentage" ? ((value - range.min) / (range.max - range.min)) * 100 : value;
  let active = t.steps[0];
  for (const step of t.steps) {
    if (step.value === null || step.value === undefined || x >= step.value) active = step;
    else break;
  }
  return active;
}

/** A threshold step's value in the field's unit (percentage steps become absolute). */
export function thresholdValue(
  step: ThresholdStep,
  mode: string | undefined,
  range: { min: number; max: number },
): number | null {
  if (step.value === null || step.value === undefined) return null;
  return mode === "percentage"
    ? range.min + ((range.max - range.min) * step.value) / 100
    : step.value;
}

interface MappingResult {
  text?: string;
  color?: string;
}

function special(match: unknown, value: number | string | null): boolean {
  const isNull = value === null || value === undefined;
  const nan = typeof value === "number" && Number.isNaN(value);
  switch (match) {
    case "null":
      return isNull;
    case "nan":
      return nan;
    case "null+nan":
      return isNull || nan;
    case "true":
      return value === 1 || value === "true";
    case "false":
      return value === 0 || value === "false";
    case "empty":
      return value === "";
    default:
      return false;
  }
}

/** The first mapping that matches `value`, as Grafana's `getValueMappingResult`. */
export function mapValue(
  mappings: readonly ValueMapping[] | undefined,
  value: number | string | null,
): MappingResult | undefined {
  for (const m of mappings ?? []) {
    const o = (m.options ?? {}) as Record<string, unknown>;
    const result = o.result as MappingResult | undefined;
    if (m.type === "value") {
      if (value === null) continue;
      const hit = o[String(value)] as MappingResult | undefined;
      if (hit) return hit;
    } else if (m.type === "range") {
      if (typeof value !== "number" || Number.isNaN(value)) continue;
      const from = typeof o.from === "number" ? o.from : Number.NEGATIVE_INFINITY;
      const to = typeof o.to === "number" ? o.to : Number.POSITIVE_INFINITY;
      if (value >= from && value <= to) return result;
    } else if (m.type === "regex") {
      if (value === null || typeof o.pattern !== "string") continue;
      const re = toRegExp(o.pattern);
      const s = String(value);
      if (re?.test(s)) return { ...result, text: result?.text ? s.replace(re, result.text) : s };
    } else if (m.type === "special") {
      if (special(o.match, value)) return result;
    } else if (legacyMatch(m, value)) {
      const l = m as unknown as { text?: string };
      return { text: l.text };
    }
  }
  return undefined;
}

/** Pre-7 mappings (`type` 1 value, 2 range, text beside), in dashboards not yet migrated. */
function legacyMatch(m: ValueMapping, value: number | string | null): boolean {
  const l = m as unknown as { type: number; value?: string; from?: string; to?: string };
  if (l.type === 1) return l.value === "null" ? value === null : String(value) === l.value;
  if (l.type !== 2 || typeof value !== "number") return false;
  return value >= Number(l.from ?? "-Infinity") && value <= Number(l.to ?? "Infinity");
}

/** The colour of a value under the config's colour mode. */
export function valueColor(value: number, config: FieldConfig, ctx: DisplayContext): string {
  const mode = config.color?.mode ?? ctx.defaultColorMode ?? "thresholds";
  const range = fieldRange(config, ctx);
  const dark = ctx.dark ?? true;
  if (mode === "fixed" || mode === "shades")
    return cssColor(config.color?.fixedColor, undefined, dark);
  if (mode.startsWith("palette-classic")) return paletteColor(ctx.index ?? 0, dark);
  const scheme = CONTINUOUS[mode];
  if (scheme) return interpolate(scheme, (value - range.min) / (range.max - range.min), dark);
  return cssColor(activeThreshold(value, config.thresholds, range).color, undefined, dark);
}

/** Formats `value` as Grafana's display processor does for a field with `config`. */
export function displayValue(
  value: number | null,
  config: FieldConfig,
  ctx: DisplayContext = {},
): DisplayValue {
  const numeric = value === null ? Number.NaN : value;
  const range = fieldRange(config, ctx);
  const percent = Number.isFinite(numeric)
    ? Math.min(Math.max((numeric - range.min) / (range.max - range.min), 0), 1)
    : 0;
  const mapped = mapValue(config.mappings, value);
  const color = mapped?.color
    ? cssColor(mapped.color, undefined, ctx.dark ?? true)
    : Number.isFinite(numeric)
      ? valueColor(numeric, config, ctx)
      : valueColor(range.min, config, ctx);
  if (mapped?.text !== undefined && mapped.text !== "")
    return { text: mapped.text, numeric, color, percent };
  if (value === null || Number.isNaN(value))
    return { text: config.noValue ?? (value === null ? "" : "NaN"), numeric, color, percent };
  return { ...formatUnit(value, config.unit, config.decimals), numeric, color, percent };
}

/** The whole text of a display value. */
export function displayText(v: Formatted): string {
  return `${v.prefix ?? ""}${v.text}${v.suffix ?? ""}`;
}
