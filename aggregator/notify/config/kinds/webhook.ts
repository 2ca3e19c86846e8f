/** `webhook_configs` and `email_configs`: Alertmanager's own formats, sent as they are. */
import { tlsSpec } from "../specs.ts";
import { type IntegrationKind, inherit, integrationSpec, secretOrFile } from "./kind.ts";

/** `webhook_configs`; `url_file` and `timeout` are newer than 0.25 (docs/notify.md). */
export const webhook: IntegrationKind = {
  spec: integrationSpec("webhook config", {
    url: "webhook_url",
    url_file: "string",
    max_alerts: "uint",
    timeout: "duration",
  }),
  sendResolved: true,
  complete: (c) => {
    const url = secretOrFile(c, "url", "missing URL in webhook config");
    if (url !== undefined) return url;
    c.max_alerts ??= 0;
  },
};

const SMTP_DEFAULTS = [
  ["from", "smtp_from"],
  ["hello", "smtp_hello"],
  ["smarthost", "smtp_smarthost"],
  ["auth_username", "smtp_auth_username"],
  ["auth_password", "smtp_auth_password"],
  ["auth_password_file", "smtp_auth_password_file"],
  ["auth_secret", "smtp_auth_secret"],
  ["auth_identity", "smtp_auth_identity"],
  ["require_tls", "smtp_require_tls"],
] as const;

/** `email_configs`: SMTP settings from `global` where unset; no `http_config`. */
export const email: IntegrationKind = {
  spec: integrationSpec(
    "email config",
    {
      to: "string",
      from: "string",
      smarthost: "string",
      hello: "string",
      auth_username: "string",
      auth_password: "secret",
      auth_password_file: "string",
      auth_secret: "secret",
      auth_identity: "string",
      headers: { map: "string" },
      html: "string",
      text: "string",
      require_tls: "bool",
      tls_config: tlsSpec,
    },
    false,
  ),
  sendResolved: false,
  complete: (c, g) => {
    if (!c.to) return "missing to address in email config";
    for (const [key, field] of SMTP_DEFAULTS) inherit(c, key, g, field);
    if (!c.smarthost) return "no global SMTP smarthost set";
    if (!c.from) return "no global SMTP from set";
    c.html ??= '{{ template "email.default.html" . }}';
    const seen = new Set<string>();
    for (const name of Object.keys((c.headers as Record<string, unknown> | undefined) ?? {})) {
      const canonical = name.toLowerCase().replace(/(^|-)([a-z])/g, (m) => m.toUpperCase());
      if (seen.has(canonical)) return `duplicate header "${canonical}" in email config`;
      seen.add(canonical);
    }
  },
};
