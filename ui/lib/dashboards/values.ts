/**
 * The values a stat, gauge or bar gauge shows, as Grafana's `getFieldDisplayValues`: each
 * field reduced by each of `reduceOptions.calcs` (one value per field and calc), or with
 * `reduceOptions.values` every value of every field up to `limit`; `reduceOptions.fields`
 * picks fields by name ("/re/" as a regex).
 */
import { type Field, option, resolveFields, toRegExp } from "./fields.ts";
import { type DisplayValue, displayValue } from "./format.ts";
import { reduce, reducerName } from "./reduce.ts";
import type { Panel, SeriesFrame } from "./types.ts";
import { isoLocal } from "./units.ts";

/** One shown value with its title (the field's name, or the calc's when several calcs). */
export interface FieldValue {
  title: string;
  display: DisplayValue;
  field: Field;
  /** The raw series behind the value (sparklines). */
  frame: SeriesFrame;
}

/** Grafana's default limit on values shown with `reduceOptions.values`. */
export const DEFAULT_VALUES_LIMIT = 25;

function pickFields(fields: Field[], pattern: string): Field[] {
  if (!pattern || pattern === "/^Value$/" || pattern === "Value") return fields;
  const re = pattern.startsWith("/") ? toRegExp(pattern) : undefined;
  return fields.filter((f) => (re ? re.test(f.name) : f.name === pattern));
}

/** The values to show for `panel` over `series`, with `defaultColorMode` when unset. */
export function fieldValues(
  panel: Panel,
  series: readonly SeriesFrame[],
  range: { min: number; max: number },
  defaultColorMode = "thresholds",
  dark = true,
): FieldValue[] {
  const fields = pickFields(
    resolveFields(panel, series),
    option(panel, "reduceOptions.fields", ""),
  );
  const all = option(panel, "reduceOptions.values", false);
  const calcs = option<string[]>(panel, "reduceOptions.calcs", ["lastNotNull"]);
  const limit = option(panel, "reduceOptions.limit", DEFAULT_VALUES_LIMIT) || DEFAULT_VALUES_LIMIT;
  const out: FieldValue[] = [];
  for (const field of fields) {
    const ctx = { index: field.index, range, defaultColorMode, dark };
    if (all) {
      field.frame.values.forEach((v, i) => {
        if (out.length >= limit) return;
        const title = `${field.name} ${isoLocal(field.frame.times[i])}`;
        out.push({ title, display: displayValue(v, field.config, ctx), field, frame: field.frame });
      });
      continue;
    }
    const list = calcs.length > 0 ? calcs : ["lastNotNull"];
    for (const calc of list) {
      const title = list.length > 1 ? `${field.name} ${reducerName(calc)}` : field.name;
      const v = reduce(field.frame.values, calc);
      out.push({ title, display: displayValue(v, field.config, ctx), field, frame: field.frame });
    }
  }
  return out;
}
