/**
 * `alerting.alertmanagers`: Alertmanagers outside Outpost that the rules' alerts are sent to,
 * as prometheus.yml's `alerting.alertmanagers` sends them (sender.ts), with its field names and
 * defaults, so a Prometheus server's section keeps its meaning. Targets are static; service
 * discovery and relabeling of the targets are not read.
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
import type { ProxySettings } from "../../shared/http/proxy.ts";

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
                "Alertmanagers' addresses, as host:port; without a port, 80 or 443 by the scheme, as in Prometheus.",
              ),
            labels: labelSet()
              .prefault({})
              .describe("Accepted as Prometheus accepts them; not used (no relabeling)."),
          })
          .strict(),
      )
      .prefault([])
      .describe("Alertmanagers to send to."),
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
    "Alertmanagers outside Outpost the rules' alerts are also sent to, as prometheus.yml's `alerting.alertmanagers` (static targets; the default tenant's rules). The notifier of `config_file` receives them as well.",
  );

/** One entry as validated. */
export type AlertmanagerSetInput = z.output<typeof alertmanagerSetSchema>;
type SetInput = AlertmanagerSetInput;

/** One loaded set: where to push, and how. */
export interface AlertmanagerSet extends HttpClientConfig, ProxySettings {
  /** `scheme://host:port/prefix/api/v2/alerts` of each Alertmanager. */
  urls: string[];
  /** Milliseconds. */
  timeout: number;
  follow_redirects: boolean;
}

/** Each set's push URLs, the legacy bearer token folded in and files resolved against `baseDir`. */
export function normalizeAlertmanagers(sets: SetInput[], baseDir: string): AlertmanagerSet[] {
  return sets.map((set) => ({
    urls: set.static_configs.flatMap((group) =>
      group.targets.map(
        (target) =>
          `${set.scheme}://${withPort(target, set.scheme)}${join("/", set.path_prefix, "/api/v2/alerts")}`,
      ),
    ),
    timeout: set.timeout,
    follow_redirects: set.follow_redirects,
    proxy_url: set.proxy_url,
    no_proxy: set.no_proxy,
    proxy_from_environment: set.proxy_from_environment,
    proxy_connect_header: set.proxy_connect_header,
    ...normalizeHttpClient(set, baseDir),
  }));
}

/** `host` as `host:80` or `host:443` by the scheme (`[::1]` too); an address with a port as it is. */
function withPort(address: string, scheme: "http" | "https"): string {
  if (/:\d+$/.test(address) && (!address.startsWith("[") || address.includes("]:"))) return address;
  return `${address}:${scheme === "https" ? 443 : 80}`;
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
    ...normalizeHttpClient(set, baseDir),
  };
}
