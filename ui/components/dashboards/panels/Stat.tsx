/**
 * Grafana's `stat` panel: one big value per field (or per calc, or per row with
 * `reduceOptions.values`), laid out in a grid by `orientation`; `colorMode` colours the value
 * or the background, `graphMode: area` draws a sparkline behind it, `textMode` chooses value,
 * name or both, `justifyMode` centres or aligns.
 */

import { textOn, withAlpha } from "../../../lib/dashboards/colors.ts";
import { dataRange, option } from "../../../lib/dashboards/fields.ts";
import type { PanelProps, SeriesFrame } from "../../../lib/dashboards/types.ts";
import { type FieldValue, fieldValues } from "../../../lib/dashboards/values.ts";
import { fitFont, useChrome } from "./common.tsx";

/**
 * Columns and rows for `n` cells in width × height: Grafana's auto picks by aspect; `aspect` is
 * the cell shape (width / height) that reads best.
 */
export function grid(
  n: number,
  width: number,
  height: number,
  orientation: string,
  aspect = 2,
): { cols: number; rows: number } {
  if (orientation === "horizontal") return { cols: n, rows: 1 };
  if (orientation === "vertical") return { cols: 1, rows: n };
  let best = { cols: 1, rows: n, score: -1 };
  for (let cols = 1; cols <= n; cols++) {
    const rows = Math.ceil(n / cols);
    const w = width / cols;
    const h = height / rows;
    const score = Math.min(w / (aspect * h), (aspect * h) / w) - (cols * rows - n) * 0.01;
    if (score > best.score) best = { cols, rows, score };
  }
  return best;
}

/** A value's sparkline as an SVG area over the cell, scaled to its own min and max. */
function Sparkline({
  frame,
  color,
  width,
  height,
}: {
  frame: SeriesFrame;
  color: string;
  width: number;
  height: number;
}) {
  const pts = frame.times
    .map((t, i) => [t, frame.values[i]] as const)
    .filter((p): p is readonly [number, number] => p[1] !== null && Number.isFinite(p[1]));
  if (pts.length < 2) return null;
  const t0 = pts[0][0];
  const t1 = pts[pts.length - 1][0];
  let lo = Math.min(...pts.map((p) => p[1]));
  const hi = Math.max(...pts.map((p) => p[1]));
  if (hi === lo) lo = hi - 1;
  const x = (t: number) => ((t - t0) / (t1 - t0 || 1)) * width;
  const y = (v: number) => height - ((v - lo) / (hi - lo)) * height * 0.9;
  const line = pts
    .map(([t, v], i) => `${i ? "L" : "M"}${x(t).toFixed(1)},${y(v).toFixed(1)}`)
    .join("");
  return (
    <svg
      width={width}
      height={height}
      style={{ position: "absolute", left: 0, bottom: 0 }}
      aria-hidden="true"
    >
      <path d={`${line}L${width},${height}L0,${height}Z`} fill={withAlpha(color, 0.2)} />
      <path d={line} fill="none" stroke={color} strokeWidth={1.5} />
    </svg>
  );
}

function StatCell({
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
  const { panel } = props;
  const colorMode = option(panel, "colorMode", "value");
  const textMode = option(panel, "textMode", "auto");
  const graphMode = option(panel, "graphMode", "area");
  const justify = option(panel, "justifyMode", "auto");
  const d = value.display;
  const bg = colorMode === "background" || colorMode === "background_solid";
  const showValue = textMode !== "name" && textMode !== "none";
  const text = `${d.prefix ?? ""}${d.text || "No data"}${d.suffix ?? ""}`;
  const nameSize =
    option<number | undefined>(panel, "text.titleSize", undefined) ??
    Math.max(11, Math.min(h * 0.14, 22));
  const spark = graphMode === "area" && h > 50 && value.frame.values.length > 1;
  // The sparkline takes the bottom third; the text sits above it, as Grafana lays it out.
  const sparkH = spark ? h * 0.32 : 0;
  // "auto" names several values, but drops the name where it would crowd out the value.
  const roomForName = h - sparkH - nameSize * 1.5 >= nameSize * 1.3;
  const showName =
    textMode === "name" ||
    textMode === "value_and_name" ||
    (textMode === "auto" && many && roomForName);
  const valueBox = h - (showName ? nameSize * 1.5 : 0) - sparkH;
  const size =
    option<number | undefined>(panel, "text.valueSize", undefined) ??
    fitFont(text, w * 0.9, valueBox);
  const fg = bg ? textOn(d.color) : colorMode === "none" ? chrome.text : d.color;
  const background = bg
    ? colorMode === "background_solid"
      ? d.color
      : `linear-gradient(120deg, ${d.color}, ${withAlpha(d.color, 0.75)})`
    : undefined;
  const centred = justify === "center" || (justify === "auto" && !showName) || !many;
  return (
    <div
      data-testid="stat-value"
      style={{
        position: "relative",
        width: w,
        height: h,
        background,
        borderRadius: bg ? 3 : 0,
        display: "flex",
        flexDirection: "column",
        justifyContent: "center",
        alignItems: centred ? "center" : "flex-start",
        padding: `0 8px ${sparkH}px`,
        overflow: "hidden",
        boxSizing: "border-box",
      }}
    >
      {spark && (
        <Sparkline frame={value.frame} color={bg ? fg : d.color} width={w} height={sparkH} />
      )}
      {showName && (
        <div
          style={{
            fontSize: nameSize,
            color: bg ? fg : chrome.text,
            zIndex: 1,
            whiteSpace: "nowrap",
            maxWidth: "100%",
            overflow: "hidden",
            textOverflow: "ellipsis",
          }}
        >
          {value.title}
        </div>
      )}
      {showValue && (
        <div
          style={{
            fontSize: size,
            lineHeight: 1.1,
            fontWeight: 500,
            color: fg,
            zIndex: 1,
            whiteSpace: "nowrap",
          }}
        >
          {d.prefix && <span style={{ fontSize: "0.7em" }}>{d.prefix}</span>}
          {d.text || "No data"}
          {d.suffix && <span style={{ fontSize: "0.7em" }}>{d.suffix}</span>}
        </div>
      )}
    </div>
  );
}

/** The stat panel. */
export function StatPanel(props: PanelProps) {
  const { panel, data, width, height } = props;
  const chrome = useChrome();
  const values = fieldValues(panel, data.series, dataRange(data.series), "thresholds", chrome.dark);
  const { cols, rows } = grid(values.length, width, height, option(panel, "orientation", "auto"));
  const gap = values.length > 1 ? 4 : 0;
  const w = Math.floor((width - gap * (cols - 1)) / cols);
  const h = Math.floor((height - gap * (rows - 1)) / rows);
  return (
    <div
      style={{
        width,
        height,
        display: "grid",
        gridTemplateColumns: `repeat(${cols}, ${w}px)`,
        gap,
      }}
    >
      {values.map((v, i) => (
        <StatCell
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
