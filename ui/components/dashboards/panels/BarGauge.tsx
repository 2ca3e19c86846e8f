/**
 * Grafana's `bargauge` panel: a bar per value from min to max, `displayMode` basic (the value's
 * colour), gradient (through the threshold colours up to the value) or lcd (cells lit in their
 * threshold's colour), horizontal or vertical, the unfilled rest shown with `showUnfilled`.
 */
import { cssColor } from "../../../lib/dashboards/colors.ts";
import { dataRange, option } from "../../../lib/dashboards/fields.ts";
import { activeThreshold, displayText, fieldRange } from "../../../lib/dashboards/format.ts";
import type { PanelProps } from "../../../lib/dashboards/types.ts";
import { type FieldValue, fieldValues } from "../../../lib/dashboards/values.ts";
import { fitFont, useChrome } from "./common.tsx";

interface BarProps {
  value: FieldValue;
  /** The bar's length (along the value axis) and breadth, in px. */
  length: number;
  breadth: number;
  vertical: boolean;
  mode: string;
  unfilled: boolean;
  range: { min: number; max: number };
  track: string;
  dark: boolean;
}

function Bar(props: BarProps) {
  const { value, length, breadth, vertical, mode, unfilled, range, track, dark } = props;
  const d = value.display;
  const config = value.field.config;
  const filled = length * d.percent;
  const size = vertical ? { width: breadth, height: length } : { width: length, height: breadth };
  if (mode === "lcd") {
    const cells = Math.max(3, Math.floor(length / 12));
    const cell = length / cells;
    return (
      <div
        style={{
          ...size,
          display: "flex",
          flexDirection: vertical ? "column-reverse" : "row",
          gap: 2,
        }}
      >
        {Array.from({ length: cells }, (_, i) => {
          const v = range.min + ((i + 0.5) / cells) * (range.max - range.min);
          const lit = (i + 0.5) * cell <= filled;
          const color = cssColor(
            activeThreshold(v, config.thresholds, range).color,
            undefined,
            dark,
          );
          return (
            <div
              // biome-ignore lint/suspicious/noArrayIndexKey: cells are positions.
              key={i}
              style={{ flex: 1, borderRadius: 2, background: color, opacity: lit ? 1 : 0.18 }}
            />
          );
        })}
      </div>
    );
  }
  let fill = d.color;
  if (mode === "gradient") {
    const steps = (config.thresholds?.steps ?? [])
      .map((s) => cssColor(s.color, undefined, dark))
      .filter((c, i, all) => all.indexOf(c) === i);
    const colors = steps.length > 1 ? steps : [d.color, d.color];
    fill = `linear-gradient(${vertical ? "0deg" : "90deg"}, ${colors.join(", ")})`;
  }
  return (
    <div
      style={{
        ...size,
        position: "relative",
        background: unfilled ? track : undefined,
        borderRadius: 2,
      }}
    >
      <div
        style={{
          position: "absolute",
          left: 0,
          bottom: 0,
          width: vertical ? breadth : filled,
          height: vertical ? filled : breadth,
          background: fill,
          backgroundSize: vertical ? `${breadth}px ${length}px` : `${length}px ${breadth}px`,
          backgroundPosition: vertical ? "bottom" : "left",
          borderRadius: 2,
        }}
      />
    </div>
  );
}

/** The bar gauge panel. */
export function BarGaugePanel({ panel, data, width, height }: PanelProps) {
  const chrome = useChrome();
  const values = fieldValues(panel, data.series, dataRange(data.series), "thresholds", chrome.dark);
  const orientation = option(panel, "orientation", "auto");
  const vertical =
    orientation === "vertical" || (orientation === "auto" && width < height && values.length > 1);
  const mode = option(panel, "displayMode", "gradient");
  const unfilled = option(panel, "showUnfilled", true);
  const valueMode = option(panel, "valueMode", "color");
  const n = Math.max(values.length, 1);
  const gap = 8;
  const slot = ((vertical ? width : height) - gap * (n - 1)) / n;
  const titleSize = Math.max(10, Math.min(14, slot * 0.3));
  const namePlacement = option(panel, "namePlacement", "auto");
  const longest = Math.max(0, ...values.map((v) => v.title.length));
  return (
    <div
      style={{
        width,
        height,
        display: "flex",
        flexDirection: vertical ? "row" : "column",
        gap,
        overflow: "hidden",
      }}
    >
      {values.map((v, i) => {
        const text = displayText(v.display);
        const range = fieldRange(v.field.config, { range: dataRange(data.series) });
        if (vertical) {
          const valueH = Math.min(28, slot * 0.35);
          const length = height - titleSize * 1.6 - valueH;
          return (
            <div
              // biome-ignore lint/suspicious/noArrayIndexKey: values have no identity beyond their place.
              key={i}
              data-testid="bar"
              style={{
                width: slot,
                display: "flex",
                flexDirection: "column",
                alignItems: "center",
              }}
            >
              {valueMode !== "hidden" && (
                <div
                  style={{
                    height: valueH,
                    fontSize: fitFont(text, slot, valueH, 20),
                    color: valueMode === "text" ? chrome.text : v.display.color,
                    whiteSpace: "nowrap",
                  }}
                >
                  {text}
                </div>
              )}
              <Bar
                value={v}
                length={length}
                breadth={slot * 0.8}
                vertical
                mode={mode}
                unfilled={unfilled}
                range={range}
                track={chrome.track}
                dark={chrome.dark}
              />
              <div
                style={{
                  fontSize: titleSize,
                  color: chrome.text,
                  whiteSpace: "nowrap",
                  overflow: "hidden",
                  textOverflow: "ellipsis",
                  maxWidth: slot,
                }}
              >
                {v.title}
              </div>
            </div>
          );
        }
        // Grafana's namePlacement "auto" puts the name left of the bar when there is no room above.
        const left =
          namePlacement === "left" || (namePlacement === "auto" && slot < titleSize * 2.4 + 4);
        const hidden = namePlacement === "hidden" || !v.title;
        const titleH = left || hidden ? 0 : titleSize * 1.4;
        const nameW = left && !hidden ? Math.min(width * 0.3, 12 + longest * titleSize * 0.55) : 0;
        const breadth = Math.max(4, slot - titleH);
        const valueW =
          valueMode === "hidden"
            ? 0
            : Math.min(width * 0.3, Math.max(50, text.length * breadth * 0.45));
        const name = (
          <div
            style={{
              fontSize: left ? Math.min(titleSize, slot * 0.85) : titleSize,
              lineHeight: left ? `${slot}px` : `${titleH}px`,
              height: left ? slot : titleH,
              width: left ? nameW : undefined,
              flexShrink: 0,
              color: chrome.text,
              whiteSpace: "nowrap",
              overflow: "hidden",
              textOverflow: "ellipsis",
            }}
          >
            {v.title}
          </div>
        );
        return (
          <div
            // biome-ignore lint/suspicious/noArrayIndexKey: values have no identity beyond their place.
            key={i}
            data-testid="bar"
            style={{ height: slot, display: left ? "flex" : "block", alignItems: "center" }}
          >
            {!hidden && name}
            <div style={{ display: "flex", alignItems: "center", gap: 6 }}>
              <Bar
                value={v}
                length={width - valueW - 6 - nameW}
                breadth={breadth}
                vertical={false}
                mode={mode}
                unfilled={unfilled}
                range={range}
                track={chrome.track}
                dark={chrome.dark}
              />
              {valueMode !== "hidden" && (
                <div
                  style={{
                    width: valueW,
                    fontSize: fitFont(text, valueW, breadth, 24),
                    color: valueMode === "text" ? chrome.text : v.display.color,
                    textAlign: "right",
                    whiteSpace: "nowrap",
                  }}
                >
                  {text}
                </div>
              )}
            </div>
          </div>
        );
      })}
    </div>
  );
}
