import type { Logger } from "../../../shared/log/log.ts";
import type { MetricWriter } from "../../pipeline/emitter.ts";

/**
 * What one probe run gets: the target as configured (a URL, host:port or host name, by
 * prober), its prober's module section, a writer for blackbox_exporter's metric families, and a
 * signal that aborts when the module's timeout is reached.
 */
export interface ProbeContext<Config> {
  target: string;
  config: Config;
  w: MetricWriter;
  signal: AbortSignal;
  log: Logger;
}

/**
 * A prober (http, tcp, dns, icmp): runs one probe and resolves to its success. It never
 * throws for a failing target: it writes what it measured, logs the reason at debug level
 * and resolves false. The runner adds probe_success and probe_duration_seconds.
 */
export type Prober<Config> = (ctx: ProbeContext<Config>) => Promise<boolean>;

/**
 * Thrown when a probe cannot run on this host at all (no permission to open an ICMP socket):
 * not the target's failure. The runner writes no probe_success for it, so alerts on
 * `probe_success == 0` do not fire, and says why in one log line and a counter.
 */
export class ProbeSetupError extends Error {}
