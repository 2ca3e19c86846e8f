/**
 * The agent's log sources: one file source per `logs` entry, its stages compiled in front of
 * the NATS sink's log batcher, and the stages' `metrics` counters written into the metric path
 * once per interval (as a host collector's samples are).
 */
import { logger } from "../shared/log/log.ts";
import type { Registry } from "../shared/metrics/registry.ts";
import { labelsFromRecord } from "../shared/model/labels.ts";
import { nextPhase, nextSlot, sleepUntil } from "../shared/runtime/schedule.ts";
import type { LogSourceConfig } from "./config/logs.ts";
import { ConfiguredFiles } from "./logs_overlap.ts";
import { ComponentMetrics, type LogConsumer, type SampleConsumer } from "./pipeline/component.ts";
import { SeriesEmitter } from "./pipeline/emitter.ts";
import { FileSource } from "./sources/file/source.ts";
import { compileStages, type LogProcessor } from "./sources/file/stages/stages.ts";
import type { ServiceLogs } from "./sources/integrations/service_logs.ts";

const log = logger("logs");

/** Options of {@link LogSources}. */
export interface LogSourcesOptions {
  sources: readonly LogSourceConfig[];
  /** Where records go: the log batcher. */
  consumer: LogConsumer;
  /** Where the stages' metric samples go: the metric path (aggregate transform or batcher). */
  samples: SampleConsumer;
  externalLabels: Readonly<Record<string, string>>;
  registry: Registry;
  /** Folder of the checkpoint files (the spool's). */
  dataDir: string;
  /** How often the stages' counters are written. */
  metricsIntervalMs: number;
}

interface Running {
  source: FileSource;
  processor: LogProcessor;
  emitter: SeriesEmitter | null;
}

/**
 * How often, at most, a full collection runs while lines flow. Each line is a string that
 * lives for a moment; left to the allocation-driven collector, the heap grows to ~100 MB at
 * 10,000 lines/s, where a full collection each second keeps it near 80 MB for ~0.6 % of a core
 * (bench/logs_agent.ts). An idle agent pays nothing: no lines, no collection.
 */
const GC_EVERY_MS = 1_000;

/**
 * Every configured file source with its stages, and those detected services bring
 * (`add`/`remove`, the integrations' ServiceLogs seam).
 */
export class LogSources implements ServiceLogs {
  private readonly running: Running[];
  /** Sources added by integrations, by service key. */
  private readonly services = new Map<string, Running[]>();
  private signal: AbortSignal | null = null;
  private metricsLooping = false;
  private readonly consumer: LogConsumer;
  private stopped = false;
  private linesSinceGc = 0;
  private gcTimer: ReturnType<typeof setInterval> | null = null;
  /** The `logs` section's files, which a service's sources leave to it. */
  private readonly configured: ConfiguredFiles;

  constructor(private readonly opts: LogSourcesOptions) {
    this.configured = new ConfiguredFiles(opts.sources);
    const sink = opts.consumer;
    this.consumer = {
      pushLogs: (records, origin) => {
        this.linesSinceGc += records.length;
        return sink.pushLogs(records, origin);
      },
      pendingLogs: sink.pendingLogs && (() => sink.pendingLogs!()),
    };
    this.running = opts.sources.map((config) => this.build(config));
  }

  /** Starts tailing and, when a source counts metrics, the loop that ships them. */
  start(signal: AbortSignal): void {
    this.signal = signal;
    const all = this.all();
    for (const r of all) void r.source.start(signal);
    if (all.some((r) => r.emitter)) this.startMetrics(signal);
    if (all.length > 0) this.startGc();
  }

  /** The configured sources and those services added. */
  private all(): Running[] {
    return [...this.running, ...[...this.services.values()].flat()];
  }

  /** The GC timer, from the first source on: an agent tailing nothing wakes for nothing. */
  private startGc(): void {
    if (this.gcTimer !== null) return;
    this.gcTimer = setInterval(() => {
      if (this.linesSinceGc === 0) return;
      this.linesSinceGc = 0;
      Bun.gc(true);
    }, GC_EVERY_MS);
  }

  /**
   * Stops tailing at the agent's shutdown (each source writes its checkpoint); the stage
   * metrics get no staleness markers, as Prometheus writes none when it stops.
   */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.gcTimer) clearInterval(this.gcTimer);
    const all = this.all();
    this.services.clear();
    await Promise.all(all.map((r) => r.source.stop()));
  }

  /**
   * Starts tailing a detected service's log sources, but for files the `logs` section already
   * tails (returned, with the entry that tails each); a key already tailed is left as it is.
   */
  add(key: string, sources: readonly LogSourceConfig[]): { file: string; by: string }[] {
    if (this.stopped || this.services.has(key)) return [];
    const { kept, skipped } = this.configured.without(sources);
    const running = kept.map((config) => this.build(config));
    this.services.set(key, running);
    if (this.signal === null) return skipped; // start() starts them
    for (const r of running) void r.source.start(this.signal);
    if (running.some((r) => r.emitter)) this.startMetrics(this.signal);
    if (running.length > 0) this.startGc();
    return skipped;
  }

  /** Stops tailing a gone service's logs (checkpoints written) and marks its metrics stale (`markStale`). */
  async remove(key: string, markStale = true): Promise<void> {
    const running = this.services.get(key);
    if (!running) return;
    this.services.delete(key);
    await Promise.all(running.map((r) => r.source.stop()));
    if (markStale) for (const r of running) r.emitter?.stop(Date.now());
  }

  private startMetrics(signal: AbortSignal): void {
    if (this.metricsLooping) return;
    this.metricsLooping = true;
    void this.metricsLoop(signal);
  }

  private build(config: LogSourceConfig): Running {
    const { registry } = this.opts;
    const id = `file_${config.name}`;
    const processor = compileStages(config.stages, { registry, sourceId: id });
    // External labels (host, region, …) are stream labels too; the source's own win.
    const labels = { ...this.opts.externalLabels, ...config.labels };
    const source = new FileSource({
      id,
      config: { ...config, labels },
      consumer: this.consumer,
      registry,
      dataDir: this.opts.dataDir,
      process: config.stages.length > 0 ? (records) => processor.process(records) : undefined,
    });
    const emitter = processor.hasMetrics
      ? new SeriesEmitter({
          targetLabels: labelsFromRecord({ ...this.opts.externalLabels, job: config.name }),
          consumer: this.opts.samples,
          component: new ComponentMetrics(registry, `${id}_metrics`, "source", "file"),
        })
      : null;
    return { source, processor, emitter };
  }

  private async metricsLoop(signal: AbortSignal): Promise<void> {
    const interval = this.opts.metricsIntervalMs;
    let at = nextPhase("log-stage-metrics", interval, Date.now());
    while (!signal.aborted && !this.stopped) {
      await sleepUntil(at, signal);
      if (signal.aborted || this.stopped) return;
      const now = Date.now();
      for (const r of this.all()) {
        if (!r.emitter) continue;
        try {
          r.emitter.begin(now);
          r.processor.collectMetrics(r.emitter, now);
          r.emitter.finish();
        } catch (err) {
          log.error("Cannot write log stage metrics", { error: String(err) });
        }
      }
      at = nextSlot(at, interval, Date.now());
    }
  }
}
