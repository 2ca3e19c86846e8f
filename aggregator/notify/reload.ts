/**
 * Reloading `alerting.config_file` (SIGHUP and `POST /-/reload`), as Alertmanager reloads its
 * file: a file or template that does not load is refused with every problem logged, and the
 * config in force keeps running; a good one is put in force by `Notifier.apply`. The outcome
 * is in Alertmanager's two gauges, under Outpost's names.
 */
import { ConfigError, formatProblem } from "../../shared/config/errors.ts";
import { logger } from "../../shared/log/log.ts";
import type { Metric, Registry } from "../../shared/metrics/registry.ts";
import { TemplateError } from "../template/template.ts";
import { loadAlertmanagerConfig } from "./config/load.ts";
import { loadTemplateSet } from "./integrations/templates.ts";
import type { Notifier } from "./notifier.ts";

const log = logger("notify");

/** Reloads one notifier's file; the file was loaded once already (at start). */
export class NotifierReloader {
  private readonly successful: Metric;
  private readonly successAt: Metric;
  private reloading: Promise<string[]> = Promise.resolve([]);

  constructor(
    private readonly file: string,
    private readonly notifier: Notifier,
    registry: Registry,
  ) {
    this.successful = registry.gauge(
      "outpost_notifier_config_last_reload_successful",
      "Whether the last load of alerting.config_file succeeded (1) or was refused (0).",
    );
    this.successAt = registry.gauge(
      "outpost_notifier_config_last_reload_success_timestamp_seconds",
      "When alerting.config_file was last loaded successfully, Unix seconds.",
    );
    this.succeeded();
  }

  /** Loads the file and its templates again; returns the problems (logged), none on success. */
  reload(): Promise<string[]> {
    this.reloading = this.reloading.then(() => this.load());
    return this.reloading;
  }

  private async load(): Promise<string[]> {
    let problems: string[];
    try {
      const config = await loadAlertmanagerConfig(this.file);
      const templates = await loadTemplateSet(config.templates);
      await this.notifier.apply(config, templates);
      this.succeeded();
      log.info("Reloaded the alertmanager config", { file: this.file });
      return [];
    } catch (error) {
      if (error instanceof ConfigError) problems = error.problems.map(formatProblem);
      else if (error instanceof TemplateError) problems = [error.message];
      else problems = [`${this.file}: ${(error as Error).message}`];
    }
    this.successful.set(0);
    for (const problem of problems)
      log.error("Cannot reload the alertmanager config: keeping the one in force", { problem });
    return problems;
  }

  private succeeded(): void {
    this.successful.set(1);
    this.successAt.set(Date.now() / 1000);
  }
}
