/**
 * Targets of HAProxy and Apache, configured or detected: keys that make a configured one and
 * its detected twin the same service, collectors, and the logs each brings.
 */
import { ApacheCollector } from "./apache/collector.ts";
import { apacheLogs, apachePaths } from "./apache/conf.ts";
import { apacheLogSources, detectedApacheLogs } from "./apache/logs.ts";
import type { IntegrationsConfig } from "./config.ts";
import type { DetectedService } from "./detect/detect.ts";
import { HaproxyCollector } from "./haproxy/collector.ts";
import { haproxyConfigs, haproxyStats } from "./haproxy/conf.ts";
import { detectedHaproxyLogs, haproxyLogSources } from "./haproxy/logs.ts";
import type { RunnerTarget } from "./runner.ts";
import { LOCAL } from "./server_logs.ts";

type HaproxyEntry = IntegrationsConfig["haproxy"][number];
type ApacheEntry = IntegrationsConfig["apache"][number];

/** The HAProxy and Apache targets the config lists. */
export function configuredWebTargets(config: IntegrationsConfig): RunnerTarget[] {
  return [...config.haproxy.map(haproxyTarget), ...config.apache.map(apacheTarget)];
}

/** A key and address from a status URL: a local one is keyed by its port, as detection keys it. */
function urlKey(kind: string, status: string): { key: string; address: string } {
  const url = new URL(status);
  const port = url.port || (url.protocol === "https:" ? "443" : "80");
  const address = `${url.hostname}:${port}`;
  return { key: LOCAL.test(url.hostname) ? `${kind}:${port}` : `${kind}:${address}`, address };
}

/** A configured HAProxy: keyed by its socket path, or its stats page's or exporter's port. */
function haproxyTarget(e: HaproxyEntry): RunnerTarget {
  const { key, address } = e.socket
    ? { key: `haproxy:${e.socket}`, address: e.socket }
    : urlKey("haproxy", e.stats_url ?? e.prometheus_url ?? "");
  const collector = new HaproxyCollector({
    socket: e.socket,
    statsUrl: e.stats_url,
    prometheusUrl: e.prometheus_url,
  });
  const logs = async () => haproxyLogSources({ key, instance: address }, e.log ? [e.log] : []);
  return { key, address, how: "config", pid: 0, collector, logs };
}

function apacheTarget(e: ApacheEntry): RunnerTarget {
  const { key, address } = urlKey("apache", e.status_url);
  const collector = new ApacheCollector({ statusUrl: e.status_url });
  // A configured log's format is not known: a number after the combined fields is read as %D.
  const format = "%D";
  const logs = async () =>
    apacheLogSources(
      { key, instance: address },
      {
        access: e.access_log ? [{ path: e.access_log, format }] : [],
        error: e.error_log ? [e.error_log] : [],
      },
    );
  return { key, address, how: "config", pid: 0, collector, logs };
}

/** The target of a detected HAProxy or Apache; null for another kind. */
export function detectedWebTarget(s: DetectedService): RunnerTarget | null {
  const base = { key: s.key, how: s.how, pid: s.pid, address: s.address } as const;
  const at = { key: s.key, instance: s.address };
  if (s.kind === "apache") {
    const { root, conf } = apachePaths(s.cmdline ?? "");
    const collector = new ApacheCollector({
      ports: s.ports ?? [s.port],
      configPaths: async () => (await apacheLogs(conf, root)).statusPaths,
    });
    return { ...base, collector, logs: () => detectedApacheLogs(at, s.cmdline ?? "") };
  }
  if (s.kind !== "haproxy") return null;
  // The built-in Prometheus exporter where the config serves one (the user chose HAProxy's own
  // names); else the config's stats socket (a frontend may listen on Unix sockets too), the one
  // detection saw, or the config's stats page.
  const find = async () => {
    const conf = await haproxyStats(haproxyConfigs(s.cmdline ?? ""));
    if (conf.prometheusUrl) return { prometheusUrl: conf.prometheusUrl };
    const socket = conf.socket ?? s.socket;
    return socket ? { socket } : { statsUrl: conf.statsUrl };
  };
  return { ...base, collector: new HaproxyCollector(find), logs: () => detectedHaproxyLogs(at) };
}
