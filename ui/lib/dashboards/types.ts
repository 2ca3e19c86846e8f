/**
 * Grafana's classic dashboard JSON model, as far as Outpost reads it, and the seam between the
 * dashboard page (which loads the model, migrates legacy panels, resolves variables and runs
 * the queries) and the panel renderers (which draw what they are handed).
 *
 * The model types are loose on purpose: a dashboard users bring may carry any field, and what
 * Outpost does not read must survive a save and an export unchanged.
 */

/** A panel's place in the 24-column grid; `h` is in grid rows of 30 px (Grafana's). */
export interface GridPos {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** One query of a panel (Prometheus or Loki target). */
export interface Target {
  refId: string;
  expr?: string;
  legendFormat?: string;
  instant?: boolean;
  range?: boolean;
  format?: "time_series" | "table" | "heatmap" | string;
  interval?: string;
  intervalFactor?: number;
  step?: number;
  hide?: boolean;
  datasource?: unknown;
  [other: string]: unknown;
}

/** A threshold step: `value` null is the base step. */
export interface ThresholdStep {
  value: number | null;
  color: string;
}

/** A value mapping as Grafana 7+ stores it (`value`, `range`, `regex`, `special`). */
export interface ValueMapping {
  type: "value" | "range" | "regex" | "special" | string;
  options: Record<string, unknown>;
}

/** `fieldConfig.defaults`, and the value of an override's properties. */
export interface FieldConfig {
  unit?: string;
  decimals?: number | null;
  min?: number | null;
  max?: number | null;
  displayName?: string;
  noValue?: string;
  thresholds?: { mode: "absolute" | "percentage" | string; steps: ThresholdStep[] };
  mappings?: ValueMapping[];
  color?: { mode: string; fixedColor?: string; [other: string]: unknown };
  custom?: Record<string, unknown>;
  [other: string]: unknown;
}

/** One entry of `fieldConfig.overrides`. */
export interface FieldOverride {
  matcher: { id: string; options?: unknown };
  properties: { id: string; value?: unknown }[];
}

/**
 * A panel after migration (legacy `graph` → `timeseries`, `singlestat` → `stat`, … as Grafana
 * migrates them), so renderers see only current types. Rows are panels of type `row` whose
 * `panels` hold their children while collapsed.
 */
export interface Panel {
  id: number;
  type: string;
  title?: string;
  description?: string;
  gridPos: GridPos;
  datasource?: unknown;
  targets?: Target[];
  fieldConfig?: { defaults: FieldConfig; overrides: FieldOverride[] };
  options?: Record<string, unknown>;
  transformations?: { id: string; options?: Record<string, unknown> }[];
  repeat?: string;
  repeatDirection?: "h" | "v";
  maxPerRow?: number;
  interval?: string;
  maxDataPoints?: number;
  transparent?: boolean;
  collapsed?: boolean;
  panels?: Panel[];
  [other: string]: unknown;
}

/** One series a target answered, legend already applied (`legendFormat` or the labels). */
export interface SeriesFrame {
  refId: string;
  /** The display name before `displayName`/override rules: legendFormat applied, or `{labels}`. */
  name: string;
  labels: Record<string, string>;
  /** Unix milliseconds, ascending. An instant query gives one point. */
  times: number[];
  /** One value per time; null where the series has no sample (a gap). */
  values: (number | null)[];
}

/** One log line a Loki target answered (the `logs` panel). */
export interface LogRow {
  refId: string;
  /** Unix nanoseconds as a decimal string (Loki's precision). */
  timeNs: string;
  line: string;
  labels: Record<string, string>;
}

/** A mark on time-based panels (from alert history, the dashboard's annotations). */
export interface Annotation {
  time: number;
  timeEnd?: number;
  text: string;
  color?: string;
}

/** Everything a panel renderer is handed. */
export interface PanelData {
  state: "loading" | "done" | "error";
  error?: string;
  series: SeriesFrame[];
  logs?: LogRow[];
  /** Unix milliseconds. */
  timeRange: { from: number; to: number };
  annotations?: Annotation[];
}

/** The props of every panel renderer (`ui/components/dashboards/panels/`). */
export interface PanelProps {
  panel: Panel;
  data: PanelData;
  /** The panel body's size in CSS pixels (without the title bar). */
  width: number;
  height: number;
  /** Called when the user drags across a time-based panel to zoom. */
  onTimeRangeChange?(from: number, to: number): void;
}

/** A template variable as the dashboard's `templating.list` stores it. */
export interface Variable {
  name: string;
  type: "query" | "custom" | "interval" | "constant" | "textbox" | "datasource" | "adhoc" | string;
  label?: string;
  hide?: number;
  query?: unknown;
  definition?: string;
  regex?: string;
  multi?: boolean;
  includeAll?: boolean;
  allValue?: string | null;
  current?: { text?: string | string[]; value?: string | string[]; selected?: boolean };
  options?: { text: string; value: string; selected?: boolean }[];
  refresh?: number;
  sort?: number;
  auto?: boolean;
  auto_count?: number;
  auto_min?: string;
  datasource?: unknown;
  [other: string]: unknown;
}

/** A dashboard as stored: Grafana's classic JSON. */
export interface DashboardModel {
  uid?: string;
  title: string;
  tags?: string[];
  timezone?: string;
  time?: { from: string; to: string };
  refresh?: string | false;
  schemaVersion?: number;
  version?: number;
  panels?: Panel[];
  /** Pre-5.0 dashboards keep panels in rows; migration moves them into `panels`. */
  rows?: unknown[];
  templating?: { list: Variable[] };
  annotations?: { list: unknown[] };
  __inputs?: unknown[];
  [other: string]: unknown;
}

/** Props of the panel editor (`ui/components/dashboards/PanelEditor.tsx`). */
export interface PanelEditorProps {
  panel: Panel;
  /** The dashboard's variables, for the query editor's completion of `$name`. */
  variables: Variable[];
  onApply(panel: Panel): void;
  onCancel(): void;
}
