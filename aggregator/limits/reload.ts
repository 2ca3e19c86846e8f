/**
 * Reloading `limits` (SIGHUP, or `POST /-/reload` by an operator): the aggregator's config file
 * is read and checked again, and its `limits` section is put in force; the rest of the file is
 * read at start only. A file that does not load changes nothing.
 */
import { logger } from "../../shared/log/log.ts";
import { loadAggregatorConfig } from "../config/load.ts";
import type { AggregatorConfig } from "../config/schema.ts";
import type { TenantLimiters } from "./limits.ts";

const log = logger("limits");

/**
 * Reloads `file`'s `limits` into `limiters`; the problems (logged), none when in force. `load`
 * reads the file (a caller that reads it for other sections too passes its one read).
 */
export async function reloadLimits(
  file: string,
  limiters: Pick<TenantLimiters, "update">,
  load: () => Promise<AggregatorConfig> = () => loadAggregatorConfig(file),
): Promise<string[]> {
  try {
    const next = await load();
    const changed = limiters.update(next.limits);
    log.info("Limits reloaded", { file, changed: changed.join(",") });
    return [];
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    log.error("Cannot reload limits: keeping those in force", { file, error: message });
    return message.split("\n");
  }
}
