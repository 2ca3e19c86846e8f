import { logger } from "../../../../shared/log/log.ts";
import type { Registry, Value } from "../../../../shared/metrics/registry.ts";
import type { Entry } from "./entry.ts";

const log = logger("log-stages");

/** One compiled processing stage. */
export interface Stage {
  /** Runs on one entry; returns false to drop it. Never throws on bad input: it counts it. */
  run(entry: Entry): boolean;
}

/** What the processor hands each stage's compiler. */
export interface StageDeps {
  registry: Registry;
  /** The file source's id, the `source` label of the stage self-metrics. */
  sourceId: string;
}

/** Warnings about one stage and reason are logged at most this often; the counter shows them all. */
const WARN_EVERY_MS = 60_000;

/**
 * Self-metrics and logging for one stage of one pipeline. Runtime problems are counted per
 * reason and warned about once a minute at most, since a bad pipeline meets them on every line.
 */
export class StageContext {
  private readonly errorChildren = new Map<string, Value>();
  private readonly lastWarn = new Map<string, number>();
  private readonly labels: Record<string, string>;

  constructor(
    private readonly deps: StageDeps,
    /** The stage's type, as written in the config (`json`, `drop`, …). */
    readonly type: string,
    /** Position of the stage in its pipeline, from 0. */
    readonly index: number,
  ) {
    this.labels = { source: deps.sourceId, stage: type, index: String(index) };
  }

  /** The registry stages that keep their own metrics (`labels`' overflow) register in. */
  get registry(): Registry {
    return this.deps.registry;
  }

  /** The source id, for stages' own metrics. */
  get sourceId(): string {
    return this.deps.sourceId;
  }

  /** The counter of lines this stage drops for `reason`; fetch it once, at compile time. */
  dropped(reason: string): Value {
    return this.deps.registry
      .counter(
        "outpost_agent_log_stage_dropped_total",
        "Log lines dropped by a processing stage, by stage and reason.",
        ["source", "stage", "index", "reason"],
      )
      .labels({ ...this.labels, reason });
  }

  /** Counts a line this stage could not process (left as it was) and warns now and then. */
  error(reason: string, detail: string): void {
    let child = this.errorChildren.get(reason);
    if (child === undefined) {
      child = this.deps.registry
        .counter(
          "outpost_agent_log_stage_errors_total",
          "Log lines a processing stage could not process and passed on unchanged, by reason.",
          ["source", "stage", "index", "reason"],
        )
        .labels({ ...this.labels, reason });
      this.errorChildren.set(reason, child);
    }
    child.inc();
    this.warn("Cannot process log line", reason, detail);
  }

  /** Logs a problem at most once a minute per reason, at debug level in between. */
  warn(message: string, reason: string, detail: string): void {
    const now = Date.now();
    const last = this.lastWarn.get(reason) ?? -Infinity;
    const fields = { ...this.labels, reason, detail };
    if (now - last < WARN_EVERY_MS) {
      log.debug(message, fields);
      return;
    }
    this.lastWarn.set(reason, now);
    log.warn(message, fields);
  }
}
