import { logger } from "../../../shared/log/log.ts";
import type { Registry } from "../../../shared/metrics/registry.ts";
import { type Labels, labelsFromEntries } from "../../../shared/model/labels.ts";
import { nextPhase, nextSlot, sleepUntil } from "../../../shared/runtime/schedule.ts";
import { type Component, ComponentMetrics, type SampleConsumer } from "../../pipeline/component.ts";
import { SeriesEmitter } from "../../pipeline/emitter.ts";
import type { CollectContext, HostCollector } from "./collector.ts";
import { type HostConfig, hostFilters, hostPaths } from "./config.ts";
import { NoDataError } from "./errors.ts";
import { readBootTime, readProcessFigures, writeProcessFigures } from "./exporter.ts";

const log = logger("host");

/** Timestamps within this distance of the schedule snap to it, as in the prometheus source. */
const ALIGN_TOLERANCE_MS = 10;

/** Options of the host source. */
export interface HostSourceOptions {
  config: HostConfig;
  /** The collectors to run, in order (see selectCollectors). */
  collectors: readonly HostCollector[];
  /** Added to every series unless it has the label already (global.external_labels). */
  externalLabels: Labels;
  registry: Registry;
  consumer: SampleConsumer;
}

/** Per-collector bookkeeping: its self-metric labels and how its last run ended. */
interface Slot {
  collector: HostCollector;
  labels: string[];
  /** "nodata" is node_exporter's ErrNoData: not a success, but nothing to warn about. */
  state: "ok" | "nodata" | "error";
}

/**
 * The `host` source: node_exporter's host metrics read straight from /proc and /sys every
 * interval, at a phase fixed by job and instance. One collection is one block, as one scrape
 * of node_exporter would be: every collector's families plus node_exporter's
 * `node_scrape_collector_{duration_seconds,success}`, and staleness markers for what vanished.
 */
export class HostSource implements Component {
  readonly id = "host";
  private readonly component: ComponentMetrics;
  private readonly emitter: SeriesEmitter;
  private readonly slots: Slot[];
  private readonly ctx: CollectContext;
  private readonly durations: Float64Array;
  private readonly controller = new AbortController();
  private running: Promise<void> | null = null;
  /** /proc/stat's btime, read once: process_start_time_seconds counts from it. */
  private bootTime = 0;
  private exporterFailing = false;

  constructor(private readonly opts: HostSourceOptions) {
    this.component = new ComponentMetrics(opts.registry, this.id, "source", "host");
    this.emitter = new SeriesEmitter({
      targetLabels: targetLabels(opts.config, opts.externalLabels),
      consumer: opts.consumer,
      component: this.component,
    });
    this.slots = opts.collectors.map((collector) => ({
      collector,
      labels: ["collector", collector.name],
      state: "ok",
    }));
    this.durations = new Float64Array(this.slots.length);
    this.ctx = { paths: hostPaths(opts.config), filters: hostFilters(opts.config), now: 0 };
  }

  /** Starts collecting on schedule until stop(). */
  start(): void {
    this.running = this.run(this.controller.signal);
  }

  /** Stops collecting, at the agent's shutdown: no staleness markers, as Prometheus writes none. */
  async stop(): Promise<void> {
    this.controller.abort();
    await this.running;
  }

  /** The first collection time: the next instant whose phase in the interval matches job and instance. */
  firstCollectionAt(now: number): number {
    const { interval, job_name, instance } = this.opts.config;
    return nextPhase(`${job_name}\xff${instance}`, interval, now);
  }

  /** Number of series the last collection wrote. */
  get seriesCount(): number {
    return this.emitter.seriesCount;
  }

  private async run(signal: AbortSignal): Promise<void> {
    const interval = this.opts.config.interval;
    let next = this.firstCollectionAt(Date.now());
    while (!signal.aborted) {
      if (!(await sleepUntil(next, signal))) return;
      const now = Date.now();
      await this.collectOnce(Math.abs(now - next) <= ALIGN_TOLERANCE_MS ? next : now);
      // A slow collection (or a suspended host) skips missed slots rather than bursting.
      next = nextSlot(next, interval, Date.now());
    }
  }

  /** Runs every collector once, with samples at `now` (ms), and hands the block downstream. */
  async collectOnce(now: number): Promise<void> {
    const emitter = this.emitter;
    emitter.begin(now);
    this.ctx.now = now;
    for (let i = 0; i < this.slots.length; i++) {
      const slot = this.slots[i];
      const start = performance.now();
      let ok = true;
      try {
        const pending = slot.collector.collect(emitter, this.ctx);
        if (pending) await pending;
      } catch (err) {
        ok = false;
        this.failed(slot, err);
      }
      this.durations[i] = (performance.now() - start) / 1000;
      if (ok) this.succeeded(slot);
    }
    this.writeSelfMetrics();
    if (this.opts.config.exporter_metrics) this.writeExporterMetrics();
    emitter.finish();
  }

  /**
   * node_exporter's per-collector series, written after all collectors as it does; the `up` 1
   * Prometheus writes for a scrape of it; and `outpost_agent_up`, which only the host source
   * writes: a host whose agent stops sending is told by it going missing (the default pack's
   * HostSilent), where a node_exporter target taken out of a config would not be.
   */
  private writeSelfMetrics(): void {
    const w = this.emitter;
    w.family(
      "up",
      "gauge",
      "1: the host's metrics were collected (Prometheus's up of a node_exporter scrape).",
    );
    w.sample("up", [], 1);
    w.family(
      "outpost_agent_up",
      "gauge",
      "1 while this host's Outpost agent runs and collects its host metrics.",
    );
    w.sample("outpost_agent_up", [], 1);
    w.family(
      "node_scrape_collector_duration_seconds",
      "gauge",
      "node_exporter: Duration of a collector scrape.",
    );
    w.family(
      "node_scrape_collector_success",
      "gauge",
      "node_exporter: Whether a collector succeeded.",
    );
    for (let i = 0; i < this.slots.length; i++) {
      const slot = this.slots[i];
      w.sample("node_scrape_collector_duration_seconds", slot.labels, this.durations[i]);
      w.sample("node_scrape_collector_success", slot.labels, slot.state === "ok" ? 1 : 0);
    }
  }

  /**
   * The agent's own process_* metrics, as node_exporter writes its own beside the node_*
   * ones. Read from this process's /proc/self whatever procfs is (as the Go client does).
   */
  private writeExporterMetrics(): void {
    try {
      if (this.bootTime === 0) this.bootTime = readBootTime("/proc");
      writeProcessFigures(this.emitter, readProcessFigures("/proc/self", this.bootTime));
      this.exporterFailing = false;
    } catch (err) {
      this.component.errors.inc();
      const fields = { error: String((err as Error)?.message ?? err) };
      if (!this.exporterFailing) log.warn("Cannot collect the agent's process metrics", fields);
      this.exporterFailing = true;
    }
  }

  private failed(slot: Slot, err: unknown): void {
    const state = err instanceof NoDataError ? "nodata" : "error";
    if (state === "error") this.component.errors.inc();
    const fields = {
      collector: slot.collector.name,
      error: String((err as Error)?.message ?? err),
    };
    // Warned once per failure spell: a broken collector would otherwise log every interval.
    if (state === "error" && slot.state !== "error")
      log.warn("Cannot collect host metrics", fields);
    else log.debug("Cannot collect host metrics", fields);
    slot.state = state;
  }

  private succeeded(slot: Slot): void {
    if (slot.state === "error")
      log.info("Host collector recovered", { collector: slot.collector.name });
    slot.state = "ok";
  }
}

/** job, instance and the static labels, then external labels where not already set. */
function targetLabels(config: HostConfig, external: Labels): Labels {
  const own = new Map<string, string>(Object.entries(config.labels));
  own.set("job", config.job_name);
  own.set("instance", config.instance);
  for (let i = 0; i < external.length; i += 2) {
    if (!own.has(external[i])) own.set(external[i], external[i + 1]);
  }
  return labelsFromEntries(own);
}
