/**
 * The rules Sloth generates for an SLO, as data: per SLO a group of SLI error-ratio recording
 * rules (one per alert window, the period's computed from the shortest), a group of metadata
 * rules (objective, budget, burn rates, budget remaining, `sloth_slo_info`) and a group with
 * the page and ticket multi-window multi-burn-rate alerts. Series names, labels, expressions
 * and group names are Sloth's, so dashboards built for Sloth read them unchanged.
 */

import { goQuote } from "../../shared/model/go_string.ts";
import { formatDuration } from "../../shared/time/duration.ts";
import { formatGoFloat } from "../promql/parser/go_format.ts";
import { formatGoG } from "./go_float.ts";
import type { AlertSpec, LocatedMap, ServiceSpec, SloSpec } from "./model.ts";
import { renderWindow } from "./query_template.ts";
import {
  type AlertWindows,
  alertWindowList,
  type BurnWindow,
  burnFactor,
  PERIODS,
} from "./windows.ts";

/** One generated rule, as it is written in the rule file. */
export interface GeneratedRule {
  readonly record?: string;
  readonly alert?: string;
  readonly expr: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
}

/** One generated group and the SLO it came from. */
export interface GeneratedGroup {
  readonly name: string;
  /** Evaluation interval in ms from the spec's `interval`; undefined: the global one. */
  readonly interval: number | undefined;
  readonly rules: readonly GeneratedRule[];
  readonly slo: SloSpec;
}

/** How to generate: the SLO period, labels added to every recording rule, info labels. */
export interface GenerateOptions {
  /** `30d` (Sloth's default) or `28d`. */
  readonly period?: string;
  /** Labels added to every SLO's recording rules, as Sloth's `--extra-labels`. */
  readonly extraLabels?: Readonly<Record<string, string>>;
  /** `sloth_version` of `sloth_slo_info`. */
  readonly version?: string;
  /** `sloth_mode` of `sloth_slo_info`. */
  readonly mode?: string;
}

/** Sloth's `sloth_mode` for rules written by its CLI, which `outpost slo generate` is. */
export const DEFAULT_MODE = "cli-gen-prom";

/** `sloth_version` of the rules Outpost generates (Sloth writes its own version there). */
export const DEFAULT_VERSION = "outpost";

/** Generates every group of a validated spec, SLO by SLO in file order. */
export function generateGroups(spec: ServiceSpec, options: GenerateOptions = {}): GeneratedGroup[] {
  const windows = PERIODS[options.period ?? "30d"];
  if (windows === undefined)
    throw new RangeError(`Cannot generate SLOs: no alert windows for period "${options.period}"`);
  return spec.slos.flatMap((slo) => sloGroups(spec, slo, windows, options));
}

function sloGroups(
  spec: ServiceSpec,
  slo: SloSpec,
  w: AlertWindows,
  o: GenerateOptions,
): GeneratedGroup[] {
  const id = `${spec.service.value}-${slo.name.value}`;
  const idLabels = { sloth_id: id, sloth_service: spec.service.value, sloth_slo: slo.name.value };
  const labels = { ...idLabels, ...plain(spec.labels), ...plain(slo.labels), ...o.extraLabels };
  const filter = `{${Object.entries(idLabels)
    .map(([k, v]) => `${k}=${goQuote(v)}`)
    .join(", ")}}`;
  const ctx = { slo, w, labels, filter };
  const all = slo.interval.all;
  const groups: GeneratedGroup[] = [
    {
      name: `sloth-slo-sli-recordings-${id}`,
      interval: slo.interval.sliError ?? all,
      rules: sliRules(ctx),
      slo,
    },
    {
      name: `sloth-slo-meta-recordings-${id}`,
      interval: slo.interval.metadata ?? all,
      rules: metaRules(ctx, spec, o),
      slo,
    },
  ];
  const alerts = alertRules(ctx);
  if (alerts.length > 0)
    groups.push({
      name: `sloth-slo-alerts-${id}`,
      interval: slo.interval.alert ?? all,
      rules: alerts,
      slo,
    });
  return groups;
}

interface Context {
  readonly slo: SloSpec;
  readonly w: AlertWindows;
  /** The SLO's identifying labels merged with the spec's, the SLO's and the extra labels. */
  readonly labels: Record<string, string>;
  /** `{sloth_id="…", sloth_service="…", sloth_slo="…"}` */
  readonly filter: string;
}

const sliMetric = (window: number) => `slo:sli_error:ratio_rate${formatDuration(window)}`;

function sliRules(c: Context): GeneratedRule[] {
  const rules = alertWindowList(c.w).map((window) => ({
    record: sliMetric(window),
    expr: renderWindow(sliTemplate(c.slo), formatDuration(window)),
    labels: { ...c.labels, sloth_window: formatDuration(window) },
  }));
  // The period's ratio is the mean of the shortest window's ratios, not a 30-day range query.
  const short = sliMetric(c.w.pageQuick.short);
  const period = formatDuration(c.w.period);
  const selector = `${short}${c.filter}[${period}]`;
  rules.push({
    record: sliMetric(c.w.period),
    expr: `sum_over_time(${selector})\n/ ignoring (sloth_window)\ncount_over_time(${selector})\n`,
    labels: { ...c.labels, sloth_window: period },
  });
  return rules;
}

function sliTemplate(slo: SloSpec): string {
  const sli = slo.sli!;
  if (sli.kind === "raw") return `(${sli.errorRatioQuery.value})`;
  return `(${sli.errorQuery.value})\n/\n(${sli.totalQuery.value})\n`;
}

function metaRules(c: Context, spec: ServiceSpec, o: GenerateOptions): GeneratedRule[] {
  const ratio = formatGoG(c.slo.objective.value / 100);
  const burnRate = (metric: string) =>
    `${metric}${c.filter}\n/ on(sloth_id, sloth_slo, sloth_service) group_left\nslo:error_budget:ratio${c.filter}\n`;
  const info = {
    ...c.labels,
    ...plain(c.slo.infoLabels),
    sloth_version: o.version ?? DEFAULT_VERSION,
    sloth_mode: o.mode ?? DEFAULT_MODE,
    sloth_spec: spec.version.value,
    sloth_objective: formatGoFloat(c.slo.objective.value),
  };
  return [
    { record: "slo:objective:ratio", expr: `vector(${ratio})`, labels: c.labels },
    { record: "slo:error_budget:ratio", expr: `vector(1-${ratio})`, labels: c.labels },
    {
      record: "slo:time_period:days",
      expr: `vector(${formatGoG(c.w.period / 86_400_000)})`,
      labels: c.labels,
    },
    {
      record: "slo:current_burn_rate:ratio",
      expr: burnRate(sliMetric(c.w.pageQuick.short)),
      labels: c.labels,
    },
    {
      record: "slo:period_burn_rate:ratio",
      expr: burnRate(sliMetric(c.w.period)),
      labels: c.labels,
    },
    {
      record: "slo:period_error_budget_remaining:ratio",
      expr: `1 - slo:period_burn_rate:ratio${c.filter}`,
      labels: c.labels,
    },
    { record: "sloth_slo_info", expr: "vector(1)", labels: info },
  ];
}

function alertRules(c: Context): GeneratedRule[] {
  const a = c.slo.alerting;
  const rules: GeneratedRule[] = [];
  const pairs: [string, AlertSpec, BurnWindow, BurnWindow][] = [
    ["page", a.page, c.w.pageQuick, c.w.pageSlow],
    ["ticket", a.ticket, c.w.ticketQuick, c.w.ticketSlow],
  ];
  for (const [severity, spec, quick, slow] of pairs) {
    if (spec.disable) continue;
    rules.push({
      alert: a.name.value,
      expr: mwmbExpr(c, quick, slow),
      labels: { sloth_severity: severity, ...plain(a.labels), ...plain(spec.labels) },
      annotations: {
        title: `(${severity}) {{$labels.sloth_service}} {{$labels.sloth_slo}} SLO error budget burn rate is too fast.`,
        summary:
          "{{$labels.sloth_service}} {{$labels.sloth_slo}} SLO error budget burn rate is over expected.",
        ...plain(a.annotations),
        ...plain(spec.annotations),
      },
    });
  }
  return rules;
}

/** `(quick short > f·b and quick long > f·b) or (slow short … and slow long …)`, as Sloth writes it. */
function mwmbExpr(c: Context, quick: BurnWindow, slow: BurnWindow): string {
  const budget = formatGoG((100 - c.slo.objective.value) / 100);
  const over = (window: number, w: BurnWindow) =>
    `    max(${sliMetric(window)}${c.filter} > (${formatGoG(burnFactor(c.w, w))} * ${budget})) without (sloth_window)`;
  const pair = (w: BurnWindow) => `(\n${over(w.short, w)}\n    and\n${over(w.long, w)}\n)`;
  return `${pair(quick)}\nor\n${pair(slow)}\n`;
}

function plain(map: LocatedMap): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of map) out[key] = value.value;
  return out;
}
