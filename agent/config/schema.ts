import { z } from "zod";
import { formatDuration } from "../../shared/time/duration.ts";
import { type HostConfig, hostSchema } from "../sources/host/config.ts";
import { type IntegrationsConfig, integrationsSchema } from "../sources/integrations/config.ts";
import { type JournalConfig, journalSchema } from "../sources/journal/config.ts";
import { type ProbesConfig, probesSchema } from "../sources/probe/config.ts";
import { type AggregateRule, aggregateRulesSchema } from "../transforms/aggregate/config.ts";
import { type LogSourceConfig, logsSchema } from "./logs.ts";
import { agentSectionSchema, batchSchema, natsSchema, spoolSchema } from "./outpost.ts";
import {
  type GlobalConfig,
  globalSchema,
  resolveGlobal,
  resolveTiming,
  type ScrapeConfig,
  scrapeConfigSchema,
} from "./scrape.ts";
import { type SyslogConfig, syslogSchema } from "./syslog.ts";

export type { GlobalConfig, ScrapeConfig } from "./scrape.ts";

/**
 * The sections of a Prometheus server's prometheus.yml that the agent does not run, with where
 * their work is done instead: accepted so that a prometheus.yml loads unchanged (Debian's
 * stock file has `alerting` and `rule_files`), and named once in a warning at load.
 */
export const PROMETHEUS_ONLY_SECTIONS = {
  alerting: "alerts are sent by the aggregator's notifier (its alerting.config_file)",
  rule_files: "rules run on the aggregator (its rule_files)",
  remote_write: "the agent sends to NATS JetStream, not over remote write",
  remote_read: "queries go to the aggregator",
  storage: "the aggregator stores the data",
  tracing: "not used",
  runtime: "not used",
} as const;

export const prometheusOnly = Object.fromEntries(
  Object.entries(PROMETHEUS_ONLY_SECTIONS).map(([key, why]) => [
    key,
    z
      .unknown()
      .optional()
      .meta({ "x-type": "any" })
      .describe(`Accepted so a prometheus.yml loads as is, and not used: ${why}.`),
  ]),
) as Record<keyof typeof PROMETHEUS_ONLY_SECTIONS, z.ZodOptional<z.ZodUnknown>>;

/**
 * The agent's config file: Prometheus's `global` and `scrape_configs` (so a prometheus.yml
 * loads as it is; its other sections are accepted and not used) plus Outpost's own `agent`,
 * `nats`, `batch` and `spool`.
 */
export const agentConfigSchema = z
  .object({
    global: globalSchema
      .prefault({})
      .describe("Prometheus's global section: defaults for all scrape configs."),
    scrape_configs: z
      .array(scrapeConfigSchema)
      .prefault([])
      .describe("Prometheus scrape configs: what to scrape and how, one entry per job."),
    agent: agentSectionSchema
      .prefault({})
      .describe("Identity of this agent and its own HTTP endpoint."),
    nats: natsSchema
      .prefault({})
      .describe("Connection to NATS and the JetStream stream batches are published to."),
    batch: batchSchema.prefault({}).describe("When samples are sealed into a batch."),
    spool: spoolSchema
      .prefault({})
      .describe("On-disk buffer of batches not yet acknowledged by NATS."),
    host: hostSchema
      .prefault({})
      .describe(
        "Host metrics read from /proc and /sys in-process, named as node_exporter 1.5.0 names them.",
      ),
    integrations: integrationsSchema
      .prefault({})
      .describe(
        "Services (PostgreSQL, Redis) detected on the host or listed here, collected in-process under their official exporters' metric names.",
      ),
    probes: probesSchema
      .prefault({})
      .describe("Blackbox probes (HTTP, TCP, DNS, ICMP) run by the agent: modules and jobs."),
    journal: journalSchema
      .prefault({})
      .describe("The systemd journal, followed with journalctl (off unless enabled)."),
    syslog: syslogSchema
      .prefault({})
      .describe(
        "The host's syslog file (/var/log/syslog or /var/log/messages), parsed as RFC 3164 / 5424.",
      ),
    logs: logsSchema
      .prefault([])
      .describe("Log files to tail, each source with its own labels and processing stages."),
    aggregate: aggregateRulesSchema
      .prefault([])
      .describe(
        "Edge pre-aggregation: rules that combine series per interval before they leave the host.",
      ),
    ...prometheusOnly,
  })
  .strict()
  .superRefine(checkScrapeConfigs);

/** The config as validated, before defaults that depend on the environment are applied. */
export type AgentConfigInput = z.output<typeof agentConfigSchema>;

/**
 * The loaded agent config: every default applied, durations in milliseconds, sizes in
 * bytes, relative paths resolved against the config file's directory, and every scrape
 * config carrying its resolved global defaults.
 */
export interface AgentConfig {
  global: GlobalConfig;
  scrape_configs: ScrapeConfig[];
  agent: AgentSection;
  nats: NatsConfig;
  batch: BatchConfig;
  spool: SpoolConfig;
  host: HostConfig;
  integrations: IntegrationsConfig;
  probes: ProbesConfig;
  journal: JournalConfig;
  syslog: SyslogConfig;
  logs: LogSourceConfig[];
  aggregate: AggregateRule[];
  /** The prometheus.yml sections the file holds that the agent does not use. */
  unused_sections?: (keyof typeof PROMETHEUS_ONLY_SECTIONS)[];
}

/** The loaded `agent` section. */
export interface AgentSection {
  id: string;
  tenant: string;
  http_listen: string;
  /** Bytes; see agent/pipeline/budget.ts. */
  memory_limit: number;
}

/** The loaded `nats` section; durations in ms, sizes in bytes, paths absolute. */
export interface NatsConfig {
  url: string[];
  stream: string;
  subject_prefix: string;
  user?: string;
  password?: string;
  token?: string;
  creds_file?: string;
  nkey_file?: string;
  tls?: { ca_file?: string; cert_file?: string; key_file?: string };
  stream_max_age: number;
  stream_max_bytes: number;
  duplicate_window: number;
  publish_timeout: number;
  max_in_flight: number;
}

/** The loaded `batch` section; `max_wait` in ms. */
export interface BatchConfig {
  max_samples: number;
  max_wait: number;
  compression: "lz4" | "zstd";
  log_compression: "lz4" | "zstd";
}

/** The loaded `spool` section; `dir` absolute, `max_bytes` in bytes. */
export interface SpoolConfig {
  dir: string;
  max_bytes: number;
}

export type TopLevel = Pick<AgentConfigInput, "global" | "scrape_configs">;

/** Checks what spans entries: unique job names, and timeouts against the intervals they inherit. */
export function checkScrapeConfigs(config: TopLevel, ctx: z.RefinementCtx): void {
  const global = config.global;
  const resolved = resolveGlobal(global);
  const interval = resolved.scrape_interval;
  if (global.scrape_timeout !== undefined && global.scrape_timeout > interval) {
    ctx.addIssue({
      code: "custom",
      path: ["global", "scrape_timeout"],
      message: `scrape_timeout ${formatDuration(global.scrape_timeout)} is longer than scrape_interval ${formatDuration(interval)}`,
    });
  }
  const firstUse = new Map<string, number>();
  config.scrape_configs.forEach((job, i) => {
    const first = firstUse.get(job.job_name);
    if (first !== undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["scrape_configs", i, "job_name"],
        message: `duplicate job_name "${job.job_name}" (also used by scrape_configs[${first}])`,
      });
    } else firstUse.set(job.job_name, i);
    const timing = resolveTiming(job, resolved);
    if (job.scrape_timeout && job.scrape_timeout > timing.scrape_interval) {
      ctx.addIssue({
        code: "custom",
        path: ["scrape_configs", i, "scrape_timeout"],
        message: `scrape_timeout ${formatDuration(job.scrape_timeout)} is longer than scrape_interval ${formatDuration(timing.scrape_interval)}`,
      });
    }
  });
}
