/**
 * The Logs volume as stacked bars by level (uPlot's bars path): one bar per step, the most
 * severe level at the bottom, a legend with each level's total, the counts of the hovered step,
 * and a drag across the bars to zoom the range.
 */
import { Box, Group, Text, useComputedColorScheme } from "@mantine/core";
import { useEffect, useRef, useState } from "react";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import { formatLogTime } from "../lib/logs.ts";
import { cumulativeColumns, type StackedVolume } from "../lib/logs_volume.ts";

/** The plot's height, px. */
const PLOT_HEIGHT = 140;
/** One line of the legend under the plot, with its margin, px. */
const LEGEND_HEIGHT = 24;
/**
 * The least height of the bars with their legend, px. What stands in for them while they load
 * takes the same, so the lines below do not jump down when the volume arrives (and a click
 * aimed at a line does not land on the one above it).
 */
export const VOLUME_MIN_HEIGHT = PLOT_HEIGHT + LEGEND_HEIGHT;

interface Props {
  volume: StackedVolume;
  /** The range shown; the x axis spans it even where no step has lines. */
  startMs: number;
  endMs: number;
  /** Each bar counts the lines of the step that ends at its time. */
  stepMs: number;
  /** A drag across the bars. */
  onZoom?(startMs: number, endMs: number): void;
  height?: number;
}

/** Stacked volume bars with their legend. */
export function VolumeBars({
  volume,
  startMs,
  endMs,
  stepMs,
  onZoom,
  height = PLOT_HEIGHT,
}: Props) {
  const host = useRef<HTMLDivElement>(null);
  const zoom = useRef(onZoom);
  zoom.current = onZoom;
  const dark = useComputedColorScheme("light") === "dark";
  const [hover, setHover] = useState<number | null>(null);

  useEffect(() => {
    const el = host.current!;
    const axis = dark ? "#c1c2c5" : "#333";
    const grid = dark ? "#2c2e33" : "#e9ecef";
    // Bars end at their step's time: count_over_time counts (t - step, t].
    const bars = uPlot.paths.bars!({ size: [0.9, 40], align: -1 });
    const top = [...volume.bands].reverse();
    const opts: uPlot.Options = {
      width: el.clientWidth,
      height,
      legend: { show: false },
      cursor: {
        drag: { x: true, y: false, setScale: false },
        points: { show: false },
        y: false,
      },
      scales: {
        x: { time: true, range: () => [startMs / 1000, endMs / 1000] },
        y: { range: (_u, _min, max) => [0, Math.max(1, max) * 1.05] },
      },
      axes: [
        { stroke: axis, grid: { show: false }, ticks: { stroke: grid } },
        { stroke: axis, grid: { stroke: grid }, ticks: { stroke: grid }, size: 50 },
      ],
      series: [
        {},
        ...top.map((b) => ({
          label: b.level,
          fill: b.color,
          stroke: b.color,
          paths: bars,
          points: { show: false },
        })),
      ],
      hooks: {
        setCursor: [(u) => setHover(u.cursor.idx ?? null)],
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
    const plot = new uPlot(opts, cumulativeColumns(volume), el);
    const resize = new ResizeObserver(() => plot.setSize({ width: el.clientWidth, height }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      plot.destroy();
    };
  }, [volume, startMs, endMs, dark, height]);

  const at = hover !== null && hover < volume.xs.length ? hover : null;
  return (
    <Box data-testid="volume" mih={height + LEGEND_HEIGHT}>
      <div ref={host} className="op-graph" data-testid="volume-plot" />
      <Group gap="md" mt={4} data-testid="volume-legend">
        {at !== null && (
          <Text size="xs" ff="monospace" c="dimmed" data-testid="volume-hover-time">
            {formatLogTime(BigInt(Math.round((volume.xs[at] * 1000 - stepMs) * 1e6)))} –{" "}
            {formatLogTime(BigInt(Math.round(volume.xs[at] * 1e9))).slice(11)}
          </Text>
        )}
        {volume.bands.map((b) => (
          <Group
            key={b.level}
            gap={4}
            wrap="nowrap"
            data-testid="volume-level"
            data-level={b.level}
            data-total={b.total}
          >
            <Box w={10} h={10} style={{ background: b.color, borderRadius: 2 }} />
            <Text size="xs" ff="monospace">
              {b.level}{" "}
              <b data-testid="volume-count">
                {at === null ? b.total.toLocaleString() : b.counts[at].toLocaleString()}
              </b>
            </Text>
          </Group>
        ))}
        <Text size="xs" c="dimmed">
          {at === null ? "total over the range; drag to zoom" : "lines in this step"}
        </Text>
      </Group>
    </Box>
  );
}
