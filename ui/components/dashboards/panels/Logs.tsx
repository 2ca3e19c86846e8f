/**
 * Grafana's `logs` panel: one row per line with its time (`showTime`), a level colour bar
 * (`level` or `detected_level` label, else a level word in the line), the stream's labels
 * (`showLabels`) and the line, wrapped or not (`wrapLogMessage`); newest first unless
 * `sortOrder` is "Ascending"; a click opens the line's labels (`enableLogDetails`). The body
 * scrolls inside the panel.
 */
import { useMemo, useState } from "react";
import { option } from "../../../lib/dashboards/fields.ts";
import type { LogRow, PanelProps } from "../../../lib/dashboards/types.ts";
import { formatLogTime, levelStroke } from "../../../lib/logs.ts";
import { useChrome } from "./common.tsx";

/** Lines drawn at most; Loki's answers are limited too (1000 by default). */
const MAX_ROWS = 2000;

/** The level of a row: its labels, else a `level=` field or a level word in the line. */
export function rowLevel(row: LogRow): string {
  const label = row.labels.level ?? row.labels.detected_level;
  if (label) return label.toLowerCase();
  const field = /\blevel=["']?(\w+)/i.exec(row.line);
  if (field) return field[1].toLowerCase();
  const word = /\b(error|err|warn|warning|info|debug|trace|fatal|critical)\b/i.exec(row.line);
  return word ? word[1].toLowerCase() : "";
}

/** Props that make a row open and close its details by click or Enter, as a button. */
function toggler(toggle: () => void) {
  return {
    role: "button",
    tabIndex: 0,
    onClick: toggle,
    onKeyDown: (e: { key: string }) => {
      if (e.key === "Enter") toggle();
    },
  };
}

/** The logs panel. */
export function LogsPanel({ panel, data, width, height }: PanelProps) {
  const chrome = useChrome();
  const showTime = option(panel, "showTime", true);
  const showLabels = option(panel, "showLabels", false);
  const wrap = option(panel, "wrapLogMessage", false);
  const ascending = option(panel, "sortOrder", "Descending") === "Ascending";
  const details = option(panel, "enableLogDetails", true);
  const [open, setOpen] = useState<number | null>(null);
  const rows = useMemo(() => {
    const all = [...(data.logs ?? [])];
    all.sort((a, b) => {
      const x = BigInt(a.timeNs);
      const y = BigInt(b.timeNs);
      return (x < y ? -1 : x > y ? 1 : 0) * (ascending ? 1 : -1);
    });
    return all.slice(0, MAX_ROWS);
  }, [data.logs, ascending]);
  return (
    <div
      data-testid="logs-panel"
      style={{
        width,
        height,
        overflow: "auto",
        fontFamily: "var(--mantine-font-family-monospace)",
        fontSize: 12,
      }}
    >
      {rows.map((r, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: lines may repeat; the place is the identity.
        <div key={i}>
          <div
            data-testid="log-row"
            {...(details ? toggler(() => setOpen((cur) => (cur === i ? null : i))) : {})}
            style={{
              cursor: details ? "pointer" : undefined,
              display: "flex",
              gap: 8,
              padding: "1px 4px",
              borderLeft: `3px solid ${levelStroke(rowLevel(r))}`,
              marginBottom: 1,
              whiteSpace: wrap ? "pre-wrap" : "pre",
              wordBreak: wrap ? "break-all" : undefined,
            }}
          >
            {showTime && (
              <span style={{ color: chrome.dim, flexShrink: 0 }}>
                {formatLogTime(BigInt(r.timeNs))}
              </span>
            )}
            {showLabels && (
              <span style={{ color: chrome.dim, flexShrink: 0 }}>
                {Object.entries(r.labels)
                  .map(([k, v]) => `${k}=${v}`)
                  .join(" ")}
              </span>
            )}
            <span style={{ color: chrome.text }}>{r.line}</span>
          </div>
          {open === i && (
            // Grafana's log details: the line's labels, one a row, under it.
            <div
              data-testid="log-details"
              style={{ padding: "2px 4px 6px 20px", color: chrome.dim }}
            >
              {Object.entries(r.labels).map(([k, v]) => (
                <div key={k}>
                  {k}: <span style={{ color: chrome.text }}>{v}</span>
                </div>
              ))}
            </div>
          )}
        </div>
      ))}
      {(data.logs?.length ?? 0) > MAX_ROWS && (
        <div style={{ color: chrome.dim, padding: 4 }}>
          Showing the first {MAX_ROWS} of {data.logs!.length} lines.
        </div>
      )}
    </div>
  );
}
