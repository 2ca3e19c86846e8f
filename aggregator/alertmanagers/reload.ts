/**
 * Reloading `alerting.alertmanagers` and `alerting.alert_relabel_configs` (SIGHUP, or an
 * operator's `POST /-/reload`), as Prometheus reloads them: the section is read again and put
 * in force (outbound.ts `apply`); a file that does not load changes nothing.
 */
import { logger } from "../../shared/log/log.ts";
import type { OutboundAlerts, OutboundConfig } from "./outbound.ts";

const log = logger("alertmanagers");

/**
 * Reads the section with `read` and applies it; the problems (logged), none when in force.
 * A `read` giving null keeps the section in force, unlogged: its reader reported why.
 */
export async function reloadOutbound(
  read: () => Promise<OutboundConfig | null>,
  outbound: Pick<OutboundAlerts, "apply">,
): Promise<string[]> {
  try {
    const next = await read();
    if (next !== null && (await outbound.apply(next)))
      log.info("Alertmanagers and alert relabeling reloaded");
    return [];
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    log.error("Cannot reload alerting.alertmanagers: keeping those in force", { error: message });
    return message.split("\n");
  }
}
