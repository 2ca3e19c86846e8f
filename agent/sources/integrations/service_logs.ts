/**
 * The log files a service brings: file sources an integration adds while the service runs,
 * and the seam (owned here, implemented by the agent's LogSources) that tails them.
 */
import { type FileSourceConfig, fileSourceSchema } from "../file/config.ts";
import { type StagesConfig, stagesSchema } from "../file/stages/stages.ts";

/** One file source an integration adds: the `logs` section's entry shape. */
export interface ServiceLogSource extends FileSourceConfig {
  /** Keys its checkpoints and self-metrics: stable for the same service across restarts. */
  name: string;
  stages: StagesConfig;
}

/** The log sources a service brings, started and stopped with it (the agent's LogSources). */
export interface ServiceLogs {
  /**
   * Starts tailing `sources` under `key`, but for files the user's `logs` section already
   * tails: those are returned, each with the `logs` entry that tails it, and not read twice.
   */
  add(key: string, sources: readonly ServiceLogSource[]): { file: string; by: string }[];
  /**
   * Stops tailing what `key` added (checkpoints are kept for its return); its metrics get
   * staleness markers unless `markStale` is false (the agent's shutdown).
   */
  remove(key: string, markStale?: boolean): Promise<void>;
}

/**
 * How often a busy service's log is read at most: 1 s, not the file source's 250 ms. Measured
 * on an idle agent before sources watched their folders (bench/integrations_idle.ts): one file
 * polled every 250 ms cost ~0.3 % of a core, every second ~0.12 %. Watching, an idle log costs
 * nothing either way, and a line after a quiet spell is read at once; under steady writing
 * the reads stay a second apart.
 */
export const SERVICE_LOG_POLL = "1s";

/** Which service a log source belongs to: its name (checkpoints) and labels. */
export interface ServiceLogTarget {
  /** The integration's key, `postgres:5432`. */
  key: string;
  /** The `instance` label: the address the service is collected at. */
  instance: string;
}

/**
 * One file source of a service's log, named and labelled as nginx's are: `job` is
 * `integrations/<kind>`, `log` says which of its logs.
 */
export function serviceLogSource(
  t: ServiceLogTarget,
  kind: string,
  log: string,
  source: { include: readonly string[]; multiline?: { start_pattern: string } },
  stages: unknown[],
): ServiceLogSource {
  return {
    ...fileSourceSchema.parse({
      include: source.include,
      multiline: source.multiline,
      labels: { job: `integrations/${kind}`, instance: t.instance, log },
      poll_interval: SERVICE_LOG_POLL,
    }),
    name: `integrations-${t.key.replace(/[^A-Za-z0-9_-]/g, "_")}-${log}`,
    stages: stagesSchema.parse(stages),
  };
}

/** The labels a service's log metrics keep: the service's, not the file, not access vs error. */
export const SERVICE_METRIC_LABELS = ["job", "instance"];

/** Prometheus client libraries' default buckets, which dashboards for HTTP latency assume. */
export const HTTP_LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
