/**
 * The range result as a uPlot chart: a line per series, the legend below with the hovered
 * values, and a drag across the plot to zoom (the range in the URL changes and the query runs
 * again at a finer step, rather than stretching the points already drawn). Optional: stacked
 * series, a unit for the axis and legend, a log10 scale, a time zone, and a "logs" action on
 * each legend entry. A legend click shows only that series, Ctrl/⌘-click toggles it (Grafana).
 * More points than two per pixel are thinned to each pixel's extremes (ui/lib/decimate.ts).
 */
import { useComputedColorScheme } from "@mantine/core";
import { useLayoutEffect, useRef } from "react";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import type { Series } from "../../proto/gen/outpost/query/v1/query_pb.ts";
import { alignSeries, type Columns, positiveOnly, stackColumns } from "../lib/align.ts";
import { decimate } from "../lib/decimate.ts";
import { isolatedFilter } from "../lib/isolated.ts";
import { seriesName } from "../lib/labels.ts";
import { linearY, log10Y } from "../lib/plot_range.ts";
import type { TimeZone } from "../lib/timeexpr.ts";
import { formatUnit, type Unit } from "../lib/units.ts";

/** Distinct enough in both themes; repeats after ten series. */
const PALETTE = [
  "#1f77b4",
  "#ff7f0e",
  "#2ca02c",
  "#d62728",
  "#9467bd",
  "#8c564b",
  "#e377c2",
  "#7f7f7f",
  "#bcbd22",
  "#17becf",
];
/** Above this many series the hover points are off: drawing 100 dots per move costs a frame. */
const CURSOR_POINTS_MAX = 20;

interface Props {
  series: readonly Series[];
  /** The range asked for: the x axis spans it even where the series have no points. */
  startMs: number;
  endMs: number;
  /** The query's step: points are placed on its grid without a lookup per point. */
  stepMs?: number;
  /** A drag across the plot; without it, dragging does nothing. */
  onZoom?(startMs: number, endMs: number): void;
  /** A colour per series (the Logs volume's level colours); the palette otherwise. */
  colors?: readonly string[];
  /** The plot's height in px (360). */
  height?: number;
  /** Each series drawn on top of the ones before it, filled. */
  stacked?: boolean;
  /** How values read on the y axis and in the legend (plain numbers by default). */
  unit?: Unit;
  /** A log10 y axis; zero and negative values become gaps. */
  log?: boolean;
  /** Times on the x axis and in the legend: the browser's zone (default) or UTC. */
  timeZone?: TimeZone;
  /** Adds a "logs" action to each legend entry, called with the series' index. */
  onSeriesLogs?(index: number): void;
}

declare global {
  interface Window {
    /** Set by bench/ui_explore.ts: the graph then leaves performance marks of its draws. */
    __outpostPerf?: boolean;
  }
}

/** A line chart of a range query's series. */
export function Graph(props: Props) {
  const { series, startMs, endMs, stepMs, colors, height = 360 } = props;
  const { stacked = false, unit = "none", log = false, timeZone = "local" } = props;
  const host = useRef<HTMLDivElement>(null);
  const zoom = useRef(props.onZoom);
  zoom.current = props.onZoom;
  const logs = useRef(props.onSeriesLogs);
  logs.current = props.onSeriesLogs;
  const dark = useComputedColorScheme("light") === "dark";
  const zoomable = props.onZoom !== undefined;
  const withLogs = props.onSeriesLogs !== undefined;

  // A layout effect draws before the browser paints: a passive one waited for a frame (and
  // on a busy machine for much longer) after the data had arrived, with an empty box shown.
  useLayoutEffect(() => {
    const el = host.current!;
    const perf = window.__outpostPerf === true;
    if (perf) performance.mark("graph:start");
    const raw = alignSeries(series, stepMs ? { startMs, stepMs } : undefined);
    let full: Columns = stacked ? stackColumns(raw) : raw;
    if (log) full = positiveOnly(full);
    // Thinned to the width; `at` maps a drawn point back to its sample for the legend.
    let thin = decimate(full, el.clientWidth);
    const at = (di: number) => (thin ? thin.index[di] : di);
    if (perf) performance.mark("graph:aligned");
    const axis = dark ? "#c1c2c5" : "#333";
    const grid = dark ? "#2c2e33" : "#e9ecef";
    // Without a unit the axis and legend keep uPlot's own number format (Uptime, Logs).
    const unitFmt = unit !== "none";
    const fmt = (v: number | null) => (v === null ? "—" : formatUnit(v, unit));
    const yAxis: uPlot.Axis = {
      stroke: axis,
      grid: { stroke: grid },
      ticks: { stroke: grid },
      size: 80,
    };
    // A log axis leaves some splits unlabelled (null) to keep labels apart.
    if (unitFmt)
      yAxis.values = (_u, splits) => splits.map((v) => (v == null ? "" : formatUnit(v, unit)));
    const axes: uPlot.Axis[] = [
      { stroke: axis, grid: { stroke: grid }, ticks: { stroke: grid } },
      yAxis,
    ];
    const color = (i: number) => colors?.[i] ?? PALETTE[i % PALETTE.length];
    const opts: uPlot.Options = {
      width: el.clientWidth,
      height,
      tzDate:
        timeZone === "utc"
          ? (ts) => uPlot.tzDate(new Date(ts * 1000), "Etc/UTC")
          : (ts) => new Date(ts * 1000),
      cursor: {
        drag: { x: zoomable, y: false, setScale: false },
        points: { show: series.length <= CURSOR_POINTS_MAX },
      },
      legend: { isolate: true },
      scales: {
        x: { time: true, range: () => [startMs / 1000, endMs / 1000] },
        // Ranged by ui/lib/plot_range.ts: uPlot's own range hangs on values a float's noise apart.
        y: log ? { distr: 3, log: 10, range: log10Y } : { range: linearY },
      },
      axes,
      series: [
        {},
        ...series.map((s, i) => ({
          label: seriesName(s.labels),
          stroke: color(i),
          fill: stacked ? `${color(i)}40` : undefined,
          width: 1.5,
          spanGaps: false,
          // A sample between gaps draws no line: shown as a dot instead (ui/lib/isolated.ts).
          points: { filter: isolatedFilter, fill: color(i), size: 6 },
          // Stacked lines sit on the sum below them, and thinned points on a run's extremes:
          // the legend shows the series' own sample at the hovered time.
          value:
            unitFmt || stacked || thin
              ? (_u: uPlot, _v: number | null, si: number, di: number | null) =>
                  fmt(di === null ? null : raw[si][at(di)])
              : undefined,
        })),
      ],
      bands: stacked
        ? series.slice(1).map((_, i) => ({ series: [i + 2, i + 1] as [number, number] }))
        : [],
      hooks: {
        setSelect: [
          (u) => {
            if (u.select.width < 2) return;
            const from = u.posToVal(u.select.left, "x");
            const to = u.posToVal(u.select.left + u.select.width, "x");
            u.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
            zoom.current?.(Math.round(from * 1000), Math.round(to * 1000));
          },
        ],
        draw: perf ? [() => performance.mark("graph:drawn")] : [],
      },
    };
    const plot = new uPlot(opts, (thin?.cols ?? full) as uPlot.AlignedData, el);
    if (withLogs) addLogsActions(plot, (i) => logs.current?.(i));
    // The observer also fires once on observe: redrawing a million points for an unchanged
    // width would cost as much as the first draw.
    const resize = new ResizeObserver(() => {
      if (el.clientWidth === plot.width) return;
      thin = decimate(full, el.clientWidth);
      plot.setData((thin?.cols ?? full) as uPlot.AlignedData);
      plot.setSize({ width: el.clientWidth, height });
    });
    resize.observe(el);
    return () => {
      resize.disconnect();
      plot.destroy();
    };
  }, [
    series,
    startMs,
    endMs,
    stepMs,
    dark,
    colors,
    height,
    zoomable,
    stacked,
    unit,
    log,
    timeZone,
    withLogs,
  ]);

  return <div ref={host} data-testid="graph" className="op-graph" />;
}

/** A "logs" button in each legend row after the first (the time), outside uPlot's click target. */
function addLogsActions(plot: uPlot, onClick: (index: number) => void): void {
  const rows = plot.root.querySelectorAll<HTMLTableRowElement>(".u-legend .u-series");
  rows.forEach((row, i) => {
    if (i === 0) return;
    const cell = document.createElement("td");
    const button = document.createElement("button");
    button.type = "button";
    button.textContent = "logs";
    button.className = "op-legend-logs";
    button.title = "Show the logs of this series (its labels that are also log stream labels)";
    button.dataset.testid = "series-logs";
    button.addEventListener("click", (e) => {
      e.stopPropagation();
      onClick(i - 1);
    });
    cell.appendChild(button);
    row.appendChild(cell);
  });
}
