/**
 * The history as a timeline: a time axis over the chosen range, one lane per alert or per
 * receiver, a mark per record (a dot for a state change, a square for a notification attempt)
 * in its status's colour; hovering a mark shows what it was.
 */
import { Box, Text } from "@mantine/core";
import { useElementSize } from "@mantine/hooks";
import { type Lane, statusColor, timeTicks } from "../../lib/history.ts";

const LABEL_W = 240;
const LANE_H = 22;
const AXIS_H = 22;
/** Lanes drawn at most; the rest are counted under the chart. */
export const MAX_LANES = 40;

interface Props {
  lanes: readonly Lane[];
  startMs: number;
  endMs: number;
}

function tickText(t: number, spanMs: number): string {
  const d = new Date(t);
  return spanMs > 2 * 86_400_000
    ? d.toLocaleDateString(undefined, { month: "short", day: "numeric" })
    : d.toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit" });
}

/** The timeline. */
export function HistoryTimeline({ lanes, startMs, endMs }: Props) {
  const { ref, width } = useElementSize();
  const shown = lanes.slice(0, MAX_LANES);
  const plotW = Math.max(100, width - LABEL_W - 8);
  const x = (t: number) => LABEL_W + ((t - startMs) / (endMs - startMs)) * plotW;
  const height = AXIS_H + shown.length * LANE_H + 4;
  const ticks = timeTicks(startMs, endMs, Math.max(2, Math.floor(plotW / 90)));
  return (
    <Box ref={ref} data-testid="history-timeline">
      {width > 0 && (
        <svg width={width} height={height} role="img" aria-label="Notification history timeline">
          {ticks.map((t) => (
            <g key={t}>
              <line
                x1={x(t)}
                x2={x(t)}
                y1={AXIS_H - 4}
                y2={height}
                stroke="var(--mantine-color-default-border)"
              />
              <text
                x={x(t)}
                y={12}
                fontSize={11}
                textAnchor="middle"
                fill="var(--mantine-color-dimmed)"
              >
                {tickText(t, endMs - startMs)}
              </text>
            </g>
          ))}
          {shown.map((lane, i) => {
            const y = AXIS_H + i * LANE_H + LANE_H / 2;
            return (
              <g key={lane.key} data-testid="history-lane" data-label={lane.label}>
                <text x={4} y={y + 4} fontSize={12} fill="var(--mantine-color-text)">
                  {lane.label.length > 34 ? `${lane.label.slice(0, 33)}…` : lane.label}
                  <title>{lane.label}</title>
                </text>
                <line
                  x1={LABEL_W}
                  x2={LABEL_W + plotW}
                  y1={y}
                  y2={y}
                  stroke="var(--mantine-color-default-border)"
                  strokeDasharray="2 3"
                />
                {lane.marks.map((m) => {
                  const fill = `var(--mantine-color-${statusColor(m.status)}-6)`;
                  const title = `${new Date(m.timeMs).toLocaleString()} · ${m.text}`;
                  return m.kind === "state" ? (
                    <circle
                      key={m.id}
                      cx={x(m.timeMs)}
                      cy={y}
                      r={5}
                      fill={fill}
                      data-status={m.status}
                    >
                      <title>{title}</title>
                    </circle>
                  ) : (
                    <rect
                      key={m.id}
                      x={x(m.timeMs) - 4}
                      y={y - 4}
                      width={8}
                      height={8}
                      fill={fill}
                      data-status={m.status}
                    >
                      <title>{title}</title>
                    </rect>
                  );
                })}
              </g>
            );
          })}
        </svg>
      )}
      {lanes.length > MAX_LANES && (
        <Text size="xs" c="dimmed">
          {lanes.length - MAX_LANES} more lanes are not drawn; narrow the filters to see them.
        </Text>
      )}
    </Box>
  );
}
