import { SeriesCache, type SeriesEntry } from "../../../shared/exposition/cache.ts";
import { type ExpositionLimits, NO_LIMITS } from "../../../shared/exposition/limits.ts";
import {
  detectFormat,
  type NewSeriesMode,
  parseExpositionInTurns,
} from "../../../shared/exposition/parse.ts";
import type { TlsOptions } from "../../../shared/http/tls.ts";
import type { Logger } from "../../../shared/log/log.ts";
import { SampleBlock } from "../../../shared/model/block.ts";
import { type Labels, labelsKey } from "../../../shared/model/labels.ts";
import type { MetricMetadata } from "../../../shared/model/sample.ts";
import type { Series } from "../../../shared/model/series.ts";
import type { RelabelProgram } from "../../../shared/relabel/relabel.ts";
import { nextPhase, nextSlot, sleepUntil } from "../../../shared/runtime/schedule.ts";
import type { MemoryBudget } from "../../pipeline/budget.ts";
import type { ComponentMetrics, SampleConsumer } from "../../pipeline/component.ts";
import { failureReason, SampleLimitError } from "./errors.ts";
import { ScrapeFetcher } from "./fetch.ts";
import { TargetHealth } from "./health.ts";
import { expositionLimits, type Target } from "./job.ts";
import { SeriesLabeler } from "./labeler.ts";
import { ScrapeMemory, seriesBytes } from "./memory.ts";
import type { ScrapeMetrics } from "./metrics.ts";

/**
 * How far from the scrape an exposed timestamp may be. Older samples would land in long-closed
 * hours (a file for that hour at every flush) and Prometheus refuses them as out of bounds
 * (its head takes an hour behind its newest sample); newer ones, years ahead from a broken
 * clock or exporter, would make a partition of that date and block the series' later samples.
 */
export const MAX_SAMPLE_AGE_MS = 60 * 60_000;
export const MAX_SAMPLE_AHEAD_MS = 10 * 60_000;

/**
 * What the scrape cache remembers per series: the series itself as it goes downstream (one
 * object per series keeps the cache small: about 1 KB per series in all).
 */
class ScrapedSeries implements Series {
  /** The exposition gave it its own timestamp: Prometheus writes no staleness marker then. */
  explicitTimestamp = false;

  constructor(
    /** Final labels; empty when metric relabeling drops the series. */
    readonly labels: Labels,
    /** Scrape generation in which it first appeared. */
    readonly firstGen: number,
    /** Bytes reserved for it in the memory budget while the cache keeps it. */
    readonly bytes: number,
  ) {}

  /** Dropped by metric relabeling (a kept series always has `__name__`): nothing is sent for it. */
  get dropped(): boolean {
    return this.labels.length === 0;
  }
}

/** Timestamps within this distance of the schedule snap to it (Prometheus uses 2 ms). */
const ALIGN_TOLERANCE_MS = 10;

/** Everything a scrape loop shares with its source. */
export interface LoopDeps {
  consumer: SampleConsumer;
  metrics: ScrapeMetrics;
  component: ComponentMetrics;
  log: Logger;
  metricRelabel: RelabelProgram | null;
  externalLabels: Labels;
  /** The agent's memory budget; null in tests and benchmarks that run a loop alone. */
  budget?: MemoryBudget | null;
  /** The job's TLS options, read once for all its targets; read from its files when absent. */
  tls?: TlsOptions;
}

/**
 * Scrapes one target on its interval, at a phase fixed by the target's hash so that targets
 * spread over the interval. Each scrape yields one block: the samples, staleness markers for
 * series that vanished, and the report series Prometheus adds (`up`, …).
 */
export class ScrapeLoop {
  private readonly cache: SeriesCache;
  private readonly block = new SampleBlock(1024);
  private readonly labeler: SeriesLabeler;
  private readonly fetcher: ScrapeFetcher;
  private readonly report: Record<string, Series>;
  private readonly controller = new AbortController();
  private running: Promise<void> | null = null;
  private scrapeTs = 0;
  /** What the report series count this scrape, as Prometheus counts them, failed or not. */
  private added = 0;
  private scraped = 0;
  private kept = 0;
  /**
   * Samples read since the scrape passed sample_limit: they are counted, not kept, and the
   * parser keeps no series for them (Prometheus reads on to report the body's size).
   */
  private pastLimit = 0;
  /** Read by the parser at each series it does not know; see NewSeriesMode. */
  newSeriesMode: NewSeriesMode = "store";
  /** Samples of this scrape whose own timestamp was out of bounds, and whether that was said. */
  private outOfBounds = 0;
  private outOfBoundsLogged = false;
  private readonly health: TargetHealth;
  private readonly memory: ScrapeMemory;
  private readonly limits: ExpositionLimits;
  /** Bytes reserved for the series the cache holds (kept in step by addSeries and forget). */
  private seriesHeld = 0;
  /** HELP/TYPE/UNIT by family, as the target last served them. */
  private readonly meta = new Map<string, MetricMetadata>();
  private metaChanged = false;
  /** Fails every scrape without a request while set: the job is over its target_limit. */
  private forcedError: Error | null = null;
  /**
   * The series of the loop this one replaced at a reload (`inherit`), by labels: those its
   * first scrape does not give again get staleness markers then.
   */
  private inherited: Map<string, Series> | null = null;

  constructor(
    readonly target: Target,
    private readonly deps: LoopDeps,
  ) {
    // honor_labels reads labels exposed empty: `job=""` keeps the target's job off the series.
    this.cache = new SeriesCache({ emptyLabels: target.job.honor_labels });
    this.labeler = new SeriesLabeler(
      target.labels,
      target.job,
      deps.metricRelabel,
      deps.externalLabels,
    );
    this.fetcher = new ScrapeFetcher(target.url, target.job, process.env, deps.tls);
    this.health = new TargetHealth(deps.log, { job: target.job.job_name, target: target.url });
    this.memory = new ScrapeMemory(deps.budget ?? null);
    // Prometheus checks the label limits after metric relabeling (the labeler does too): with
    // relabel rules, a label they drop must not fail the scrape in the parser first.
    this.limits =
      target.job.metric_relabel_configs.length > 0 ? NO_LIMITS : expositionLimits(target.job);
    const names = [
      "up",
      "scrape_duration_seconds",
      "scrape_samples_scraped",
      "scrape_samples_post_metric_relabeling",
      "scrape_series_added",
    ];
    this.report = Object.fromEntries(names.map((n) => [n, this.labeler.reportSeries(n)]));
  }

  /**
   * Sets (or, with null, clears) the error every scrape fails with instead of asking the
   * target, as Prometheus does to the targets of a job over its target_limit.
   */
  setForcedError(error: Error | null): void {
    this.forcedError = error;
  }

  /**
   * The series this loop sends that a staleness marker can end (not those with their own
   * timestamps): what a reload's new loop for the same target takes on (`inherit`). Those it
   * took on itself and has not scraped yet are among them: a second reload before its first
   * scrape must not lose them.
   */
  sentSeries(): Series[] {
    const out = new Map(this.inherited ?? []);
    for (const s of this.heldSeries()) if (!s.explicitTimestamp) out.set(labelsKey(s.labels), s);
    return [...out.values()];
  }

  /**
   * Takes on the series of the loop this one replaces (a reload changed the target's job), as
   * Prometheus's new loop takes on its old loop's cache: those the first scrape does not give
   * again (a metric_relabel_configs now drops them, the path serves others) end then, rather
   * than fade five minutes later. Call before start().
   */
  inherit(series: readonly Series[]): void {
    this.inherited = new Map(series.map((s) => [labelsKey(s.labels), s]));
  }

  /** Starts scraping on schedule until stop(). */
  start(): void {
    this.running = this.run(this.controller.signal);
  }

  /**
   * Stops the loop. A target that went away (`markStale`) gets staleness markers for everything
   * it had reported; at the agent's shutdown none are written, as Prometheus writes none when
   * it stops, so a restart leaves a gap and not an end to every series.
   */
  async stop(markStale = true): Promise<void> {
    this.controller.abort();
    await this.running;
    this.block.clear();
    if (markStale) {
      const ts = Date.now();
      this.markAllStale(ts, Number.POSITIVE_INFINITY);
      // Taken on and not scraped yet, they are this target's series as much as its own.
      this.endInherited(ts);
      for (const s of Object.values(this.report)) this.block.pushStale(s, ts);
    }
    // The loop and its cache are done with: a reload's new loop reserves its series anew, and
    // what this one kept reserved (all of it, without markers) stayed taken for good.
    this.memory.settle(0);
    if (this.block.length > 0) this.deliver();
  }

  /** The first scrape time: the next instant whose phase in the interval matches the target hash. */
  firstScrapeAt(now: number): number {
    return nextPhase(this.target.key, this.target.interval, now);
  }

  private async run(signal: AbortSignal): Promise<void> {
    const interval = this.target.interval;
    let next = this.firstScrapeAt(Date.now());
    while (!signal.aborted) {
      if (!(await sleepUntil(next, signal))) return;
      await this.scrapeOnce(next, signal);
      // A scrape that overran (or a suspended host) skips missed slots rather than bursting.
      next = nextSlot(next, interval, Date.now());
    }
  }

  /** Performs one scrape scheduled at `scheduledAt` and hands its block downstream. */
  async scrapeOnce(scheduledAt: number, signal: AbortSignal): Promise<void> {
    const job = this.target.job;
    const start = Date.now();
    // The duration is read from the monotonic clock, below the millisecond as Prometheus reports it.
    const started = performance.now();
    this.scrapeTs = Math.abs(start - scheduledAt) <= ALIGN_TOLERANCE_MS ? scheduledAt : start;
    this.block.clear();
    this.added = 0;
    this.scraped = 0;
    this.kept = 0;
    this.pastLimit = 0;
    this.newSeriesMode = "store";
    this.outOfBounds = 0;
    // Every scrape is a new generation, failed or not, so that fail() can tell series of
    // earlier scrapes from those first seen in this one.
    this.cache.beginScrape();
    let error: unknown = null;
    try {
      if (this.forcedError !== null) throw this.forcedError;
      const { memory } = this;
      const { body, contentType } = await this.fetcher.fetch(
        this.target.timeout,
        signal,
        memory.reserve,
      );
      if (signal.aborted) return;
      await this.parse(body, contentType);
    } catch (err) {
      if (signal.aborted) return;
      error = err;
    } finally {
      if (signal.aborted) this.memory.settle(this.seriesHeld);
    }
    const duration = (performance.now() - started) / 1000;
    if (error) this.fail(error);
    else {
      this.cache.sweep((e) => this.forget(e, this.scrapeTs));
      if (this.metaChanged) {
        this.metaChanged = false;
        this.deps.consumer.consumeMetadata?.([...this.meta.values()]);
      }
    }
    this.endInherited(this.scrapeTs);
    if (this.outOfBounds > 0) this.reportOutOfBounds();
    this.appendReport(error === null, duration);
    this.deps.metrics.duration.observe(duration, { job: job.job_name });
    this.deps.metrics.scrapes
      .labels({ job: job.job_name, result: error ? "error" : "success" })
      .inc();
    this.deps.component.received.inc(this.scraped);
    // The body is garbage now and the cache holds what it keeps: settle the budget.
    this.memory.settle(this.seriesHeld);
    this.deliver();
  }

  private async parse(body: Uint8Array, contentType: string | null): Promise<void> {
    const format = detectFormat(contentType);
    const stats = await parseExpositionInTurns(body, format, this.cache, this, this.limits);
    if (stats.duplicates > 0) {
      this.deps.metrics.duplicates.labels({ job: this.target.job.job_name }).inc(stats.duplicates);
      this.deps.component.discarded.inc(stats.duplicates);
    }
    if (this.pastLimit > 0) {
      const limit = this.target.job.sample_limit;
      throw new SampleLimitError(`sample_limit exceeded: ${this.kept} samples, limit ${limit}`);
    }
  }

  /** Parser callback: one sample of the current scrape (hot path). */
  sample(entry: SeriesEntry, value: number, timestampMs: number): void {
    this.scraped++;
    if (this.pastLimit > 0) {
      this.countPastLimit(entry);
      return;
    }
    let ref = entry.ref as ScrapedSeries | undefined;
    const isNew = ref === undefined;
    if (ref === undefined) ref = this.addSeries(entry);
    if (ref.dropped) return;
    // Counted before its timestamp is checked, as Prometheus counts it against the limit.
    this.kept++;
    const limit = this.target.job.sample_limit;
    if (limit > 0 && this.kept > limit) {
      this.passLimit(isNew);
      return;
    }
    let ts = this.scrapeTs;
    if (this.target.job.honor_timestamps && !Number.isNaN(timestampMs)) {
      if (timestampMs < ts - MAX_SAMPLE_AGE_MS || timestampMs > ts + MAX_SAMPLE_AHEAD_MS) {
        this.outOfBounds++;
        return;
      }
      ts = timestampMs;
      ref.explicitTimestamp = true;
    }
    this.block.push(ref, ts, value);
  }

  /**
   * The sample that passed sample_limit: the scrape will fail, but the rest of the body is
   * still read to count it, as Prometheus counts it, without keeping any new series (a
   * million-series body stops costing memory at the limit).
   */
  private passLimit(isNew: boolean): void {
    this.pastLimit = 1;
    // Prometheus counts a series as added only while under the limit.
    if (isNew) this.added--;
    this.newSeriesMode = this.deps.metricRelabel ? "parse" : "skip";
  }

  /** A sample past sample_limit: counted, and kept in the post-relabeling count if relabeling keeps it. */
  private countPastLimit(entry: SeriesEntry): void {
    this.pastLimit++;
    const ref = entry.ref as ScrapedSeries | undefined;
    if (ref !== undefined) {
      if (!ref.dropped) this.kept++;
      return;
    }
    // A series seen first past the limit, relabeled only when rules could drop it.
    if (this.deps.metricRelabel === null) this.kept++;
    else if (this.labeler.label(entry.labels, entry.emptyLabels) !== null) this.kept++;
  }

  /** Parser callback: one HELP, TYPE or UNIT line (cached lines cost a map lookup here). */
  metadata(name: string, kind: "type" | "help" | "unit", text: string): void {
    // Past sample_limit the scrape is failing: nothing of it is kept, its metadata neither.
    if (this.pastLimit > 0) return;
    let m = this.meta.get(name);
    if (!m) {
      // Families without samples would otherwise be unbounded: a family needs a sample to matter.
      const limit = this.target.job.sample_limit;
      if (limit > 0 && this.meta.size >= limit) {
        throw new SampleLimitError(`sample_limit exceeded: more than ${limit} metric families`);
      }
      m = { name, type: "unknown", help: "", unit: "" };
      this.meta.set(name, m);
    }
    if (m[kind] !== text) {
      // The parser only reports TYPE values it validated, so `text` is a MetricType there.
      (m as { [k in typeof kind]: string })[kind] = text;
      this.metaChanged = true;
    }
  }

  private addSeries(entry: SeriesEntry): ScrapedSeries {
    const bytes = seriesBytes(entry.labels);
    this.memory.reserve(bytes);
    const labels = this.labeler.label(entry.labels, entry.emptyLabels);
    const ref = new ScrapedSeries(labels ?? [], this.cache.gen, bytes);
    entry.ref = ref;
    this.seriesHeld += bytes;
    if (labels === null)
      this.deps.metrics.relabelDropped.labels({ job: this.target.job.job_name }).inc();
    else this.added++;
    return ref;
  }

  /** Counts the scrape's out-of-bounds samples; says so at warn once a target, then at debug. */
  private reportOutOfBounds(): void {
    const job = this.target.job.job_name;
    this.deps.metrics.outOfBounds.labels({ job }).inc(this.outOfBounds);
    this.deps.component.discarded.inc(this.outOfBounds);
    const fields = { job, target: this.target.url, dropped: this.outOfBounds };
    const message =
      "Dropped samples whose own timestamp is more than an hour old or ten minutes ahead";
    if (this.outOfBoundsLogged) this.deps.log.debug(message, fields);
    else this.deps.log.warn(message, fields);
    this.outOfBoundsLogged = true;
  }

  private fail(err: unknown): void {
    const reason = failureReason(err);
    this.deps.metrics.failures.labels({ job: this.target.job.job_name, reason }).inc();
    this.deps.component.errors.inc();
    this.deps.component.discarded.inc(this.block.length + this.pastLimit);
    this.health.failed(reason, err, err === this.forcedError);
    this.block.clear();
    // Series created during the failed parse were never delivered: no marker for them.
    this.markAllStale(this.scrapeTs, this.cache.gen);
  }

  private markAllStale(ts: number, beforeGen: number): void {
    this.cache.beginScrape();
    this.cache.sweep((e) => {
      const ref = e.ref as ScrapedSeries | undefined;
      if (ref && ref.firstGen < beforeGen) this.markStale(e, ts);
      if (ref) this.seriesHeld -= ref.bytes;
    });
  }

  /**
   * After the first scrape since `inherit`: markers for the inherited series it did not give
   * (all of them when it failed, as a failed scrape ends the loop's own). One it gave with its
   * own timestamp goes on: a marker would end it right after its sample (Prometheus 2.42 keeps
   * such a series without a gap when a reload turns honor_timestamps on).
   */
  private endInherited(ts: number): void {
    const left = this.inherited;
    if (left === null) return;
    this.inherited = null;
    for (const s of this.heldSeries()) left.delete(labelsKey(s.labels));
    for (const s of left.values()) this.block.pushStale(s, ts);
  }

  /** The series the cache holds that are sent (not dropped by metric relabeling). */
  private *heldSeries(): IterableIterator<ScrapedSeries> {
    for (const e of this.cache.entries()) {
      const ref = e.ref as ScrapedSeries | undefined;
      if (ref && !ref.dropped) yield ref;
    }
  }

  /** A series the cache forgets: its staleness marker, and its bytes back to the budget. */
  private forget(entry: SeriesEntry, ts: number): void {
    this.markStale(entry, ts);
    const ref = entry.ref as ScrapedSeries | undefined;
    if (ref) this.seriesHeld -= ref.bytes;
  }

  private markStale(entry: SeriesEntry, ts: number): void {
    const ref = entry.ref as ScrapedSeries | undefined;
    if (ref && !ref.dropped && !ref.explicitTimestamp) this.block.pushStale(ref, ts);
  }

  /** Prometheus's report series; a failed scrape reports what it read up to the failure. */
  private appendReport(up: boolean, duration: number): void {
    const ts = this.scrapeTs;
    const r = this.report;
    this.block.push(r.up, ts, up ? 1 : 0);
    this.block.push(r.scrape_duration_seconds, ts, duration);
    this.block.push(r.scrape_samples_scraped, ts, this.scraped);
    this.block.push(r.scrape_samples_post_metric_relabeling, ts, this.kept);
    this.block.push(r.scrape_series_added, ts, this.added);
    if (up) this.health.succeeded();
  }

  private deliver(): void {
    this.deps.component.sent.inc(this.block.length);
    this.deps.consumer.consume(this.block);
  }
}
