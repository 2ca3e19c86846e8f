/**
 * The receivers' integrations: each one's fields, its `send_resolved` default, what it takes
 * from `global` when it does not set it, and the checks Alertmanager makes (with its wording).
 * Integrations Outpost cannot send to yet (VictorOps, Pushover, SNS, WeChat, Webex) are
 * accepted unchecked so that an existing alertmanager.yml still loads.
 */

import type { Spec } from "./shape.ts";
import { httpSpec, tlsSpec } from "./specs.ts";

/** A decoded config section: field name to value. */
export type Section = Record<string, unknown>;

/** What one integration kind knows. */
export interface IntegrationKind {
  readonly spec: Spec;
  /** `send_resolved` when the config does not say (Alertmanager's per-integration default). */
  readonly sendResolved: boolean;
  /** Fills defaults from `global` and returns Alertmanager's complaint, if any. */
  readonly complete: (c: Section, global: Section) => string | undefined;
}

const object = (name: string, fields: Record<string, Spec>, http = true): Spec => ({
  object: name,
  fields: { send_resolved: "bool", ...(http ? { http_config: httpSpec } : {}), ...fields },
});

/** Sets `c[key]` from `global[from]` when the config leaves it unset. */
function inherit(c: Section, key: string, global: Section, from: string): void {
  if (c[key] === undefined && global[from] !== undefined) c[key] = global[from];
}

const titleLink: Record<string, Spec> = { title: "string", text: "string" };

/** Every integration list a receiver may hold, by its key in the receiver. */
export const INTEGRATIONS: Readonly<Record<string, IntegrationKind>> = {
  webhook_configs: {
    spec: object("webhook config", {
      url: "webhook_url",
      url_file: "string",
      max_alerts: "int",
      timeout: "duration",
    }),
    sendResolved: true,
    complete: (c) => {
      if (c.url !== undefined && c.url_file !== undefined) {
        return "at most one of url & url_file must be configured";
      }
      if (c.url === undefined && c.url_file === undefined) return "missing URL in webhook config";
      if (typeof c.max_alerts === "number" && c.max_alerts < 0) {
        return `max_alerts cannot be negative`;
      }
      c.max_alerts ??= 0;
    },
  },
  email_configs: {
    spec: object(
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
      for (const [key, field] of [
        ["from", "smtp_from"],
        ["hello", "smtp_hello"],
        ["smarthost", "smtp_smarthost"],
        ["auth_username", "smtp_auth_username"],
        ["auth_password", "smtp_auth_password"],
        ["auth_password_file", "smtp_auth_password_file"],
        ["auth_secret", "smtp_auth_secret"],
        ["auth_identity", "smtp_auth_identity"],
        ["require_tls", "smtp_require_tls"],
      ]) {
        inherit(c, key, g, field);
      }
      if (!c.smarthost) return "no global SMTP smarthost set";
      if (!c.from) return "no global SMTP from set";
      c.html ??= '{{ template "email.default.html" . }}';
      const seen = new Set<string>();
      for (const name of Object.keys((c.headers as Section | undefined) ?? {})) {
        const canonical = name.toLowerCase().replace(/(^|-)([a-z])/g, (m) => m.toUpperCase());
        if (seen.has(canonical)) return `duplicate header "${canonical}" in email config`;
        seen.add(canonical);
      }
    },
  },
  pagerduty_configs: {
    spec: object("pagerduty config", {
      service_key: "secret",
      service_key_file: "string",
      routing_key: "secret",
      routing_key_file: "string",
      url: "url",
      client: "string",
      client_url: "string",
      description: "string",
      details: { map: "string" },
      images: {
        list: {
          object: "pagerduty image",
          fields: { src: "string", alt: "string", href: "string" },
        },
      },
      links: { list: { object: "pagerduty link", fields: { href: "string", text: "string" } } },
      source: "string",
      severity: "string",
      class: "string",
      component: "string",
      group: "string",
    }),
    sendResolved: true,
    complete: (c, g) => {
      const keys = ["routing_key", "routing_key_file", "service_key", "service_key_file"];
      if (keys.every((k) => !c[k])) return "missing service or routing key in PagerDuty config";
      if (c.routing_key && c.routing_key_file) {
        return "at most one of routing_key & routing_key_file must be configured";
      }
      if (c.service_key && c.service_key_file) {
        return "at most one of service_key & service_key_file must be configured";
      }
      inherit(c, "url", g, "pagerduty_url");
    },
  },
  slack_configs: {
    spec: object("slack config", {
      api_url: "secret_url",
      api_url_file: "string",
      channel: "string",
      username: "string",
      color: "string",
      title: "string",
      title_link: "string",
      pretext: "string",
      text: "string",
      fields: {
        list: {
          object: "slack field",
          fields: { title: "string", value: "string", short: "bool" },
        },
      },
      short_fields: "bool",
      footer: "string",
      fallback: "string",
      callback_id: "string",
      icon_emoji: "string",
      icon_url: "string",
      image_url: "string",
      thumb_url: "string",
      link_names: "bool",
      mrkdwn_in: { list: "string" },
      actions: { list: "any" },
    }),
    sendResolved: false,
    complete: (c, g) => {
      if (c.api_url !== undefined && c.api_url_file !== undefined) {
        return "at most one of api_url & api_url_file must be configured";
      }
      if (c.api_url === undefined && c.api_url_file === undefined) {
        inherit(c, "api_url", g, "slack_api_url");
        inherit(c, "api_url_file", g, "slack_api_url_file");
      }
      if (c.api_url === undefined && c.api_url_file === undefined) {
        return "no global Slack API URL set either inline or in a file";
      }
    },
  },
  discord_configs: {
    spec: object("discord config", {
      webhook_url: "secret_url",
      webhook_url_file: "string",
      ...titleLink,
      message: "string",
    }),
    sendResolved: true,
    complete: (c) => webhookUrl(c, "no discord webhook URL provided"),
  },
  msteams_configs: {
    spec: object("msteams config", {
      webhook_url: "secret_url",
      webhook_url_file: "string",
      ...titleLink,
      summary: "string",
    }),
    sendResolved: true,
    complete: (c) => webhookUrl(c, "one of webhook_url or webhook_url_file must be configured"),
  },
  msteamsv2_configs: {
    spec: object("msteamsv2 config", {
      webhook_url: "secret_url",
      webhook_url_file: "string",
      ...titleLink,
    }),
    sendResolved: true,
    complete: (c) => webhookUrl(c, "one of webhook_url or webhook_url_file must be configured"),
  },
  opsgenie_configs: {
    spec: object("opsgenie config", {
      api_key: "secret",
      api_key_file: "string",
      api_url: "url",
      message: "string",
      description: "string",
      source: "string",
      details: { map: "string" },
      entity: "string",
      responders: {
        list: {
          object: "opsgenie responder",
          fields: { id: "string", name: "string", username: "string", type: "string" },
        },
      },
      actions: "string",
      tags: "string",
      note: "string",
      priority: "string",
      update_alerts: "bool",
    }),
    sendResolved: true,
    complete: (c, g) => {
      if (c.api_key !== undefined && c.api_key_file !== undefined) {
        return "at most one of api_key & api_key_file must be configured";
      }
      if (c.api_key === undefined && c.api_key_file === undefined) {
        inherit(c, "api_key", g, "opsgenie_api_key");
        inherit(c, "api_key_file", g, "opsgenie_api_key_file");
      }
      if (c.api_key === undefined && c.api_key_file === undefined) {
        return "no global OpsGenie API Key set either inline or in a file";
      }
      inherit(c, "api_url", g, "opsgenie_api_url");
      for (const r of (c.responders as Section[] | undefined) ?? []) {
        if (!r.id && !r.name && !r.username) {
          return "opsGenieConfig.responders: one of id, name or username must be specified";
        }
      }
    },
  },
  telegram_configs: {
    spec: object("telegram config", {
      api_url: "url",
      bot_token: "secret",
      bot_token_file: "string",
      chat_id: "int",
      message: "string",
      disable_notifications: "bool",
      parse_mode: "string",
    }),
    sendResolved: true,
    complete: (c, g) => {
      if (!c.bot_token && !c.bot_token_file) return "missing bot_token on telegram_config";
      if (c.bot_token && c.bot_token_file) {
        return "at most one of bot_token & bot_token_file must be configured";
      }
      if (!c.chat_id) return "missing chat_id on telegram_config";
      c.parse_mode ??= "HTML";
      if (!["", "Markdown", "MarkdownV2", "HTML"].includes(c.parse_mode as string)) {
        return "unknown parse_mode on telegram_config, must be Markdown, MarkdownV2, HTML or empty string";
      }
      inherit(c, "api_url", g, "telegram_api_url");
    },
  },
};

/**
 * Integrations Alertmanager has and Outpost does not send to yet: loaded so that a file using
 * them still works, their other fields not checked, but their `http_config` read as every
 * integration's is and their secrets (Alertmanager's `Secret` fields) known, so that the
 * printed config hides them as Alertmanager's does.
 */
const UNSUPPORTED: Readonly<Record<string, Readonly<Record<string, Spec>>>> = {
  victorops_configs: { api_key: "secret" },
  pushover_configs: { user_key: "secret", token: "secret" },
  sns_configs: { sigv4: { object: "sigv4 config", open: true, fields: { secret_key: "secret" } } },
  wechat_configs: { api_secret: "secret" },
  webex_configs: {},
};

function webhookUrl(c: Section, missing: string): string | undefined {
  if (c.webhook_url !== undefined && c.webhook_url_file !== undefined) {
    return "at most one of webhook_url & webhook_url_file must be configured";
  }
  if (c.webhook_url === undefined && c.webhook_url_file === undefined) return missing;
}

/** `receivers[*]`: a name and any number of each integration. */
export const receiverSpec: Spec = {
  object: "receiver",
  fields: {
    name: "string",
    ...Object.fromEntries(Object.entries(INTEGRATIONS).map(([k, v]) => [k, { list: v.spec }])),
    ...Object.fromEntries(
      Object.entries(UNSUPPORTED).map(([k, fields]) => [
        k,
        { list: { object: k, open: true, fields: { http_config: httpSpec, ...fields } } },
      ]),
    ),
  },
};
