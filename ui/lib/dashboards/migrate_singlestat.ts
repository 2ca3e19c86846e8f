/**
 * The legacy `singlestat` panel as `stat` (or `gauge` when its gauge was shown), following what
 * Grafana's `sharedSingleStatMigrationHandler` does; and `table-old` as `table` where the
 * mapping is direct (column styles' unit, decimals and alias).
 */
import type { FieldConfig, FieldOverride, Panel, ThresholdStep, ValueMapping } from "./types.ts";

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (v !== null && typeof v === "object" ? (v as Obj) : {});
const num = (v: unknown): number | undefined => {
  if (v === null || v === undefined || v === "") return undefined;
  const n = Number(v);
  return Number.isFinite(n) ? n : undefined;
};

/** singlestat `valueName` → reducer id. */
const CALCS: Record<string, string> = {
  avg: "mean",
  current: "lastNotNull",
  min: "min",
  max: "max",
  total: "sum",
  first: "firstNotNull",
  delta: "delta",
  diff: "diff",
  range: "range",
  last_time: "lastNotNull",
  name: "lastNotNull",
};

/** `"50,80"` with colours `[a, b, c]` → steps base a, 50 b, 80 c. */
export function thresholdSteps(text: unknown, colors: unknown): ThresholdStep[] {
  const cs = Array.isArray(colors) ? colors.map(String) : ["green", "orange", "red"];
  const values =
    typeof text === "string"
      ? text
          .split(",")
          .map((s) => num(s.trim()))
          .filter((v) => v !== undefined)
      : [];
  const steps: ThresholdStep[] = [{ value: null, color: cs[0] ?? "green" }];
  for (const [i, v] of values.entries()) {
    steps.push({ value: v as number, color: cs[i + 1] ?? cs[cs.length - 1] ?? "red" });
  }
  return steps;
}

/** valueMaps and rangeMaps → value mappings (Grafana 7+ form). */
export function legacyMappings(p: Obj): ValueMapping[] {
  const out: ValueMapping[] = [];
  const values: Record<string, unknown> = {};
  let index = 0;
  const valueMaps = Array.isArray(p.valueMaps) ? p.valueMaps.map(obj) : [];
  const rangeMaps = Array.isArray(p.rangeMaps) ? p.rangeMaps.map(obj) : [];
  // mappingType 1 is value maps, 2 range maps; a dashboard without it uses whichever it has.
  const useRanges = p.mappingType === 2;
  if (!useRanges) {
    for (const m of valueMaps) {
      if (m.value === "null")
        out.push({
          type: "special",
          options: { match: "null", result: { text: String(m.text), index: index++ } },
        });
      else values[String(m.value)] = { text: String(m.text), index: index++ };
    }
    if (Object.keys(values).length > 0) out.unshift({ type: "value", options: values });
  } else {
    for (const m of rangeMaps) {
      out.push({
        type: "range",
        options: {
          from: num(m.from) ?? null,
          to: num(m.to) ?? null,
          result: { text: String(m.text), index: index++ },
        },
      });
    }
  }
  return out;
}

const SINGLESTAT_CONSUMED = [
  "format",
  "decimals",
  "valueName",
  "thresholds",
  "colors",
  "colorBackground",
  "colorValue",
  "colorPrefix",
  "colorPostfix",
  "valueMaps",
  "rangeMaps",
  "mappingType",
  "mappingTypes",
  "gauge",
  "sparkline",
  "prefix",
  "postfix",
  "prefixFontSize",
  "postfixFontSize",
  "valueFontSize",
  "nullText",
  "nullPointMode",
  "tableColumn",
  "options",
];

/** A `singlestat` panel migrated to `stat`, or `gauge` when `gauge.show` was on. */
export function migrateSinglestat(panel: Panel): Panel {
  const p = panel as unknown as Obj;
  const gauge = obj(p.gauge);
  const isGauge = gauge.show === true;
  const d: FieldConfig = { ...obj(obj(p.fieldConfig).defaults) };
  if (typeof p.format === "string" && p.format !== "none") d.unit = p.format;
  if (typeof p.prefix === "string" && p.prefix !== "" && d.unit === undefined)
    d.unit = `prefix:${p.prefix}`;
  if (typeof p.postfix === "string" && p.postfix !== "" && d.unit === undefined)
    d.unit = `suffix:${p.postfix}`;
  const decimals = num(p.decimals);
  if (decimals !== undefined) d.decimals = decimals;
  d.thresholds = { mode: "absolute", steps: thresholdSteps(p.thresholds, p.colors) };
  const mappings = legacyMappings(p);
  if (mappings.length > 0) d.mappings = mappings;
  if (typeof p.nullText === "string" && p.nullText !== "") d.noValue = p.nullText;
  d.color = { mode: "thresholds" };
  if (isGauge) {
    if (num(gauge.minValue) !== undefined) d.min = num(gauge.minValue);
    if (num(gauge.maxValue) !== undefined) d.max = num(gauge.maxValue);
  }
  const reduceOptions = {
    calcs: [CALCS[String(p.valueName ?? "avg")] ?? "mean"],
    fields: typeof p.tableColumn === "string" && p.tableColumn !== "" ? p.tableColumn : "",
    values: false,
  };
  const options: Obj = isGauge
    ? {
        reduceOptions,
        showThresholdMarkers: gauge.thresholdMarkers !== false,
        showThresholdLabels: gauge.thresholdLabels === true,
        orientation: "auto",
      }
    : {
        reduceOptions,
        colorMode: p.colorBackground ? "background" : p.colorValue ? "value" : "none",
        graphMode: obj(p.sparkline).show ? "area" : "none",
        justifyMode: "auto",
        textMode: "auto",
        orientation: "horizontal",
      };
  const rest: Obj = {};
  for (const [k, v] of Object.entries(p)) if (!SINGLESTAT_CONSUMED.includes(k)) rest[k] = v;
  return {
    ...(rest as unknown as Panel),
    type: isGauge ? "gauge" : "stat",
    fieldConfig: { defaults: d, overrides: panel.fieldConfig?.overrides ?? [] },
    options,
  };
}

/** A `table-old` panel as `table`: column styles' unit, decimals and alias become overrides. */
export function migrateTableOld(panel: Panel): Panel {
  const p = panel as unknown as Obj;
  const defaults: FieldConfig = { ...obj(obj(p.fieldConfig).defaults) };
  const overrides: FieldOverride[] = [];
  for (const s of Array.isArray(p.styles) ? p.styles.map(obj) : []) {
    const props: { id: string; value?: unknown }[] = [];
    if (s.type === "number" && typeof s.unit === "string")
      props.push({ id: "unit", value: s.unit });
    if (num(s.decimals) !== undefined) props.push({ id: "decimals", value: num(s.decimals) });
    if (typeof s.alias === "string" && s.alias !== "")
      props.push({ id: "displayName", value: s.alias });
    if (s.type === "hidden") props.push({ id: "custom.hidden", value: true });
    if (Array.isArray(s.thresholds) && s.thresholds.length > 0) {
      props.push({
        id: "thresholds",
        value: { mode: "absolute", steps: thresholdSteps(s.thresholds.join(","), s.colors) },
      });
      if (s.colorMode === "cell")
        props.push({ id: "custom.cellOptions", value: { type: "color-background" } });
      if (s.colorMode === "value")
        props.push({ id: "custom.cellOptions", value: { type: "color-text" } });
    }
    const pattern = String(s.pattern ?? "");
    if (pattern === "/.*/") {
      for (const pr of props) if (pr.id !== "displayName") defaults[pr.id] = pr.value;
    } else if (props.length > 0) {
      const matcher = /^\/.*\/$/.test(pattern)
        ? { id: "byRegexp", options: pattern }
        : { id: "byName", options: pattern };
      overrides.push({ matcher, properties: props });
    }
  }
  const { styles: _s, columns: _c, transform: _t, ...rest } = p;
  return { ...(rest as unknown as Panel), type: "table", fieldConfig: { defaults, overrides } };
}
