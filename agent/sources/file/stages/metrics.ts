import { z } from "zod";
import { duration, labelName } from "../../../../shared/config/fields.ts";
import type { MetricWriter } from "../../../pipeline/emitter.ts";
import type { Entry } from "./entry.ts";
import { MAX_VALUE_SERIES, StageSeries } from "./metrics_series.ts";
import type { Stage, StageContext } from "./stage.ts";

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;

/** One metric of a `metrics` stage: Promtail's metric_counter or metric_histogram, plus a label subset. */
const counterSchema = z
  .object({
    type: z
      .enum(["Counter", "counter", "Histogram", "histogram"])
      .describe("Counter, or Histogram (observes its source's value; needs buckets). No gauges."),
    buckets: z
      .array(z.number())
      .min(1)
      .optional()
      .describe("A histogram's upper bounds, increasing; +Inf is added."),
    description: z.string().default("").describe("The metric's HELP text."),
    prefix: z.string().default("outpost_logs_").describe("Put before the metric's name."),
    source: z
      .string()
      .min(1)
      .optional()
      .meta({ "x-default": "the metric's name" })
      .describe("Extracted value (or stream label) the counter reads; unused with match_all."),
    scale: z
      .number()
      .positive()
      .default(1)
      .describe(
        "Multiplies the source's value before it is added or observed: 0.001 turns a log's milliseconds into seconds, 0.000001 its microseconds.",
      ),
    labels: z
      .array(labelName())
      .optional()
      .meta({ "x-default": "all stream labels" })
      .describe(
        "Stream labels the metric keeps, as they stand at this stage; the others are summed away.",
      ),
    value_labels: z
      .array(labelName())
      .default([])
      .describe(
        `Extracted values that become labels of this metric only, not of the log stream (an HTTP status: no new streams). An absent value leaves its label out. A metric keeps at most ${MAX_VALUE_SERIES} label sets from them; entries with a new one past that are not counted (counted as errors, reason too_many_series).`,
      ),
    max_idle_duration: duration()
      .prefault("5m")
      .describe("A series not updated for this long is dropped (its staleness marker is sent)."),
    config: z
      .object({
        match_all: z
          .boolean()
          .default(false)
          .describe("Count every entry, whatever its extracted values."),
        count_entry_bytes: z
          .boolean()
          .default(false)
          .describe("With match_all and action add: add the line's length in bytes."),
        value: z.string().optional().describe("Count only entries whose source equals this."),
        action: z
          .enum(["inc", "add"])
          .optional()
          .meta({ "x-default": "required for a counter" })
          .describe(
            "A counter's action: inc adds 1 per entry; add adds the source's value, a number ≥ 0. A histogram has none.",
          ),
      })
      .strict()
      .describe("What the counter counts."),
  })
  .strict();

/** Config of the `metrics` stage: metric name → counter. */
export const metricsStageSchema = z
  .record(z.string().min(1), counterSchema)
  .superRefine((metrics, ctx) => {
    for (const [name, m] of Object.entries(metrics)) {
      const { match_all, count_entry_bytes, action, value } = m.config;
      const issue = (message: string, path: string[] = ["config"]) =>
        ctx.addIssue({ code: "custom", path: [name, ...path], message });
      if (!METRIC_NAME.test(m.prefix + name))
        issue(`"${m.prefix}${name}" is not a valid metric name`, []);
      if (isHistogram(m)) {
        const b = m.buckets ?? [];
        if (b.length === 0) issue("a histogram needs buckets", []);
        if (b.some((x, i) => i > 0 && x <= b[i - 1])) issue("buckets must increase", ["buckets"]);
        if (match_all || action !== undefined || count_entry_bytes)
          issue("a histogram observes its source: drop match_all, count_entry_bytes and action");
        continue;
      }
      if (m.buckets !== undefined) issue("buckets are for histograms", ["buckets"]);
      if (action === undefined) issue("a counter needs action: inc or add");
      if (count_entry_bytes && (!match_all || action !== "add")) {
        issue("count_entry_bytes needs match_all: true and action: add");
      } else if (match_all && action === "add" && !count_entry_bytes) {
        issue("with match_all, action add needs count_entry_bytes: true (add what?)");
      }
      if (match_all && (value !== undefined || m.source !== undefined)) {
        issue("match_all counts every entry: drop source and value");
      }
    }
  })
  .describe(
    "Counters of entries (Promtail's metrics stage, counters only), sent as metric samples.",
  );

function isHistogram(m: { type: string }): boolean {
  return m.type === "Histogram" || m.type === "histogram";
}

/** The `metrics` stage's config as validated. */
export type MetricsStageConfig = z.output<typeof metricsStageSchema>;

/** A `metrics` stage: counts (or observes) entries as they pass and writes the metrics on request. */
export interface MetricsStage extends Stage {
  /** Writes every counter's series; drops series idle past their max_idle_duration. */
  collect(w: MetricWriter, nowMs: number): void;
}

/** Compiles a `metrics` stage. */
export function compileMetrics(config: MetricsStageConfig, ctx: StageContext): MetricsStage {
  const counters = Object.entries(config).map(([name, m]) => {
    const series = new StageSeries(
      m.prefix + name,
      m.description,
      m.labels ?? null,
      m.max_idle_duration,
      m.value_labels,
      isHistogram(m) ? (m.buckets ?? []) : null,
    );
    return { series, update: updater(name, m, ctx), name: m.prefix + name };
  });
  return {
    run(e: Entry): boolean {
      for (const c of counters) {
        const delta = c.update(e);
        if (delta >= 0 && !c.series.add(e, delta))
          ctx.error(
            "too_many_series",
            `${c.name} has ${MAX_VALUE_SERIES} series from value_labels`,
          );
      }
      return true;
    },
    collect(w: MetricWriter, nowMs: number): void {
      for (const c of counters) c.series.collect(w, nowMs, ctx.sourceId);
    },
  };
}

type Counter = MetricsStageConfig[string];

/** How much an entry adds to the counter (a histogram: the value it observes); -1 when it does not count. */
function updater(name: string, m: Counter, ctx: StageContext): (e: Entry) => number {
  const { match_all, count_entry_bytes, value } = m.config;
  const action = isHistogram(m) ? "add" : m.config.action;
  if (match_all) return count_entry_bytes ? (e) => Buffer.byteLength(e.line, "utf8") : () => 1;
  const source = m.source ?? name;
  return (e) => {
    const v = e.value(source);
    if (v === undefined || (value !== undefined && v !== value)) return -1;
    if (action === "inc") return 1;
    const n = Number(v);
    if (v.trim() === "" || !Number.isFinite(n) || n < 0) {
      ctx.error("not_a_count", `${source}="${v.slice(0, 40)}" is not a number ≥ 0 for ${name}`);
      return -1;
    }
    return n * m.scale;
  };
}
