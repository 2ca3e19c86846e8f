/**
 * The default tenant's rules' alerts on their way out, as Prometheus's notifier handles them
 * (the external labels are already on them, rules/eval/group.ts): `alerting.alert_relabel_configs`
 * first, then every receiver gets what is left, the notifier of `alerting.config_file` and the
 * Alertmanagers of `alerting.alertmanagers` alike, so that each receives what Prometheus would
 * send. The Alertmanagers are found by discovery.ts and pushed to by sender.ts.
 */
import { logger } from "../../shared/log/log.ts";
import type { Registry } from "../../shared/metrics/registry.ts";
import type { RelabelConfig } from "../../shared/relabel/config.ts";
import type { NotifiedAlert } from "../rules/eval/alert.ts";
import { AlertRelabeler } from "./alert_relabel.ts";
import { type AlertmanagerSetInput, normalizeAlertmanagers } from "./config.ts";
import { AlertmanagerDiscovery } from "./discovery.ts";
import { type AlertmanagerListing, AlertmanagerSender } from "./sender.ts";

const log = logger("alertmanagers");

/** The `alerting` settings this reads. */
export interface OutboundConfig {
  readonly alert_relabel_configs: readonly RelabelConfig[];
  readonly alertmanagers: AlertmanagerSetInput[];
}

/** Alert relabeling and the pushes to `alerting.alertmanagers`. */
export class OutboundAlerts {
  private relabeler: AlertRelabeler | null = null;
  private sender: AlertmanagerSender | null = null;
  private discovery: AlertmanagerDiscovery | null = null;
  /** The settings in force, as text: a reload of the same text changes nothing. */
  private text = "";
  private started = false;
  /** The apply under way: the next waits for it. */
  private applying: Promise<unknown> = Promise.resolve();
  /** Senders a reload replaced, finishing their pushes under way (`stop` cuts them short). */
  private readonly retiring = new Set<AlertmanagerSender>();

  constructor(
    config: OutboundConfig,
    private readonly baseDir: string,
    private readonly registry: Registry,
  ) {
    this.build(config);
  }

  /** The alerts as every receiver gets them: relabeled, less those dropped. */
  relabel(alerts: NotifiedAlert[]): NotifiedAlert[] {
    return this.relabeler?.apply(alerts) ?? alerts;
  }

  /** Queues relabeled alerts for the Alertmanagers. */
  send(alerts: readonly NotifiedAlert[]): void {
    this.sender?.send(alerts);
  }

  /** The Alertmanagers found, and those relabeled away, for `/api/v1/alertmanagers`. */
  alertmanagers(): AlertmanagerListing {
    return this.sender?.alertmanagers() ?? { active: [], dropped: [] };
  }

  /** Starts pushing and re-reading the file_sd files. */
  start(): void {
    this.started = true;
    this.sender?.start();
    this.discovery?.start();
  }

  /**
   * Puts a reloaded `alerting` section in force, as Prometheus's reload does: the relabeling
   * and the Alertmanager sets are replaced, the alerts queued and not yet pushed go to the new
   * sets, and pushes under way to the old ones complete. Resolves to whether anything changed.
   * One apply at a time (a SIGHUP and an operator's reload may overlap): else each would build
   * its own parts and one set, its file_sd timer with it, would run on unreferenced.
   */
  apply(config: OutboundConfig): Promise<boolean> {
    const next = this.applying.then(() => this.applyNow(config));
    this.applying = next.catch(() => {});
    return next;
  }

  private async applyNow(config: OutboundConfig): Promise<boolean> {
    if (sectionText(config) === this.text) return false;
    const old = { sender: this.sender, discovery: this.discovery };
    // Swapped before anything is awaited, so that alerts the rules send meanwhile go to the
    // new sets rather than into a sender that is stopping.
    this.build(config);
    old.discovery?.stop();
    const queued = old.sender?.takeQueue() ?? [];
    if (this.started) {
      this.sender?.start();
      this.discovery?.start();
    }
    this.sender?.send(queued);
    const retired = old.sender;
    // Once stop() has begun (an operator's /-/reload during the aggregator's stop), the replaced
    // sender is stopped: retired, its push under way would outlive the stop.
    if (retired && !this.started) await retired.stop();
    else if (retired) {
      // Not awaited: a push under way to an Alertmanager that hangs would hold the reload up
      // for its set's timeout.
      this.retiring.add(retired);
      void retired.retire().finally(() => this.retiring.delete(retired));
    }
    return true;
  }

  /** Stops re-reading and pushing; what is queued or under way is dropped. */
  async stop(): Promise<void> {
    this.started = false;
    await this.applying;
    await Promise.all([...this.retiring].map((s) => s.stop()));
    await this.stopParts();
  }

  /** Builds the parts of `config` and puts them in place, all or (when one throws) none. */
  private build(config: OutboundConfig): void {
    const relabel = config.alert_relabel_configs;
    const relabeler =
      relabel.length > 0 ? new AlertRelabeler(relabel, this.registry, "alerting") : null;
    const sets = normalizeAlertmanagers(config.alertmanagers, this.baseDir);
    const sender = sets.length > 0 ? new AlertmanagerSender(sets, this.registry) : null;
    const lookups = this.registry.counter(
      "outpost_alertmanager_sd_dns_lookups_total",
      "DNS lookups of the names of alerting.alertmanagers' dns_sd_configs (prometheus_sd_dns_lookups_total).",
    );
    const failures = this.registry.counter(
      "outpost_alertmanager_sd_dns_lookup_failures_total",
      "Those lookups that failed, keeping the name's last Alertmanagers (prometheus_sd_dns_lookup_failures_total).",
    );
    const onLookup = (failed: boolean) => {
      lookups.inc();
      if (failed) failures.inc();
    };
    const discovery = sender
      ? new AlertmanagerDiscovery(sets, (i, found) => sender.update(i, found), log, { onLookup })
      : null;
    this.text = sectionText(config);
    this.relabeler = relabeler;
    this.sender = sender;
    this.discovery = discovery;
  }

  private async stopParts(): Promise<void> {
    this.discovery?.stop();
    await this.sender?.stop();
  }
}

/**
 * The two settings this reads, as text. The aggregator hands over its whole `alerting` section,
 * whose other fields (config_file, history, …) are not this class's: a change to them replaced
 * the senders, cutting their pushes short, and logged a reload of the Alertmanagers.
 */
function sectionText(config: OutboundConfig): string {
  return JSON.stringify([config.alert_relabel_configs, config.alertmanagers]);
}
