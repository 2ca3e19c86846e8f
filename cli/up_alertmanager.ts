import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { loadAlertmanagerConfig } from "../aggregator/notify/config/load.ts";
import { loadTemplateSet } from "../aggregator/notify/integrations/templates.ts";

/** The file name of the default alertmanager.yml `outpost up` writes in its data dir. */
export const DEFAULT_ALERTMANAGER_FILE = "alertmanager.yml";

/** Where `outpost up`'s alertmanager.yml is, and whether it is the data dir's default. */
export interface UpAlertmanagerFile {
  readonly path: string;
  readonly isDefault: boolean;
}

/**
 * The alertmanager.yml of `outpost up`: `--alertmanager-config FILE` made absolute against the
 * working directory, where the user typed it; else DATA_DIR/alertmanager.yml.
 */
export function upAlertmanagerFile(
  flag: string | undefined,
  dataDir: string,
  cwd: string,
): UpAlertmanagerFile {
  if (flag !== undefined) return { path: resolve(cwd, flag), isDefault: false };
  return { path: join(resolve(dataDir), DEFAULT_ALERTMANAGER_FILE), isDefault: true };
}

/**
 * The default alertmanager.yml of `outpost up`: every alert grouped by `alertname` and
 * `instance` into one receiver without integrations, so alerts are kept and listed
 * (`/api/v2/alerts`, `amtool alert query`) but nothing leaves the machine until the user adds
 * a receiver. The comments say how.
 */
export function defaultAlertmanagerYaml(path: string, httpPort: number): string {
  return `# Written by \`outpost up\` because this file did not exist. \`up\` uses it as you leave it:
# edit it and restart \`up\` (delete it to get this default back), or run
# \`outpost up --alertmanager-config FILE\` with a file of your own.
#
# The format is Alertmanager's alertmanager.yml, read unchanged:
#   https://prometheus.io/docs/alerting/latest/configuration/
# What Outpost reads and sends: docs/notify.md in the Outpost repository.
#
# As written it delivers to nobody: the receiver "local" has no integrations. Alerts are still
# routed, grouped and kept; list them with
#   amtool --alertmanager.url=http://127.0.0.1:${httpPort} alert query
# or GET http://127.0.0.1:${httpPort}/api/v2/alerts.
#
# To be notified, add integrations to "local", for example:
#
#   receivers:
#     - name: local
#       slack_configs:               # a Slack incoming webhook
#         - api_url: https://hooks.slack.com/services/T000/B000/XXXX
#           channel: "#alerts"
#           send_resolved: true
#       webhook_configs:             # any HTTP endpoint; Alertmanager's JSON payload, version 4
#         - url: http://127.0.0.1:5001/alerts
#       email_configs:               # SMTP, with STARTTLS and auth as Alertmanager sends it
#         - to: oncall@example.com
#           from: outpost@example.com
#           smarthost: smtp.example.com:587
#           auth_username: outpost@example.com
#           auth_password: change-me
#
# Discord, PagerDuty, Opsgenie and Telegram are configured as in Alertmanager. Check your
# edit with \`bun run outpost check ${path}\` before restarting \`up\`.
route:
  receiver: local
  group_by: [alertname, instance]
  # Alertmanager's defaults: wait 30s to gather a new group's alerts, send a group's changes
  # at most every 5m, repeat an unchanged notification every 4h.
  group_wait: 30s
  group_interval: 5m
  repeat_interval: 4h
receivers:
  - name: local
`;
}

/**
 * Makes `outpost up`'s alertmanager.yml ready: writes the default when it is the default and
 * missing, then loads it so that a bad file is refused (a ConfigError with file:line
 * problems; a TemplateError for its `templates:`) before anything starts.
 */
export async function prepareAlertmanagerFile(
  file: UpAlertmanagerFile,
  httpPort: number,
): Promise<void> {
  if (file.isDefault && !existsSync(file.path)) {
    mkdirSync(dirname(file.path), { recursive: true });
    writeFileSync(file.path, defaultAlertmanagerYaml(file.path, httpPort));
  }
  const config = await loadAlertmanagerConfig(file.path);
  // The notifier loads them too; loading them here refuses a bad template before the start.
  await loadTemplateSet(config.templates);
}
