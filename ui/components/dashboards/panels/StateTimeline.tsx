/**
 * Grafana's `state-timeline` panel: a lane per series, its values turned into spans of the same
 * state (value mappings' text and colour, else thresholds), each span lasting until the next
 * sample (the last until the range's end), gaps where the series has none. Lane names on the
 * left, times below, a legend of the states seen.
 */
import { textOn } from "../../../lib/dashboards/colors.ts";
import { dataRange, option, resolveFields } from "../../../lib/dashboards/fields.ts";
import { type DisplayValue, displayText, displayValue } from "../../../lib/dashboards/format.ts";
import type { PanelProps } from "../../../lib/dashboards/types.ts";
import { isoLocal } from "../../../lib/dashboards/units.ts";
import { useChrome } from "./common.tsx";

/** A run of one state in a lane, from `from` to `to` (ms). */
export interface Span {
  from: number;
  to: number;
  display: DisplayValue;
}

/** Consecutive samples that show the same text and colour become one span. */
export function spansOf(
  times: readonly number[],
  values: readonly (number | null)[],
  end: number,
  show: (v: number | null) => DisplayValue,
  merge = true,
): Span[] {
  const spans: Span[] = [];
  times.forEach((t, i) => {
    const v = values[i];
    if (v === null) return;
    const to = times[i + 1] ?? end;
    const display = show(v);
    const prev = spans[spans.length - 1];
    const same =
      prev &&
      prev.to === t &&
      displayText(prev.display) === displayText(display) &&
      prev.display.color === display.color;
    if (merge && same) prev.to = to;
    else spans.push({ from: t, to, display });
  });
  return spans;
}

const AXIS_H = 18;
const LEGEND_H = 22;

/** The state timeline panel. */
export function StateTimelinePanel({ panel, data, width, height }: PanelProps) {
  const chrome = useChrome();
  const fields = resolveFields(panel, data.series);
  const range = dataRange(data.series);
  const { from, to } = data.timeRange;
  const merge = option(panel, "mergeValues", true);
  const showValue = option(panel, "showValue", "auto");
  const rowHeight = option(panel, "rowHeight", 0.9);
  const showLegend = option(panel, "legend.showLegend", true) !== false;
  const nameW = Math.min(width * 0.3, 12 + Math.max(...fields.map((f) => f.name.length)) * 7);
  const plotW = Math.max(10, width - nameW);
  const plotH = Math.max(10, height - AXIS_H - (showLegend ? LEGEND_H : 0));
  const laneH = plotH / Math.max(fields.length, 1);
  const x = (t: number) => ((Math.min(Math.max(t, from), to) - from) / (to - from || 1)) * plotW;
  const lanes = fields.map((f) =>
    spansOf(
      f.frame.times,
      f.frame.values,
      to,
      (v) => displayValue(v, f.config, { index: f.index, range, dark: chrome.dark }),
      merge,
    ),
  );
  const states = new Map<string, string>();
  for (const lane of lanes)
    for (const s of lane) states.set(displayText(s.display), s.display.color);
  const ticks = Math.max(2, Math.floor(plotW / 110));
  return (
    <div style={{ width, height, position: "relative", fontSize: 12 }}>
      <svg
        width={width}
        height={plotH + AXIS_H}
        data-testid="state-timeline"
        role="img"
        aria-label={panel.title ?? "state timeline"}
      >
        {fields.map((f, i) => (
          <text
            key={f.name + String(i)}
            x={nameW - 6}
            y={(i + 0.5) * laneH}
            textAnchor="end"
            dominantBaseline="middle"
            fill={chrome.text}
          >
            {f.name}
          </text>
        ))}
        {lanes.map((lane, i) =>
          lane.map((s) => {
            const f = fields[i];
            const x0 = nameW + x(s.from);
            const w = Math.max(1, x(s.to) - x(s.from));
            const h = laneH * rowHeight;
            const y = i * laneH + (laneH - h) / 2;
            const label = displayText(s.display);
            const fits = label.length * 7 + 8 < w && h > 14;
            return (
              <g key={`${f.name}-${s.from}`}>
                <rect x={x0} y={y} width={w} height={h} fill={s.display.color} rx={2}>
                  <title>{`${isoLocal(s.from)} – ${isoLocal(s.to)}: ${label}`}</title>
                </rect>
                {showValue !== "never" && (fits || showValue === "always") && (
                  <text
                    x={x0 + 4}
                    y={y + h / 2}
                    dominantBaseline="middle"
                    fill={textOn(s.display.color)}
                    style={{ pointerEvents: "none" }}
                  >
                    {label}
                  </text>
                )}
              </g>
            );
          }),
        )}
        {Array.from({ length: ticks }, (_, k) => {
          const t = from + ((to - from) * k) / (ticks - 1);
          return (
            <text
              key={t}
              x={nameW + x(t)}
              y={plotH + 13}
              fill={chrome.dim}
              textAnchor={k === 0 ? "start" : k === ticks - 1 ? "end" : "middle"}
            >
              {isoLocal(t).slice(11, 16)}
            </text>
          );
        })}
      </svg>
      {showLegend && (
        <div
          style={{
            display: "flex",
            gap: 12,
            paddingLeft: nameW,
            height: LEGEND_H,
            alignItems: "center",
            overflow: "hidden",
          }}
        >
          {[...states].map(([text, color]) => (
            <span
              key={text + color}
              style={{
                display: "flex",
                alignItems: "center",
                gap: 4,
                whiteSpace: "nowrap",
                color: chrome.text,
              }}
            >
              <span style={{ width: 10, height: 10, borderRadius: 2, background: color }} />
              {text}
            </span>
          ))}
        </div>
      )}
    </div>
  );
}
