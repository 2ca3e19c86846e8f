/**
 * `outpost up --config.file prometheus.yml`: a Prometheus server's own file, run by `up` where
 * Prometheus would run it. Its `scrape_configs` are scraped by up's agent beside up's own jobs,
 * its `rule_files`, `global` (evaluation interval, query offset, external labels) and
 * `alerting` (`alertmanagers`, `alert_relabel_configs`) go to the aggregator, as Prometheus uses
 * them: external labels are added to the alerts the rules send and to `/federate`, not to the
 * stored series, and the alerts are relabeled after them. Relative paths (rule files, file_sd files, TLS
 * and password files) are read from the file's directory, as Prometheus reads them.
 */
import { dirname, resolve } from "node:path";
import { z } from "zod";
import {
  agentConfigSchema,
  checkScrapeConfigs,
  PROMETHEUS_ONLY_SECTIONS,
  prometheusOnly,
} from "../agent/config/schema.ts";
import {
  globalSchema as agentGlobalSchema,
  normalizeScrapeConfig,
  resolveGlobal,
  type ScrapeConfig,
  scrapeConfigSchema,
} from "../agent/config/scrape.ts";
import {
  type AlertmanagerSetInput,
  alertmanagersSchema,
  resolveSetFiles,
} from "../aggregator/alertmanagers/config.ts";
import { ruleFilesSchema, globalSchema as ruleGlobalSchema } from "../aggregator/rules/config.ts";
import { goYamlScalars } from "../shared/config/go_yaml.ts";
import { parseYamlConfig, readConfigFile } from "../shared/config/load.ts";
import { type RelabelConfig, relabelConfigSchema } from "../shared/relabel/config.ts";

/** The jobs of up's own agent (cli/up.ts): a file's job of the same name would clash. */
export const UP_JOB_NAMES = ["outpost-agent", "outpost-aggregator"] as const;

/**
 * The agent's own sections (`nats`, `spool`, `host`, …): every section of its schema that a
 * prometheus.yml has not. In this file they would be ignored, so they are refused.
 */
const OUTPOST_SECTIONS = Object.keys(agentConfigSchema.shape).filter(
  (name) => !["global", "scrape_configs"].includes(name) && !(name in PROMETHEUS_ONLY_SECTIONS),
);

const refusedOutpostSection = z
  .unknown()
  .refine(() => false, {
    error:
      "an Outpost agent section: --config.file takes a prometheus.yml (global, scrape_configs, rule_files); run an agent of your own with `outpost agent --config FILE` for Outpost's sections",
  })
  .optional();

/** prometheus.yml as `up` reads it: the agent's scrape sections, the aggregator's rule settings. */
const upPrometheusSchema = z
  .object({
    global: agentGlobalSchema
      .omit({ evaluation_interval: true })
      .extend({
        evaluation_interval: ruleGlobalSchema.shape.evaluation_interval,
        rule_query_offset: ruleGlobalSchema.shape.rule_query_offset,
      })
      .prefault({}),
    scrape_configs: z.array(scrapeConfigSchema).prefault([]),
    ...prometheusOnly,
    rule_files: ruleFilesSchema,
    alerting: z
      .object({
        alertmanagers: alertmanagersSchema,
        alert_relabel_configs: z.array(relabelConfigSchema).prefault([]),
      })
      .strict()
      .prefault({}),
    ...Object.fromEntries(OUTPOST_SECTIONS.map((name) => [name, refusedOutpostSection])),
  })
  .strict()
  .superRefine(checkScrapeConfigs)
  .superRefine((config, ctx) => {
    config.scrape_configs.forEach((job, i) => {
      if (!(UP_JOB_NAMES as readonly string[]).includes(job.job_name)) return;
      ctx.addIssue({
        code: "custom",
        path: ["scrape_configs", i, "job_name"],
        message: `job_name "${job.job_name}" is one of outpost up's own jobs (${UP_JOB_NAMES.join(", ")}); rename it`,
      });
    });
  });

/** Read as Prometheus's yaml.v2 reads them (`honor_labels: yes`), as the agent reads them. */
const readAsPrometheus = goYamlScalars(upPrometheusSchema, [
  "global",
  "scrape_configs",
  "alerting",
]);

/** What `up` takes from a prometheus.yml. */
export interface UpPrometheusFile {
  /** The file, absolute. */
  path: string;
  /** Its jobs, loaded as the agent loads them (paths absolute, global defaults applied). */
  scrapeConfigs: ScrapeConfig[];
  /** Its rule file globs, absolute (relative ones are the file's directory's). */
  ruleFiles: string[];
  /** The aggregator's `global`: milliseconds and labels. */
  global: {
    evaluationInterval: number;
    ruleQueryOffset: number;
    externalLabels: Record<string, string>;
  };
  /** `alerting.alertmanagers`, files absolute: the aggregator sends the rules' alerts there too. */
  alertmanagers: AlertmanagerSetInput[];
  /** `alerting.alert_relabel_configs`: the aggregator relabels the rules' alerts with them. */
  alertRelabelConfigs: RelabelConfig[];
  /** The sections it holds that `up` does not use (`remote_write`, …). */
  unused: string[];
}

/** Reads and checks a prometheus.yml for `up`; a problem throws a ConfigError with file:line. */
export async function readUpPrometheusFile(file: string, cwd: string): Promise<UpPrometheusFile> {
  const path = resolve(cwd, file);
  return parseUpPrometheusFile(await readConfigFile(path), path);
}

/** {@link readUpPrometheusFile} on the file's text; `path` is absolute. */
export function parseUpPrometheusFile(text: string, path: string): UpPrometheusFile {
  const input = parseYamlConfig(text, path, upPrometheusSchema, { prepare: readAsPrometheus });
  const dir = dirname(path);
  const global = resolveGlobal(input.global);
  const used = ["rule_files", "alerting"];
  const unused: string[] = (Object.keys(PROMETHEUS_ONLY_SECTIONS) as (keyof typeof input)[]).filter(
    (key) => !used.includes(key) && holdsSomething(input[key]),
  );
  return {
    path,
    scrapeConfigs: input.scrape_configs.map((job) => normalizeScrapeConfig(job, global, dir)),
    ruleFiles: input.rule_files.map((glob) => resolve(dir, glob)),
    global: {
      evaluationInterval: input.global.evaluation_interval,
      ruleQueryOffset: input.global.rule_query_offset,
      externalLabels: input.global.external_labels,
    },
    alertmanagers: input.alerting.alertmanagers.map((set) => resolveSetFiles(set, dir)),
    alertRelabelConfigs: input.alerting.alert_relabel_configs,
    unused,
  };
}

/** False for a section left empty (`rule_files:` with its lines commented out). */
function holdsSomething(value: unknown): boolean {
  if (value === undefined || value === null) return false;
  if (Array.isArray(value)) return value.length > 0;
  return typeof value !== "object" || Object.keys(value).length > 0;
}
