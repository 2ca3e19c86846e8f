/**
 * The body of a dashboard panel: dispatches on `panel.type` to its renderer, and shows the
 * states every panel shares (loading, the query's error, "No data", an unsupported type) the
 * same way. A renderer that throws shows its error in the panel instead of breaking the page.
 */
import { Component, type ComponentType, type ReactNode } from "react";
import type { PanelProps } from "../../../lib/dashboards/types.ts";
import { BarGaugePanel } from "./BarGauge.tsx";
import { PanelMessage } from "./common.tsx";
import { GaugePanel } from "./Gauge.tsx";
import { HeatmapPanel } from "./Heatmap.tsx";
import { LogsPanel } from "./Logs.tsx";
import { StatPanel } from "./Stat.tsx";
import { StateTimelinePanel } from "./StateTimeline.tsx";
import { TablePanel } from "./Table.tsx";
import { TextPanel } from "./Text.tsx";
import { TimeSeriesPanel } from "./TimeSeries.tsx";

/** Renderers by Grafana panel type. */
const RENDERERS: Record<string, ComponentType<PanelProps>> = {
  timeseries: TimeSeriesPanel,
  stat: StatPanel,
  gauge: GaugePanel,
  bargauge: BarGaugePanel,
  table: TablePanel,
  heatmap: HeatmapPanel,
  text: TextPanel,
  logs: LogsPanel,
  "state-timeline": StateTimelinePanel,
};

/** Panel types that draw without query data. */
const DATALESS = new Set(["text"]);

/** The panel types Outpost draws. */
export const SUPPORTED_PANEL_TYPES = Object.keys(RENDERERS);

class Boundary extends Component<
  { width: number; height: number; children: ReactNode },
  { error?: string }
> {
  override state: { error?: string } = {};
  static getDerivedStateFromError(e: unknown) {
    return { error: e instanceof Error ? e.message : String(e) };
  }
  override render() {
    const { width, height, children } = this.props;
    if (this.state.error === undefined) return children;
    const text = `Cannot draw this panel: ${this.state.error}`;
    return <PanelMessage kind="error" text={text} width={width} height={height} />;
  }
}

function hasData(props: PanelProps): boolean {
  const { data, panel } = props;
  if (panel.type === "logs") return (data.logs?.length ?? 0) > 0;
  return data.series.some((s) => s.values.length > 0);
}

/** Draws one panel's body at exactly `width` × `height`. */
export function PanelBody(props: PanelProps) {
  const { panel, data, width, height } = props;
  const Renderer = RENDERERS[panel.type];
  const box = { width, height };
  if (!Renderer) {
    const text = `Panel type "${panel.type}" is not supported`;
    return <PanelMessage kind="unsupported" text={text} {...box} />;
  }
  if (!DATALESS.has(panel.type)) {
    if (data.state === "loading" && !hasData(props))
      return <PanelMessage kind="loading" {...box} />;
    if (data.state === "error")
      return <PanelMessage kind="error" text={data.error ?? "The query failed"} {...box} />;
    if (!hasData(props)) {
      const text = panel.fieldConfig?.defaults.noValue ?? "No data";
      return <PanelMessage kind="empty" text={text} {...box} />;
    }
  }
  return (
    <Boundary key={panel.type} {...box}>
      <div
        data-testid="panel-body"
        data-panel-type={panel.type}
        style={{ width, height, overflow: "hidden", position: "relative" }}
      >
        <Renderer {...props} />
      </div>
    </Boundary>
  );
}
