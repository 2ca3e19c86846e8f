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

/** Records a reload of `limits` (every tenant's: in the default tenant's log). */
export function auditLimitsReload(audit: Audit, who: Who, problems: readonly string[]): void {
  record(audit, who, "limits.reload", "limits", problems.length > 0 ? problems.join("; ") : "");
}

/** Records a reload's parts. */
export function auditReload(audit: Audit, who: Who, r: ReloadOutcome): void {
  if (r.rules !== undefined) {
    const why = r.rules > 0 ? `${r.rules} problems in the rule files (see the log)` : "";
    record(audit, who, "rules.reload", "rule_files", why);
  }
  if (r.alerting !== undefined) {
    const target = r.configFile ?? "alerting.config_file";
    record(audit, who, "config.reload", target, r.alerting.join("; "));
  }
}

/** One reload record: failed with `problems` as its message, or ok when there are none. */
function record(audit: Audit, who: Who, action: string, target: string, problems: string): void {
  const failed = problems !== "";
  audit({
    ...who,
    action,
    target,
    outcome: failed ? "failed" : "ok",
    ...(failed ? { message: problems } : {}),
  });
}
