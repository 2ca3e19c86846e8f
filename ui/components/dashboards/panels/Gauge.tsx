/**
 * Grafana's `gauge` panel as SVG: per value an arc from min to max filled to the value in its
 * colour, the thresholds as a thin coloured band outside it (`showThresholdMarkers`) with their
 * values (`showThresholdLabels`), the value in the middle and the name under it when several.
 */
import { cssColor } from "../../../lib/dashboards/colors.ts";
import { dataRange, option } from "../../../lib/dashboards/fields.ts";
import {
  DEFAULT_THRESHOLDS,
  displayText,
  fieldRange,
  thresholdValue,
} from "../../../lib/dashboards/format.ts";
import type { PanelProps } from "../../../lib/dashboards/types.ts";
import { formattedToString, formatUnit } from "../../../lib/dashboards/units.ts";
import { type FieldValue, fieldValues } from "../../../lib/dashboards/values.ts";
import { fitFont, useChrome } from "./common.tsx";
import { grid } from "./Stat.tsx";

/** The arc spans 240°, opening downwards, as Grafana's gauge. */
const START = (150 * Math.PI) / 180;
const SWEEP = (240 * Math.PI) / 180;

function point(cx: number, cy: number, r: number, a: number): string {
  return `${(cx + r * Math.cos(a)).toFixed(2)},${(cy + r * Math.sin(a)).toFixed(2)}`;
}

/** An SVG arc path from fraction `f0` to `f1` of the sweep at radius `r`. */
function arc(cx: number, cy: number, r: number, f0: number, f1: number): string {
  const a0 = START + SWEEP * Math.min(Math.max(f0, 0), 1);
  const a1 = START + SWEEP * Math.min(Math.max(f1, 0), 1);
  const large = a1 - a0 > Math.PI ? 1 : 0;
  return `M${point(cx, cy, r, a0)}A${r},${r} 0 ${large} 1 ${point(cx, cy, r, a1)}`;
}

function OneGauge({
  value,
  w,
  h,
  many,
  props,
}: {
  value: FieldValue;
  w: number;
  h: number;
  many: boolean;
  props: PanelProps;
}) {
  const chrome = useChrome();
  const { panel, data } = props;
  const config = value.field.config;
  const range = fieldRange(config, { range: dataRange(data.series) });
  const markers = option(panel, "showThresholdMarkers", true);
  const labels = option(panel, "showThresholdLabels", false);
  const titleH = many ? Math.min(22, h * 0.15) : 0;
  const r = Math.max(10, Math.min(w / 2 - (labels ? 34 : 8), (h - titleH) / 1.6));
  const cx = w / 2;
  // Centred vertically: the arc's ends reach half a radius below its centre.
  const cy = titleH + Math.max(4, (h - titleH - 1.5 * r) / 2) + r;
  const thick = r * 0.2;
  const t = config.thresholds?.steps?.length ? config.thresholds : DEFAULT_THRESHOLDS;
  const frac = (v: number) => (v - range.min) / (range.max - range.min);
  const bounds = t.steps.map((s) => thresholdValue(s, t.mode, range));
  const text = displayText(value.display);
  // The value sits inside the arc's opening, clear of the band.
  const size = fitFont(text, (r - thick) * 1.4, r * 0.5);
  return (
    <svg width={w} height={h} data-testid="gauge" role="img" aria-label={`${value.title}: ${text}`}>
      {many && (
        <text
          x={cx}
          y={titleH * 0.8}
          textAnchor="middle"
          fontSize={Math.min(14, titleH * 0.8)}
          fill={chrome.text}
        >
          {value.title}
        </text>
      )}
      <path
        d={arc(cx, cy, r - thick / 2 - (markers ? thick * 0.35 : 0), 0, 1)}
        stroke={chrome.track}
        strokeWidth={thick}
        fill="none"
      />
      <path
        d={arc(cx, cy, r - thick / 2 - (markers ? thick * 0.35 : 0), 0, value.display.percent)}
        stroke={value.display.color}
        strokeWidth={thick}
        fill="none"
      />
      {markers &&
        t.steps.map((s, i) => (
          <path
            key={`${s.value}-${s.color}`}
            d={arc(cx, cy, r, frac(bounds[i] ?? range.min), frac(bounds[i + 1] ?? range.max))}
            stroke={cssColor(s.color, undefined, chrome.dark)}
            strokeWidth={thick * 0.25}
            fill="none"
          />
        ))}
      {labels &&
        bounds.map((b, i) => {
          const v = b ?? range.min;
          const a = START + SWEEP * Math.min(Math.max(frac(v), 0), 1);
          const [x, y] = point(cx, cy, r + 8, a)
            .split(",")
            .map(Number);
          // Labels hang outwards from the band: left of it on the left, right on the right.
          const anchor = Math.cos(a) > 0.3 ? "start" : Math.cos(a) < -0.3 ? "end" : "middle";
          return (
            <text
              // biome-ignore lint/suspicious/noArrayIndexKey: steps are ordered and fixed.
              key={i}
              x={x}
              y={y}
              fontSize={10}
              textAnchor={anchor}
              dominantBaseline={Math.sin(a) < -0.3 ? "auto" : "middle"}
              fill={chrome.dim}
            >
              {formattedToString(formatUnit(v, config.unit, config.decimals))}
            </text>
          );
        })}
      <text
        x={cx}
        y={cy + size * 0.35}
        textAnchor="middle"
        fontSize={size}
        fontWeight={500}
        fill={value.display.color}
        data-testid="gauge-value"
      >
        {text || "No data"}
      </text>
    </svg>
  );
}

/** The gauge panel. */
export function GaugePanel(props: PanelProps) {
  const { panel, data, width, height } = props;
  const chrome = useChrome();
  const values = fieldValues(panel, data.series, dataRange(data.series), "thresholds", chrome.dark);
  const { cols, rows } = grid(
    values.length,
    width,
    height,
    option(panel, "orientation", "auto"),
    1.2,
  );
  const w = Math.floor(width / cols);
  const h = Math.floor(height / rows);
  return (
    <div style={{ width, height, display: "grid", gridTemplateColumns: `repeat(${cols}, ${w}px)` }}>
      {values.map((v, i) => (
        <OneGauge
          // biome-ignore lint/suspicious/noArrayIndexKey: values have no identity beyond their place.
          key={i}
          value={v}
          w={w}
          h={h}
          many={values.length > 1}
          props={props}
        />
      ))}
    </div>
  );
}
