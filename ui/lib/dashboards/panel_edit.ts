/**
 * The panel editor's form and its merge back into the panel. The form holds only what the
 * editor shows; applying it starts from the original panel, so every field the editor does not
 * know (options, overrides, links, a target's datasource, plugin fields) comes through unchanged,
 * and an unchanged form gives back an equal panel.
 */
import {
  type LegendForm,
  legendOf,
  type MappingRow,
  mappingRows,
  overridesOf,
  rowsToMappings,
  sameLegend,
  withLegend,
} from "./panel_edit_fields.ts";
import type { FieldConfig, FieldOverride, Panel, Target, ThresholdStep } from "./types.ts";

/** The panel types the editor offers (what the renderers draw). */
export const PANEL_TYPES = [
  "timeseries",
  "stat",
  "gauge",
  "bargauge",
  "table",
  "heatmap",
  "text",
  "logs",
  "state-timeline",
] as const;

/** Common Grafana unit ids, offered first; any other id can be typed. */
export const UNITS: readonly { value: string; label: string }[] = [
  { value: "short", label: "short (1.2 K)" },
  { value: "none", label: "none" },
  { value: "percent", label: "percent (0-100)" },
  { value: "percentunit", label: "percent (0.0-1.0)" },
  { value: "bytes", label: "bytes (IEC)" },
  { value: "decbytes", label: "bytes (SI)" },
  { value: "bits", label: "bits (IEC)" },
  { value: "Bps", label: "bytes/sec (SI)" },
  { value: "bps", label: "bits/sec (SI)" },
  { value: "s", label: "seconds" },
  { value: "ms", label: "milliseconds" },
  { value: "reqps", label: "requests/sec" },
  { value: "ops", label: "ops/sec" },
  { value: "celsius", label: "Celsius (°C)" },
];

/** One query in the form. */
export interface TargetForm {
  refId: string;
  expr: string;
  legendFormat: string;
  instant: boolean;
  hide: boolean;
  /** Which editor edits it. */
  language: "promql" | "logql";
  /** The target as it was (an added target: {}), whose other fields are kept. */
  original: Target;
}

/** What the editor edits. */
export interface PanelForm {
  title: string;
  description: string;
  type: string;
  targets: TargetForm[];
  unit: string;
  decimals: number | null;
  min: number | null;
  max: number | null;
  thresholdMode: string;
  /** The base step first (value null), then ascending values. */
  steps: ThresholdStep[];
  textContent: string;
  textMode: string;
  /** Value mappings, one row per match (ui/lib/dashboards/panel_edit_fields.ts). */
  mappings: MappingRow[];
  /** `fieldConfig.overrides`, a copy. */
  overrides: FieldOverride[];
  /** `options.legend` (timeseries). */
  legend: LegendForm;
}

const num = (v: unknown): number | null => (typeof v === "number" ? v : null);
const str = (v: unknown): string => (typeof v === "string" ? v : "");

/** True when a target or the panel uses a Loki data source (so LogQL edits it). */
export function isLoki(target: Target, panel: Panel): boolean {
  const type = (d: unknown) =>
    typeof d === "object" && d !== null ? (d as { type?: unknown }).type : d;
  const ds = target.datasource ?? panel.datasource;
  const t = type(ds);
  if (typeof t === "string") return t === "loki" || t === "outpost-loki";
  return panel.type === "logs";
}

/** The form of a panel. */
export function panelToForm(panel: Panel): PanelForm {
  const d: FieldConfig = panel.fieldConfig?.defaults ?? {};
  const opts = panel.options ?? {};
  return {
    title: panel.title ?? "",
    description: panel.description ?? "",
    type: panel.type,
    targets: (panel.targets ?? []).map((t) => ({
      refId: t.refId,
      expr: str(t.expr),
      legendFormat: str(t.legendFormat),
      instant: t.instant === true,
      hide: t.hide === true,
      language: isLoki(t, panel) ? "logql" : "promql",
      original: t,
    })),
    unit: str(d.unit),
    decimals: num(d.decimals),
    min: num(d.min),
    max: num(d.max),
    thresholdMode: d.thresholds?.mode ?? "absolute",
    steps: (d.thresholds?.steps ?? []).map((s) => ({ ...s })),
    textContent: str(opts.content),
    textMode: str(opts.mode) || "markdown",
    mappings: mappingRows(d.mappings),
    overrides: overridesOf(panel),
    legend: legendOf(panel),
  };
}

/** The next free refId (A, B, … Z, then A1, B1, …), as Grafana names new queries. */
export function nextRefId(used: readonly string[]): string {
  for (let round = 0; ; round++)
    for (let c = 65; c <= 90; c++) {
      const id = String.fromCharCode(c) + (round === 0 ? "" : String(round));
      if (!used.includes(id)) return id;
    }
}

/** A new, empty query for `panel`, in the language its data source speaks. */
export function newTarget(form: PanelForm, panel: Panel): TargetForm {
  const loki = form.type === "logs" || isLoki({ refId: "" }, panel);
  return {
    refId: nextRefId(form.targets.map((t) => t.refId)),
    expr: "",
    legendFormat: "",
    instant: false,
    hide: false,
    language: loki ? "logql" : "promql",
    original: {} as Target,
  };
}

/** Sets `key` to `value`, or drops it when `value` is empty and the original did not have it. */
function put(o: Record<string, unknown>, key: string, value: unknown, empty: unknown): void {
  if (value === empty && !(key in o)) return;
  if (value === empty && value === undefined) delete o[key];
  else o[key] = value;
}

function applyTarget(t: TargetForm): Target {
  const out: Target = { ...t.original, refId: t.refId };
  put(out, "expr", t.expr, "");
  put(out, "legendFormat", t.legendFormat, "");
  if (t.instant !== (t.original.instant === true)) {
    // Grafana's query options write both: an instant query is not also a range one.
    out.instant = t.instant;
    out.range = !t.instant;
  }
  put(out, "hide", t.hide, false);
  return out;
}

function thresholdsChanged(form: PanelForm, d: FieldConfig): boolean {
  const before = d.thresholds;
  if (before === undefined) return form.steps.length > 0;
  return (
    before.mode !== form.thresholdMode ||
    JSON.stringify(before.steps) !== JSON.stringify(form.steps)
  );
}

/** Sorts steps as Grafana keeps them: the base step (null) first, then by value. */
export function sortSteps(steps: readonly ThresholdStep[]): ThresholdStep[] {
  return [...steps].sort((a, b) =>
    a.value == null ? -1 : b.value == null ? 1 : a.value - b.value,
  );
}

/** The panel with the form applied; every field the form does not hold is kept. */
export function applyForm(panel: Panel, form: PanelForm): Panel {
  const out: Panel = { ...panel, type: form.type };
  put(out, "title", form.title, "");
  put(out, "description", form.description, "");
  if (form.targets.length > 0 || panel.targets !== undefined)
    out.targets = form.targets.map(applyTarget);
  const before: FieldConfig = panel.fieldConfig?.defaults ?? {};
  const d: FieldConfig = { ...before };
  if (form.unit !== str(before.unit)) put(d, "unit", form.unit || undefined, undefined);
  for (const key of ["decimals", "min", "max"] as const)
    if (form[key] !== num(before[key])) put(d, key, form[key] ?? undefined, undefined);
  if (thresholdsChanged(form, before))
    d.thresholds = { ...before.thresholds, mode: form.thresholdMode, steps: sortSteps(form.steps) };
  if (JSON.stringify(form.mappings) !== JSON.stringify(mappingRows(before.mappings)))
    put(d, "mappings", rowsToMappings(form.mappings), undefined);
  const overridesChanged =
    JSON.stringify(form.overrides) !== JSON.stringify(panel.fieldConfig?.overrides ?? []);
  if (JSON.stringify(d) !== JSON.stringify(before) || overridesChanged)
    out.fieldConfig = {
      ...panel.fieldConfig,
      defaults: d,
      overrides: overridesChanged ? form.overrides : (panel.fieldConfig?.overrides ?? []),
    };
  if (!sameLegend(form.legend, legendOf(panel)))
    out.options = withLegend(panel.options, form.legend);
  if (form.type === "text") {
    const o = { ...out.options };
    if (form.textContent !== str(o.content)) o.content = form.textContent;
    if (form.textMode !== (str(o.mode) || "markdown")) o.mode = form.textMode;
    if (JSON.stringify(o) !== JSON.stringify(out.options ?? {})) out.options = o;
  }
  return out;
}

/**
 * A stand-in for Grafana's variables so that the server's parser can check the rest: a range
 * `[$x]` becomes `[5m]`, `$__interval`-style built-ins `5m` (their `_s`/`_ms` forms, numbers,
 * `300`). Other `$x` are left: inside label values they are only text.
 */
export function withoutVariables(expr: string): string {
  return expr
    .replace(/\[\s*(\$\{?\w+\}?|\[\[\w+\]\])\s*(:\s*(\$\{?\w+\}?|\[\[\w+\]\]))?\s*\]/g, "[5m]")
    .replace(/\$\{?__(rate_interval|interval|range)_m?s\}?/g, "300")
    .replace(/\$\{?__(rate_interval|interval|range)\}?/g, "5m");
}
