import { logger } from "../../../shared/log/log.ts";
import type { Registry } from "../../../shared/metrics/registry.ts";
import type { Labels } from "../../../shared/model/labels.ts";
import type { MemoryBudget } from "../../pipeline/budget.ts";
import { type Component, ComponentMetrics, type SampleConsumer } from "../../pipeline/component.ts";
import { compileRelabel } from "../../transforms/relabel/relabel.ts";
import { FileDiscovery } from "./file_sd.ts";
import type { ScrapeJob, TargetGroup } from "./job.ts";
import { ScrapeLoop } from "./loop.ts";
import { ScrapeMetrics } from "./metrics.ts";
import { buildTargets } from "./targets.ts";

const log = logger("prometheus");

/** Options of the Prometheus source beside its scrape jobs. */
export interface PrometheusSourceOptions {
  jobs: ScrapeJob[];
  externalLabels: Labels;
  /** Directory against which relative file_sd paths resolve (the config file's). */
  baseDir: string;
  registry: Registry;
  consumer: SampleConsumer;
  /** The agent's memory budget, which every scrape reserves from. */
  budget?: MemoryBudget;
}

/**
 * The `prometheus` source: discovers targets per job (static_configs, file_sd_configs),
 * applies target relabeling, and runs one ScrapeLoop per target. Target sets are re-synced when
 * discovery changes: new targets start, vanished ones stop with staleness markers.
 */
export class PrometheusSource implements Component {
  readonly id = "prometheus";
  private readonly loops = new Map<string, ScrapeLoop>();
  private readonly metrics: ScrapeMetrics;
  private readonly component: ComponentMetrics;
  private timers: ReturnType<typeof setInterval>[] = [];

  constructor(private readonly opts: PrometheusSourceOptions) {
    this.metrics = new ScrapeMetrics(opts.registry);
    this.component = new ComponentMetrics(opts.registry, this.id, "source", "prometheus");
  }

  /** Starts discovery and the scrape loops. */
  start(): void {
    for (const job of this.opts.jobs) this.startJob(job);
  }

  /** Stops every loop (each writes its staleness markers). */
  async stop(): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    await Promise.all([...this.loops.values()].map((l) => l.stop()));
    this.loops.clear();
  }

  /** Number of running scrape loops. */
  get targetCount(): number {
    return this.loops.size;
  }

  private startJob(job: ScrapeJob): void {
    const targetRelabel = compileRelabel(job.relabel_configs);
    const metricRelabel = job.metric_relabel_configs.length
      ? compileRelabel(job.metric_relabel_configs)
      : null;
    const staticGroups: TargetGroup[] = job.static_configs.map((s) => ({
      targets: s.targets,
      labels: s.labels,
    }));
    const files = job.file_sd_configs.map(
      (c) => new FileDiscovery(c, this.opts.baseDir, (m) => log.warn(m, { job: job.job_name })),
    );
    const sync = (force: boolean) => {
      let changed = force;
      const groups = [...staticGroups];
      for (const f of files) {
        const r = f.refresh();
        changed ||= r.changed;
        groups.push(...r.groups);
      }
      if (!changed) return;
      const targets = buildTargets(job, groups, targetRelabel, (m) =>
        log.warn(m, { job: job.job_name }),
      );
      this.syncJob(job, targets, metricRelabel);
    };
    sync(true);
    if (files.length > 0) {
      // Prometheus watches the files and re-reads them every refresh_interval; polling the
      // mtime every few seconds gives the same effect without inotify limits.
      const every = Math.min(5000, ...job.file_sd_configs.map((c) => c.refresh_interval));
      this.timers.push(setInterval(() => sync(false), every));
    }
  }

  private syncJob(
    job: ScrapeJob,
    targets: ReturnType<typeof buildTargets>,
    metricRelabel: ReturnType<typeof compileRelabel> | null,
  ): void {
    const wanted = new Set(targets.map((t) => t.key));
    for (const [key, loop] of this.loops) {
      if (loop.target.job === job && !wanted.has(key)) {
        this.loops.delete(key);
        void loop.stop();
      }
    }
    for (const target of targets) {
      if (this.loops.has(target.key)) continue;
      const loop = new ScrapeLoop(target, {
        consumer: this.opts.consumer,
        metrics: this.metrics,
        component: this.component,
        log,
        metricRelabel,
        externalLabels: this.opts.externalLabels,
        budget: this.opts.budget,
      });
      this.loops.set(target.key, loop);
      loop.start();
    }
    this.metrics.targets.labels({ job: job.job_name }).set(targets.length);
    log.info("Targets updated", { job: job.job_name, targets: targets.length });
  }
}
