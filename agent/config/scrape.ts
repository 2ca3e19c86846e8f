import { z } from "zod";
import { byteSize, duration, labelSet } from "../../shared/config/fields.ts";
import {
  checkHttpClient,
  checkProxy,
  type HttpClientConfig,
  httpClientFields,
  normalizeHttpClient,
  oauth2Field,
  proxyFields,
} from "../../shared/config/http.ts";
import { fileSdConfigSchema, resolveFileSd } from "../../shared/discovery/config.ts";
import { type DnsSdConfig, dnsSdConfigSchema } from "../../shared/discovery/dns_sd_config.ts";
import { type RelabelConfig, relabelConfigSchema } from "../../shared/relabel/config.ts";

/**
 * Prometheus's `global` and `scrape_configs` sections, the common subset, with Prometheus's
 * field names, defaults and checks, so those sections of a prometheus.yml load unchanged.
 */

// Empty lists and maps default with prefault: a zod default is output-typed, and the docs
// generator can only show defaults of the input type for fields that contain transforms.

/**
 * The agent's default scrape limits, where Prometheus has none: a target cannot take the
 * agent's memory or time with a huge body or a 50 MB label value. The body cap (vmagent's
 * default) bounds a scrape to about 32 MiB of body reservations and, through its size, the
 * series one body can hold; sample_limit stays Prometheus's "no limit", so a scrape config that
 * works in Prometheus works here: a target with too many series for the agent fails its scrape
 * on memory_limit instead. Large exporters raise body_size_limit per job (and memory_limit).
 */
export const DEFAULT_SCRAPE_LIMITS = {
  target_limit: 0,
  sample_limit: 0,
  label_limit: 64,
  label_name_length_limit: 256,
  label_value_length_limit: 16 * 1024,
  body_size_limit: 16 * 1024 * 1024,
} as const;

/**
 * Limits that can be set once in `global` and overridden per job, as in Prometheus, where
 * a job's 0 means "use the global value". `fallback` names the default in the docs.
 */
function limitFields(global: boolean) {
  const fallback = (text: string) => (global ? text : "the global value");
  const noLimit = global
    ? "0 means no limit (the memory_limit still holds)."
    : "0 means the global value.";
  const limit = (field: keyof typeof DEFAULT_SCRAPE_LIMITS, what: string) =>
    z
      .number()
      .int()
      .min(0)
      .optional()
      .meta({ "x-default": fallback(String(DEFAULT_SCRAPE_LIMITS[field])) })
      .describe(`${what} ${noLimit}`);
  return {
    target_limit: limit(
      "target_limit",
      "When a job has more targets than this (after relabeling), every scrape of it fails, without a request, until it has fewer: `up` 0 and `target_limit exceeded (number of targets: N, limit: L)`, as in Prometheus.",
    ),
    sample_limit: limit(
      "sample_limit",
      "Scrapes returning more samples than this (after metric relabeling) fail, as soon as the parser passes the limit.",
    ),
    label_limit: limit(
      "label_limit",
      "Scrapes with a series carrying more labels than this fail; checked after metric relabeling, as in Prometheus (and, in a job without metric_relabel_configs, already while parsing).",
    ),
    label_name_length_limit: limit(
      "label_name_length_limit",
      "Scrapes with a longer label name (bytes) fail; checked after metric relabeling, as in Prometheus (and, in a job without metric_relabel_configs, already while parsing).",
    ),
    label_value_length_limit: limit(
      "label_value_length_limit",
      "Scrapes with a longer label value or metric name (bytes) fail; checked after metric relabeling, as in Prometheus (and, in a job without metric_relabel_configs, already while parsing, before the value is kept).",
    ),
    body_size_limit: byteSize()
      .optional()
      .meta({ "x-default": fallback("16MiB") })
      .describe(
        `Scrapes whose uncompressed body is larger fail, counted as the bytes arrive (a gzip body as it is inflated); 10MB means 10MiB, as in Prometheus. ${noLimit}`,
      ),
  };
}

/** `global`: defaults for every scrape config and labels added to everything the agent sends. */
export const globalSchema = z
  .object({
    scrape_interval: duration().prefault("1m").describe("How often to scrape targets by default."),
    scrape_timeout: duration()
      .optional()
      .meta({ "x-default": "10s, or scrape_interval if shorter" })
      .describe("How long a scrape may take by default; at most scrape_interval."),
    evaluation_interval: duration()
      .optional()
      .describe(
        "Accepted so a prometheus.yml global section loads as is; the agent evaluates no rules and ignores it.",
      ),
    query_log_file: z
      .string()
      .optional()
      .describe(
        "Accepted so a prometheus.yml global section loads as is; the agent runs no queries and ignores it.",
      ),
    external_labels: labelSet()
      .prefault({})
      .describe(
        "Labels added to every series the agent sends, unless the series already has the label.",
      ),
    ...limitFields(true),
  })
  .strict();

const staticConfigSchema = z
  .object({
    targets: z
      .array(z.string().min(1))
      .prefault([])
      .describe("Addresses to scrape, as host:port; relabel_configs see each as `__address__`."),
    labels: labelSet().prefault({}).describe("Labels added to every target of this group."),
  })
  .strict();

/** One `scrape_configs` entry as written; see {@link ScrapeConfig} for the loaded form. */
export const scrapeConfigSchema = z
  .object({
    job_name: z
      .string()
      .min(1)
      .describe("Name of the job; the `job` label of its targets. Unique in the file."),
    scrape_interval: duration()
      .optional()
      .meta({ "x-default": "global.scrape_interval" })
      .describe("How often to scrape this job's targets."),
    scrape_timeout: duration()
      .optional()
      .meta({ "x-default": "global.scrape_timeout, or scrape_interval if shorter" })
      .describe(
        "How long a scrape may take; at most scrape_interval. Time the agent itself could not run (a stall past the deadline) is given back, up to the timeout again.",
      ),
    metrics_path: z
      .string()
      .min(1)
      .default("/metrics")
      .describe("HTTP path to fetch metrics from."),
    scheme: z.enum(["http", "https"]).default("http").describe("Protocol to scrape with."),
    params: z
      .record(z.string(), z.array(z.string()))
      .prefault({})
      .describe("URL query parameters, each name with a list of values."),
    honor_labels: z
      .boolean()
      .default(false)
      .describe(
        "On a clash between scraped and target labels, keep the scraped ones (one exposed with an empty value too: the series then goes without that label, as in Prometheus); otherwise they are renamed `exported_<name>`.",
      ),
    honor_timestamps: z
      .boolean()
      .default(true)
      .describe(
        "Keep timestamps the target exposes; when false, every sample gets the scrape time.",
      ),
    follow_redirects: z
      .boolean()
      .default(true)
      .describe("Follow HTTP redirects; when false a 3xx answer fails the scrape."),
    enable_http2: z
      .boolean()
      .default(true)
      .describe(
        "Accepted for compatibility (Prometheus's status page prints it) and ignored: scrapes speak HTTP/1.1.",
      ),
    ...proxyFields,
    static_configs: z.array(staticConfigSchema).prefault([]).describe("Fixed lists of targets."),
    file_sd_configs: z.array(fileSdConfigSchema).prefault([]).describe("Targets read from files."),
    dns_sd_configs: z
      .array(dnsSdConfigSchema)
      .prefault([])
      .describe("Targets looked up in DNS (SRV, A, AAAA, MX or NS records)."),
    relabel_configs: z
      .array(relabelConfigSchema)
      .prefault([])
      .describe("Relabeling applied to each target before scraping; can drop targets."),
    metric_relabel_configs: z
      .array(relabelConfigSchema)
      .prefault([])
      .describe("Relabeling applied to each scraped sample; can drop samples."),
    ...httpClientFields,
    ...oauth2Field,
    ...limitFields(false),
  })
  .strict()
  .superRefine(checkHttpClient)
  .superRefine(checkProxy)
  .superRefine(checkStaticTargets);

/**
 * A job without relabel_configs cannot scrape a static target written as a URL or a path (no
 * rule moves it to a parameter, as the blackbox pattern does): refused as Prometheus refuses
 * it when it loads the file.
 */
function checkStaticTargets(
  config: { relabel_configs: unknown[]; static_configs: { targets: string[] }[] },
  ctx: z.RefinementCtx,
): void {
  if (config.relabel_configs.length > 0) return;
  for (const [g, group] of config.static_configs.entries())
    for (const [t, target] of group.targets.entries()) {
      if (!target.includes("/")) continue;
      ctx.addIssue({
        code: "custom",
        path: ["static_configs", g, "targets", t],
        message: `${JSON.stringify(target)} is not a valid hostname`,
      });
    }
}

/** The raw global section, as validated. */
export type GlobalInput = z.output<typeof globalSchema>;
type ScrapeInput = z.output<typeof scrapeConfigSchema>;

/** The loaded `global` section: durations in ms, sizes in bytes, every default applied. */
export interface GlobalConfig {
  scrape_interval: number;
  scrape_timeout: number;
  external_labels: Record<string, string>;
  target_limit: number;
  sample_limit: number;
  label_limit: number;
  label_name_length_limit: number;
  label_value_length_limit: number;
  body_size_limit: number;
}

/** One loaded scrape config: global defaults applied, durations in ms, sizes in bytes, paths absolute. */
export interface ScrapeConfig extends HttpClientConfig {
  job_name: string;
  scrape_interval: number;
  scrape_timeout: number;
  metrics_path: string;
  scheme: "http" | "https";
  params: Record<string, string[]>;
  honor_labels: boolean;
  honor_timestamps: boolean;
  follow_redirects: boolean;
  /** An HTTP proxy to scrape through. */
  proxy_url?: string;
  /** Targets that bypass proxy_url (Go's NO_PROXY syntax). */
  no_proxy?: string;
  /** Take the proxy from HTTP_PROXY / HTTPS_PROXY / NO_PROXY instead. */
  proxy_from_environment: boolean;
  /** Headers sent to the proxy on CONNECT (https targets). */
  proxy_connect_header: Record<string, string[]>;
  static_configs: { targets: string[]; labels: Record<string, string> }[];
  file_sd_configs: { files: string[]; refresh_interval: number }[];
  dns_sd_configs: DnsSdConfig[];
  relabel_configs: RelabelConfig[];
  metric_relabel_configs: RelabelConfig[];
  target_limit: number;
  sample_limit: number;
  label_limit: number;
  label_name_length_limit: number;
  label_value_length_limit: number;
  body_size_limit: number;
}

const DEFAULT_SCRAPE_INTERVAL_MS = 60_000;
const DEFAULT_SCRAPE_TIMEOUT_MS = 10_000;

/**
 * Applies Prometheus's defaulting to `global`: an unset (or 0) interval is 1m, an unset
 * timeout is 10s but never longer than the interval. Validity is checked separately.
 */
export function resolveGlobal(global: GlobalInput): GlobalConfig {
  const interval = global.scrape_interval || DEFAULT_SCRAPE_INTERVAL_MS;
  return {
    scrape_interval: interval,
    scrape_timeout: global.scrape_timeout || Math.min(DEFAULT_SCRAPE_TIMEOUT_MS, interval),
    external_labels: global.external_labels,
    target_limit: global.target_limit ?? DEFAULT_SCRAPE_LIMITS.target_limit,
    sample_limit: global.sample_limit ?? DEFAULT_SCRAPE_LIMITS.sample_limit,
    label_limit: global.label_limit ?? DEFAULT_SCRAPE_LIMITS.label_limit,
    label_name_length_limit:
      global.label_name_length_limit ?? DEFAULT_SCRAPE_LIMITS.label_name_length_limit,
    label_value_length_limit:
      global.label_value_length_limit ?? DEFAULT_SCRAPE_LIMITS.label_value_length_limit,
    body_size_limit: global.body_size_limit ?? DEFAULT_SCRAPE_LIMITS.body_size_limit,
  };
}

/** Resolves a job's interval and timeout from its own fields and the resolved global section. */
export function resolveTiming(
  job: Pick<ScrapeInput, "scrape_interval" | "scrape_timeout">,
  global: GlobalConfig,
) {
  const interval = job.scrape_interval || global.scrape_interval;
  const timeout = job.scrape_timeout || Math.min(global.scrape_timeout, interval);
  return { scrape_interval: interval, scrape_timeout: timeout };
}

/** Builds the loaded form of one scrape config; `baseDir` is the config file's directory. */
export function normalizeScrapeConfig(
  job: ScrapeInput,
  global: GlobalConfig,
  baseDir: string,
): ScrapeConfig {
  return {
    job_name: job.job_name,
    ...resolveTiming(job, global),
    metrics_path: job.metrics_path,
    scheme: job.scheme,
    params: job.params,
    honor_labels: job.honor_labels,
    honor_timestamps: job.honor_timestamps,
    follow_redirects: job.follow_redirects,
    proxy_url: job.proxy_url,
    no_proxy: job.no_proxy,
    proxy_from_environment: job.proxy_from_environment,
    proxy_connect_header: job.proxy_connect_header,
    static_configs: job.static_configs,
    file_sd_configs: job.file_sd_configs.map((sd) => resolveFileSd(sd, baseDir)),
    dns_sd_configs: job.dns_sd_configs,
    relabel_configs: job.relabel_configs,
    metric_relabel_configs: job.metric_relabel_configs,
    ...normalizeHttpClient(job, baseDir),
    // Prometheus treats a job's 0 as "not set" and falls back to the global limit.
    target_limit: job.target_limit || global.target_limit,
    sample_limit: job.sample_limit || global.sample_limit,
    label_limit: job.label_limit || global.label_limit,
    label_name_length_limit: job.label_name_length_limit || global.label_name_length_limit,
    label_value_length_limit: job.label_value_length_limit || global.label_value_length_limit,
    body_size_limit: job.body_size_limit || global.body_size_limit,
  };
}
