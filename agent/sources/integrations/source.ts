import { logger } from "../../../shared/log/log.ts";
import type { Registry } from "../../../shared/metrics/registry.ts";
import { type Labels, labelsFromEntries } from "../../../shared/model/labels.ts";
import { sleepUntil } from "../../../shared/runtime/schedule.ts";
import type { Component, SampleConsumer } from "../../pipeline/component.ts";
import type { IntegrationsConfig } from "./config.ts";
import { detectContainers } from "./containers/target.ts";
import { type DetectedService, detectServices } from "./detect/detect.ts";
import { IntegrationRunner, type RunnerTarget } from "./runner.ts";
import type { DebianLogDirs } from "./server_logs.ts";
import type { ServiceLogs } from "./service_logs.ts";
import type { IntegrationsReport, RunnerShared } from "./status.ts";
import { configuredTargets, detectedTarget } from "./targets.ts";

const log = logger("integrations");

/** Options of the integrations source. */
export interface IntegrationsSourceOptions {
  config: IntegrationsConfig;
  externalLabels: Labels;
  registry: Registry;
  consumer: SampleConsumer;
  /** Where services' log files are tailed; without it, no service logs are read. */
  logs?: ServiceLogs;
  /** Where a server that cannot be asked logs (Debian's folders); tests point it elsewhere. */
  debianLogDirs?: DebianLogDirs;
  /** Keeps a detected service; tests scope detection to their own services with it. */
  detectFilter?: (s: DetectedService) => boolean;
}

/**
 * The `integrations` source: services listed in the config, and, with `autodetect`, those
 * found on the host, each collected by its own runner under the official exporter's names.
 * Detection runs every `detect_interval`: a new service gets a runner, a gone one's runner
 * stops and marks its series stale.
 */
export class IntegrationsSource implements Component {
  readonly id = "integrations";
  private readonly runners = new Map<string, IntegrationRunner>();
  /** The log files tailed for each service, for the report. */
  private readonly logFiles = new Map<string, string[]>();
  private readonly shared: RunnerShared;
  private readonly controller = new AbortController();
  private detecting: Promise<void> | null = null;
  private lastDetection = "";

  constructor(private readonly opts: IntegrationsSourceOptions) {
    this.shared = {
      registry: opts.registry,
      consumer: opts.consumer,
      interval: opts.config.interval,
      timeout: opts.config.timeout,
    };
  }

  /** Starts the configured services' runners and, with autodetect, the detection loop. */
  start(): void {
    for (const t of configuredTargets(this.opts.config, this.opts.debianLogDirs)) this.add(t);
    if (this.opts.config.autodetect) this.detecting = this.detectLoop(this.controller.signal);
  }

  /** Stops detection and every runner, at the agent's shutdown: no staleness markers. */
  async stop(): Promise<void> {
    this.controller.abort();
    await this.detecting;
    await Promise.all([...this.runners.entries()].map(([key, r]) => this.drop(key, r, false)));
    this.runners.clear();
  }

  /** What is collected and how it went, for the `/integrations` endpoint. */
  report(): IntegrationsReport {
    return {
      autodetect: this.opts.config.autodetect,
      last_detection: this.lastDetection,
      integrations: [...this.runners.entries()]
        .map(([key, r]) => {
          const logs = this.logFiles.get(key);
          return logs ? { ...r.status, logs } : r.status;
        })
        .sort((a, b) => (a.key < b.key ? -1 : 1)),
    };
  }

  /** Runs detection once: starts runners for new services, stops those of gone ones. */
  async detectOnce(): Promise<void> {
    const found = [
      ...(await detectServices({
        procfs: this.opts.config.procfs,
        filter: this.opts.detectFilter,
      })),
      ...detectContainers(this.opts.config.containers).filter(
        this.opts.detectFilter ?? (() => true),
      ),
    ];
    this.lastDetection = new Date().toISOString();
    const seen = new Set(found.map((s) => s.key));
    for (const s of found) {
      if (
        this.runners.has(s.key) ||
        this.configuredAt(s.address) ||
        (s.socket !== undefined && this.configuredAt(s.socket)) ||
        this.configuredOnAnotherPort(s)
      )
        continue;
      log.info("Service detected", {
        integration: s.key,
        address: s.address,
        how: s.how,
        pid: s.pid,
      });
      this.add(detectedTarget(s, this.opts.config, this.opts.debianLogDirs));
    }
    for (const [key, runner] of this.runners) {
      if (runner.status.how === "config" || seen.has(key)) continue;
      log.info("Service gone", { integration: key });
      this.runners.delete(key);
      await this.drop(key, runner);
    }
  }

  /**
   * Whether a configured instance is this service under another of its ports: an nginx is keyed
   * by its lowest port when detected, by its status URL's port when configured.
   */
  private configuredOnAnotherPort(s: DetectedService): boolean {
    return (s.ports ?? []).some(
      (port) => this.runners.get(`${s.kind}:${port}`)?.status.how === "config",
    );
  }

  private async detectLoop(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      try {
        await this.detectOnce();
      } catch (err) {
        log.warn("Cannot detect services", { error: String((err as Error)?.message ?? err) });
      }
      if (!(await sleepUntil(Date.now() + this.opts.config.detect_interval, signal))) return;
    }
  }

  /**
   * Whether a configured service is reached at `address`: a socket path listed in the config
   * is the detected service whose key is its port, and is not collected twice.
   */
  private configuredAt(address: string): boolean {
    for (const r of this.runners.values())
      if (r.status.how === "config" && r.status.address === address) return true;
    return false;
  }

  private add(t: RunnerTarget): void {
    if (this.runners.has(t.key)) return; // configured first: a detected twin is not collected twice
    const runner = new IntegrationRunner(t, targetLabels(t, this.opts.externalLabels), this.shared);
    this.runners.set(t.key, runner);
    runner.start();
    if (t.logs && this.opts.logs && this.opts.config.logs) void this.addLogs(t, this.opts.logs);
  }

  /**
   * Finds the service's log files (reading its config, asking the server) and tails them
   * while it runs. Not found, they are looked for again every `detect_interval`: the server
   * may still be starting, or the agent's login be granted later. Warned once.
   */
  private async addLogs(t: RunnerTarget, logs: ServiceLogs): Promise<void> {
    const runner = this.runners.get(t.key);
    const signal = this.controller.signal;
    for (let attempt = 0; ; attempt++) {
      try {
        const sources = await t.logs!();
        if (this.runners.get(t.key) !== runner || signal.aborted) return;
        const skipped = logs.add(t.key, sources);
        const left = new Set(skipped.map((s) => s.file));
        const files = sources.flatMap((s) => s.include).filter((f) => !left.has(f));
        this.logFiles.set(t.key, files);
        if (files.length > 0)
          log.info("Tailing service logs", { integration: t.key, files: files.join(",") });
        for (const s of skipped)
          log.info("Service log already tailed by the logs section; not read twice", {
            integration: t.key,
            file: s.file,
            source: s.by,
          });
        return;
      } catch (err) {
        if (attempt === 0)
          log.warn("Cannot find a service's logs; looking again every detect_interval", {
            integration: t.key,
            error: String((err as Error)?.message ?? err),
          });
      }
      const next = Date.now() + this.opts.config.detect_interval;
      if (!(await sleepUntil(next, signal)) || this.runners.get(t.key) !== runner) return;
    }
  }

  /** Stops a runner: a service gone (`markStale`) gets staleness markers, a shutdown none. */
  private async drop(key: string, runner: IntegrationRunner, markStale = true): Promise<void> {
    this.logFiles.delete(key);
    await Promise.all([runner.stop(markStale), this.opts.logs?.remove(key, markStale)]);
  }
}

/** `job` is the service kind and `instance` its address, then external labels where unset. */
function targetLabels(t: RunnerTarget, external: Labels): Labels {
  const own = new Map<string, string>([
    ["job", t.collector.kind],
    ["instance", t.address],
  ]);
  for (let i = 0; i < external.length; i += 2)
    if (!own.has(external[i])) own.set(external[i], external[i + 1]);
  return labelsFromEntries(own);
}
