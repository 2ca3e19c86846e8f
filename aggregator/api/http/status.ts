/**
 * `/api/v1/status/buildinfo` and `/api/v1/status/runtimeinfo`. Clients decide what a server
 * can do from `version`: Grafana checks that it reads as Prometheus 2.x or later to enable
 * its Prometheus features, so `version` is the Prometheus release whose API and PromQL
 * Outpost follows, and Outpost's own version is in the extra field `outpost`.
 */
import { hostname } from "node:os";
import { success } from "./respond.ts";

/** The Prometheus release whose HTTP API and PromQL this API answers like. */
export const PROMETHEUS_COMPATIBLE_VERSION = "3.0.0";

/** What this build of Outpost is; fields a build does not know stay empty. */
export interface BuildInfo {
  /** Outpost's version (package.json's). */
  readonly version: string;
  readonly revision?: string;
  readonly branch?: string;
  readonly buildUser?: string;
  readonly buildDate?: string;
}

/** Answers `status/buildinfo` with Prometheus's fields, plus `outpost`: Outpost's version. */
export function buildInfo(info: BuildInfo): Response {
  return success(
    JSON.stringify({
      version: PROMETHEUS_COMPATIBLE_VERSION,
      revision: info.revision ?? "",
      branch: info.branch ?? "",
      buildUser: info.buildUser ?? "",
      buildDate: info.buildDate ?? "",
      // Prometheus reports the Go runtime here; Outpost runs on Bun.
      goVersion: `bun${Bun.version}`,
      outpost: info.version,
    }),
  );
}

/** What `status/runtimeinfo` reports beyond the process itself. */
export interface RuntimeInfoSource {
  /** When the server started, Unix ms. */
  readonly startTime: number;
  /** How long raw samples are kept, as Prometheus writes it (`15d`), or "" when unknown. */
  readonly storageRetention?: string;
}

/** Answers `status/runtimeinfo` with Prometheus 3's fields; Go-only ones hold neutral values. */
export function runtimeInfo(source: RuntimeInfoSource): Response {
  const started = new Date(source.startTime).toISOString();
  return success(
    JSON.stringify({
      startTime: started,
      CWD: process.cwd(),
      hostname: hostname(),
      serverTime: new Date().toISOString(),
      reloadConfigSuccess: true,
      lastConfigTime: started,
      corruptionCount: 0,
      goroutineCount: 0,
      GOMAXPROCS: navigator.hardwareConcurrency,
      GOMEMLIMIT: 0,
      GOGC: "",
      GODEBUG: "",
      storageRetention: source.storageRetention ?? "",
    }),
  );
}

/** The push URLs of the Alertmanagers the rules' alerts go to, and of those relabeled away. */
export interface AlertmanagerURLs {
  readonly active: readonly string[];
  readonly dropped: readonly string[];
}

/**
 * `/api/v1/alertmanagers`: where the rules' alerts are pushed (`alerting.alertmanagers`, as
 * discovered and relabeled) and the Alertmanagers relabeling dropped. The notifier of
 * `alerting.config_file` runs inside Outpost and is not listed, as Prometheus lists only the
 * Alertmanagers it sends to.
 */
export function alertmanagers(urls: AlertmanagerURLs): Response {
  return success(
    JSON.stringify({
      activeAlertmanagers: urls.active.map((url) => ({ url })),
      droppedAlertmanagers: urls.dropped.map((url) => ({ url })),
    }),
  );
}
