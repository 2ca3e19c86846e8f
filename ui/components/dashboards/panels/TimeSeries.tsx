/**
 * Grafana's `timeseries` panel drawn with uPlot: lines, bars or points per field, stacking,
 * negative-Y, log scales, thresholds as lines or areas, annotations, a legend (list or table
 * with calcs, bottom or right, or none), a tooltip (single, multi or none) with the fields'
 * units, and a drag across the plot to zoom the dashboard's time range. A new answer with the
 * same series (names, colours, scales, field config) is given to the chart with `setData`; the
 * chart is made again only when what it draws with changes (or with the fast paths off).
 */
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import { custom, dataRange, option, resolveFields } from "../../../lib/dashboards/fields.ts";
import { displayText, displayValue, valueColor } from "../../../lib/dashboards/format.ts";
import { timeAxis } from "../../../lib/dashboards/queries.ts";
import { reduce, reducerName } from "../../../lib/dashboards/reduce.ts";
import {
  alignFrames,
  drawnColumns,
  type SeriesTransform,
  stackPairs,
} from "../../../lib/dashboards/series.ts";
import { tickLabels } from "../../../lib/dashboards/time_units.ts";
import type { PanelProps } from "../../../lib/dashboards/types.ts";
import { useFastPaths } from "../near.tsx";
import { useChrome } from "./common.tsx";
import { Legend, type LegendItem } from "./Legend.tsx";
import { PlotTooltip, type TooltipState } from "./PlotTooltip.tsx";
import { drawAnnotations, drawThresholds } from "./plotHooks.ts";
import { type PlotField, scalesFor, seriesOptions } from "./plotOptions.ts";

/** The x axis's labels (lib/dashboards/time_units.ts, tickLabels). */
function timeTicks(u: uPlot, splits: number[]): string[] {
  return tickLabels(u.scales.x.min ?? 0, u.scales.x.max ?? 0, splits);
}

/**
 * The legend's rows: fields not hidden from it, their calcs formatted; sorted by one calc's
 * value when `legend.sortBy` names its header (as Grafana's table legend sorts).
 */
function legendItems(
  plotted: PlotField[],
  calcs: string[],
  sortBy: string,
  desc: boolean,
): LegendItem[] {
  const rows = plotted
    .map((p, index) => ({ p, index }))
    .filter(({ p }) => !custom<{ legend?: boolean }>(p.field.config, "hideFrom", {}).legend)
    .map(({ p, index }) => {
      const raw = calcs.map((c) => reduce(p.field.frame.values, c));
      const values = raw.map((v) => displayText(displayValue(v, p.field.config)));
      return { item: { index, name: p.field.name, color: p.color, values }, raw };
    });
  const k = calcs.findIndex((c) => c === sortBy || reducerName(c) === sortBy);
  if (k >= 0) {
    const dir = desc ? -1 : 1;
    rows.sort(
      (a, b) =>
        dir * ((a.raw[k] ?? Number.NEGATIVE_INFINITY) - (b.raw[k] ?? Number.NEGATIVE_INFINITY)),
    );
  } else if (sortBy === "Name") {
    rows.sort((a, b) => (desc ? -1 : 1) * a.item.name.localeCompare(b.item.name));
  }
  return rows.map((r) => r.item);
}

/** One empty calcs list for every panel without calcs: the memoised legend compares by identity. */
const NO_CALCS: string[] = [];

/**
 * What the chart's options are made from, by value: while it holds, a new answer needs only
 * `setData`. Colours are in it because a threshold colour mode picks them from the values.
 */
function chartShape(plotted: PlotField[], pairs: [number, number][]): string {
  const fields = plotted.map((p) => [p.field.name, p.color, p.scale, p.unit, p.field.config]);
  return JSON.stringify([fields, pairs]);
}

/** The timeseries panel. */
export function TimeSeriesPanel({ panel, data, width, height, onTimeRangeChange }: PanelProps) {
  const chrome = useChrome();
  const host = useRef<HTMLDivElement>(null);
  const zoom = useRef(onTimeRangeChange);
  zoom.current = onTimeRangeChange;
  const [only, setOnly] = useState<number | null>(null);
  const [tip, setTip] = useState<TooltipState | null>(null);
  const plotRef = useRef<uPlot | null>(null);
  const { chartSetData } = useFastPaths();

  const model = useMemo(() => {
    const range = dataRange(data.series);
    const fields = resolveFields(panel, data.series).filter(
      (f) => !custom<{ viz?: boolean }>(f.config, "hideFrom", {}).viz,
    );
    const units: string[] = [];
    const plotted: PlotField[] = fields.map((f) => {
      const percent = custom<{ mode?: string }>(f.config, "stacking", {}).mode === "percent";
      const unit = percent ? "percentunit" : f.config.unit;
      if (!units.includes(unit ?? "")) units.push(unit ?? "");
      const last = reduce(f.frame.values, "lastNotNull") ?? 0;
      const ctx = { index: f.index, range, defaultColorMode: "palette-classic", dark: chrome.dark };
      const scale = units.indexOf(unit ?? "") === 0 ? "y" : "y2";
      return { field: f, color: valueColor(last, f.config, ctx), scale, unit };
    });
    const transforms: SeriesTransform[] = fields.map((f) => {
      const stacking = custom<{ mode?: string; group?: string }>(f.config, "stacking", {});
      const dist = custom<{ type?: string }>(f.config, "scaleDistribution", {});
      return {
        stacking:
          stacking.mode === "normal" || stacking.mode === "percent" ? stacking.mode : "none",
        group: stacking.group ?? "A",
        negative: custom(f.config, "transform", "") === "negative-Y",
        log: dist.type === "log",
      };
    });
    const aligned = alignFrames(fields.map((f) => f.frame));
    const drawn = drawnColumns(aligned.columns, transforms);
    return { range, plotted, aligned, drawn, pairs: stackPairs(transforms) };
  }, [panel, data.series, chrome.dark]);
  const columns = useMemo(
    () => [model.aligned.times.map((t) => t / 1000), ...model.drawn] as uPlot.AlignedData,
    [model],
  );
  // With the fast path off every answer is a new shape, so the chart is made again.
  const shape = useMemo(
    () => (chartSetData ? chartShape(model.plotted, model.pairs) : model),
    [chartSetData, model],
  );

  const legendMode = option(panel, "legend.displayMode", "list");
  const showLegend = option(panel, "legend.showLegend", true) !== false && legendMode !== "hidden";
  const placement = option(panel, "legend.placement", "bottom") === "right" ? "right" : "bottom";
  const calcs = option<string[]>(panel, "legend.calcs", NO_CALCS);
  // The range by value: a new object with the same times must not rebuild the chart.
  const { from, to } = data.timeRange;
  // What the chart's hooks and x range read when they run: the latest answer's, so that an
  // answer given with setData draws its own range, thresholds and annotations.
  const latest = useRef({ columns, range: model.range, from, to, annotations: data.annotations });
  latest.current = { columns, range: model.range, from, to, annotations: data.annotations };
  const tooltipMode = option(panel, "tooltip.mode", "single");
  const thresholdsMode = custom<{ mode?: string }>(
    panel.fieldConfig?.defaults ?? {},
    "thresholdsStyle",
    {},
  ).mode;

  // biome-ignore lint/correctness/useExhaustiveDependencies: shape stands for model's options; the data comes through latest.
  useEffect(() => {
    const el = host.current!;
    const { scales, axes } = scalesFor(model.plotted, chrome);
    axes[0].values = timeTicks;
    const firstConfig = model.plotted[0]?.field.config ?? {};
    const opts: Omit<uPlot.Options, "width" | "height"> = {
      legend: { show: false },
      cursor: {
        drag: { x: true, y: false, setScale: false },
        points: { size: 6 },
        focus: { prox: 30 },
      },
      focus: { alpha: 0.5 },
      scales: {
        ...scales,
        x: {
          time: true,
          // The newest time read from the data itself: with a single x value, uPlot's own
          // max for the scale is that value plus 86,400,000 s.
          range: () => {
            const xs = latest.current.columns[0];
            const last = xs.length > 0 ? xs[xs.length - 1] : null;
            return timeAxis(latest.current.from, latest.current.to, last);
          },
        },
      },
      axes,
      // Stacked series fill only down to the series below them (uPlot indexes include x).
      bands: model.pairs.map(([upper, lower]) => ({ series: [upper + 1, lower + 1] })),
      series: [{}, ...model.plotted.map((p, i) => seriesOptions(p, only !== null && only !== i))],
      hooks: {
        setSelect: [
          (u) => {
            if (u.select.width < 3) return;
            const from = u.posToVal(u.select.left, "x");
            const to = u.posToVal(u.select.left + u.select.width, "x");
            u.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
            zoom.current?.(Math.round(from * 1000), Math.round(to * 1000));
          },
        ],
        setCursor: [
          (u) => {
            const idx = u.cursor.idx;
            const left = u.cursor.left ?? -1;
            setTip(idx == null || left < 0 ? null : { idx, left, top: u.cursor.top ?? 0 });
          },
        ],
        drawClear: [
          (u) =>
            drawThresholds(
              u,
              firstConfig,
              thresholdsMode ?? "off",
              latest.current.range,
              chrome.dark,
            ),
        ],
        draw: [(u) => drawAnnotations(u, latest.current.annotations ?? [], chrome.dark)],
      },
    };
    // The chart is made at the size ResizeObserver first reports, not by reading clientWidth
    // here: with a dashboard of panels each read forced a layout of the whole page (2.2 s of
    // Node Exporter Full's 125), while the observer reports every panel after one layout.
    let plot: uPlot | null = null;
    const resize = new ResizeObserver((entries) => {
      const box = entries[entries.length - 1].contentRect;
      const size = {
        width: Math.max(Math.floor(box.width), 10),
        height: Math.max(Math.floor(box.height), 10),
      };
      if (plot) return plot.setSize(size);
      plot = new uPlot({ ...opts, ...size }, latest.current.columns, el);
      plotRef.current = plot;
    });
    resize.observe(el);
    return () => {
      resize.disconnect();
      plot?.destroy();
      plotRef.current = null;
    };
  }, [shape, chrome, only, thresholdsMode]);

  // A new answer, range or annotations for the same chart: give it the data, which sets the
  // scales again (the x range from `latest`) and redraws it.
  // biome-ignore lint/correctness/useExhaustiveDependencies: from, to and annotations are read through latest.
  useEffect(() => {
    plotRef.current?.setData(columns);
  }, [columns, from, to, data.annotations]);

  // Memoised: the tooltip re-renders the panel on every mouse move, the calcs need not rerun.
  const sortBy = option(panel, "legend.sortBy", "");
  const sortDesc = option(panel, "legend.sortDesc", false);
  const calcKey = calcs.join(",");
  // biome-ignore lint/correctness/useExhaustiveDependencies: calcKey stands for calcs' contents.
  const items = useMemo(
    () => legendItems(model.plotted, calcs, sortBy, sortDesc),
    [model, calcKey, sortBy, sortDesc],
  );
  // Stable, so the (memoised) legend is not drawn again at every tooltip move.
  const toggle = useCallback((i: number) => setOnly((cur) => (cur === i ? null : i)), []);

  return (
    <div
      style={{
        width,
        height,
        display: "flex",
        flexDirection: placement === "right" ? "row" : "column",
      }}
    >
      <div style={{ position: "relative", flex: 1, minWidth: 0, minHeight: 0 }}>
        <div
          ref={host}
          data-testid="graph"
          className="op-graph"
          style={{ position: "absolute", inset: 0 }}
        />
        {tooltipMode !== "hidden" && tooltipMode !== "none" && tip && plotRef.current && (
          <PlotTooltip
            plot={plotRef.current}
            state={tip}
            mode={tooltipMode === "multi" ? "multi" : "single"}
            sort={option(panel, "tooltip.sort", "none")}
            plotted={model.plotted}
            raw={model.aligned}
            drawn={model.drawn}
            annotations={data.annotations ?? []}
          />
        )}
      </div>
      {showLegend && items.length > 0 && (
        <Legend
          items={items}
          mode={legendMode === "table" ? "table" : "list"}
          placement={placement}
          calcs={calcs}
          only={only}
          onToggle={toggle}
          maxHeight={placement === "right" ? height : Math.round(height * 0.4)}
          width={placement === "right" ? Math.min(Math.round(width * 0.35), 320) : undefined}
        />
      )}
    </div>
  );
}
