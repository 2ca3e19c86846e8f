/**
 * The dashboard's grid: panels and rows placed by `layoutPanels` (24 columns, 30 px rows),
 * rows that collapse and expand on a click, and in edit mode panels moved by their title bar
 * and resized by their corner with pointer events, snapping to grid cells.
 */
import { Group, Text, UnstyledButton } from "@mantine/core";
import {
  type PointerEvent as ReactPointerEvent,
  useCallback,
  useEffect,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
} from "react";
import { interpolate, type Scope } from "../../lib/dashboards/interpolate.ts";
import {
  CELL_GAP,
  CELL_HEIGHT,
  compact,
  GRID_COLUMNS,
  layoutPanels,
  NARROW_GRID_PX,
  type PlacedPanel,
  pixelBox,
  type RepeatValues,
  stackNarrow,
} from "../../lib/dashboards/layout.ts";
import type { PlannedQuery } from "../../lib/dashboards/queries.ts";
import type { Annotation, GridPos, Panel } from "../../lib/dashboards/types.ts";
import { PanelFrame } from "./PanelFrame.tsx";

interface Props {
  panels: Panel[];
  repeatValues: RepeatValues;
  /** The scope of a placed panel (its repeat value written in). */
  scopeOf(placed: PlacedPanel): Scope;
  plan(panel: Panel, scope: Scope, widthPx: number): PlannedQuery[];
  refreshKey: number;
  /**
   * The variables are still being resolved: the panels are placed and shown loading, and ask
   * nothing until the scope is known. The grid's first render (the larger part of a dashboard's
   * own work) then overlaps the variables' round trips instead of following them.
   */
  held?: boolean;
  timeRange: { from: number; to: number };
  annotations?: Annotation[];
  editing: boolean;
  onToggleRow(id: number): void;
  /** Called after a move or resize with the place of every top-level panel as shown. */
  onLayout(positions: Map<number, GridPos>): void;
  onEdit(id: number): void;
  onRemove(id: number): void;
  onTimeRangeChange(from: number, to: number): void;
}

/** The plan of a held panel. */
const NO_PLAN: PlannedQuery[] = [];

interface Drag {
  key: string;
  mode: "move" | "resize";
  startX: number;
  startY: number;
  orig: GridPos;
  pos: GridPos;
}

/** Width of the element, kept up to date (measured before the first paint, so the panels mount in the grid's own commit). */
function useWidth(ref: React.RefObject<HTMLElement | null>): number {
  const [width, setWidth] = useState(0);
  useLayoutEffect(() => {
    const el = ref.current;
    if (el === null) return;
    const ro = new ResizeObserver(() => setWidth(el.clientWidth));
    ro.observe(el);
    setWidth(el.clientWidth);
    return () => ro.disconnect();
  }, [ref]);
  return width;
}

/** A row's header: its title and, collapsed, how many panels it holds. */
function RowHeader({
  placed,
  title,
  onToggle,
}: {
  placed: PlacedPanel;
  title: string;
  onToggle(): void;
}) {
  const collapsed = placed.panel.collapsed === true;
  const count = placed.panel.panels?.length ?? 0;
  return (
    <UnstyledButton
      onClick={onToggle}
      aria-expanded={!collapsed}
      data-testid="row"
      data-title={title}
      h="100%"
      w="100%"
    >
      <Group
        gap="xs"
        h="100%"
        style={{ borderBottom: "1px solid var(--mantine-color-default-border)" }}
      >
        <Text size="sm">{collapsed ? "▸" : "▾"}</Text>
        <Text fw={600}>{title || "Row"}</Text>
        {collapsed && count > 0 && (
          <Text size="xs" c="dimmed">
            ({count} panel{count === 1 ? "" : "s"})
          </Text>
        )}
      </Group>
    </UnstyledButton>
  );
}

/** The grid of a dashboard. */
export function Grid(p: Props) {
  const ref = useRef<HTMLDivElement>(null);
  const width = useWidth(ref);
  const [drag, setDrag] = useState<Drag>();
  // Stable callbacks for the (memoised) panels, calling the latest props: the page's own
  // handlers are new on each of its renders.
  const latest = useRef(p);
  latest.current = p;
  const onEdit = useCallback((id: number) => latest.current.onEdit(id), []);
  const onRemove = useCallback((id: number) => latest.current.onRemove(id), []);
  const onTimeRangeChange = useCallback(
    (from: number, to: number) => latest.current.onTimeRangeChange(from, to),
    [],
  );
  const onDragStart = useCallback(
    (key: string, from: GridPos, e: ReactPointerEvent, mode: "move" | "resize") => {
      e.preventDefault();
      setDrag({ key, mode, startX: e.clientX, startY: e.clientY, orig: from, pos: from });
    },
    [],
  );
  const placed = useMemo(() => layoutPanels(p.panels, p.repeatValues), [p.panels, p.repeatValues]);
  // While dragging, the dragged panel holds its new place and the others make way for it.
  const shown = useMemo(() => {
    if (!drag) return placed;
    const moved = placed.map((x) => (x.key === drag.key ? { ...x, gridPos: drag.pos } : x));
    return compact(moved, drag.key);
  }, [placed, drag]);

  useEffect(() => {
    if (!drag) return;
    const col = (width + CELL_GAP) / GRID_COLUMNS;
    const row = CELL_HEIGHT + CELL_GAP;
    const move = (e: PointerEvent) => {
      const dx = Math.round((e.clientX - drag.startX) / col);
      const dy = Math.round((e.clientY - drag.startY) / row);
      const o = drag.orig;
      const pos =
        drag.mode === "move"
          ? {
              ...o,
              x: Math.max(0, Math.min(GRID_COLUMNS - o.w, o.x + dx)),
              y: Math.max(0, o.y + dy),
            }
          : {
              ...o,
              w: Math.max(1, Math.min(GRID_COLUMNS - o.x, o.w + dx)),
              h: Math.max(1, o.h + dy),
            };
      if (
        pos.x !== drag.pos.x ||
        pos.y !== drag.pos.y ||
        pos.w !== drag.pos.w ||
        pos.h !== drag.pos.h
      )
        setDrag({ ...drag, pos });
    };
    const up = () => {
      // What was shown is what is kept: every panel of the top level at its shown place.
      const positions = new Map<number, GridPos>();
      for (const x of compact(
        placed.map((y) => (y.key === drag.key ? { ...y, gridPos: drag.pos } : y)),
        drag.key,
      )) {
        if (!x.repeat) positions.set(x.panel.id, x.gridPos);
      }
      p.onLayout(positions);
      setDrag(undefined);
    };
    window.addEventListener("pointermove", move);
    window.addEventListener("pointerup", up);
    return () => {
      window.removeEventListener("pointermove", move);
      window.removeEventListener("pointerup", up);
    };
  }, [drag, width, placed, p.onLayout]);

  // On a phone, one column (not while editing: positions there are the saved ones).
  const laid = useMemo(
    () => (!p.editing && width > 0 && width < NARROW_GRID_PX ? stackNarrow(shown) : shown),
    [shown, p.editing, width],
  );
  const bottom = Math.max(0, ...laid.map((x) => x.gridPos.y + x.gridPos.h));
  return (
    <div
      ref={ref}
      style={{ position: "relative", height: bottom * (CELL_HEIGHT + CELL_GAP) }}
      data-testid="grid"
    >
      {width > 0 &&
        laid.map((x) => {
          const box = pixelBox(x.gridPos, width);
          const scope = p.scopeOf(x);
          const title = interpolate(x.panel.title ?? "", scope);
          const dragging = drag?.key === x.key;
          return (
            <div
              key={x.key}
              style={{
                position: "absolute",
                ...box,
                zIndex: dragging ? 2 : 1,
                opacity: dragging ? 0.85 : 1,
              }}
            >
              {x.panel.type === "row" ? (
                <RowHeader placed={x} title={title} onToggle={() => p.onToggleRow(x.panel.id)} />
              ) : (
                <PanelFrame
                  panel={x.panel}
                  placeKey={x.key}
                  gridPos={x.gridPos}
                  title={title}
                  width={box.width}
                  height={box.height}
                  plan={p.held ? NO_PLAN : p.plan(x.panel, scope, box.width - 16)}
                  held={p.held === true}
                  refreshKey={p.refreshKey}
                  timeRange={p.timeRange}
                  annotations={p.annotations}
                  editing={p.editing && !x.repeat}
                  onEdit={onEdit}
                  onRemove={onRemove}
                  onTimeRangeChange={onTimeRangeChange}
                  onDragStart={onDragStart}
                />
              )}
            </div>
          );
        })}
    </div>
  );
}
