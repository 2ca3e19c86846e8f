/**
 * A panel's targets as queries to Outpost and their answers as frames for the renderers: the
 * step from the panel's width and minimum interval (Grafana's rules), variables and ad hoc
 * filters written in, range or instant, legends applied, points capped at the panel's width;
 * Loki targets through the logs API (lines for a logs panel, series for metric LogQL).
 */
import { type AdhocFilter, applyAdhocFilters } from "./adhoc.ts";
import { targetLanguage } from "./datasources.ts";
import { interpolate, type Scope } from "./interpolate.ts";
import { DEFAULT_SCRAPE_MS, minIntervalMs, panelInterval, timeBuiltins } from "./intervals.ts";
import type { LogRow, Panel, SeriesFrame, Target } from "./types.ts";
import { formatLabels } from "./variable_query.ts";

/** A label set as the APIs return it. */
export type ApiLabels = { name: string; value: string }[];

/** The calls panel queries need; the page backs them with QueryService and LogsService. */
export interface PanelQueryApi {
  range(
    q: string,
    startMs: number,
    endMs: number,
    stepMs: number,
    signal?: AbortSignal,
  ): Promise<{ labels: ApiLabels; times: number[]; values: number[] }[]>;
  instant(
    q: string,
    timeMs: number,
    signal?: AbortSignal,
  ): Promise<{ labels: ApiLabels; time: number; value: number }[]>;
  logs(
    q: string,
    startMs: number,
    endMs: number,
    stepMs: number,
    limit: number,
    signal?: AbortSignal,
  ): Promise<
    | {
        kind: "streams";
        streams: { labels: ApiLabels; entries: { timeNs: string; line: string }[] }[];
      }
    | { kind: "series"; series: { labels: ApiLabels; times: number[]; values: number[] }[] }
  >;
}

/** One query of a panel, ready to send. */
export interface PlannedQuery {
  refId: string;
  language: "promql" | "logql";
  expr: string;
  instant: boolean;
  legendFormat?: string;
  startMs: number;
  endMs: number;
  stepMs: number;
}

/** What the plan of a panel needs besides the panel. */
export interface PlanContext {
  range: { from: number; to: number };
  /** The panel body's width in px: the most points a series can show. */
  widthPx: number;
  scope: Scope;
  filters: AdhocFilter[];
  loki: Set<string>;
}

const toObject = (labels: ApiLabels) => Object.fromEntries(labels.map((l) => [l.name, l.value]));

/** The series name: legendFormat with `{{label}}` filled in, else the labels as PromQL prints them. */
export function legendName(
  labels: Record<string, string>,
  legendFormat: string | undefined,
  expr: string,
): string {
  if (legendFormat && legendFormat !== "__auto") {
    return legendFormat.replace(/\{\{\s*(.+?)\s*\}\}/g, (_, name: string) => labels[name] ?? "");
  }
  return Object.keys(labels).length === 0 ? expr : formatLabels(labels).replace(/^\{\}$/, expr);
}

/** True when a target asks for one value per series rather than a range. */
export function isInstant(t: Target): boolean {
  if (t.range === true) return false;
  return t.instant === true || t.format === "table";
}

/** The queries of a panel (hidden and empty targets left out). */
export function planPanel(panel: Panel, ctx: PlanContext): PlannedQuery[] {
  const rangeMs = Math.max(1, ctx.range.to - ctx.range.from);
  const points = Math.max(1, Math.min(panel.maxDataPoints ?? ctx.widthPx, ctx.widthPx));
  const out: PlannedQuery[] = [];
  for (const t of panel.targets ?? []) {
    if (t.hide === true || typeof t.expr !== "string" || t.expr.trim() === "") continue;
    const min = Math.max(
      minIntervalMs(interpolate(panel.interval ?? "", ctx.scope)),
      minIntervalMs(interpolate(String(t.interval ?? ""), ctx.scope)),
    );
    const interval = panelInterval(rangeMs, points, min);
    const stepMs = interval * Math.max(1, Number(t.intervalFactor) || 1);
    const scrape = min > 0 ? min : DEFAULT_SCRAPE_MS;
    const builtins: Scope = {};
    for (const [k, v] of Object.entries(timeBuiltins(ctx.range, interval, scrape)))
      builtins[k] = { values: [v], multi: false, raw: true };
    const language = targetLanguage(t, panel, ctx.loki);
    let expr = interpolate(t.expr, { ...ctx.scope, ...builtins });
    if (language === "promql") expr = applyAdhocFilters(expr, ctx.filters);
    // The first step on a multiple of the step and the last at or after `to`, so the newest samples count.
    const instant = isInstant(t) && language === "promql";
    const startMs = instant ? ctx.range.to : Math.floor(ctx.range.from / stepMs) * stepMs;
    const endMs = instant ? ctx.range.to : Math.ceil(ctx.range.to / stepMs) * stepMs;
    const legendFormat =
      typeof t.legendFormat === "string" ? interpolate(t.legendFormat, ctx.scope) : undefined;
    out.push({ refId: t.refId, language, expr, instant, legendFormat, startMs, endMs, stepMs });
  }
  return out;
}

/**
 * A time series panel's x axis, Unix seconds: the dashboard's range, widened on the right to
 * the newest point (`lastS`, null without data). planPanel puts a range query's last step at or
 * after `to`, so the newest samples count: that point lies up to one step (about a pixel of the
 * panel) past `to`. Clipped, it took with it every point of a series whose samples all fall in
 * that step, as a host's do in its first minutes after `outpost up`: a 24 h chart drew an empty
 * plot, its y axis 0 to 1, beside a legend with values.
 */
export function timeAxis(fromMs: number, toMs: number, lastS: number | null): [number, number] {
  const to = toMs / 1000;
  return [fromMs / 1000, lastS !== null && lastS > to ? lastS : to];
}

/** Samples on the step grid from start to end, null where a step has no sample. */
export function onGrid(
  times: number[],
  values: number[],
  startMs: number,
  endMs: number,
  stepMs: number,
) {
  const n = Math.floor((endMs - startMs) / stepMs) + 1;
  const gridTimes = new Array<number>(n);
  const gridValues = new Array<number | null>(n).fill(null);
  for (let i = 0; i < n; i++) gridTimes[i] = startMs + i * stepMs;
  for (let i = 0; i < times.length; i++) {
    const at = Math.round((times[i] - startMs) / stepMs);
    if (at >= 0 && at < n && Number.isFinite(values[i])) gridValues[at] = values[i];
  }
  return { times: gridTimes, values: gridValues };
}

/**
 * At most `max` points: the points fall in `max` equal buckets and each bucket keeps the sample
 * farthest from the bucket's mean, so spikes stay visible; a bucket without samples keeps a gap.
 * The kept value is placed at its bucket's first time, whichever sample it is: every series on
 * one grid then keeps the same times. Give it series on the step grid (onGrid), where a
 * bucket's times are evenly spaced. Placed at their own samples' times, the series of a
 * stacked panel (Node Exporter Full's CPU Basic) each kept other times, and at each time the
 * series without a point there dropped out of the stack: spikes to 100 % and white slits.
 */
export function capPoints(times: number[], values: (number | null)[], max: number) {
  if (times.length <= max || max < 1) return { times, values };
  const outT: number[] = [];
  const outV: (number | null)[] = [];
  const size = times.length / max;
  for (let b = 0; b < max; b++) {
    const lo = Math.floor(b * size);
    const hi = Math.min(times.length, Math.floor((b + 1) * size));
    let sum = 0;
    let count = 0;
    for (let i = lo; i < hi; i++) {
      if (values[i] === null) continue;
      sum += values[i] as number;
      count++;
    }
    let pick = -1;
    if (count > 0) {
      const mean = sum / count;
      for (let i = lo; i < hi; i++) {
        if (
          values[i] !== null &&
          (pick < 0 ||
            Math.abs((values[i] as number) - mean) > Math.abs((values[pick] as number) - mean))
        )
          pick = i;
      }
    }
    outT.push(times[lo]);
    outV.push(pick >= 0 ? values[pick] : null);
  }
  return { times: outT, values: outV };
}

/** Everything a panel's queries answered. */
export interface PanelAnswer {
  series: SeriesFrame[];
  logs?: LogRow[];
}

/** Runs one planned query. */
async function runOne(
  q: PlannedQuery,
  api: PanelQueryApi,
  maxPoints: number,
  logLimit: number,
  signal?: AbortSignal,
): Promise<PanelAnswer> {
  const frame = (labels: ApiLabels, times: number[], values: (number | null)[]): SeriesFrame => {
    const l = toObject(labels);
    return {
      refId: q.refId,
      name: legendName(l, q.legendFormat, q.expr),
      labels: l,
      times,
      values,
    };
  };
  if (q.language === "logql") {
    const res = await api.logs(q.expr, q.startMs, q.endMs, q.stepMs, logLimit, signal);
    if (res.kind === "streams") {
      const logs = res.streams.flatMap((s) =>
        s.entries.map((e) => ({
          refId: q.refId,
          timeNs: e.timeNs,
          line: e.line,
          labels: toObject(s.labels),
        })),
      );
      logs.sort((a, b) => (BigInt(b.timeNs) > BigInt(a.timeNs) ? 1 : -1));
      return { series: [], logs };
    }
    return {
      // On the step grid first, as PromQL's: the cap keeps one time per bucket, which only
      // stands for the bucket's samples when they are evenly spaced.
      series: res.series.map((s) => {
        const g = onGrid(s.times, s.values, q.startMs, q.endMs, q.stepMs);
        const c = capPoints(g.times, g.values, maxPoints);
        return frame(s.labels, c.times, c.values);
      }),
    };
  }
  if (q.instant) {
    const res = await api.instant(q.expr, q.endMs, signal);
    return {
      series: res.map((s) =>
        frame(s.labels, [s.time], [Number.isFinite(s.value) ? s.value : null]),
      ),
    };
  }
  const res = await api.range(q.expr, q.startMs, q.endMs, q.stepMs, signal);
  return {
    series: res.map((s) => {
      const g = onGrid(s.times, s.values, q.startMs, q.endMs, q.stepMs);
      const c = capPoints(g.times, g.values, maxPoints);
      return frame(s.labels, c.times, c.values);
    }),
  };
}

/** Runs a panel's queries at once and joins their answers in target order. */
export async function runPanel(
  plan: PlannedQuery[],
  api: PanelQueryApi,
  maxPoints: number,
  signal?: AbortSignal,
  logLimit = 1000,
): Promise<PanelAnswer> {
  const answers = await Promise.all(plan.map((q) => runOne(q, api, maxPoints, logLimit, signal)));
  const logs = answers.flatMap((a) => a.logs ?? []);
  return {
    series: answers.flatMap((a) => a.series),
    ...(plan.some((q) => q.language === "logql") ? { logs } : {}),
  };
}
