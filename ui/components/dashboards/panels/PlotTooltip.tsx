/**
 * The hover tooltip of a timeseries panel: the time and, in Grafana's "single" mode, the series
 * nearest the cursor, in "multi" mode every shown series (sorted if asked), each value in its
 * field's unit and unstacked; an annotation under the cursor adds its text.
 */
import { Paper, Text } from "@mantine/core";
import type uPlot from "uplot";
import { custom } from "../../../lib/dashboards/fields.ts";
import { displayText, displayValue } from "../../../lib/dashboards/format.ts";
import type { Aligned } from "../../../lib/dashboards/series.ts";
import type { Annotation } from "../../../lib/dashboards/types.ts";
import { isoLocal } from "../../../lib/dashboards/units.ts";
import { annotationAt } from "./plotHooks.ts";
import type { PlotField } from "./plotOptions.ts";

/** Where the cursor is: the data index and its position in the plot area (CSS px). */
export interface TooltipState {
  idx: number;
  left: number;
  top: number;
}

interface Props {
  plot: uPlot;
  state: TooltipState;
  mode: "single" | "multi";
  sort: string;
  plotted: PlotField[];
  raw: Aligned;
  drawn: (number | null)[][];
  annotations: readonly Annotation[];
}

function nearest(props: Props): number {
  const { plot, state, drawn, plotted } = props;
  let best = -1;
  let bestDist = Number.POSITIVE_INFINITY;
  drawn.forEach((col, i) => {
    const v = col[state.idx];
    if (v === null || !plot.series[i + 1]?.show) return;
    const d = Math.abs(plot.valToPos(v, plotted[i].scale) - state.top);
    if (d < bestDist) {
      bestDist = d;
      best = i;
    }
  });
  return best;
}

/** The tooltip over the plot. */
export function PlotTooltip(props: Props) {
  const { plot, state, mode, sort, plotted, raw, annotations } = props;
  const time = raw.times[state.idx];
  if (time === undefined) return null;
  let rows = plotted
    .map((p, i) => ({ p, i, v: raw.columns[i][state.idx] }))
    .filter(({ i }) => plot.series[i + 1]?.show)
    .filter(({ p }) => !custom<{ tooltip?: boolean }>(p.field.config, "hideFrom", {}).tooltip);
  if (mode === "single") {
    const i = nearest(props);
    rows = rows.filter((r) => r.i === i);
  } else if (sort === "asc" || sort === "desc") {
    const dir = sort === "asc" ? 1 : -1;
    rows.sort(
      (a, b) => dir * ((a.v ?? Number.NEGATIVE_INFINITY) - (b.v ?? Number.NEGATIVE_INFINITY)),
    );
  }
  const annotation = annotationAt(plot, annotations, state.left);
  const over = plot.over;
  const x = over.offsetLeft + state.left;
  const y = over.offsetTop + state.top;
  const flip = x > over.offsetLeft + over.clientWidth / 2;
  return (
    <Paper
      shadow="md"
      withBorder
      p={6}
      data-testid="tooltip"
      style={{
        position: "absolute",
        left: flip ? undefined : x + 12,
        right: flip ? over.parentElement!.clientWidth - x + 12 : undefined,
        top: Math.max(0, y - 10),
        pointerEvents: "none",
        zIndex: 5,
        fontSize: 12,
        maxWidth: 360,
      }}
    >
      <Text size="xs" c="dimmed">
        {isoLocal(time)}
      </Text>
      {rows.map(({ p, i, v }) => (
        <div
          key={i}
          style={{ display: "flex", gap: 6, alignItems: "center", whiteSpace: "nowrap" }}
        >
          <span style={{ width: 10, height: 3, background: p.color, flexShrink: 0 }} />
          <span style={{ overflow: "hidden", textOverflow: "ellipsis" }}>{p.field.name}</span>
          <span style={{ marginLeft: "auto", paddingLeft: 8, fontFamily: "monospace" }}>
            {displayText(displayValue(v, p.field.config))}
          </span>
        </div>
      ))}
      {annotation && (
        <Text size="xs" mt={4} style={{ whiteSpace: "pre-wrap" }}>
          {annotation.text}
        </Text>
      )}
    </Paper>
  );
}
