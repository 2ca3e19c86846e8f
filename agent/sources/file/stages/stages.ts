import type { LogRecord } from "../../../../shared/model/log.ts";
import type { MetricWriter } from "../../../pipeline/emitter.ts";
import { Entry } from "./entry.ts";
import { compileOutput, compileStructuredMetadata } from "./fields.ts";
import { compileFilter } from "./filter.ts";
import { compileJson } from "./json.ts";
import { compileLabels, compileStaticLabels } from "./labels.ts";
import { compileLevel } from "./level.ts";
import { compileLogfmt } from "./logfmt.ts";
import { compileMap } from "./map.ts";
import { compileMetrics, type MetricsStage } from "./metrics.ts";
import { compileRegexStage } from "./regex.ts";
import { STAGE_TYPES, type StageConfig, type StagesConfig } from "./schema.ts";
import { type Stage, StageContext, type StageDeps } from "./stage.ts";
import { compileSyslog } from "./syslog.ts";
import { compileTimestamp } from "./timestamp.ts";

export { type StageConfig, type StagesConfig, stageSchema, stagesSchema } from "./schema.ts";

/** A compiled pipeline of stages for one file source. */
export interface LogProcessor {
  /**
   * Runs every stage on each record, in order, and returns the records kept, with their new
   * time, labels, line and fields. A record no stage changed is returned as the same object.
   * Never throws on bad input: problems are counted per stage. `nowMs` is the time
   * `older_than` and metric idleness measure from.
   */
  process(records: readonly LogRecord[], nowMs?: number): LogRecord[];
  /** Whether the pipeline has a `metrics` stage, i.e. whether collectMetrics() writes anything. */
  readonly hasMetrics: boolean;
  /**
   * Writes the current value of every `metrics` stage counter (as families and samples, like
   * a host collector) and drops series idle past their max_idle_duration. Call it between
   * an emitter's begin() and finish(), once per interval.
   */
  collectMetrics(w: MetricWriter, nowMs?: number): void;
}

/** Compiles validated stage configs (see {@link stagesSchema}) into a processor. */
export function compileStages(config: StagesConfig, deps: StageDeps): LogProcessor {
  const stages: Stage[] = [];
  const metrics: MetricsStage[] = [];
  config.forEach((stage, index) => {
    const compiled = compileStage(stage, index, deps);
    stages.push(compiled.stage);
    if (compiled.metrics !== null) metrics.push(compiled.metrics);
  });
  const entry = new Entry();
  return {
    hasMetrics: metrics.length > 0,
    process(records: readonly LogRecord[], nowMs = Date.now()): LogRecord[] {
      if (stages.length === 0) return records.slice();
      const out: LogRecord[] = [];
      for (let r = 0; r < records.length; r++) {
        entry.reset(records[r], nowMs);
        let kept = true;
        for (let s = 0; s < stages.length && kept; s++) kept = stages[s].run(entry);
        if (kept) out.push(entry.toRecord());
      }
      return out;
    },
    collectMetrics(w: MetricWriter, nowMs = Date.now()): void {
      for (const m of metrics) m.collect(w, nowMs);
    },
  };
}

/** Compiles one validated stage at position `index` (the processor's building block; tests use it). */
export function compileStage(
  config: StageConfig,
  index: number,
  deps: StageDeps,
): { stage: Stage; metrics: MetricsStage | null } {
  const type = STAGE_TYPES.find((t) => config[t] !== undefined);
  if (type === undefined) throw new TypeError(`Cannot compile stage ${index}: it names no stage`);
  const ctx = new StageContext(deps, type, index);
  if (type === "metrics") {
    const stage = compileMetrics(config.metrics!, ctx);
    return { stage, metrics: stage };
  }
  return { stage: compileOther(config, type, ctx), metrics: null };
}

function compileOther(config: StageConfig, type: string, ctx: StageContext): Stage {
  switch (type) {
    case "json":
      return compileJson(config.json!, ctx);
    case "logfmt":
      return compileLogfmt(config.logfmt!, ctx);
    case "regex":
      return compileRegexStage(config.regex!, ctx);
    case "timestamp":
      return compileTimestamp(config.timestamp!, ctx);
    case "map":
      return compileMap(config.map!);
    case "labels":
      return compileLabels(config.labels!, ctx);
    case "static_labels":
      return compileStaticLabels(config.static_labels!);
    case "level":
      return compileLevel(config.level!);
    case "drop":
      return compileFilter(config.drop!, false, ctx);
    case "keep":
      return compileFilter(config.keep!, true, ctx);
    case "output":
      return compileOutput(config.output!);
    case "syslog":
      return compileSyslog(config.syslog!, ctx);
    default:
      return compileStructuredMetadata(config.structured_metadata!);
  }
}
