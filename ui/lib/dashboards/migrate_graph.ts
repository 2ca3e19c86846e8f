/**
 * The legacy `graph` panel as a `timeseries` panel, following what Grafana's
 * `graphPanelChangedHandler` does: axes to field config, draw options to `custom`, series
 * overrides and alias colours to overrides, legend and tooltip to options, thresholds to steps.
 */
import type { FieldConfig, FieldOverride, Panel, ThresholdStep } from "./types.ts";

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (v !== null && typeof v === "object" ? (v as Obj) : {});
const num = (v: unknown): number | undefined => {
  if (v === null || v === undefined || v === "") return undefined;
  const n = Number(v);
  return Number.isFinite(n) ? n : undefined;
};

/** Grafana's legend value names → reducer ids. */
const LEGEND_CALCS: [string, string][] = [
  ["current", "lastNotNull"],
  ["avg", "mean"],
  ["min", "min"],
  ["max", "max"],
  ["total", "sum"],
];

/** The field config of a legacy y-axis. */
function axisConfig(axis: Obj): FieldConfig {
  const out: FieldConfig = {};
  const custom: Obj = {};
  if (typeof axis.format === "string" && axis.format !== "short") out.unit = axis.format;
  if (axis.format === "short") out.unit = "short";
  const decimals = num(axis.decimals);
  if (decimals !== undefined) out.decimals = decimals;
  const min = num(axis.min);
  const max = num(axis.max);
  if (min !== undefined) out.min = min;
  if (max !== undefined) out.max = max;
  if (typeof axis.label === "string" && axis.label !== "") custom.axisLabel = axis.label;
  const logBase = num(axis.logBase);
  if (logBase !== undefined && logBase !== 1)
    custom.scaleDistribution = { type: "log", log: logBase };
  if (axis.show === false) custom.axisPlacement = "hidden";
  if (Object.keys(custom).length > 0) out.custom = custom;
  return out;
}

/** `custom` draw options from the graph's lines/bars/points/fill/stack flags. */
function drawConfig(p: Obj): Obj {
  const custom: Obj = {};
  custom.drawStyle = p.bars ? "bars" : p.lines === false && p.points ? "points" : "line";
  custom.lineWidth = num(p.linewidth) ?? 1;
  custom.fillOpacity = (num(p.fill) ?? 1) * 10;
  custom.showPoints = p.points ? "always" : "never";
  if (num(p.pointradius) !== undefined) custom.pointSize = (num(p.pointradius) as number) * 2 + 1;
  custom.lineInterpolation = p.steppedLine ? "stepAfter" : "linear";
  custom.spanNulls = p.nullPointMode === "connected";
  if (p.stack) custom.stacking = { mode: p.percentage ? "percent" : "normal", group: "A" };
  if (p.dashes)
    custom.lineStyle = { fill: "dash", dash: [num(p.dashLength) ?? 10, num(p.spaceLength) ?? 10] };
  return custom;
}

/** A matcher for a series override alias: `/re/` is a regex, anything else a name. */
function aliasMatcher(alias: string): FieldOverride["matcher"] {
  return /^\/.*\/[a-z]*$/.test(alias)
    ? { id: "byRegexp", options: alias }
    : { id: "byName", options: alias };
}

/** One `seriesOverrides` entry as an override. */
function seriesOverride(o: Obj, y2: FieldConfig): FieldOverride | undefined {
  if (typeof o.alias !== "string" || o.alias === "") return undefined;
  const props: { id: string; value?: unknown }[] = [];
  const custom = (id: string, value: unknown) => props.push({ id: `custom.${id}`, value });
  if (o.lines === false && o.bars !== true) custom("drawStyle", o.points ? "points" : "line");
  if (o.lines === false) custom("lineWidth", 0);
  if (o.bars === true) custom("drawStyle", "bars");
  if (o.lines === true) custom("drawStyle", "line");
  if (num(o.fill) !== undefined) custom("fillOpacity", (num(o.fill) as number) * 10);
  if (num(o.linewidth) !== undefined) custom("lineWidth", num(o.linewidth));
  if (o.points !== undefined) custom("showPoints", o.points ? "always" : "never");
  if (o.steppedLine === true) custom("lineInterpolation", "stepAfter");
  if (typeof o.color === "string")
    props.push({ id: "color", value: { mode: "fixed", fixedColor: o.color } });
  if (o.transform === "negative-Y") custom("transform", "negative-Y");
  if (o.legend === false) custom("hideFrom", { legend: true, tooltip: false, viz: false });
  if (o.hideTooltip === true) custom("hideFrom", { legend: false, tooltip: true, viz: false });
  if (o.stack === false) custom("stacking", { mode: "none", group: "A" });
  else if (o.stack !== undefined) custom("stacking", { mode: "normal", group: String(o.stack) });
  if (o.dashes === true)
    custom("lineStyle", {
      fill: "dash",
      dash: [num(o.dashLength) ?? 10, num(o.spaceLength) ?? 10],
    });
  if (num(o.yaxis) === 2) {
    custom("axisPlacement", "right");
    for (const [k, v] of Object.entries(y2)) if (k !== "custom") props.push({ id: k, value: v });
  }
  return props.length > 0 ? { matcher: aliasMatcher(o.alias), properties: props } : undefined;
}

/** Graph thresholds (`[{value, op, colorMode, fill, line}]`) as steps and a style. */
function thresholds(list: unknown): { steps: ThresholdStep[]; style?: string } | undefined {
  if (!Array.isArray(list) || list.length === 0) return undefined;
  const colorOf = (t: Obj) =>
    t.colorMode === "critical"
      ? "red"
      : t.colorMode === "warning"
        ? "orange"
        : t.colorMode === "ok"
          ? "green"
          : String(t.lineColor ?? t.fillColor ?? "red");
  const sorted = list.map(obj).filter((t) => num(t.value) !== undefined);
  sorted.sort((a, b) => (num(a.value) as number) - (num(b.value) as number));
  const steps: ThresholdStep[] = [{ value: null, color: "transparent" }];
  for (const t of sorted) {
    if (t.op === "lt") {
      // below the value: colour the band under it, then back to transparent above
      steps[steps.length - 1].color = colorOf(t);
      steps.push({ value: num(t.value) as number, color: "transparent" });
    } else steps.push({ value: num(t.value) as number, color: colorOf(t) });
  }
  const t0 = sorted[0] ?? {};
  const style = t0.fill && t0.line ? "line+area" : t0.fill ? "area" : "line";
  return { steps, style };
}

/** The graph panel's options (legend, tooltip) in timeseries form. */
function options(p: Obj): Obj {
  const legend = obj(p.legend);
  const calcs = LEGEND_CALCS.filter(([k]) => legend[k] === true).map(([, v]) => v);
  const tooltip = obj(p.tooltip);
  const out: Obj = {
    legend: {
      showLegend: legend.show !== false,
      displayMode: legend.show === false ? "hidden" : legend.alignAsTable ? "table" : "list",
      placement: legend.rightSide ? "right" : "bottom",
      calcs,
    },
    tooltip: {
      mode: tooltip.shared === false ? "single" : "multi",
      sort: tooltip.sort === 1 ? "asc" : tooltip.sort === 2 ? "desc" : "none",
    },
  };
  const sortBy = LEGEND_CALCS.find(([k]) => k === legend.sort);
  if (sortBy)
    Object.assign(out.legend as Obj, { sortBy: sortBy[1], sortDesc: legend.sortDesc === true });
  return out;
}

// Fields of the graph panel that the migration consumes; everything else stays on the panel.
const CONSUMED = [
  "yaxes",
  "xaxis",
  "yaxis",
  "lines",
  "linewidth",
  "bars",
  "points",
  "pointradius",
  "fill",
  "fillGradient",
  "stack",
  "percentage",
  "steppedLine",
  "nullPointMode",
  "dashes",
  "dashLength",
  "spaceLength",
  "seriesOverrides",
  "aliasColors",
  "legend",
  "tooltip",
  "thresholds",
  "renderer",
  "timeRegions",
  "options",
];

/** A `graph` panel migrated to `timeseries`; fields the migration does not read are kept. */
export function migrateGraph(panel: Panel): Panel {
  const p = panel as unknown as Obj;
  const yaxes = Array.isArray(p.yaxes) ? p.yaxes.map(obj) : [];
  const y1 = axisConfig(yaxes[0] ?? {});
  const y2 = axisConfig(yaxes[1] ?? {});
  const prev = obj(obj(p.fieldConfig).defaults);
  const defaults: FieldConfig = { ...prev, ...y1, custom: { ...drawConfig(p), ...obj(y1.custom) } };
  const overrides: FieldOverride[] = [];
  for (const o of Array.isArray(p.seriesOverrides) ? p.seriesOverrides : []) {
    const ov = seriesOverride(obj(o), y2);
    if (ov) overrides.push(ov);
  }
  for (const [name, color] of Object.entries(obj(p.aliasColors))) {
    overrides.push({
      matcher: { id: "byName", options: name },
      properties: [{ id: "color", value: { mode: "fixed", fixedColor: color } }],
    });
  }
  const th = thresholds(p.thresholds);
  if (th) {
    defaults.thresholds = { mode: "absolute", steps: th.steps };
    (defaults.custom as Obj).thresholdsStyle = { mode: th.style };
  }
  defaults.color ??= { mode: "palette-classic" };
  const rest: Obj = {};
  for (const [k, v] of Object.entries(p)) if (!CONSUMED.includes(k)) rest[k] = v;
  return {
    ...(rest as unknown as Panel),
    type: "timeseries",
    fieldConfig: { defaults, overrides: [...(panel.fieldConfig?.overrides ?? []), ...overrides] },
    options: options(p),
  };
}
