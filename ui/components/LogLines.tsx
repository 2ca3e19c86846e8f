/**
 * Log lines as a virtualised list: only the rows in view (and a few around them) are in the
 * DOM, so thousands of lines scroll smoothly. A collapsed row has a fixed height: time, level
 * badge (error red, warn orange, info blue, debug grey), the stream's labels on one dimmed line
 * and the line in monospace, cut at the right edge. A click (or Enter: the row's head is a
 * button) expands it: the whole
 * line and its details (LogDetails), whose height is measured and accounted for.
 */
import { Box } from "@mantine/core";
import { memo, useCallback, useLayoutEffect, useMemo, useRef, useState } from "react";
import type { FilterAction } from "../lib/logql_edit.ts";
import { formatLogTime, type LogLine } from "../lib/logs.ts";
import { LogDetails } from "./LogDetails.tsx";
import {
  BODY,
  badge,
  HEAD,
  LABELS,
  ROW,
  ROW_HEIGHT,
  TEXT,
  TEXT_OPEN,
  TIME,
} from "./log_row_styles.ts";

/** Rows rendered beyond each edge of the view. */
const OVERSCAN = 8;

interface Props {
  lines: readonly LogLine[];
  /** "Filter for value" / "filter out" on an expanded line's fields; hidden without it. */
  onFilter?(f: FilterAction): void;
  /** "Show context" on an expanded line; hidden without it. */
  onContext?(line: LogLine): void;
  /** The list's height (CSS); it scrolls inside it. */
  height?: string;
}

/** The lines, in the order given. */
export function LogLines({ lines, onFilter, onContext, height = "calc(100vh - 340px)" }: Props) {
  const [open, setOpen] = useState<ReadonlySet<string>>(new Set());
  const [measured, setMeasured] = useState<ReadonlyMap<string, number>>(new Map());
  const [scroll, setScroll] = useState({ top: 0, height: 800 });
  const box = useRef<HTMLDivElement>(null);

  const toggle = useCallback(
    (key: string) =>
      setOpen((prev) => {
        const next = new Set(prev);
        if (!next.delete(key)) next.add(key);
        return next;
      }),
    [],
  );
  const measure = useCallback(
    (key: string, h: number) =>
      setMeasured((prev) => (prev.get(key) === h ? prev : new Map(prev).set(key, h))),
    [],
  );

  // Row tops as a prefix sum: collapsed rows are ROW_HEIGHT, open ones as measured.
  const tops = useMemo(() => {
    const out = new Float64Array(lines.length + 1);
    for (let i = 0; i < lines.length; i++) {
      const k = lines[i].key;
      out[i + 1] = out[i] + (open.has(k) ? (measured.get(k) ?? ROW_HEIGHT * 4) : ROW_HEIGHT);
    }
    return out;
  }, [lines, open, measured]);

  useLayoutEffect(() => {
    const el = box.current!;
    const update = () => setScroll({ top: el.scrollTop, height: el.clientHeight });
    update();
    const resize = new ResizeObserver(update);
    resize.observe(el);
    return () => resize.disconnect();
  }, []);

  // Lines put on top (a live tail) would push down what is being read: keep it in place,
  // unless the list is at its top, where the newest lines are meant to be seen.
  const firstKey = useRef<string | null>(null);
  useLayoutEffect(() => {
    const el = box.current!;
    const prev = firstKey.current;
    firstKey.current = lines[0]?.key ?? null;
    if (prev === null || prev === firstKey.current || el.scrollTop === 0) return;
    const k = lines.findIndex((l) => l.key === prev);
    if (k > 0) el.scrollTop += tops[k];
  }, [lines, tops]);

  const first = Math.max(0, rowAt(tops, scroll.top) - OVERSCAN);
  const last = Math.min(lines.length, rowAt(tops, scroll.top + scroll.height) + 1 + OVERSCAN);
  const rows = [];
  for (let i = first; i < last; i++) {
    const l = lines[i];
    rows.push(
      <Row
        key={l.key}
        line={l}
        top={tops[i]}
        index={i}
        open={open.has(l.key)}
        toggle={toggle}
        measure={measure}
        onFilter={onFilter}
        onContext={onContext}
      />,
    );
  }
  return (
    <Box
      ref={box}
      data-testid="log-lines"
      data-count={lines.length}
      onScroll={(e) =>
        setScroll({ top: e.currentTarget.scrollTop, height: e.currentTarget.clientHeight })
      }
      style={{
        height,
        minHeight: 240,
        overflowY: "auto",
        borderTop: "1px solid var(--mantine-color-default-border)",
        position: "relative",
      }}
    >
      <div style={{ height: tops[lines.length], position: "relative" }}>{rows}</div>
    </Box>
  );
}

/** The index of the row at pixel `y` (binary search over the tops). */
function rowAt(tops: Float64Array, y: number): number {
  let lo = 0;
  let hi = tops.length - 2;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (tops[mid] <= y) lo = mid;
    else hi = mid - 1;
  }
  return Math.max(0, lo);
}

interface RowProps {
  line: LogLine;
  top: number;
  index: number;
  open: boolean;
  toggle(key: string): void;
  measure(key: string, h: number): void;
  onFilter?(f: FilterAction): void;
  onContext?(line: LogLine): void;
}

const Row = memo(function Row({
  line: l,
  top,
  index,
  open,
  toggle,
  measure,
  onFilter,
  onContext,
}: RowProps) {
  const el = useRef<HTMLDivElement>(null);
  // An open row's height depends on its text and details: measured, and again when it changes.
  useLayoutEffect(() => {
    if (!open) return;
    const node = el.current!;
    const report = () => measure(l.key, node.offsetHeight);
    report();
    const resize = new ResizeObserver(report);
    resize.observe(node);
    return () => resize.disconnect();
  }, [open, l.key, measure]);
  return (
    <div
      ref={el}
      data-testid="log-line"
      data-index={index}
      data-time-ns={String(l.timeNs)}
      data-open={open}
      style={{ ...ROW, top, height: open ? undefined : ROW_HEIGHT }}
    >
      <button type="button" aria-expanded={open} style={HEAD} onClick={() => toggle(l.key)}>
        <span style={TIME}>{formatLogTime(l.timeNs)}</span>
        <span data-testid="log-level" style={badge(l.level)}>
          {l.level || "—"}
        </span>
        <span style={BODY}>
          <span data-testid="log-labels" style={LABELS}>
            {l.labels.map((p) => `${p.name}=${p.value}`).join("  ")}
          </span>
          <span data-testid="log-text" style={open ? TEXT_OPEN : TEXT}>
            {l.line}
          </span>
        </span>
      </button>
      {open && <LogDetails line={l} onFilter={onFilter} onContext={onContext} />}
    </div>
  );
});
