/**
 * Side-by-side cases: webhooks, e-mail and the paging integrations (PagerDuty, Opsgenie,
 * VictorOps, Pushover), their required fields and their checks.
 */
import { accepts, type CheckCase, newer, receiver, refuses } from "./alertmanager_check_cases.ts";

const opsgenie = (responders: string) =>
  receiver("opsgenie_configs", `api_key: k, responders: [${responders}]`);
const email = (extra: string) =>
  receiver(
    "email_configs",
    `to: a@example.org, from: b@example.org, smarthost: 'smtp:25', ${extra}`,
  );
const R = "receivers[0]";

const webhook: CheckCase[] = [
  accepts(
    "a webhook with every field 0.25 has",
    receiver(
      "webhook_configs",
      "url: 'http://x/', max_alerts: 5, send_resolved: false, http_config: {}",
    ),
  ),
  refuses(
    "a webhook without a URL",
    receiver("webhook_configs", "max_alerts: 1"),
    "missing URL in webhook config",
  ),
  refuses(
    "a webhook with a negative max_alerts",
    receiver("webhook_configs", "url: 'http://x/', max_alerts: -1"),
    "max_alerts: cannot unmarshal !!int `-1` into uint64",
  ),
  refuses(
    "a webhook with a field Alertmanager lacks",
    receiver("webhook_configs", "url: 'http://x/', method: POST"),
    "field method not found",
  ),
  refuses(
    "an empty webhook entry (0.25 crashes on it)",
    "route: {receiver: r}\nreceivers: [{name: r, webhook_configs: [null]}]\n",
    `${R}.webhook_configs[0]: empty entry`,
  ),
  newer("a webhook's url_file", receiver("webhook_configs", "url_file: /etc/hook-url"), "0.26"),
  newer(
    "a webhook's timeout",
    receiver("webhook_configs", "url: 'http://x/', timeout: 10s"),
    "0.28",
  ),
];

const mail: CheckCase[] = [
  accepts(
    "an e-mail with headers, TLS and a password file",
    email("headers: {Subject: s}, tls_config: {min_version: TLS12}, auth_password_file: /pw"),
  ),
  refuses(
    "an e-mail without a to address",
    receiver("email_configs", "from: a@b, smarthost: 'h:25'"),
    "missing to address",
  ),
  refuses(
    "an e-mail without a smarthost here or in global",
    receiver("email_configs", "to: a@b, from: a@b"),
    "no global SMTP smarthost set",
  ),
  refuses(
    "an e-mail smarthost without a port",
    email("smarthost: smtp").replace("smarthost: 'smtp:25', ", ""),
    "smarthost: address smtp: missing port in address",
  ),
  refuses(
    "an e-mail smarthost with an empty port",
    email("smarthost: 'smtp:'").replace("smarthost: 'smtp:25', ", ""),
    'smarthost: address "smtp:": port cannot be empty',
  ),
  refuses(
    "an e-mail smarthost [::1] without a port",
    email("smarthost: '[::1]'").replace("smarthost: 'smtp:25', ", ""),
    "address [::1]: missing port in address",
  ),
  refuses(
    "an e-mail smarthost with a stray bracket",
    email("smarthost: 'a]:25'").replace("smarthost: 'smtp:25', ", ""),
    "unexpected ']' in address",
  ),
  refuses(
    "an e-mail with a header twice in two cases",
    email("headers: {subject: a, Subject: b}"),
    'duplicate header "Subject"',
  ),
  refuses(
    "an e-mail with an http_config",
    email("http_config: {}"),
    "field http_config not found in email config",
  ),
  refuses(
    "an e-mail tls_config with inline ca (newer than 0.25, not read by Outpost)",
    email("tls_config: {ca: x}"),
    "field ca not found in tls_config",
  ),
];

const paging: CheckCase[] = [
  accepts(
    "a PagerDuty config with images, links and details",
    receiver(
      "pagerduty_configs",
      "routing_key: k, images: [{src: s}], links: [{href: h}], details: {a: b}, severity: any",
    ),
  ),
  refuses(
    "a PagerDuty config without a key",
    receiver("pagerduty_configs", "client: c"),
    "missing service or routing key",
  ),
  refuses(
    "a PagerDuty routing key beside its file",
    receiver("pagerduty_configs", "routing_key: k, routing_key_file: f"),
    "at most one of routing_key & routing_key_file",
  ),
  refuses(
    "a PagerDuty URL without a scheme",
    receiver("pagerduty_configs", "routing_key: k, url: pd.example"),
    'url: unsupported scheme "" for URL',
  ),
  accepts(
    "Opsgenie responders of every type, in any case",
    opsgenie(
      "{type: team, id: a}, {type: TEAMS, name: b}, {type: User, username: c}, {type: escalation, name: d}, {type: schedule, id: e}",
    ),
  ),
  accepts(
    "an Opsgenie responder with a templated type",
    opsgenie("{type: '{{ .CommonLabels.kind }}', id: a}"),
  ),
  refuses(
    "an Opsgenie responder of type group",
    opsgenie("{type: group, id: a}"),
    'responders[0].type: opsGenieConfig responder type "group" does not match',
  ),
  refuses(
    "an Opsgenie responder without a type",
    opsgenie("{id: a}"),
    "responders[0].type: opsGenieConfig responder type",
  ),
  refuses(
    "an Opsgenie responder type with a space",
    opsgenie("{type: ' team', id: a}"),
    'type " team" does not match',
  ),
  refuses(
    "an Opsgenie responder without id, name or username",
    opsgenie("{type: team}"),
    "responders[0]: opsGenieConfig responder has to have at least one of id, username or name",
  ),
  refuses(
    "an empty Opsgenie responder",
    opsgenie("null"),
    "responders[0]: opsGenieConfig responder has to have",
  ),
  refuses(
    "an Opsgenie responder with a field Opsgenie lacks",
    opsgenie("{type: team, id: a, email: e}"),
    "field email not found in opsgenie responder",
  ),
  refuses(
    "an Opsgenie config without a key here or in global",
    receiver("opsgenie_configs", "message: m"),
    "no global OpsGenie API Key set",
  ),
  accepts(
    "an Opsgenie key written empty beside its file",
    receiver("opsgenie_configs", "api_key: '', api_key_file: /k"),
  ),
  accepts(
    "a VictorOps config with custom fields",
    receiver(
      "victorops_configs",
      "api_key: k, routing_key: r, custom_fields: {team: a, Entity_State: b}",
    ),
  ),
  refuses(
    "a VictorOps config without a routing key",
    receiver("victorops_configs", "api_key: k"),
    "missing Routing key in VictorOps config",
  ),
  refuses(
    "a VictorOps custom field VictorOps sets itself",
    receiver("victorops_configs", "api_key: k, routing_key: r, custom_fields: {entity_state: x}"),
    "custom_fields.entity_state: victorOps config contains custom field entity_state",
  ),
  refuses(
    "a VictorOps config without a key here or in global",
    receiver("victorops_configs", "routing_key: r"),
    "no global VictorOps API Key set",
  ),
  accepts(
    "a VictorOps key from global",
    receiver("victorops_configs", "routing_key: r", "victorops_api_key_file: /k"),
  ),
  refuses(
    "a VictorOps key beside its file",
    receiver("victorops_configs", "api_key: k, api_key_file: f, routing_key: r"),
    "at most one of api_key & api_key_file",
  ),
  refuses(
    "a VictorOps api_url without a scheme",
    receiver("victorops_configs", "api_key: k, routing_key: r, api_url: vo"),
    "api_url: unsupported scheme",
  ),
  refuses(
    "a VictorOps field VictorOps lacks",
    receiver("victorops_configs", "api_key: k, routing_key: r, foo: 1"),
    "field foo not found in victorops config",
  ),
  accepts(
    "a Pushover config with Go durations",
    receiver(
      "pushover_configs",
      "user_key: u, token: t, retry: 1m30s, expire: 1.5h, priority: '2', html: true",
    ),
  ),
  refuses(
    "a Pushover config without a user key",
    receiver("pushover_configs", "token: t"),
    "missing user key in Pushover config",
  ),
  refuses(
    "a Pushover config without a token",
    receiver("pushover_configs", "user_key: u"),
    "missing token in Pushover config",
  ),
  refuses(
    "a Pushover retry in days",
    receiver("pushover_configs", "user_key: u, token: t, retry: 1d"),
    'retry: time: unknown unit "d" in duration "1d"',
  ),
  refuses(
    "a Pushover retry without a unit",
    receiver("pushover_configs", "user_key: u, token: t, expire: 30"),
    'expire: time: missing unit in duration "30"',
  ),
  refuses(
    "a Pushover ttl (newer than 0.25, not sent by Outpost)",
    receiver("pushover_configs", "user_key: u, token: t, ttl: 1h"),
    "field ttl not found in pushover config",
  ),
  refuses(
    "Pushover key files (newer than 0.25, not sent by Outpost)",
    receiver("pushover_configs", "user_key_file: u, token_file: t"),
    "field user_key_file not found",
  ),
];

/** Every integration case. */
export const receiverCases: readonly CheckCase[] = [...webhook, ...mail, ...paging];
