import { describe, expect, test } from "bun:test";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { ConfigError } from "../../../shared/config/errors.ts";
import { loadAlertmanagerConfig, parseAlertmanagerConfig } from "./load.ts";
import { printConfig } from "./print.ts";

const TESTDATA = join(import.meta.dir, "testdata");
const bad = readdirSync(TESTDATA)
  .filter((f) => f.endsWith(".bad.yml"))
  .sort();

describe("loadAlertmanagerConfig()", () => {
  test.each(bad)("%s is refused with a file:line:column", async (file) => {
    const path = join(TESTDATA, file);
    const error = await loadAlertmanagerConfig(path).catch((e) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems[0].line).toBeGreaterThan(0);
    expect((error as Error).message).toMatch(new RegExp(`^${path}:\\d+:\\d+: `));
  });

  const located: [string, string][] = [
    [
      "route:\n  receiver: r\n  routes:\n    - receiver: nope\nreceivers: [{name: r}]\n",
      'x.yml:4:17: route: undefined receiver "nope" used in route',
    ],
    [
      "route: {receiver: r}\nreceivers:\n  - name: r\n  - name: r\n",
      'x.yml:4:11: receivers[1]: notification config name "r" is not unique',
    ],
    [
      "route:\n  receiver: r\n  group_wait: 5x\nreceivers: [{name: r}]\n",
      'x.yml:3:15: route.group_wait: not a valid duration string: "5x"',
    ],
    [
      "route: {receiver: r}\nreceivers:\n  - name: r\n    slack_configs:\n      - channel: x\n",
      "x.yml:5:9: receivers[0].slack_configs[0]: no global Slack API URL set either inline or in a file",
    ],
  ];
  test("refuses an SMTP password in global beside its file, as amtool 0.25 does", () => {
    const text =
      "global:\n  smtp_auth_password: p\n  smtp_auth_password_file: f\nroute: {receiver: r}\nreceivers: [{name: r}]\n";
    expect(() => parseAlertmanagerConfig(text, "x.yml")).toThrow(
      "x.yml:3:28: global: at most one of smtp_auth_password & smtp_auth_password_file must be configured",
    );
  });

  test("resolves templates as Alertmanager does: relative ones cleaned, empty and null ones empty", () => {
    const text =
      "route: {receiver: r}\nreceivers: [{name: r}]\ntemplates: ['t/', '', null, '/abs/*.tmpl']\n";
    const config = parseAlertmanagerConfig(text, "/etc/am/am.yml");
    expect(config.templates).toEqual(["/etc/am/t", "", "", "/abs/*.tmpl"]);
  });

  test.each(located)("names the line and field of %p", (text, message) => {
    expect(() => parseAlertmanagerConfig(text, "x.yml")).toThrow(message);
  });

  test("broken YAML is one problem a line, without the parser's excerpt", () => {
    const error = (() => {
      try {
        parseAlertmanagerConfig(
          "route: {receiver: r\nreceivers: [{name: r}]\n  x: {{y}}\n",
          "x.yml",
        );
      } catch (e) {
        return e as Error;
      }
    })();
    expect(error?.message.split("\n")).toEqual([
      "x.yml:2:1: Cannot parse YAML: Flow map in block collection must be sufficiently indented and end with a }",
      "x.yml:3:1: Cannot parse YAML: All mapping items must start at the same column",
    ]);
  });

  test("integrations take Alertmanager's send_resolved defaults and global settings", async () => {
    const config = await loadAlertmanagerConfig(join(TESTDATA, "full.good.yml"));
    const sent = Object.fromEntries(
      config.receivers.flatMap((r) =>
        r.integrations.map((i) => [`${r.name}/${i.kind}`, i.sendResolved]),
      ),
    );
    expect(sent).toEqual({
      "default/webhook_configs": true,
      "pager/pagerduty_configs": true,
      "pager/opsgenie_configs": true,
      "slack/slack_configs": true,
      "slack/discord_configs": true,
      "slack/telegram_configs": true,
      "email/email_configs": false,
    });
    const email = config.receivers[3].integrations[0].config;
    expect(email).toMatchObject({
      smarthost: "smtp.example.org:587",
      from: "alerts@example.org",
      require_tls: false,
    });
    expect(config.global.resolve_timeout).toBe(120_000);
  });
});

describe("http_config", () => {
  test("reads its files from the file's directory, and an integration's own replaces the global one whole", () => {
    const config = parseAlertmanagerConfig(
      [
        "global:",
        "  http_config: {proxy_url: 'http://proxy:3128', basic_auth: {username: u, password_file: pw}}",
        "route: {receiver: r}",
        "receivers:",
        "  - name: r",
        "    webhook_configs:",
        "      - url: 'http://a/'",
        "      - url: 'http://b/'",
        "        http_config:",
        "          tls_config: {ca_file: /etc/ssl/ca.pem, cert_file: c.pem, key_file: k.pem}",
        "          oauth2: {client_id: i, client_secret_file: secrets/cs, token_url: 'http://t/'}",
      ].join("\n"),
      "/etc/alertmanager/alertmanager.yml",
    );
    const [inherited, own] = config.receivers[0]!.integrations.map((i) => i.config.http_config);
    expect(inherited).toMatchObject({
      proxy_url: "http://proxy:3128",
      basic_auth: { username: "u", password_file: "/etc/alertmanager/pw" },
    });
    expect(own).toEqual({
      follow_redirects: true,
      enable_http2: true,
      tls_config: {
        ca_file: "/etc/ssl/ca.pem",
        cert_file: "/etc/alertmanager/c.pem",
        key_file: "/etc/alertmanager/k.pem",
      },
      oauth2: {
        client_id: "i",
        client_secret_file: "/etc/alertmanager/secrets/cs",
        token_url: "http://t/",
      },
    });
  });
});

describe("printConfig()", () => {
  test("prints no secret, and every secret as <secret>", async () => {
    const config = await loadAlertmanagerConfig(join(TESTDATA, "full.good.yml"));
    const text = printConfig(config);
    for (const secret of [
      "hunter2",
      "hooks.slack.com",
      "opsgenie-key",
      "/hook",
      "discord.com",
      "123:abc",
      "routing_key: abc",
    ]) {
      expect(text).not.toContain(secret);
    }
    expect(text).toContain("smtp_auth_password: <secret>");
    // A webhook's host is shown, so that amtool can parse the printed config.
    expect(text).toContain("url: http://127.0.0.1:5001/<secret>");
    expect(text).toContain("group_wait: 15s");
    expect(text).toContain('- severity="critical"');
  });

  test("hides the secrets of the integrations Outpost does not send to, as Alertmanager does", () => {
    const config = parseAlertmanagerConfig(
      [
        "route: {receiver: r}",
        "receivers:",
        "  - name: r",
        "    pushover_configs: [{user_key: PUSHUSER, token: PUSHTOKEN, priority: '2'}]",
        "    victorops_configs: [{api_key: VOKEY, routing_key: rk}]",
        "    wechat_configs: [{api_secret: WXSECRET, corp_id: c}]",
        "    sns_configs: [{topic_arn: t, sigv4: {region: eu, access_key: AK, secret_key: SNSKEY}}]",
        "    webex_configs:",
        "      - room_id: room",
        "        http_config: {authorization: {credentials: WEBEXTOKEN}}",
      ].join("\n"),
      "am.yml",
    );
    const text = printConfig(config);
    for (const secret of ["PUSHUSER", "PUSHTOKEN", "VOKEY", "WXSECRET", "SNSKEY", "WEBEXTOKEN"])
      expect(text).not.toContain(secret);
    expect(text).toContain('priority: "2"');
    expect(text).toContain("room_id: room");
  });

  test("reads ints and bools (`n`) as yaml.v2 does, and the first document only", () => {
    const config = parseAlertmanagerConfig(
      [
        "route: {receiver: r}",
        "receivers:",
        "  - name: r",
        "    webhook_configs: [{url: 'http://a/', max_alerts: 5.0}, {url: 'http://b/', max_alerts: 0x10}]",
        "    telegram_configs: [{bot_token: t, chat_id: 1_000, send_resolved: n}]",
        "---",
        "route: {receiver: nope}",
      ].join("\n"),
      "am.yml",
    );
    const [hooks, telegram] = config.receivers[0].integrations.reduce(
      (acc, i) => {
        acc[i.kind === "telegram_configs" ? 1 : 0].push(i.config);
        return acc;
      },
      [[], []] as Record<string, unknown>[][],
    );
    expect(hooks.map((h) => h.max_alerts)).toEqual([5, 16]);
    expect(telegram[0].chat_id).toBe(1000);
    expect(
      config.receivers[0].integrations.find((i) => i.kind === "telegram_configs")?.sendResolved,
    ).toBe(false);
  });

  test("prints a proxy's password as xxxxx, as Alertmanager 0.25's /api/v2/status does", () => {
    // Checked by hand against Debian's Alertmanager 0.25 with this file: its config.original
    // has `proxy_url: http://proxyuser:xxxxx@proxy.example:3128` and `http://u2:xxxxx@…/`.
    const config = parseAlertmanagerConfig(
      [
        "global:",
        "  http_config: {proxy_url: 'http://proxyuser:Pr0xyPassw0rd@proxy.example:3128'}",
        "route: {receiver: hook}",
        "receivers:",
        "  - name: hook",
        "    webhook_configs:",
        "      - url: http://127.0.0.1:5001/hook",
        "        http_config: {proxy_url: 'http://u2:secret2@proxy2.example:3128/'}",
      ].join("\n"),
      "am.yml",
    );
    const text = printConfig(config);
    expect(text).not.toContain("Pr0xyPassw0rd");
    expect(text).not.toContain("secret2");
    expect(text).toContain("proxy_url: http://proxyuser:xxxxx@proxy.example:3128");
    expect(text).toContain("proxy_url: http://u2:xxxxx@proxy2.example:3128/");
  });
});
