/**
 * The fields of alertmanager.yml's sections as Alertmanager 0.25+ knows them (receivers are in
 * integrations.ts). A field missing here is refused as unknown, as Alertmanager refuses it.
 */
import type { Spec } from "./shape.ts";

/**
 * `tls_config`, as the Prometheus HTTP client of Alertmanager 0.25 reads it: files only (the
 * inline `ca`, `cert` and `key` of later versions are refused, as 0.25 refuses them). The
 * files are read when a notification is sent, not at load, as Alertmanager reads them.
 */
export const tlsSpec: Spec = {
  object: "tls_config",
  fields: {
    ca_file: "string",
    cert_file: "string",
    key_file: "string",
    server_name: "string",
    insecure_skip_verify: "bool",
    min_version: "tls_version",
    max_version: "tls_version",
  },
};

/** `http_config`: authentication, TLS and proxy of an integration's HTTP client. */
export const httpSpec: Spec = {
  object: "http_config",
  fields: {
    basic_auth: {
      object: "basic_auth",
      fields: {
        username: "string",
        username_file: "string",
        password: "secret",
        password_file: "string",
      },
    },
    authorization: {
      object: "authorization",
      fields: { type: "string", credentials: "secret", credentials_file: "string" },
    },
    oauth2: {
      object: "oauth2",
      fields: {
        client_id: "string",
        client_secret: "secret",
        client_secret_file: "string",
        scopes: { list: "string" },
        token_url: "string",
        endpoint_params: { map: "string" },
        tls_config: tlsSpec,
        proxy_url: "proxy_url",
        no_proxy: "string",
        proxy_from_environment: "bool",
        proxy_connect_header: { map: { list: "secret" } },
      },
    },
    bearer_token: "secret",
    bearer_token_file: "string",
    tls_config: tlsSpec,
    proxy_url: "proxy_url",
    no_proxy: "string",
    proxy_from_environment: "bool",
    proxy_connect_header: { map: { list: "secret" } },
    follow_redirects: "bool",
    enable_http2: "bool",
  },
};

/** `global`: defaults the integrations take when they do not set their own. */
export const globalSpec: Spec = {
  object: "global",
  fields: {
    resolve_timeout: "duration",
    http_config: httpSpec,
    smtp_from: "string",
    smtp_hello: "string",
    smtp_smarthost: "string",
    smtp_auth_username: "string",
    smtp_auth_password: "secret",
    smtp_auth_password_file: "string",
    smtp_auth_secret: "secret",
    smtp_auth_identity: "string",
    smtp_require_tls: "bool",
    slack_api_url: "secret_url",
    slack_api_url_file: "string",
    pagerduty_url: "url",
    opsgenie_api_url: "url",
    opsgenie_api_key: "secret",
    opsgenie_api_key_file: "string",
    wechat_api_url: "url",
    wechat_api_secret: "secret",
    wechat_api_corp_id: "string",
    victorops_api_url: "url",
    victorops_api_key: "secret",
    victorops_api_key_file: "string",
    telegram_api_url: "url",
    webex_api_url: "url",
  },
};

const routeFields: Record<string, Spec> = {
  receiver: "string",
  group_by: { list: "string", nulls: "zero" },
  match: { map: "string" },
  match_re: { map: "string" },
  matchers: "matchers",
  continue: "bool",
  group_wait: "duration",
  group_interval: "duration",
  repeat_interval: "duration",
  mute_time_intervals: { list: "string", nulls: "zero" },
  active_time_intervals: { list: "string", nulls: "zero" },
};

/** `route` and its `routes`, to any depth. */
export const routeSpec: Spec = { object: "route", fields: routeFields };
routeFields.routes = { list: routeSpec, nulls: "refuse" };

/** One of `inhibit_rules`. */
export const inhibitSpec: Spec = {
  object: "inhibit rule",
  fields: {
    source_match: { map: "string" },
    source_match_re: { map: "string" },
    source_matchers: "matchers",
    target_match: { map: "string" },
    target_match_re: { map: "string" },
    target_matchers: "matchers",
    equal: { list: "string" },
  },
};

/** One of a named interval's `time_intervals`. */
export const timeIntervalSpec: Spec = {
  object: "time interval",
  fields: {
    times: {
      list: { object: "time range", fields: { start_time: "string", end_time: "string" } },
    },
    weekdays: { list: "string" },
    days_of_month: { list: "string" },
    months: { list: "string" },
    years: { list: "string" },
    location: "string",
  },
};

/** An entry of `time_intervals` or `mute_time_intervals`. */
export const namedIntervalSpec: Spec = {
  object: "time interval",
  fields: { name: "string", time_intervals: { list: timeIntervalSpec } },
};
