/**
 * PagerDuty (`pagerduty_configs` with a `routing_key`): an Events API v2 event as Alertmanager
 * 0.25 sends it. `dedup_key` is the SHA-256 of the group key, so the resolve event closes the
 * incident its trigger opened; `payload.summary` is the description cut to 1024 characters;
 * `severity` is a template (default `error`), so `severity: '{{ .CommonLabels.severity }}'`
 * maps the alerts' `severity` label; `custom_details` holds `firing`, `resolved`,
 * `num_firing` and `num_resolved` unless `details` replaces them.
 */
import { readFileSync } from "node:fs";
import type { Section } from "../config/integrations.ts";
import {
  type BuildInput,
  hashKey,
  type NotifyRequest,
  postJson,
  sortKeys,
  str,
  truncate,
} from "./request.ts";

/** The Events API v2 endpoint Alertmanager uses when neither the config nor `global` names one. */
export const PAGERDUTY_URL = "https://events.pagerduty.com/v2/enqueue";

const DEFAULT_DETAILS: Record<string, string> = {
  firing: '{{ template "pagerduty.default.instances" .Alerts.Firing }}',
  resolved: '{{ template "pagerduty.default.instances" .Alerts.Resolved }}',
  num_firing: "{{ .Alerts.Firing | len }}",
  num_resolved: "{{ .Alerts.Resolved | len }}",
};

const def = (name: string) => `{{ template "pagerduty.default.${name}" . }}`;

/** The request Alertmanager sends for a `pagerduty_configs` entry (Events API v2). */
export async function pagerdutyRequest(
  config: Section,
  input: BuildInput,
): Promise<NotifyRequest[]> {
  const t = (key: string, fallback = "") => input.render.text(str(config, key, fallback));
  if (config.routing_key === undefined && config.routing_key_file === undefined)
    throw new TypeError(
      "Cannot build a PagerDuty request: service_key (Events API v1) is not supported; use routing_key",
    );
  const routingKey =
    typeof config.routing_key === "string"
      ? config.routing_key
      : readFileSync(str(config, "routing_key_file"), "utf8").trim();
  const [summary] = truncate(await t("description", def("description")), 1024);
  const client = await t("client", def("client"));
  const details = { ...DEFAULT_DETAILS, ...(config.details as Record<string, string>) };
  const message = {
    routing_key: await input.render.text(routingKey),
    dedup_key: hashKey(input.groupKey),
    event_action: input.render.data.status === "firing" ? "trigger" : "resolve",
    payload: {
      summary,
      source: config.source === undefined || config.source === "" ? client : await t("source"),
      severity: await t("severity", "error"),
      class: (await t("class")) || undefined,
      component: (await t("component")) || undefined,
      group: (await t("group")) || undefined,
      custom_details: sortKeys(await input.render.map(details)),
    },
    client,
    client_url: await t("client_url", def("clientURL")),
    images: await list(config.images, ["src", "alt", "href"], input),
    links: await list(config.links, ["href", "text"], input),
  };
  return [postJson(str(config, "url", PAGERDUTY_URL), message)];
}

async function list(value: unknown, keys: readonly string[], input: BuildInput) {
  const items = value as Section[] | undefined;
  if (!items?.length) return undefined;
  const out = [];
  for (const item of items) {
    const o: Record<string, string> = {};
    for (const k of keys) o[k] = await input.render.text(str(item, k));
    out.push(o);
  }
  return out;
}
