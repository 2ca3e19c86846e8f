/**
 * One panel on the grid: its title bar (with the menu and, in edit mode, the drag handle), its
 * queries run when the panel first comes near the screen (near.tsx: a dashboard of 100 panels
 * asks only for those in view; the body draws nothing until then), and the body drawn by the
 * renderer. The frame is plain elements styled by PanelFrame.css: a dashboard mounts one per
 * panel, and Mantine's components computed their styles for each on every render.
 */
import { Menu } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import { memo, type PointerEvent as ReactPointerEvent, useMemo, useRef, useState } from "react";
import { messageOf } from "../../api/client.ts";
import { panelApi } from "../../lib/dashboards/api.ts";
import { type PlannedQuery, runPanel } from "../../lib/dashboards/queries.ts";
import type { Annotation, GridPos, Panel, PanelData } from "../../lib/dashboards/types.ts";
import { useNear } from "./near.tsx";
import "./PanelFrame.css";
import { PanelBody } from "./panels/index.tsx";

/** Height of the title bar in px. */
export const TITLE_HEIGHT = 28;

interface Props {
  panel: Panel;
  /** The placed panel's key and place on the grid (what a drag starts from). */
  placeKey: string;
  gridPos: GridPos;
  title: string;
  width: number;
  height: number;
  plan: PlannedQuery[];
  /** Shown loading and asking nothing: the dashboard's variables are not resolved yet. */
  held: boolean;
  /** Changes whenever the dashboard refreshes, so the same plan is asked again. */
  refreshKey: number;
  timeRange: { from: number; to: number };
  annotations?: Annotation[];
  editing: boolean;
  onEdit?(id: number): void;
  onRemove?(id: number): void;
  onTimeRangeChange?(from: number, to: number): void;
  onDragStart?(key: string, from: GridPos, e: ReactPointerEvent, mode: "move" | "resize"): void;
}

/**
 * The panel's menu. Mantine's Menu is mounted only once the button is first pressed: a
 * dashboard of 125 panels would otherwise build 125 floating menus before showing anything.
 */
function PanelMenu({
  title,
  editing,
  onEdit,
  onRemove,
}: {
  title: string;
  editing: boolean;
  onEdit?(): void;
  onRemove?(): void;
}) {
  const [mounted, setMounted] = useState(false);
  const button = (
    <button
      type="button"
      className="op-panel-menu"
      aria-label={`Menu of ${title || "panel"}`}
      onPointerDown={(e) => e.stopPropagation()}
      onClick={() => setMounted(true)}
    >
      ⋮
    </button>
  );
  if (!mounted) return button;
  return (
    <Menu position="bottom-end" withinPortal defaultOpened>
      <Menu.Target>{button}</Menu.Target>
      <Menu.Dropdown>
        <Menu.Item onClick={onEdit}>Edit</Menu.Item>
        {editing && onRemove && (
          <Menu.Item color="red" onClick={onRemove}>
            Remove
          </Menu.Item>
        )}
      </Menu.Dropdown>
    </Menu>
  );
}

/** True when some series has a value or some log line came back (what "No data" is not). */
function hasData(d: PanelData): boolean {
  return d.series.some((s) => s.values.some((v) => v !== null)) || (d.logs?.length ?? 0) > 0;
}

/**
 * Props equal but for `plan`'s identity (the grid plans every panel again on each render):
 * the plan is compared by value. Callbacks must be stable (Grid passes them so).
 */
function sameProps(a: Props, b: Props): boolean {
  for (const k of Object.keys(a) as (keyof Props)[])
    if (k !== "plan" && !Object.is(a[k], b[k])) return false;
  return Object.keys(a).length === Object.keys(b).length && samePlan(a.plan, b.plan);
}

function samePlan(a: PlannedQuery[], b: PlannedQuery[]): boolean {
  return a === b || JSON.stringify(a) === JSON.stringify(b);
}

/**
 * A panel with its title bar and data. Memoised: on a dashboard of 125 panels one answer, an
 * annotation or a variable arriving would otherwise render (and the renderers rebuild their
 * uPlot for) every panel.
 */
export const PanelFrame = memo(PanelFrameView, sameProps);

function PanelFrameView(p: Props) {
  const ref = useRef<HTMLDivElement>(null);
  const near = useNear(ref);
  const bodyWidth = Math.max(1, Math.floor(p.width - 16));
  const bodyHeight = Math.max(1, Math.floor(p.height - TITLE_HEIGHT - 8));
  const answer = useQuery({
    queryKey: ["panel", p.plan, p.refreshKey, bodyWidth],
    queryFn: ({ signal }) => runPanel(p.plan, panelApi, bodyWidth, signal),
    enabled: near && !p.held && p.plan.length > 0,
    staleTime: Number.POSITIVE_INFINITY,
    retry: false,
    placeholderData: (prev) => prev,
  });
  const waiting = p.held || (p.plan.length > 0 && (!near || answer.isPending));
  // One identity per answer: the renderers rebuild their chart when `data` changes identity,
  // and a fetch's status changes (isFetching) render the frame without a new answer.
  const data = useMemo<PanelData>(
    () => ({
      state: answer.error ? "error" : waiting ? "loading" : "done",
      ...(answer.error ? { error: messageOf(answer.error) } : {}),
      series: answer.data?.series ?? [],
      ...(answer.data?.logs ? { logs: answer.data.logs } : {}),
      timeRange: p.timeRange,
      ...(p.annotations ? { annotations: p.annotations } : {}),
    }),
    [answer.error, answer.data, waiting, p.timeRange, p.annotations],
  );
  return (
    <div
      ref={ref}
      className="op-panel"
      data-border={!p.panel.transparent || p.editing}
      data-transparent={p.panel.transparent === true}
      data-editing={p.editing}
      data-testid="panel"
      data-title={p.title}
      data-state={data.state}
      data-near={near}
      data-has-data={hasData(data)}
      data-error={data.error}
    >
      <div
        className="op-panel-bar"
        onPointerDown={
          p.editing ? (e) => p.onDragStart?.(p.placeKey, p.gridPos, e, "move") : undefined
        }
      >
        <span className="op-panel-title" title={p.panel.description || p.title}>
          {p.title}
        </span>
        <span className="op-panel-tools">
          {answer.isFetching && near && <span className="op-panel-fetching">…</span>}
          {data.error && (
            <span
              className="op-panel-error"
              role="img"
              title={data.error}
              aria-label={`Error: ${data.error}`}
            >
              !
            </span>
          )}
          <PanelMenu
            title={p.title}
            editing={p.editing}
            onEdit={() => p.onEdit?.(p.panel.id)}
            onRemove={p.onRemove && (() => p.onRemove?.(p.panel.id))}
          />
        </span>
      </div>
      <div className="op-panel-body">
        {/* Far from the screen the body is left empty: nothing to query, lay out or draw. */}
        {near && (
          <PanelBody
            panel={p.panel}
            data={data}
            width={bodyWidth}
            height={bodyHeight}
            onTimeRangeChange={p.onTimeRangeChange}
          />
        )}
      </div>
      {p.editing && (
        <div
          className="op-panel-resize"
          role="img"
          aria-label="Resize"
          onPointerDown={(e) => p.onDragStart?.(p.placeKey, p.gridPos, e, "resize")}
        />
      )}
    </div>
  );
}
