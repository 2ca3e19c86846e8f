/**
 * One panel on the grid: its title bar (with the menu and, in edit mode, the drag handle), its
 * queries run when the panel first comes near the screen (IntersectionObserver: a dashboard of
 * 100 panels asks only for those in view), and the body drawn by the renderer.
 */
import { ActionIcon, Box, Group, Menu, Paper, Text } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import {
  memo,
  type PointerEvent as ReactPointerEvent,
  useEffect,
  useMemo,
  useRef,
  useState,
} from "react";
import { messageOf } from "../../api/client.ts";
import { panelApi } from "../../lib/dashboards/api.ts";
import { type PlannedQuery, runPanel } from "../../lib/dashboards/queries.ts";
import type { Annotation, GridPos, Panel, PanelData } from "../../lib/dashboards/types.ts";
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

/** True once the element has come within 200 px of the viewport. */
function useNearScreen(ref: React.RefObject<HTMLElement | null>): boolean {
  const [near, setNear] = useState(false);
  useEffect(() => {
    const el = ref.current;
    if (near || el === null) return;
    const io = new IntersectionObserver(
      (entries) => entries.some((e) => e.isIntersecting) && setNear(true),
      { rootMargin: "200px" },
    );
    io.observe(el);
    return () => io.disconnect();
  }, [ref, near]);
  return near;
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
    <ActionIcon
      variant="subtle"
      size="sm"
      aria-label={`Menu of ${title || "panel"}`}
      onPointerDown={(e) => e.stopPropagation()}
      onClick={() => setMounted(true)}
    >
      ⋮
    </ActionIcon>
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
  const near = useNearScreen(ref);
  const bodyWidth = Math.max(1, Math.floor(p.width - 16));
  const bodyHeight = Math.max(1, Math.floor(p.height - TITLE_HEIGHT - 8));
  const answer = useQuery({
    queryKey: ["panel", p.plan, p.refreshKey, bodyWidth],
    queryFn: ({ signal }) => runPanel(p.plan, panelApi, bodyWidth, signal),
    enabled: near && p.plan.length > 0,
    staleTime: Number.POSITIVE_INFINITY,
    retry: false,
    placeholderData: (prev) => prev,
  });
  const waiting = p.plan.length > 0 && (!near || answer.isPending);
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
    <Paper
      ref={ref}
      withBorder={!p.panel.transparent || p.editing}
      radius="sm"
      h="100%"
      style={{
        display: "flex",
        flexDirection: "column",
        overflow: "hidden",
        background: p.panel.transparent ? "transparent" : undefined,
      }}
      data-testid="panel"
      data-title={p.title}
      data-state={data.state}
      data-has-data={hasData(data)}
      data-error={data.error}
    >
      <Group
        h={TITLE_HEIGHT}
        px="xs"
        gap={4}
        wrap="nowrap"
        justify="space-between"
        style={{
          cursor: p.editing ? "move" : undefined,
          flexShrink: 0,
          touchAction: p.editing ? "none" : undefined,
        }}
        onPointerDown={
          p.editing ? (e) => p.onDragStart?.(p.placeKey, p.gridPos, e, "move") : undefined
        }
      >
        <Text size="sm" fw={500} truncate="end" title={p.panel.description || p.title}>
          {p.title}
        </Text>
        <Group gap={2} wrap="nowrap">
          {answer.isFetching && near && (
            <Text size="xs" c="dimmed">
              …
            </Text>
          )}
          {data.error && (
            <Text size="xs" c="red" fw={700} title={data.error} aria-label={`Error: ${data.error}`}>
              !
            </Text>
          )}
          <PanelMenu
            title={p.title}
            editing={p.editing}
            onEdit={() => p.onEdit?.(p.panel.id)}
            onRemove={p.onRemove && (() => p.onRemove?.(p.panel.id))}
          />
        </Group>
      </Group>
      <Box px={8} pb={8} style={{ flex: 1, minHeight: 0, position: "relative" }}>
        <PanelBody
          panel={p.panel}
          data={data}
          width={bodyWidth}
          height={bodyHeight}
          onTimeRangeChange={p.onTimeRangeChange}
        />
      </Box>
      {p.editing && (
        <Box
          aria-label="Resize"
          onPointerDown={(e) => p.onDragStart?.(p.placeKey, p.gridPos, e, "resize")}
          style={{
            position: "absolute",
            right: 0,
            bottom: 0,
            width: 14,
            height: 14,
            cursor: "nwse-resize",
            touchAction: "none",
            borderRight: "3px solid var(--mantine-color-dimmed)",
            borderBottom: "3px solid var(--mantine-color-dimmed)",
          }}
        />
      )}
    </Paper>
  );
}
