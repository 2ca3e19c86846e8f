/**
 * `alerting.alertmanagers`: Alertmanagers outside Outpost that the rules' alerts are sent to,
 * as prometheus.yml's `alerting.alertmanagers` sends them (sender.ts), with its field names and
 * defaults, so a Prometheus server's section keeps its meaning: targets listed, read from
 * file_sd files or looked up in DNS (discovery.ts), relabeled as Prometheus relabels them (targets.ts), and the
 * alerts relabeled per set (`alert_relabel_configs`, which Prometheus reads from 2.51 on).
 */
import { join } from "node:path/posix";
import { z } from "zod";
import { duration, labelSet } from "../../shared/config/fields.ts";
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
import type { FileSdConfig, TargetGroup } from "../../shared/discovery/file_sd.ts";
import type { ProxySettings } from "../../shared/http/proxy.ts";
import { type RelabelConfig, relabelConfigSchema } from "../../shared/relabel/config.ts";

/** Alertmanager's push path, after `path_prefix`. */
const ALERTS_PATH = "/api/v2/alerts";

/** One entry of `alerting.alertmanagers`: a set of Alertmanagers sent the same alerts. */
export const alertmanagerSetSchema = z
  .object({
    static_configs: z
      .array(
        z
          .object({
            targets: z
              .array(
                z.string().regex(/^[^/\s]+$/, { error: "expected an Alertmanager's host:port" }),
              )
              .prefault([])
              .describe(
                "Alertmanagers' addresses, as host:port; without a port, the scheme's (80 or 443), as in Prometheus. relabel_configs see each as `__address__`.",
              ),
            labels: labelSet()
              .prefault({})
              .describe("Labels of these targets, seen by relabel_configs only."),
          })
          .strict(),
      )
      .prefault([])
      .describe("Alertmanagers to send to."),
    file_sd_configs: z
      .array(fileSdConfigSchema)
      .prefault([])
      .describe(
        "Alertmanagers read from files in Prometheus's file_sd format, re-read when they change (`__meta_filepath` names the file).",
      ),
    dns_sd_configs: z
      .array(dnsSdConfigSchema)
      .prefault([])
      .describe(
        "Alertmanagers looked up in DNS as the agent's scrape jobs look targets up (an SRV record per Alertmanager, or A/AAAA records with `port`).",
      ),
    relabel_configs: z
      .array(relabelConfigSchema)
      .prefault([])
      .describe(
        "Relabeling of the discovered Alertmanagers, as Prometheus's: `__address__`, `__scheme__` and `__alerts_path__` make the push URL, and a target relabeled away is listed under `droppedAlertmanagers`.",
      ),
    alert_relabel_configs: z
      .array(relabelConfigSchema)
      .prefault([])
      .describe(
        "Relabeling of the alerts sent to this set only, after `alerting.alert_relabel_configs`; an alert dropped here still goes to the other sets. Prometheus reads this from 2.51 on (2.42 refuses it).",
      ),
    scheme: z.enum(["http", "https"]).default("http").describe("Protocol to send with."),
    path_prefix: z
      .string()
      .default("/")
      .describe("Path before `/api/v2/alerts`, for an Alertmanager behind a prefix."),
    timeout: duration().prefault("10s").describe("How long one push of alerts may take."),
    api_version: z
      .enum(["v1", "v2"])
      .default("v2")
      .refine((v) => v === "v2", {
        error:
          "api_version v1 is not supported: Alertmanager serves v2 since 0.16, and Prometheus 3 sends v2 only",
      })
      .describe("Alertmanager's API version: v2."),
    follow_redirects: z.boolean().default(true).describe("Follow HTTP redirects."),
    enable_http2: z
      .boolean()
      .default(true)
      .describe("Accepted and ignored: pushes speak HTTP/1.1."),
    ...proxyFields,
    ...httpClientFields,
    ...oauth2Field,
  })
  .strict()
  .superRefine(checkHttpClient)
  .superRefine(checkProxy);

/** The entries as written. */
export const alertmanagersSchema = z
  .array(alertmanagerSetSchema)
  .prefault([])
  .describe(
    "Alertmanagers outside Outpost the rules' alerts are also sent to, as prometheus.yml's `alerting.alertmanagers` (static, file_sd or DNS targets, relabeled; the default tenant's rules). The notifier of `config_file` receives them as well.",
  );

/** One entry as validated. */
export type AlertmanagerSetInput = z.output<typeof alertmanagerSetSchema>;
type SetInput = AlertmanagerSetInput;

/** One loaded set: where its Alertmanagers are found, and how to push to them. */
export interface AlertmanagerSet extends HttpClientConfig, ProxySettings {
  /** `__scheme__` before relabeling. */
  scheme: "http" | "https";
  /** `__alerts_path__` before relabeling: `path_prefix` joined with `/api/v2/alerts`. */
  alertsPath: string;
  /** The `static_configs` groups. */
  staticGroups: TargetGroup[];
  /** The `file_sd_configs`, globs absolute. */
  fileSd: FileSdConfig[];
  /** The `dns_sd_configs`. */
  dnsSd: DnsSdConfig[];
  relabel: RelabelConfig[];
  alertRelabel: RelabelConfig[];
  /** Milliseconds. */
  timeout: number;
  follow_redirects: boolean;
}

/** Each set as loaded: the legacy bearer token folded in and files resolved against `baseDir`. */
export function normalizeAlertmanagers(sets: SetInput[], baseDir: string): AlertmanagerSet[] {
  return sets.map((set) => ({
    scheme: set.scheme,
    alertsPath: join("/", set.path_prefix, ALERTS_PATH),
    staticGroups: set.static_configs.map((g) => ({ targets: g.targets, labels: g.labels })),
    fileSd: set.file_sd_configs.map((sd) => resolveFileSd(sd, baseDir)),
    dnsSd: set.dns_sd_configs,
    relabel: set.relabel_configs,
    alertRelabel: set.alert_relabel_configs,
    timeout: set.timeout,
    follow_redirects: set.follow_redirects,
    proxy_url: set.proxy_url,
    no_proxy: set.no_proxy,
    proxy_from_environment: set.proxy_from_environment,
    proxy_connect_header: set.proxy_connect_header,
    ...normalizeHttpClient(set, baseDir),
  }));
}

/**
 * An entry with its files made absolute against `baseDir` (and a legacy bearer token folded
 * into `authorization`), so that it reads the same from any directory: for a prometheus.yml's
 * section that `outpost up` hands to its aggregator.
 */
export function resolveSetFiles(set: SetInput, baseDir: string): SetInput {
  return {
    ...set,
    bearer_token: undefined,
    bearer_token_file: undefined,
    file_sd_configs: set.file_sd_configs.map((sd) => resolveFileSd(sd, baseDir)),
    ...normalizeHttpClient(set, baseDir),
  };
}
