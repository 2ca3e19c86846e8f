/**
 * Reloading the agent's config (SIGHUP, or `POST /-/reload` from this host), as Prometheus and
 * vmagent reload theirs: the file is read and checked again; a bad file is reported with its
 * problems and the running config stays. `scrape_configs` (and the `global` defaults they
 * inherit) apply at once, job by job (sources/prometheus/source.ts `update`), and so do
 * `probes`, target by target (sources/probe/source.ts); a change to any other section is reported as needing a restart and is not applied, so a reload never tears
 * down the spool, the NATS connection or the log positions.
 */
import { ConfigError } from "../shared/config/errors.ts";
import { logger } from "../shared/log/log.ts";
import type { Metric, Registry } from "../shared/metrics/registry.ts";
import type { AgentConfig, ScrapeConfig } from "./config/schema.ts";
import type { ProbesConfig } from "./sources/probe/config.ts";

const log = logger("agent");

/** What a reload applies: the jobs to scrape and the probes to run from now on. */
export interface Reloadable {
  /** `failed` names the jobs that could not be started (each kept as it ran, if it did). */
  updateScrapeConfigs(
    jobs: readonly ScrapeConfig[],
  ): Promise<{ added: number; changed: number; removed: number; failed: string[] }>;
  updateProbes(probes: ProbesConfig): Promise<{ kept: number; started: number; stopped: number }>;
}

/** The outcome of one reload. */
export interface ReloadResult {
  /** The file's problems, one per line, when it was refused; empty when it was applied. */
  readonly problems: string[];
  /** Sections that changed and need a restart to apply. */
  readonly needRestart: string[];
  /** True when nothing was read because the agent is stopping ({@link ConfigReloader.close}). */
  readonly stopping?: boolean;
}

/** Reloads one agent's config, one reload at a time. */
export class ConfigReloader {
  private readonly successful: Metric;
  private readonly successAt: Metric;
  private running: Promise<unknown> = Promise.resolve();
  private closed = false;

  constructor(
    private current: AgentConfig,
    private readonly load: (source: string) => Promise<AgentConfig>,
    private readonly target: Reloadable,
    registry: Registry,
  ) {
    this.successful = registry.gauge(
      "outpost_agent_config_last_reload_successful",
      "Whether the last reload of the agent's config was applied (1) or refused (0).",
    );
    this.successAt = registry.gauge(
      "outpost_agent_config_last_reload_success_timestamp_seconds",
      "When the agent's config was last loaded, at start or by a reload.",
    );
    this.successful.set(1);
    this.successAt.set(Date.now() / 1000);
  }

  /** Reads the config again and applies it; waits for a reload already running. */
  reload(source: string): Promise<ReloadResult> {
    const next = this.running.then(() => this.reloadNow(source));
    this.running = next.catch(() => {});
    return next;
  }

  /**
   * Refuses reloads from now on and resolves once one under way has finished: the agent's stop
   * calls it before stopping the scrapes, so that a reload that was reading the file when the
   * stop came does not start jobs after it.
   */
  close(): Promise<void> {
    this.closed = true;
    return this.running.then(() => {});
  }

  private async reloadNow(source: string): Promise<ReloadResult> {
    if (this.closed) return this.refusedStopping(source);
    let config: AgentConfig;
    try {
      config = await this.load(source);
    } catch (error) {
      this.successful.set(0);
      const problems =
        error instanceof ConfigError
          ? error.message.split("\n").filter((l) => l !== "")
          : [(error as Error).message];
      log.error("Cannot reload the config: the running config stays", {
        source,
        problems: problems.join("; "),
      });
      return { problems, needRestart: [] };
    }
    if (this.closed) return this.refusedStopping(source);
    const needRestart = restartSections(this.current, config);
    let jobs: Awaited<ReturnType<Reloadable["updateScrapeConfigs"]>>;
    let probes: Awaited<ReturnType<Reloadable["updateProbes"]>>;
    try {
      jobs = await this.target.updateScrapeConfigs(config.scrape_configs);
      probes = await this.target.updateProbes(config.probes);
    } catch (error) {
      // Not left to the caller: a SIGHUP's reload has none, and the failure went unseen.
      this.successful.set(0);
      const problem = `Cannot apply the config: ${(error as Error).message}`;
      log.error("Cannot reload the config", { source, problems: problem });
      return { problems: [problem], needRestart };
    }
    const { scrape_configs } = config;
    this.current = { ...this.current, scrape_configs, probes: config.probes };
    if (jobs.failed.length > 0) {
      this.successful.set(0);
      log.error(
        "Config reloaded but for jobs that cannot be started; those keep their old settings",
        {
          source,
          problems: jobs.failed.join("; "),
        },
      );
      return { problems: jobs.failed, needRestart };
    }
    this.successful.set(1);
    this.successAt.set(Date.now() / 1000);
    log.info("Config reloaded", {
      source,
      jobs: scrape_configs.length,
      jobs_added: jobs.added,
      jobs_changed: jobs.changed,
      jobs_removed: jobs.removed,
      probes_started: probes.started,
      probes_stopped: probes.stopped,
    });
    if (needRestart.length > 0)
      log.warn("Config changes that apply only after a restart were not applied", {
        sections: needRestart.join(","),
      });
    return { problems: [], needRestart };
  }

  private refusedStopping(source: string): ReloadResult {
    log.info("Config not reloaded: the agent is stopping", { source });
    return { problems: ["the agent is stopping"], needRestart: [], stopping: true };
  }
}

/**
 * The sections of `next` that differ from `running` and that a reload does not apply:
 * everything but `scrape_configs` and `probes`, and of `global` only what is not a scrape default
 * (the jobs carry those already).
 */
export function restartSections(running: AgentConfig, next: AgentConfig): string[] {
  const out: string[] = [];
  const keys = new Set([...Object.keys(running), ...Object.keys(next)]) as Set<keyof AgentConfig>;
  for (const key of keys) {
    if (key === "scrape_configs" || key === "probes" || key === "unused_sections") continue;
    if (key === "global") {
      const labels = (c: AgentConfig) => JSON.stringify(c.global.external_labels);
      if (labels(running) !== labels(next)) out.push("global.external_labels");
      continue;
    }
    if (JSON.stringify(running[key]) !== JSON.stringify(next[key])) out.push(key);
  }
  return out.sort();
}
