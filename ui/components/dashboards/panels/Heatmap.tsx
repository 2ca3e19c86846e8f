/**
 * Grafana's `heatmap` panel: buckets as rows, time as columns (ui/lib/dashboards/heatmap.ts),
 * each cell filled on a canvas from `options.color` (a scheme such as Oranges or Spectral, or
 * `opacity` of one colour; `scale` exponential with its exponent, or linear), the y axis
 * labelled with the bucket bounds, a colour legend, and the cell under the cursor in a tooltip.
 */
import { Paper, Text } from "@mantine/core";
import { useEffect, useMemo, useRef, useState } from "react";
import { interpolate, withAlpha } from "../../../lib/dashboards/colors.ts";
import { option } from "../../../lib/dashboards/fields.ts";
import { displayText, displayValue } from "../../../lib/dashboards/format.ts";
import { HEATMAP_SCHEMES, heatmapGrid, scalePosition } from "../../../lib/dashboards/heatmap.ts";
import type { PanelProps } from "../../../lib/dashboards/types.ts";
import { isoLocal } from "../../../lib/dashboards/units.ts";
import { useChrome } from "./common.tsx";

const AXIS_W = 56;
const SINGLE_HUE = new Set(["Oranges", "Reds", "Greens", "Blues", "Purples", "Greys"]);
const AXIS_H = 20;
const LEGEND_H = 22;

interface ColorOpts {
  mode?: string;
  scheme?: string;
  fill?: string;
  scale?: string;
  exponent?: number;
  reverse?: boolean;
}

function hhmm(ms: number): string {
  return isoLocal(ms).slice(11, 16);
}

/** The heatmap panel. */
export function HeatmapPanel({ panel, data, width, height }: PanelProps) {
  const chrome = useChrome();
  const canvas = useRef<HTMLCanvasElement>(null);
  const [hover, setHover] = useState<{ r: number; c: number; x: number; y: number } | null>(null);
  const cumulative =
    (panel.targets ?? []).some((t) => t.format === "heatmap") ||
    data.series.some((s) => s.labels.le);
  const grid = useMemo(() => heatmapGrid(data.series, cumulative), [data.series, cumulative]);
  const color = option<ColorOpts>(panel, "color", {});
  const showLegend = option(panel, "legend.show", true) !== false;
  const exponent = color.scale === "linear" ? undefined : (color.exponent ?? 0.5);
  const stops = HEATMAP_SCHEMES[color.scheme ?? "Oranges"] ?? HEATMAP_SCHEMES.Oranges;
  // Counts start at zero: the scale does too, so the legend reads 0 … max as Grafana's.
  const low = Math.min(0, grid.min);
  const colorOf = (v: number) => {
    const t = scalePosition(v, low, grid.max, exponent);
    // Grafana inverts the one-hue schemes in the dark theme, so empty reads dark there too.
    const invert = chrome.dark && SINGLE_HUE.has(color.scheme ?? "Oranges");
    const x = Boolean(color.reverse) !== invert ? 1 - t : t;
    return color.mode === "opacity"
      ? withAlpha(color.fill ?? "dark-orange", 0.1 + 0.9 * x, chrome.dark)
      : interpolate(stops, x);
  };
  const plotW = Math.max(10, width - AXIS_W);
  const plotH = Math.max(10, height - AXIS_H - (showLegend ? LEGEND_H : 0));
  const cols = grid.times.length;
  const rows = grid.buckets.length;

  // Redrawn when the grid, size or colours change, not on each hover (which re-renders).
  // biome-ignore lint/correctness/useExhaustiveDependencies: colorOf is derived from these.
  useEffect(() => {
    const el = canvas.current!;
    const dpr = window.devicePixelRatio || 1;
    el.width = plotW * dpr;
    el.height = plotH * dpr;
    const ctx = el.getContext("2d")!;
    ctx.scale(dpr, dpr);
    ctx.clearRect(0, 0, plotW, plotH);
    const cw = plotW / Math.max(cols, 1);
    const rh = plotH / Math.max(rows, 1);
    grid.cells.forEach((row, r) => {
      row.forEach((v, c) => {
        if (v === null || v === 0) return;
        ctx.fillStyle = colorOf(v);
        // A pixel of gap between cells when they are big enough, as Grafana draws them.
        const gap = cw > 4 && rh > 4 ? 1 : 0;
        ctx.fillRect(c * cw, plotH - (r + 1) * rh, cw - gap, rh - gap);
      });
    });
  }, [grid, plotW, plotH, cols, rows, chrome.dark, color, exponent]);

  const yLabels = grid.buckets.map((b, r) => ({
    b,
    y: plotH - (r + 0.5) * (plotH / Math.max(rows, 1)),
  }));
  const labelEvery = Math.max(1, Math.ceil(rows / Math.max(1, Math.floor(plotH / 16))));
  const xTicks = Math.max(2, Math.floor(plotW / 90));
  const onMove = (e: React.MouseEvent) => {
    const box = e.currentTarget.getBoundingClientRect();
    const x = e.clientX - box.left;
    const y = e.clientY - box.top;
    const c = Math.floor((x / plotW) * cols);
    const r = Math.floor(((plotH - y) / plotH) * rows);
    setHover(c >= 0 && c < cols && r >= 0 && r < rows ? { r, c, x, y } : null);
  };
  const hovered = hover ? grid.cells[hover.r][hover.c] : null;
  const yUnit = option<string | undefined>(panel, "yAxis.unit", undefined);

  return (
    <div style={{ width, height, position: "relative", fontSize: 11, color: chrome.dim }}>
      {yLabels.map(({ b, y }, r) =>
        r % labelEvery === 0 ? (
          <div
            key={b}
            style={{
              position: "absolute",
              left: 0,
              width: AXIS_W - 6,
              top: y - 7,
              textAlign: "right",
              whiteSpace: "nowrap",
              overflow: "hidden",
            }}
          >
            {yUnit && Number.isFinite(Number(b))
              ? displayText(displayValue(Number(b), { unit: yUnit }))
              : b}
          </div>
        ) : null,
      )}
      <canvas
        ref={canvas}
        data-testid="heatmap"
        style={{
          position: "absolute",
          left: AXIS_W,
          top: 0,
          width: plotW,
          height: plotH,
          background: chrome.dark ? "#111217" : "#fafafa",
        }}
        onMouseMove={onMove}
        onMouseLeave={() => setHover(null)}
      />
      {cols > 0 &&
        Array.from({ length: xTicks }, (_, k) => {
          const c = Math.round((k / (xTicks - 1)) * (cols - 1));
          return (
            <div
              key={c}
              style={{
                position: "absolute",
                top: plotH + 3,
                // The last label ends at the plot's edge instead of spilling past the panel.
                left: Math.min(AXIS_W + (c + 0.5) * (plotW / cols) - 20, width - 40),
                width: 40,
                textAlign: k === xTicks - 1 ? "right" : "center",
              }}
            >
              {hhmm(grid.times[c])}
            </div>
          );
        })}
      {showLegend && (
        <div
          style={{
            position: "absolute",
            left: AXIS_W,
            bottom: 2,
            display: "flex",
            alignItems: "center",
            gap: 6,
          }}
        >
          <span>{displayText(displayValue(low, {}))}</span>
          <span
            style={{
              width: Math.min(160, plotW / 2),
              height: 10,
              borderRadius: 2,
              background: `linear-gradient(90deg, ${Array.from({ length: 8 }, (_, i) => colorOf(low + ((grid.max - low) * i) / 7)).join(", ")})`,
            }}
          />
          <span>{displayText(displayValue(grid.max, {}))}</span>
        </div>
      )}
      {hover && hovered !== null && (
        <Paper
          shadow="md"
          withBorder
          p={6}
          style={{
            position: "absolute",
            left: Math.min(AXIS_W + hover.x + 12, width - 170),
            top: Math.max(0, hover.y - 40),
            pointerEvents: "none",
            zIndex: 5,
          }}
        >
          <Text size="xs" c="dimmed">
            {isoLocal(grid.times[hover.c])}
          </Text>
          <Text size="xs">
            {grid.buckets[hover.r]}: {displayText(displayValue(hovered, {}))}
          </Text>
        </Paper>
      )}
    </div>
  );
}
