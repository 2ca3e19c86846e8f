/**
 * An SLO's burn rates over time (uPlot): one line per window the recording rules write, each
 * the window's error ratio over the budget, as ListSLOs computes the current ones; and each
 * alerting threshold of the generated alerts as a dashed line.
 */
import { useComputedColorScheme } from "@mantine/core";
import { useEffect, useRef } from "react";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import type { Series } from "../../../proto/gen/outpost/query/v1/query_pb.ts";
import { alignSeries } from "../../lib/align.ts";
import { byWindow, type Threshold } from "../../lib/slo.ts";

const PALETTE = [
  "#1f77b4",
  "#2ca02c",
  "#9467bd",
  "#8c564b",
  "#17becf",
  "#bcbd22",
  "#7f7f7f",
  "#e377c2",
];
const SEVERITY: Record<string, string> = { page: "#e03131", ticket: "#f08c00" };

interface Props {
  series: readonly Series[];
  budget: number;
  thresholds: readonly Threshold[];
  startMs: number;
  endMs: number;
}

/** The chart. */
export function BurnRateChart({ series, budget, thresholds, startMs, endMs }: Props) {
  const host = useRef<HTMLDivElement>(null);
  const dark = useComputedColorScheme("light") === "dark";
  useEffect(() => {
    const el = host.current!;
    const axis = dark ? "#c1c2c5" : "#333";
    const grid = dark ? "#2c2e33" : "#e9ecef";
    const windowOf = (s: Series) => s.labels.find((l) => l.name === "sloth_window")?.value ?? "?";
    const sorted = [...series].sort((a, b) => byWindow(windowOf(a), windowOf(b)));
    const rates = sorted.map((s) => ({ ...s, values: s.values.map((v) => v / budget) }));
    // The range's ends as points without values, so the thresholds cross the whole chart.
    const ends = {
      timestampsMs: [BigInt(startMs), BigInt(endMs)],
      values: [Number.NaN, Number.NaN],
    };
    const [xs, ...columns] = alignSeries([ends, ...rates]);
    const data = [xs, ...columns.slice(1)];
    const lines = thresholds.map((t) => xs.map(() => t.factor));
    const plot = new uPlot(
      {
        width: el.clientWidth,
        height: 220,
        scales: { x: { time: true, range: () => [startMs / 1000, endMs / 1000] } },
        axes: [
          { stroke: axis, grid: { stroke: grid }, ticks: { stroke: grid } },
          {
            stroke: axis,
            grid: { stroke: grid },
            ticks: { stroke: grid },
            size: 50,
            label: "burn rate",
          },
        ],
        series: [
          {},
          ...sorted.map((s, i) => ({
            label: `burn ${windowOf(s)}`,
            stroke: PALETTE[i % PALETTE.length],
            width: 1.5,
          })),
          ...thresholds.map((t) => ({
            label: `${t.severity} > ${t.factor} (${t.windowText})`,
            stroke: SEVERITY[t.severity] ?? axis,
            dash: [6, 4],
            width: 1,
            points: { show: false },
          })),
        ],
      },
      [...data, ...lines] as uPlot.AlignedData,
      el,
    );
    const resize = new ResizeObserver(() => plot.setSize({ width: el.clientWidth, height: 220 }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      plot.destroy();
    };
  }, [series, budget, thresholds, startMs, endMs, dark]);
  return <div ref={host} data-testid="burn-chart" className="op-graph" />;
}
