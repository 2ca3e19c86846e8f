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
  /** Starts tailing `sources` under `key`. */
  add(key: string, sources: readonly ServiceLogSource[]): void;
  /** Stops tailing what `key` added (checkpoints are kept for its return). */
  remove(key: string): Promise<void>;
}

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
    }),
    name: `integrations-${t.key.replace(/[^A-Za-z0-9_-]/g, "_")}-${log}`,
    stages: stagesSchema.parse(stages),
  };
}
