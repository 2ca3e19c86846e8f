/**
 * Targets of memcached, RabbitMQ and NATS (targets.ts joins them to the others): keys that
 * make a configured instance and its detected twin one service, and their collectors.
 */
import type { IntegrationsConfig } from "./config.ts";
import type { DetectedService } from "./detect/detect.ts";
import type { MqKind } from "./detect/mq_rules.ts";
import { MemcachedCollector } from "./memcached/collector.ts";
import { detectedMemcachedLogs, memcachedLogSources } from "./memcached/logs.ts";
import { NatsCollector } from "./nats/collector.ts";
import { detectedNatsLogs, natsLogSources } from "./nats/logs.ts";
import { RabbitmqCollector } from "./rabbitmq/collector.ts";
import { rabbitmqLogs } from "./rabbitmq/logs.ts";
import type { RunnerTarget } from "./runner.ts";
import { passwordGetter } from "./secrets.ts";
import { LOCAL } from "./server_logs.ts";
import type { ServiceLogSource } from "./service_logs.ts";

/** A key for `address` (host:port or a socket path): a local one is keyed by its port alone. */
function keyOf(kind: MqKind, address: string): string {
  if (address.startsWith("/")) return `${kind}:${address}`;
  const colon = address.lastIndexOf(":");
  return LOCAL.test(address.slice(0, colon))
    ? `${kind}:${address.slice(colon + 1)}`
    : `${kind}:${address}`;
}

/** host:port of an http(s) URL. */
function urlAddress(url: string): string {
  const u = new URL(url);
  return `${u.hostname}:${u.port || (u.protocol === "https:" ? "443" : "80")}`;
}

/** The memcached, RabbitMQ and NATS targets the config lists. */
export function configuredMqTargets(config: IntegrationsConfig): RunnerTarget[] {
  const base = { how: "config", pid: 0 } as const;
  return [
    ...config.memcached.map((e) => {
      const key = keyOf("memcached", e.address);
      const at = { key, instance: e.address };
      const logs = configuredLog(e.log, (file) => memcachedLogSources(at, file));
      const collector = new MemcachedCollector({ address: e.address });
      return { ...base, key, address: e.address, collector, logs };
    }),
    ...config.nats.map((e) => {
      const address = urlAddress(e.monitor_url);
      const key = keyOf("nats", address);
      const logs = configuredLog(e.log, (file) => natsLogSources({ key, instance: address }, file));
      const collector = new NatsCollector({ monitorUrl: e.monitor_url });
      return { ...base, key, address, collector, logs };
    }),
    ...config.rabbitmq.map((e) => {
      const address = urlAddress(e.prometheus_url ?? (e.management_url as string));
      const collector = new RabbitmqCollector({
        prometheusUrl: e.prometheus_url,
        managementUrl: e.management_url,
        user: e.user,
        password: passwordGetter(e),
      });
      const logs = LOCAL.test(address.slice(0, address.lastIndexOf(":")))
        ? () => rabbitmqLogs(collector, { key: keyOf("rabbitmq", address), instance: address })
        : undefined;
      return { ...base, key: keyOf("rabbitmq", address), address, collector, logs };
    }),
  ];
}

/** A configured log file's sources, when the entry names one. */
function configuredLog(
  file: string | undefined,
  sources: (file: string) => ServiceLogSource[],
): (() => Promise<ServiceLogSource[]>) | undefined {
  return file === undefined ? undefined : async () => sources(file);
}

/** The target of a detected memcached, RabbitMQ or NATS; null for other kinds. */
export function detectedMqTarget(
  s: DetectedService,
  config: IntegrationsConfig,
): RunnerTarget | null {
  const base = { key: s.key, how: s.how, pid: s.pid, address: s.address } as const;
  const ports = s.ports ?? [s.port];
  const at = { key: s.key, instance: s.address };
  if (s.kind === "memcached") {
    const logs = () => detectedMemcachedLogs(at, s.pid);
    return { ...base, collector: new MemcachedCollector({ address: s.address }), logs };
  }
  if (s.kind === "nats") {
    const logs = () => detectedNatsLogs(at, s.cmdline ?? "", s.pid);
    return { ...base, collector: new NatsCollector({ ports }), logs };
  }
  if (s.kind !== "rabbitmq") return null;
  const d = config.defaults.rabbitmq;
  const collector = new RabbitmqCollector({
    ports,
    pid: s.pid,
    user: d.user,
    password: passwordGetter(d),
  });
  const logs = () => rabbitmqLogs(collector, { key: s.key, instance: s.address });
  return { ...base, collector, logs };
}
