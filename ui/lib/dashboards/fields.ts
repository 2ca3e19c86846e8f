/**
 * A panel's fields as Grafana resolves them: `fieldConfig.defaults`, then every override whose
 * matcher picks the field (byName, byNames, byRegexp, byType, byFrameRefID, byValue), property
 * by property in order (later wins, as Grafana's `applyFieldOverrides`), and the display name
 * with its `${__field.labels.x}` templates.
 */
import { reduce } from "./reduce.ts";
import type { FieldConfig, FieldOverride, Panel, SeriesFrame } from "./types.ts";

/** What an override matcher looks at: a series' value field, or a table's column. */
export interface FieldRef {
  /** The name before `displayName` (legend, or a table column's header). */
  name: string;
  /** Grafana's field types: the time column is "time", labels "string", values "number". */
  type: "number" | "time" | "string";
  refId?: string;
  labels?: Record<string, string>;
  /** The field's values, for the byValue matcher. */
  values?: readonly (number | null)[];
}

/** One series of a panel with its resolved config and display name. */
export interface Field {
  frame: SeriesFrame;
  /** The series' position in the panel (the classic palette colours by it). */
  index: number;
  name: string;
  config: FieldConfig;
}

/** Grafana's `stringToJsRegex`: "/re/flags" as written, else anchored to the whole string. */
export function toRegExp(pattern: string): RegExp | undefined {
  try {
    const m = /^\/(.*)\/([gimsuy]*)$/.exec(pattern);
    return m ? new RegExp(m[1], m[2]) : new RegExp(`^${pattern}$`);
  } catch {
    // A pattern Grafana would also refuse matches nothing rather than breaking the panel.
    return undefined;
  }
}

function matches(matcher: FieldOverride["matcher"], ref: FieldRef, displayName: string): boolean {
  const opt = matcher.options;
  switch (matcher.id) {
    case "byName":
      return opt === ref.name || opt === displayName;
    case "byNames": {
      const names = (opt as { names?: string[] } | undefined)?.names ?? [];
      const hit = names.includes(ref.name) || names.includes(displayName);
      return (opt as { mode?: string } | undefined)?.mode === "exclude" ? !hit : hit;
    }
    case "byRegexp": {
      const re = typeof opt === "string" ? toRegExp(opt) : undefined;
      return re !== undefined && (re.test(displayName) || re.test(ref.name));
    }
    case "byType":
      return opt === ref.type;
    case "byFrameRefID":
      return opt === ref.refId;
    case "byValue":
      return byValue(opt as ByValue | undefined, ref.values);
    default:
      return false;
  }
}

interface ByValue {
  reducer?: string;
  op?: string;
  value?: number;
}

/**
 * Grafana's byValue matcher: the field reduced by `reducer`, compared with `op` to `value`;
 * the boolean reducers (allIsZero, allIsNull) match by themselves, whatever op and value say.
 */
function byValue(o: ByValue | undefined, values: readonly (number | null)[] | undefined): boolean {
  if (!o?.reducer || !values) return false;
  const left = reduce(values, o.reducer);
  if (o.reducer === "allIsZero" || o.reducer === "allIsNull") return left === 1;
  if (left === null) return false;
  const right = o.value ?? 0;
  switch (o.op ?? "gte") {
    case "eq":
      return left === right;
    case "neq":
    case "ne":
      return left !== right;
    case "lt":
      return left < right;
    case "lte":
      return left <= right;
    case "gt":
      return left > right;
    default:
      return left >= right;
  }
}

function setPath(config: FieldConfig, id: string, value: unknown): void {
  const path = id.split(".");
  let node = config as Record<string, unknown>;
  for (const key of path.slice(0, -1)) {
    const next = node[key];
    node[key] = next && typeof next === "object" ? { ...(next as object) } : {};
    node = node[key] as Record<string, unknown>;
  }
  node[path[path.length - 1]] = value;
}

/** Replaces `${__field.labels.x}`, `${__field.labels}`, `${__series.name}`, `${__field.name}`. */
export function templateName(template: string, ref: FieldRef, seriesName = ref.name): string {
  const labels = ref.labels ?? {};
  return template.replace(/\$\{(__[a-zA-Z.]+|__field\.labels\.[^}]+)\}/g, (all, key: string) => {
    if (key.startsWith("__field.labels.")) return labels[key.slice(15)] ?? "";
    if (key === "__field.labels")
      return Object.entries(labels)
        .map(([k, v]) => `${k}="${v}"`)
        .join(", ");
    if (key === "__series.name") return seriesName;
    if (key === "__field.name" || key === "__field.displayName") return ref.name;
    return all;
  });
}

/** The config of one field: defaults, then every override that matches it, in order. */
export function resolveConfig(panel: Panel, ref: FieldRef): { config: FieldConfig; name: string } {
  const defaults = panel.fieldConfig?.defaults ?? {};
  const config: FieldConfig = { ...defaults, custom: { ...(defaults.custom ?? {}) } };
  const baseName = defaults.displayName ? templateName(defaults.displayName, ref) : ref.name;
  for (const o of panel.fieldConfig?.overrides ?? []) {
    if (!o?.matcher || !matches(o.matcher, ref, baseName)) continue;
    for (const p of o.properties ?? []) setPath(config, p.id, p.value);
  }
  const name = config.displayName ? templateName(config.displayName, ref) : ref.name;
  return { config, name };
}

/** The panel's series as fields (value fields of type number). */
export function resolveFields(panel: Panel, series: readonly SeriesFrame[]): Field[] {
  return series.map((frame, index) => {
    const ref: FieldRef = {
      name: frame.name,
      type: "number",
      refId: frame.refId,
      labels: frame.labels,
      values: frame.values,
    };
    return { frame, index, ...resolveConfig(panel, ref) };
  });
}

/** The smallest and largest finite value over `series` (Grafana's min/max when unset). */
export function dataRange(series: readonly SeriesFrame[]): { min: number; max: number } {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const s of series)
    for (const v of s.values) {
      if (v === null || !Number.isFinite(v)) continue;
      if (v < min) min = v;
      if (v > max) max = v;
    }
  return min <= max ? { min, max } : { min: 0, max: 0 };
}

/** A literal type widened to its primitive, so `option(p, "mode", "list")` is a string. */
export type Widen<T> = T extends string
  ? string
  : T extends number
    ? number
    : T extends boolean
      ? boolean
      : T;

/** A panel option by dotted path, or `fallback` (options are untyped JSON). */
export function option<T>(panel: Panel, path: string, fallback: T): Widen<T> {
  let node: unknown = panel.options;
  for (const key of path.split(".")) {
    if (!node || typeof node !== "object") return fallback as Widen<T>;
    node = (node as Record<string, unknown>)[key];
  }
  return (node ?? fallback) as Widen<T>;
}

/** A `custom.*` field option, or `fallback`. */
export function custom<T>(config: FieldConfig, key: string, fallback: T): Widen<T> {
  return ((config.custom as Record<string, unknown> | undefined)?.[key] ?? fallback) as Widen<T>;
}
