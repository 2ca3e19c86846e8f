/**
 * uPlot options from a timeseries panel's resolved fields, honouring Grafana's `custom.*`:
 * drawStyle (line, bars, points), lineInterpolation, lineWidth, lineStyle, fillOpacity,
 * showPoints, pointSize, spanNulls, axisPlacement (hidden, right), axisSoftMin/Max, hard
 * min/max, scaleDistribution (log 2 or 10), and an axis per unit (at most two, like Grafana's
 * left and right).
 */
import uPlot from "uplot";
import { withAlpha } from "../../../lib/dashboards/colors.ts";
import { custom, type Field } from "../../../lib/dashboards/fields.ts";
import { formattedToString, formatUnit } from "../../../lib/dashboards/units.ts";
import { isolatedFilter } from "../../../lib/isolated.ts";
import { logRange, paddedRange, withHardEnds } from "../../../lib/plot_range.ts";
import type { Chrome } from "./common.tsx";

/** A field as drawn: its colour and the scale it sits on. */
export interface PlotField {
  field: Field;
  color: string;
  scale: string;
  unit: string | undefined;
}

interface ScaleSpec {
  unit: string | undefined;
  log: number;
  min?: number | null;
  max?: number | null;
  softMin?: number;
  softMax?: number;
  side: "left" | "right";
  hidden: boolean;
}

function pathsFor(field: Field): uPlot.Series.PathBuilder | undefined {
  const style = custom(field.config, "drawStyle", "line");
  if (style === "bars") return uPlot.paths.bars?.({ size: [0.7, 64], align: 0 });
  if (style === "points") return () => null;
  const interp = custom(field.config, "lineInterpolation", "linear");
  if (interp === "smooth") return uPlot.paths.spline?.();
  if (interp === "stepBefore") return uPlot.paths.stepped?.({ align: -1 });
  if (interp === "stepAfter") return uPlot.paths.stepped?.({ align: 1 });
  return uPlot.paths.linear?.();
}

function dashFor(field: Field): number[] | undefined {
  const style = custom<{ fill?: string; dash?: number[] }>(field.config, "lineStyle", {});
  if (style.fill === "dash") return style.dash ?? [10, 10];
  if (style.fill === "dot") return style.dash ?? [0, 10];
  return undefined;
}

/** One uPlot series for a plotted field. */
export function seriesOptions(p: PlotField, hidden: boolean): uPlot.Series {
  const f = p.field;
  const style = custom(f.config, "drawStyle", "line");
  const fillOpacity = custom(f.config, "fillOpacity", style === "bars" ? 80 : 0);
  const showPoints = custom(f.config, "showPoints", "auto");
  const points =
    style === "points" || showPoints === "always"
      ? { show: true, size: custom(f.config, "pointSize", 5), fill: p.color }
      : showPoints === "never"
        ? { show: false }
        : // "auto": points only where samples are at least 20 px apart, so dense lines stay
          // lines, and a sample between gaps (no line to draw) as a dot, as Grafana does.
          {
            size: custom(f.config, "pointSize", 5),
            fill: p.color,
            space: 20,
            filter: isolatedFilter,
          };
  return {
    label: f.name,
    scale: p.scale,
    show: !hidden,
    stroke: p.color,
    width: style === "bars" ? 1 : custom(f.config, "lineWidth", 1),
    fill: fillOpacity > 0 ? withAlpha(p.color, fillOpacity / 100) : undefined,
    paths: pathsFor(f),
    points,
    dash: dashFor(f),
    spanGaps: custom(f.config, "spanNulls", false) === true,
  };
}

/** Scales and axes for the plotted fields: "y" for the first unit, "y2" for a second. */
export function scalesFor(
  plotted: PlotField[],
  chrome: Chrome,
): { scales: uPlot.Scales; axes: uPlot.Axis[] } {
  const specs = new Map<string, ScaleSpec>();
  for (const p of plotted) {
    const c = p.field.config;
    const dist = custom<{ type?: string; log?: number }>(c, "scaleDistribution", {});
    const placement = custom(c, "axisPlacement", "auto");
    const spec = specs.get(p.scale) ?? {
      unit: p.unit,
      log: dist.type === "log" ? (dist.log ?? 2) : 0,
      side: p.scale === "y" ? "left" : "right",
      hidden: true,
    };
    spec.min ??= c.min;
    spec.max ??= c.max;
    spec.softMin ??= custom<number | undefined>(c, "axisSoftMin", undefined);
    spec.softMax ??= custom<number | undefined>(c, "axisSoftMax", undefined);
    if (placement === "right") spec.side = "right";
    if (placement === "left") spec.side = "left";
    // The axis shows unless every field on it asks for it hidden.
    if (placement !== "hidden") spec.hidden = false;
    specs.set(p.scale, spec);
  }
  const scales: uPlot.Scales = { x: { time: true } };
  const axes: uPlot.Axis[] = [
    // Room for one line of time labels (uPlot's default 50 px leaves a gap above the legend).
    {
      stroke: chrome.axis,
      grid: { stroke: chrome.grid, width: 1 },
      ticks: { show: false },
      size: 28,
    },
  ];
  for (const [key, s] of specs) {
    scales[key] = {
      distr: s.log ? 3 : 1,
      log: (s.log === 2 ? 2 : 10) as uPlot.Scale.LogBase,
      range: (_u, dmin, dmax) => rangeFor(s, dmin, dmax),
    };
    const fmt = (v: number) => formattedToString(formatUnit(v, s.unit));
    axes.push({
      scale: key,
      show: !s.hidden,
      side: s.side === "left" ? 3 : 1,
      stroke: chrome.axis,
      grid: { stroke: chrome.grid, width: 1, show: key === "y" },
      ticks: { show: false },
      values: (_u, splits) => splits.map((v) => (v === null ? "" : fmt(v))),
      size: (_u, values) => 12 + Math.max(3, ...(values ?? []).map((v) => String(v).length)) * 7,
    });
  }
  return { scales, axes };
}

function rangeFor(s: ScaleSpec, dmin: number | null, dmax: number | null): uPlot.Range.MinMax {
  let lo = dmin ?? s.softMin ?? 0;
  let hi = dmax ?? s.softMax ?? 1;
  if (s.softMin !== undefined && s.softMin !== null) lo = Math.min(lo, s.softMin);
  if (s.softMax !== undefined && s.softMax !== null) hi = Math.max(hi, s.softMax);
  if (s.log) {
    const data = logRange(lo, hi, s.log === 2 ? 2 : 10);
    // A hard end at or below zero has no place on a log axis: Grafana ignores it too.
    const positive = (v: number | null | undefined) => (v != null && v > 0 ? v : undefined);
    const [a, b] = withHardEnds(data, positive(s.min), positive(s.max));
    return a > 0 ? [a, b] : data;
  }
  // Padded by a tenth of the span; a hard min or max from the config wins.
  return withHardEnds(paddedRange(lo, hi), s.min, s.max);
}
