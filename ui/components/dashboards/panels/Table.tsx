/**
 * Grafana's `table` panel: the rows of ui/lib/dashboards/table.ts with each column's own field
 * config (unit, decimals, mappings, thresholds, overrides by column name), cells coloured as
 * `custom.cellOptions` (or the older `custom.displayMode`) says, sorted by a click on a header
 * (`options.sortBy` first), the body scrolling inside the panel under a fixed header.
 */
import { Table } from "@mantine/core";
import { type CSSProperties, useMemo, useState } from "react";
import { cssColor, textOn, withAlpha } from "../../../lib/dashboards/colors.ts";
import { custom, option, resolveConfig } from "../../../lib/dashboards/fields.ts";
import { displayText, displayValue, mapValue } from "../../../lib/dashboards/format.ts";
import { type Cell, sortRows, tableFrame } from "../../../lib/dashboards/table.ts";
import type { FieldConfig, PanelProps } from "../../../lib/dashboards/types.ts";
import { isoLocal } from "../../../lib/dashboards/units.ts";
import { useChrome } from "./common.tsx";

function cellMode(config: FieldConfig): string {
  const cell = custom<{ type?: string; mode?: string }>(config, "cellOptions", {});
  const legacy = custom(config, "displayMode", "auto");
  const type = cell.type ?? legacy;
  if (type === "color-background" && cell.mode === "basic") return "color-background-solid";
  return type;
}

function renderCell(
  v: Cell,
  type: string,
  config: FieldConfig,
  range: { min: number; max: number },
  track: string,
  dark: boolean,
) {
  const style: CSSProperties = {};
  if (v === null) return { text: config.noValue ?? "", style };
  // Grafana shows a time field as a date unless its unit is a date unit.
  if (type === "time" && !config.unit?.startsWith("dateTime"))
    return { text: isoLocal(v as number), style };
  const mode = cellMode(config);
  let text: string;
  let color: string | undefined;
  let percent = 0;
  if (typeof v === "number") {
    const d = displayValue(v, config, { range, dark });
    text = displayText(d);
    color = d.color;
    percent = d.percent;
  } else {
    const m = mapValue(config.mappings, v);
    text = m?.text || v;
    color = m?.color ? cssColor(m.color, undefined, dark) : undefined;
  }
  if (color && (mode === "color-background" || mode === "color-background-solid")) {
    style.background =
      mode === "color-background"
        ? `linear-gradient(120deg, ${color}, ${withAlpha(color, 0.8)})`
        : color;
    style.color = textOn(color);
  } else if (color && mode === "color-text") {
    style.color = color;
  } else if (color && /gauge/.test(mode)) {
    style.background = `linear-gradient(90deg, ${color} ${percent * 100}%, ${track} ${percent * 100}%)`;
    style.backgroundSize = "100% 6px";
    style.backgroundRepeat = "no-repeat";
    style.backgroundPosition = "bottom";
  }
  return { text, style };
}

/** The table panel. */
export function TablePanel({ panel, data, width, height }: PanelProps) {
  const chrome = useChrome();
  const frame = useMemo(() => tableFrame(panel, data.series), [panel, data.series]);
  const columns = useMemo(
    () =>
      frame.columns
        .map((c, i) => ({
          c,
          i,
          ...resolveConfig(panel, {
            name: c.name,
            type: c.type,
            refId: c.refId,
            // byValue overrides reduce the column's numbers.
            values: frame.rows.map((r) => (typeof r[i] === "number" ? (r[i] as number) : null)),
          }),
        }))
        .filter((col) => !custom(col.config, "hidden", false)),
    [frame, panel],
  );
  const initial = option<{ displayName: string; desc?: boolean }[]>(panel, "sortBy", [])[0];
  const [sort, setSort] = useState<{ name: string; desc: boolean } | null>(
    initial ? { name: initial.displayName, desc: initial.desc === true } : null,
  );
  const ranges = useMemo(
    () =>
      frame.columns.map((_, i) => {
        const nums = frame.rows
          .map((r) => r[i])
          .filter((v): v is number => typeof v === "number" && Number.isFinite(v));
        return nums.length
          ? { min: Math.min(...nums), max: Math.max(...nums) }
          : { min: 0, max: 1 };
      }),
    [frame],
  );
  const sorted = useMemo(() => {
    const col = sort ? columns.find((c) => c.name === sort.name) : undefined;
    return col ? sortRows(frame.rows, col.i, sort!.desc) : frame.rows;
  }, [frame, columns, sort]);
  const cycle = (name: string) =>
    setSort((s) =>
      s?.name !== name ? { name, desc: false } : s.desc ? null : { name, desc: true },
    );
  const showHeader = option(panel, "showHeader", true);

  return (
    <div style={{ width, height, overflow: "auto" }} data-testid="table-scroll">
      <Table
        fz={13}
        verticalSpacing={4}
        horizontalSpacing={8}
        stickyHeader
        highlightOnHover
        withRowBorders
        data-testid="panel-table"
      >
        {showHeader && (
          <Table.Thead>
            <Table.Tr>
              {columns.map((col) => (
                <Table.Th
                  key={col.i}
                  onClick={() => cycle(col.name)}
                  style={{
                    cursor: "pointer",
                    whiteSpace: "nowrap",
                    width: custom<number | undefined>(col.config, "width", undefined),
                    textAlign: col.c.type === "number" ? "right" : "left",
                    color: chrome.text,
                  }}
                  aria-sort={
                    sort?.name === col.name ? (sort.desc ? "descending" : "ascending") : "none"
                  }
                >
                  {col.name}
                  {sort?.name === col.name ? (sort.desc ? " ▼" : " ▲") : ""}
                </Table.Th>
              ))}
            </Table.Tr>
          </Table.Thead>
        )}
        <Table.Tbody>
          {sorted.map((row, r) => (
            <Table.Tr
              // biome-ignore lint/suspicious/noArrayIndexKey: rows have no identity beyond their place.
              key={r}
            >
              {columns.map((col) => {
                const { text, style } = renderCell(
                  row[col.i],
                  col.c.type,
                  col.config,
                  ranges[col.i],
                  chrome.track,
                  chrome.dark,
                );
                const align = custom<string>(col.config, "align", "auto");
                return (
                  <Table.Td
                    key={col.i}
                    style={{
                      ...style,
                      whiteSpace: "nowrap",
                      textAlign:
                        align === "auto"
                          ? col.c.type === "number"
                            ? "right"
                            : "left"
                          : (align as CSSProperties["textAlign"]),
                      fontVariantNumeric: "tabular-nums",
                    }}
                  >
                    {text}
                  </Table.Td>
                );
              })}
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </div>
  );
}
