/**
 * `auth` and `tls` in the aggregator's config: whether requests must authenticate, what stays
 * open, session lifetimes, the login rate limit, and the certificate the HTTP endpoint serves.
 */
import { z } from "zod";
import { filePath, positiveDuration } from "../../shared/config/fields.ts";
import { loopbackAddress } from "../../shared/http/loopback.ts";

/** `auth`: who may call the HTTP endpoint. */
export const authSchema = z
  .object({
    enabled: z
      .union([z.literal("auto"), z.boolean()])
      .default("auto")
      .describe(
        "Require authentication: `true`, `false`, or `auto` — required whenever `aggregator.http_listen` (for `outpost notifier`, `notifier.http_listen`) is not a loopback address (docs/auth.md).",
      ),
    open_paths: z
      .array(z.string().startsWith("/", { error: "must start with /" }))
      .default(["/healthz", "/-/healthy", "/-/ready"])
      .describe(
        "Paths answered without credentials even when authentication is required, for reading only (GET, HEAD and the query POSTs): a change on one still needs credentials and the role for it. `/metrics` is not among them by default: it names every tenant, and takes credentials of every tenant (`*`) unless listed here.",
      ),
    session_ttl: positiveDuration()
      .prefault("12h")
      .describe("How long a login session lasts at most."),
    session_idle: positiveDuration()
      .prefault("1h")
      .describe("A session without requests for this long ends."),
    login_burst: z
      .number()
      .int()
      .min(1)
      .default(10)
      .describe("Login attempts (per user name and per client address) allowed at once."),
    login_per_minute: z
      .number()
      .min(0.1)
      .default(10)
      .describe("Login attempts regained per minute, per user name and per client address."),
    trusted_origins: z
      .array(
        z.string().regex(/^(\*|https?:\/\/[^/\s]+)$/, {
          error: "must be * or an origin such as https://grafana.example.com",
        }),
      )
      .default([])
      .describe(
        "Origins of other web applications whose pages may call this endpoint from the browser: their changes and WebSockets are allowed and Prometheus API answers carry CORS headers for them (Prometheus's --web.cors.origin). `*` allows any. By default only the aggregator's own pages may (docs/auth.md, Browsers).",
      ),
    trusted_proxies: z
      .array(z.string().min(1))
      .default([])
      .describe(
        "Addresses of reverse proxies whose `X-Forwarded-For` names the client (for the login rate limit, the audit log, and whether a client of a loopback aggregator with `enabled: auto` must authenticate) and whose `X-Forwarded-Host` names the host a browser used; from any other peer the headers are ignored.",
      ),
  })
  .strict();

/** `tls`: HTTPS on the HTTP endpoint. */
export const tlsSchema = z
  .object({
    cert_file: filePath().describe("PEM certificate (chain) the HTTP endpoint serves."),
    key_file: filePath().describe("PEM private key of the certificate."),
  })
  .strict();

/** The loaded `auth` section (durations in ms). */
export type AuthConfig = z.output<typeof authSchema>;

/** True for addresses only this machine can reach. */
export function isLoopback(host: string): boolean {
  return host === "localhost" || loopbackAddress(host);
}

/** Whether requests must authenticate, given `auth.enabled` and the listen address. */
export function authRequired(enabled: AuthConfig["enabled"], listen: string): boolean {
  if (enabled !== "auto") return enabled;
  return !isLoopback(listen.slice(0, listen.lastIndexOf(":")));
}
