/**
 * alertmanager.yml printed back (for `/api/v2/status` and `outpost check`'s callers) with
 * every secret as `<secret>`, as Alertmanager prints it: passwords, keys, tokens and the
 * URLs of Slack's, Discord's and Teams' webhooks never leave the process, nor the path and
 * query of a webhook receiver's URL.
 */
import { stringify } from "yaml";
import { formatDuration } from "../../../shared/time/duration.ts";
import { formatMatcher, type Matcher } from "../matchers.ts";
import { documentSpec } from "./load.ts";
import type { AlertmanagerConfig } from "./model.ts";
import type { Spec } from "./shape.ts";

/** What a secret prints as. */
export const SECRET = "<secret>";

/** The value with secrets hidden and durations and matchers written as in the file. */
export function redact(value: unknown, spec: Spec): unknown {
  if (value === undefined || value === null) return value;
  if (typeof spec === "string") {
    if (spec === "secret" || spec === "secret_url") return value === "" ? "" : SECRET;
    if (spec === "url" || spec === "proxy_url") return redactedUrl(value as string);
    if (spec === "webhook_url") return webhookUrl(value as string);
    if (spec === "duration") return formatDuration(value as number);
    if (spec === "matchers") return (value as Matcher[]).map(formatMatcher);
    return value;
  }
  if ("list" in spec) return (value as unknown[]).map((v) => redact(v, spec.list));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    out[k] = redact(v, "map" in spec ? spec.map : (spec.fields[k] ?? "any"));
  }
  return out;
}

/** The loaded config as YAML, secrets hidden. */
export function printConfig(config: AlertmanagerConfig): string {
  return stringify(redact(config.document, documentSpec));
}

/**
 * A webhook's URL as printed: its scheme and host, the rest (user info, path, query, where
 * tokens are put) as `<secret>`. Alertmanager 0.25 prints the whole URL, and amtool parses the
 * printed config (`amtool config routes` against the API), so a bare `<secret>`, which is no
 * URL, would break it; this still parses as a URL and shows no token.
 */
function webhookUrl(url: string): string {
  const m = /^([A-Za-z][A-Za-z0-9+.-]*:\/\/)(?:[^/?#@]*@)?([^/?#]*)/.exec(url);
  return m === null || m[2] === "" ? SECRET : `${m[1]}${m[2]}/${SECRET}`;
}

/**
 * A URL with the password of its user info written `xxxxx`, as Alertmanager prints its URLs
 * (Go's `url.URL.Redacted`): a proxy's `http://user:pass@proxy:3128` is shown without `pass`.
 */
export function redactedUrl(url: string): string {
  return url.replace(/^([A-Za-z][A-Za-z0-9+.-]*:\/\/[^:/?#@]*):[^/?#@]*@/, "$1:xxxxx@");
}
