import type { Registry } from "../../../shared/metrics/registry.ts";
import type { SampleConsumer } from "../../pipeline/component.ts";
import type { Discovery } from "./collector.ts";

/** One service's state, as the agent's `/integrations` endpoint and `outpost integrations` show it. */
export interface IntegrationStatus {
  kind: string;
  key: string;
  address: string;
  how: Discovery;
  /** The owning process when detected by process, else 0. */
  pid: number;
  /** pending: not collected yet; up; down: unreachable or failing; refused: login or privilege. */
  state: "pending" | "up" | "down" | "refused";
  /** Why it is down or refused (what to grant), or the parts that failed while up. */
  reason: string;
  /** ISO time of the last collection, "" before the first. */
  last_collect: string;
  last_duration_seconds: number;
  /** Series the last collection wrote. */
  series: number;
  /** The service's log files the agent tails (nginx), when there are any. */
  logs?: string[];
}

/** The body of the agent's `/integrations` endpoint. */
export interface IntegrationsReport {
  autodetect: boolean;
  /** ISO time of the last detection, "" when off or not run yet. */
  last_detection: string;
  integrations: IntegrationStatus[];
}

/** What every runner of a source shares. */
export interface RunnerShared {
  registry: Registry;
  consumer: SampleConsumer;
  /** Collection interval and timeout, ms. */
  interval: number;
  timeout: number;
}
