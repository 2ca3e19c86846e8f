/**
 * `alert_relabel_configs`: the rules' alerts relabeled on their way out, after the external
 * labels were added, as Prometheus's notifier relabels them. An alert a rule drops is not
 * sent; neither is one left without labels (Prometheus 2.42 sends it, and Alertmanager refuses
 * it with a 400 that fails the whole push).
 */
import { logger } from "../../shared/log/log.ts";
import type { Metric, Registry } from "../../shared/metrics/registry.ts";
import { labelsFromEntries, labelsToMap } from "../../shared/model/labels.ts";
import type { RelabelConfig } from "../../shared/relabel/config.ts";
import { applyRelabel, compileRelabel, type RelabelProgram } from "../../shared/relabel/relabel.ts";
import type { NotifiedAlert } from "../rules/eval/alert.ts";

const log = logger("alertmanagers");
const LOG_EVERY_MS = 60_000;

/** Relabels alerts with one list of rules, counting those it does not pass on. */
export class AlertRelabeler {
  private readonly program: RelabelProgram;
  private readonly dropped: Metric;
  private loggedAt = 0;

  /** `scope` names where the rules are written (`alerting`, `alertmanagers[0]`) in metrics and logs. */
  constructor(
    configs: readonly RelabelConfig[],
    registry: Registry,
    private readonly scope: string,
  ) {
    this.program = compileRelabel(configs);
    this.dropped = registry.counter(
      "outpost_alert_relabel_dropped_total",
      "Alerts of the rules not sent because alert_relabel_configs dropped them (reason relabeled) or left them without labels (reason empty).",
      ["scope", "reason"],
    );
    for (const reason of ["relabeled", "empty"]) this.dropped.labels({ scope, reason });
  }

  /** The alerts as relabeled, in order, less those dropped. */
  apply(alerts: readonly NotifiedAlert[]): NotifiedAlert[] {
    const out: NotifiedAlert[] = [];
    let empty = 0;
    for (const alert of alerts) {
      const labels = labelsToMap(alert.labels);
      if (!applyRelabel(this.program, labels)) {
        this.dropped.labels({ scope: this.scope, reason: "relabeled" }).inc();
      } else if (labels.size === 0) {
        empty++;
      } else {
        out.push({ ...alert, labels: labelsFromEntries(labels) });
      }
    }
    if (empty > 0) this.droppedEmpty(empty);
    return out;
  }

  private droppedEmpty(count: number): void {
    this.dropped.labels({ scope: this.scope, reason: "empty" }).inc(count);
    const now = Date.now();
    if (now - this.loggedAt < LOG_EVERY_MS) return;
    this.loggedAt = now;
    log.warn("Cannot send alerts that alert_relabel_configs left without labels", {
      scope: this.scope,
      count,
    });
  }
}
