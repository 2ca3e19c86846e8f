/**
 * A panel legend as Grafana's `options.legend`: a wrapping list or a table with the chosen
 * calcs as columns, below or right of the chart. A click on a series shows it alone; a second
 * click shows them all again (Grafana's legend click).
 */
import { type CSSProperties, memo } from "react";
import "./Legend.css";
import { reducerName } from "../../../lib/dashboards/reduce.ts";

/** One legend row: a series, its colour and its calcs already formatted. */
export interface LegendItem {
  index: number;
  name: string;
  color: string;
  values: string[];
}

interface Props {
  items: LegendItem[];
  mode: "list" | "table";
  placement: "bottom" | "right";
  calcs: string[];
  /** The series shown alone, if any. */
  only: number | null;
  onToggle(index: number): void;
  /** Cap on the legend's size so the chart keeps most of the panel. */
  maxHeight: number;
  width?: number;
}

const swatch = (color: string): CSSProperties => ({
  display: "inline-block",
  width: 14,
  height: 4,
  borderRadius: 2,
  background: color,
  marginRight: 6,
  verticalAlign: "middle",
  flexShrink: 0,
});

/** The legend of a timeseries panel (memoised: the tooltip re-renders its panel on every move). */
export const Legend = memo(LegendView);

function LegendView({ items, mode, placement, calcs, only, onToggle, maxHeight, width }: Props) {
  const dimmed = (i: number) => (only !== null && only !== i ? 0.45 : 1);
  const box: CSSProperties = {
    maxHeight,
    overflow: "auto",
    fontSize: 12,
    flexShrink: 0,
    width: placement === "right" ? width : undefined,
  };
  if (mode === "table") {
    // Plain elements styled as Mantine's Table (styles.css): a legend can hold hundreds of
    // rows of calcs, and Mantine's Table.Td per cell was much of a dashboard's render time.
    return (
      <div style={box} data-testid="legend">
        <table className="op-legend-table">
          <thead>
            <tr>
              <th>Name</th>
              {calcs.map((c) => (
                <th key={c} className="op-num">
                  {reducerName(c)}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {items.map((it) => (
              <tr
                key={it.index}
                onClick={() => onToggle(it.index)}
                style={{ opacity: dimmed(it.index) }}
              >
                <td className="op-name" title={it.name}>
                  <span style={swatch(it.color)} />
                  {it.name}
                </td>
                {it.values.map((v, k) => (
                  <td key={calcs[k]} className="op-num op-mono">
                    {v}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    );
  }
  return (
    <div
      style={{
        ...box,
        display: "flex",
        flexWrap: "wrap",
        flexDirection: placement === "right" ? "column" : "row",
        gap: "2px 14px",
        padding: "4px 4px 0",
      }}
      data-testid="legend"
    >
      {items.map((it) => (
        <button
          type="button"
          key={it.index}
          onClick={() => onToggle(it.index)}
          style={{
            all: "unset",
            cursor: "pointer",
            opacity: dimmed(it.index),
            display: "flex",
            alignItems: "center",
            whiteSpace: "nowrap",
            color: "var(--mantine-color-text)",
          }}
        >
          <span style={swatch(it.color)} />
          {it.name}
          {it.values.map((v, k) => (
            <span key={calcs[k]} style={{ marginLeft: 8, opacity: 0.75 }}>
              {reducerName(calcs[k])}: {v}
            </span>
          ))}
        </button>
      ))}
    </div>
  );
}
