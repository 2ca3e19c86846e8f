import type { Registry } from "../../../shared/metrics/registry.ts";
import type { MetricWriter } from "../../pipeline/emitter.ts";
import type { ServiceKind } from "./detect/detect.ts";

/**
 * One service's collector: it connects on first use, keeps the connection between
 * collections, and writes the official exporter's families. A failed collection throws;
 * the runner then writes `<prefix>_up 0` and closes, so the next one reconnects.
 */
export interface IntegrationCollector {
  readonly kind: ServiceKind;
  /**
   * The exporter's `up` family: `pg_up`, `redis_up`; `down` is its value when a collection
   * fails (0, or 1 for cAdvisor's `container_scrape_error`).
   */
  readonly up: { name: string; help: string; down?: number };
  /**
   * Writes one collection's families, `up` 1 included, within `timeoutMs`. Returns the parts
   * that failed while the rest stood (a query a missing privilege refused), for the log.
   */
  collect(w: MetricWriter, timeoutMs: number): Promise<string[]>;
  /** What to grant when `err` is the service refusing the agent's login, else null. */
  refusal(err: unknown): string | null;
  /** Drops the connection; the next collect() opens a new one. */
  close(): Promise<void>;
  /**
   * Registers the collector's own self-metrics (its status page's fetches) under the
   * integration's key; returns what removes them when the service goes.
   */
  instrument?(registry: Registry, integration: string): () => void;
}

/** Where an instance came from: a process owning a socket, a well-known socket name, or the config. */
export type Discovery = "process" | "socket" | "config";
