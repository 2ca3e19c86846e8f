/**
 * The range result as a uPlot chart: a line per series, the legend below with the hovered
 * values, and a drag across the plot to zoom (the range in the URL changes and the query runs
 * again at a finer step, rather than stretching the points already drawn).
 */
import { useComputedColorScheme } from "@mantine/core";
import { useEffect, useRef } from "react";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import type { Series } from "../../proto/gen/outpost/query/v1/query_pb.ts";
import { alignSeries } from "../lib/align.ts";
import { seriesName } from "../lib/labels.ts";

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

interface Props {
  series: readonly Series[];
  /** The range asked for: the x axis spans it even where the series have no points. */
  startMs: number;
  endMs: number;
  /** A drag across the plot; without it, dragging does nothing. */
  onZoom?(startMs: number, endMs: number): void;
  /** A colour per series (the Logs volume's level colours); the palette otherwise. */
  colors?: readonly string[];
  /** The plot's height in px (360). */
  height?: number;
}

/** A line chart of a range query's series. */
export function Graph({ series, startMs, endMs, onZoom, colors, height = 360 }: Props) {
  const host = useRef<HTMLDivElement>(null);
  const zoom = useRef(onZoom);
  zoom.current = onZoom;
  const dark = useComputedColorScheme("light") === "dark";
  const zoomable = onZoom !== undefined;

  useEffect(() => {
    const el = host.current!;
    const axis = dark ? "#c1c2c5" : "#333";
    const grid = dark ? "#2c2e33" : "#e9ecef";
    const axes: uPlot.Axis[] = [
      { stroke: axis, grid: { stroke: grid }, ticks: { stroke: grid } },
      { stroke: axis, grid: { stroke: grid }, ticks: { stroke: grid }, size: 70 },
    ];
    const opts: uPlot.Options = {
      width: el.clientWidth,
      height,
      cursor: { drag: { x: zoomable, y: false, setScale: false } },
      scales: { x: { time: true, range: () => [startMs / 1000, endMs / 1000] } },
      axes,
      series: [
        {},
        ...series.map((s, i) => ({
          label: seriesName(s.labels),
          stroke: colors?.[i] ?? PALETTE[i % PALETTE.length],
          width: 1.5,
          spanGaps: false,
        })),
      ],
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
      },
    };
    const plot = new uPlot(opts, alignSeries(series), el);
    const resize = new ResizeObserver(() => plot.setSize({ width: el.clientWidth, height }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      plot.destroy();
    };
  }, [series, startMs, endMs, dark, colors, height, zoomable]);

  return <div ref={host} data-testid="graph" className="op-graph" />;
}
