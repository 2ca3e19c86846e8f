/**
 * The log files a service brings: file sources an integration adds while the service runs,
 * and the seam (owned here, implemented by the agent's LogSources) that tails them.
 */
import type { FileSourceConfig } from "../file/config.ts";
import type { StagesConfig } from "../file/stages/stages.ts";

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
