/** Audit records of reloads: `rules.reload` and `config.reload` (alertmanager.yml), by /-/reload or SIGHUP. */
import type { Audit, Who } from "./record.ts";

/** What one reload did: each part undefined when the aggregator has none. */
export interface ReloadOutcome {
  /** Problems found in the rule files. */
  readonly rules?: number;
  /** Problems of `alerting.config_file`. */
  readonly alerting?: readonly string[];
  readonly configFile?: string;
}

/** Records a reload's parts. */
export function auditReload(audit: Audit, who: Who, r: ReloadOutcome): void {
  if (r.rules !== undefined) {
    const failed = r.rules > 0;
    audit({
      ...who,
      action: "rules.reload",
      target: "rule_files",
      outcome: failed ? "failed" : "ok",
      ...(failed ? { message: `${r.rules} problems in the rule files (see the log)` } : {}),
    });
  }
  if (r.alerting !== undefined) {
    const failed = r.alerting.length > 0;
    audit({
      ...who,
      action: "config.reload",
      target: r.configFile ?? "alerting.config_file",
      outcome: failed ? "failed" : "ok",
      ...(failed ? { message: r.alerting.join("; ") } : {}),
    });
  }
}
