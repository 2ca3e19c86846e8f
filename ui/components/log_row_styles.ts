/**
 * The styles of a log row, hoisted: rows are plain elements, not Mantine components, because a
 * fast scroll mounts a screenful of rows per frame and Mantine's per-component theme work made
 * that take 100 ms and more (bench/ui_logs_scroll.ts).
 */
import type { CSSProperties } from "react";
import { levelColor } from "../lib/logs.ts";

/** A collapsed row's height in px (two text lines and padding). */
export const ROW_HEIGHT = 46;

/** A row, placed absolutely in the list's full-height inner box. */
export const ROW: CSSProperties = {
  position: "absolute",
  left: 0,
  right: 0,
  overflow: "hidden",
  borderBottom: "1px solid var(--mantine-color-default-border)",
};
/** The row's head: a button made to look like text, so a click or Enter expands it. */
export const HEAD: CSSProperties = {
  display: "flex",
  gap: 8,
  alignItems: "flex-start",
  width: "100%",
  padding: "4px 6px",
  border: 0,
  background: "none",
  color: "inherit",
  font: "inherit",
  textAlign: "left",
  cursor: "pointer",
};

const MONO = "var(--mantine-font-family-monospace)";
/** The time, dimmed monospace. */
export const TIME: CSSProperties = {
  fontFamily: MONO,
  fontSize: 12,
  lineHeight: "18px",
  color: "var(--mantine-color-dimmed)",
  whiteSpace: "nowrap",
};
/** The labels and the line beside the time and badge. */
export const BODY: CSSProperties = { display: "block", minWidth: 0, flex: 1 };
/** The stream's labels on one dimmed line. */
export const LABELS: CSSProperties = {
  display: "block",
  fontSize: 12,
  lineHeight: "16px",
  color: "var(--mantine-color-dimmed)",
  whiteSpace: "nowrap",
  overflow: "hidden",
  textOverflow: "ellipsis",
};
/** The line, cut at the right edge while collapsed. */
export const TEXT: CSSProperties = {
  display: "block",
  fontFamily: MONO,
  fontSize: 14,
  lineHeight: "20px",
  whiteSpace: "pre",
  overflow: "hidden",
  textOverflow: "ellipsis",
};
/** The line, wrapped, in an expanded row. */
export const TEXT_OPEN: CSSProperties = {
  ...TEXT,
  whiteSpace: "pre-wrap",
  wordBreak: "break-all",
};

const BADGE: CSSProperties = {
  flexShrink: 0,
  width: 58,
  marginTop: 1,
  borderRadius: 4,
  fontSize: 9.5,
  fontWeight: 700,
  lineHeight: "14px",
  textAlign: "center",
  textTransform: "uppercase",
  overflow: "hidden",
  textOverflow: "ellipsis",
};
const badges = new Map<string, CSSProperties>();

/** A level's badge style (a Mantine filled colour; an outline when the line has no level). */
export function badge(level: string): CSSProperties {
  let style = badges.get(level);
  if (style === undefined) {
    const c = levelColor(level);
    style =
      level === ""
        ? {
            ...BADGE,
            border: "1px solid var(--mantine-color-default-border)",
            color: "var(--mantine-color-dimmed)",
          }
        : {
            ...BADGE,
            border: "1px solid transparent",
            background: `var(--mantine-color-${c}-filled)`,
            color: "var(--mantine-color-white)",
          };
    badges.set(level, style);
  }
  return style;
}
