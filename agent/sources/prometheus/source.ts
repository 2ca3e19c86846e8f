import { DnsDiscovery } from "../../../shared/discovery/dns_sd.ts";
import { FileDiscovery, type TargetGroup } from "../../../shared/discovery/file_sd.ts";
import { type ResolverConfig, systemResolver } from "../../../shared/discovery/resolv_conf.ts";
import { type TlsOptions, tlsOptions } from "../../../shared/http/tls.ts";
import { type Logger, logger, withFields } from "../../../shared/log/log.ts";
import type { Registry } from "../../../shared/metrics/registry.ts";
import { type Labels, labelsKey } from "../../../shared/model/labels.ts";
import type { Series } from "../../../shared/model/series.ts";
import { compileRelabel } from "../../../shared/relabel/relabel.ts";
import type { MemoryBudget } from "../../pipeline/budget.ts";
import { type Component, ComponentMetrics, type SampleConsumer } from "../../pipeline/component.ts";
import { TargetLimitError } from "./errors.ts";
import type { ScrapeJob, Target } from "./job.ts";
import { ScrapeLoop } from "./loop.ts";
import { ScrapeMetrics } from "./metrics.ts";
import { buildTargets } from "./targets.ts";

const defaultLog = logger("prometheus");

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
  /** Where the source and its loops log; the `prometheus` component's logger by default. */
  log?: Logger;
  /** The DNS servers and search domains dns_sd_configs use: /etc/resolv.conf's by default. */
  dnsResolver?: () => ResolverConfig;
}

/** A running job: its discovery, and what a reload compares to see whether it changed. */
interface RunningJob {
  readonly job: ScrapeJob;
  /** The job's settings as text: equal text, unchanged job. */
  readonly text: string;
  /** Its dns_sd_configs' discoveries, which a changed job takes over where they are unchanged. */
  readonly dns: DnsDiscovery[];
  /** Stops its discovery's timers; a lookup still running then changes nothing. */
  stopDiscovery(): void;
}

/**
 * The `prometheus` source: discovers targets per job (static_configs, file_sd_configs,
 * dns_sd_configs),
 * applies target relabeling, and runs one ScrapeLoop per target. Target sets are re-synced when
 * discovery changes: new targets start, vanished ones stop with staleness markers. A reload
 * ({@link update}) replaces only the jobs whose settings changed.
 */
export class PrometheusSource implements Component {
  readonly id = "prometheus";
  private readonly loops = new Map<string, ScrapeLoop>();
  private readonly metrics: ScrapeMetrics;
  private readonly component: ComponentMetrics;
  private readonly jobs = new Map<string, RunningJob>();
  /** Jobs over their target_limit, so that it is said once, not at every target update. */
  private readonly overTargetLimit = new Set<ScrapeJob>();
  /**
   * During an update: the series of a changed job's kept targets ({@link seriesKey}), from
   * their stopped loops, for the new loops to take on (ScrapeLoop.inherit).
   */
  private readonly handedOver = new Map<string, Series[]>();
  /**
   * During an update: a changed job's DNS discoveries by their settings (as text), so that
   * the new job starts with the targets they last found instead of none until its lookups end.
   */
  private readonly dnsHandedOver = new Map<string, Map<string, DnsDiscovery>>();
  private readonly log: Logger;

  constructor(private readonly opts: PrometheusSourceOptions) {
    this.log = opts.log ?? defaultLog;
    this.metrics = new ScrapeMetrics(opts.registry);
    this.component = new ComponentMetrics(opts.registry, this.id, "source", "prometheus");
  }

  /** Starts discovery and the scrape loops. */
  start(): void {
    for (const job of this.opts.jobs) this.startJob(job);
  }

  /**
   * Scrapes `jobs` from now on, as Prometheus applies a reloaded config: a job whose settings
   * are unchanged keeps its loops and their schedule; a changed job's loops are replaced (its
   * targets that remain get no staleness markers, but their series that the new settings no
   * longer give get them at the new loop's first scrape); a removed job's targets get them, as
   * any target that goes away. A job whose HTTP client cannot be made (a TLS file it names cannot
   * be read) is not started, and a changed one keeps running with its old settings, as
   * Prometheus keeps a scrape pool whose reload fails: each is named in `failed`, and the
   * other jobs are applied. Resolves once the replaced loops have stopped.
   */
  async update(
    jobs: readonly ScrapeJob[],
  ): Promise<{ added: number; changed: number; removed: number; failed: string[] }> {
    const wanted = new Map(jobs.map((job) => [job.job_name, job]));
    const counts = { added: 0, changed: 0, removed: 0 };
    const failed: string[] = [];
    const unusable = new Set<string>();
    for (const job of jobs) {
      if (this.jobs.get(job.job_name)?.text === jobText(job)) continue;
      const problem = clientProblem(job);
      if (problem === null) continue;
      unusable.add(job.job_name);
      failed.push(`scrape_configs: job "${job.job_name}": ${problem}`);
    }
    const changed = new Set<string>();
    const stopping: Promise<void>[] = [];
    for (const [name, running] of this.jobs) {
      const next = wanted.get(name);
      if (next !== undefined && (jobText(next) === running.text || unusable.has(name))) continue;
      stopping.push(...this.stopJob(running, next));
      if (next === undefined) counts.removed++;
      else changed.add(name);
    }
    await Promise.all(stopping);
    for (const job of jobs) {
      if (this.jobs.has(job.job_name) || unusable.has(job.job_name)) continue;
      if (!changed.has(job.job_name)) counts.added++;
      this.startJob(job);
    }
    // A kept target the new job's discovery no longer gave (its file changed meanwhile): its
    // series fade, as a series that stops does.
    this.handedOver.clear();
    this.dnsHandedOver.clear();
    counts.changed = changed.size;
    return { ...counts, failed };
  }

  /** Stops every loop at the agent's shutdown: no staleness markers, as in Prometheus. */
  async stop(): Promise<void> {
    for (const running of this.jobs.values()) running.stopDiscovery();
    this.jobs.clear();
    await Promise.all([...this.loops.values()].map((l) => l.stop(false)));
    this.loops.clear();
  }

  /** Number of running scrape loops. */
  get targetCount(): number {
    return this.loops.size;
  }

  private startJob(job: ScrapeJob): void {
    // Read once for the job, as Prometheus makes a scrape pool's client once: a file_sd change
    // while a TLS file is missing must not throw out of the discovery timer.
    const tls = tlsOptions(job.tls_config);
    const targetRelabel = compileRelabel(job.relabel_configs);
    const metricRelabel = job.metric_relabel_configs.length
      ? compileRelabel(job.metric_relabel_configs)
      : null;
    const staticGroups: TargetGroup[] = job.static_configs.map((s) => ({
      targets: s.targets,
      labels: s.labels,
    }));
    const files = job.file_sd_configs.map(
      (c) =>
        new FileDiscovery(c, this.opts.baseDir, (m) => this.log.warn(m, { job: job.job_name })),
    );
    const dns = this.dnsDiscoveries(job);
    let stopped = false;
    const sync = (force: boolean) => {
      if (stopped) return;
      let changed = force;
      const groups = [...staticGroups];
      for (const f of files) {
        const r = f.refresh();
        changed ||= r.changed;
        groups.push(...r.groups);
      }
      for (const d of dns) groups.push(...d.groups());
      if (!changed) return;
      const targets = buildTargets(job, groups, targetRelabel, (m) =>
        this.log.warn(m, { job: job.job_name }),
      );
      this.syncJob(job, targets, metricRelabel, tls);
    };
    sync(true);
    const timers: ReturnType<typeof setInterval>[] = [];
    // Prometheus watches the files and re-reads them every refresh_interval; polling the
    // mtime every few seconds gives the same effect without inotify limits.
    const every = Math.min(5000, ...job.file_sd_configs.map((c) => c.refresh_interval));
    if (files.length > 0) timers.push(setInterval(() => sync(false), every));
    for (const d of dns) {
      const lookUp = () =>
        void d
          .refresh()
          .then((changed) => changed && sync(true))
          .catch((err) =>
            this.log.error("Cannot apply DNS targets", { job: job.job_name, error: String(err) }),
          );
      lookUp();
      timers.push(setInterval(lookUp, d.config.refresh_interval));
    }
    const stopDiscovery = () => {
      stopped = true;
      for (const timer of timers) clearInterval(timer);
    };
    this.jobs.set(job.job_name, { job, text: jobText(job), dns, stopDiscovery });
  }

  /** A discovery per dns_sd_configs entry: the replaced job's where its settings are the same. */
  private dnsDiscoveries(job: ScrapeJob): DnsDiscovery[] {
    const kept = this.dnsHandedOver.get(job.job_name);
    const name = job.job_name;
    return job.dns_sd_configs.map((config) => {
      const same = kept?.get(JSON.stringify(config));
      if (same) return same;
      return new DnsDiscovery(config, {
        resolver: this.opts.dnsResolver ?? systemResolver,
        log: withFields(this.log, { job: name }),
        onLookup: (failed) => {
          this.metrics.dnsLookups.labels({ job: name }).inc();
          if (failed) this.metrics.dnsLookupFailures.labels({ job: name }).inc();
        },
      });
    });
  }

  /**
   * Stops a job's discovery and loops; a target that `next` (the job's new settings) still has
   * under the same labels gets no staleness markers, whatever else changed (its interval,
   * timeout, path): its series go on under the new loop, as they do in Prometheus, whose old
   * loop's markers come after the new loop's samples and are ignored.
   */
  private stopJob(running: RunningJob, next: ScrapeJob | undefined): Promise<void>[] {
    running.stopDiscovery();
    this.jobs.delete(running.job.job_name);
    this.overTargetLimit.delete(running.job);
    if (next)
      this.dnsHandedOver.set(
        next.job_name,
        new Map(running.dns.map((d) => [JSON.stringify(d.config), d])),
      );
    const kept = next ? new Set(this.targetSeries(next)) : new Set<string>();
    const stopped: Promise<void>[] = [];
    for (const [key, loop] of this.loops) {
      if (loop.target.job !== running.job) continue;
      this.loops.delete(key);
      const series = seriesKey(loop.target);
      if (!kept.has(series)) stopped.push(loop.stop());
      else
        stopped.push(
          loop.stop(false).then(() => {
            this.handedOver.set(series, loop.sentSeries());
          }),
        );
    }
    // As Prometheus deletes a removed pool's metrics: the job is gone, not at 0 targets.
    if (!next) this.metrics.targets.remove({ job: running.job.job_name });
    return stopped;
  }

  /** The label sets ({@link seriesKey}) of the targets `job` has now, read without starting anything. */
  private targetSeries(job: ScrapeJob): string[] {
    const groups: TargetGroup[] = job.static_configs.map((s) => ({
      targets: s.targets,
      labels: s.labels,
    }));
    for (const c of job.file_sd_configs)
      groups.push(...new FileDiscovery(c, this.opts.baseDir, () => {}).refresh().groups);
    // DNS: what the replaced job last found for the same settings (nothing is looked up here).
    const kept = this.dnsHandedOver.get(job.job_name);
    for (const c of job.dns_sd_configs)
      groups.push(...(kept?.get(JSON.stringify(c))?.groups() ?? []));
    return buildTargets(job, groups, compileRelabel(job.relabel_configs), () => {}).map(seriesKey);
  }

  private syncJob(
    job: ScrapeJob,
    targets: ReturnType<typeof buildTargets>,
    metricRelabel: ReturnType<typeof compileRelabel> | null,
    tls: TlsOptions,
  ): void {
    const wanted = new Set(targets.map((t) => t.key));
    for (const [key, loop] of this.loops) {
      if (loop.target.job === job && !wanted.has(key)) {
        this.loops.delete(key);
        void loop.stop();
      }
    }
    const limitError = this.checkTargetLimit(job, targets.length);
    for (const target of targets) {
      let loop = this.loops.get(target.key);
      if (loop) {
        loop.setForcedError(limitError);
        continue;
      }
      loop = new ScrapeLoop(target, {
        consumer: this.opts.consumer,
        metrics: this.metrics,
        component: this.component,
        log: this.log,
        metricRelabel,
        externalLabels: this.opts.externalLabels,
        budget: this.opts.budget,
        tls,
      });
      loop.setForcedError(limitError);
      const handed = this.handedOver.get(seriesKey(target));
      if (handed) {
        loop.inherit(handed);
        this.handedOver.delete(seriesKey(target));
      }
      this.loops.set(target.key, loop);
      loop.start();
    }
    this.metrics.targets.labels({ job: job.job_name }).set(targets.length);
    this.log.info("Targets updated", { job: job.job_name, targets: targets.length });
  }

  /**
   * Prometheus's target_limit: a job with more targets keeps them all, and every scrape of
   * them fails without a request until it has fewer. Said at warn once, when the job goes over.
   */
  private checkTargetLimit(job: ScrapeJob, targets: number): TargetLimitError | null {
    const limit = job.target_limit;
    const fields = { job: job.job_name, targets, limit };
    if (limit === 0 || targets <= limit) {
      if (this.overTargetLimit.delete(job)) {
        this.log.info("Job is within its target_limit again; scraping its targets", fields);
      }
      return null;
    }
    this.metrics.targetLimitExceeded.labels({ job: job.job_name }).inc();
    if (!this.overTargetLimit.has(job)) {
      this.overTargetLimit.add(job);
      this.log.warn(
        "Cannot scrape job: it has more targets than its target_limit; every scrape of it fails until it has fewer",
        fields,
      );
    }
    return new TargetLimitError(targets, limit);
  }
}

/**
 * Why a job's HTTP client cannot be made, or null: its TLS files are read when its loops are
 * made, and a missing one (which the config's checks do not catch) threw out of a reload.
 */
function clientProblem(job: ScrapeJob): string | null {
  try {
    tlsOptions(job.tls_config);
    return null;
  } catch (error) {
    return (error as Error).message;
  }
}

/**
 * A target's labels as text: what its series are named by. Its key also holds its URL,
 * interval and timeout, which a reload may change while the series go on.
 */
function seriesKey(target: Target): string {
  return labelsKey(target.labels);
}

/** A job's settings as comparable text (the loader's output is plain data). */
function jobText(job: ScrapeJob): string {
  return JSON.stringify(job);
}
