import { describe, expect, test } from "bun:test";
import { parseAlertmanagerConfig } from "../load.ts";

/** A receiver with one `kind` integration written as the flow map `config`, on line 4. */
const receiver = (kind: string, config: string, global = "") =>
  `${global}route: {receiver: r}\nreceivers:\n  - name: r\n    ${kind}: [${config}]\n`;

// Refused as amtool 0.25 refuses them (its words), each at its line.
const refused: [string, string, string, string][] = [
  [
    "victorops_configs",
    "{api_key: k}",
    "am.yml:4:25: receivers[0].victorops_configs[0]: missing Routing key in VictorOps config",
    "without a routing key",
  ],
  [
    "victorops_configs",
    "{api_key: k, routing_key: r, custom_fields: {entity_state: x}}",
    "am.yml:4:70: receivers[0].victorops_configs[0].custom_fields.entity_state: victorOps config contains custom field entity_state which cannot be used",
    "with a custom field VictorOps sets itself",
  ],
  [
    "victorops_configs",
    "{routing_key: r}",
    "am.yml:4:25: receivers[0].victorops_configs[0]: no global VictorOps API Key set",
    "without an API key here or in global",
  ],
  [
    "pushover_configs",
    "{token: t}",
    "am.yml:4:24: receivers[0].pushover_configs[0]: missing user key in Pushover config",
    "without a user key",
  ],
  [
    "pushover_configs",
    "{user_key: u, token: t, retry: 30}",
    'am.yml:4:55: receivers[0].pushover_configs[0].retry: time: missing unit in duration "30"',
    "with a retry that is no Go duration",
  ],
  [
    "pushover_configs",
    "{user_key: u, token: t, ttl: 1h}",
    "am.yml:4:48: receivers[0].pushover_configs[0]: field ttl not found in pushover config",
    "with a field newer than 0.25",
  ],
  [
    "sns_configs",
    "{topic_arn: t, phone_number: '1'}",
    "am.yml:4:19: receivers[0].sns_configs[0]: must provide either a Target ARN, Topic ARN, or Phone Number for SNS config",
    "with two targets",
  ],
  [
    "sns_configs",
    "{topic_arn: t, sigv4: {access_key: a}}",
    "am.yml:4:41: receivers[0].sns_configs[0].sigv4: must provide a AWS SigV4 Access key and Secret Key",
    "with half a SigV4 key pair",
  ],
  [
    "wechat_configs",
    "{api_secret: s, corp_id: c, message_type: Text}",
    'am.yml:4:64: receivers[0].wechat_configs[0].message_type: weChat message type "Text" does not match valid options ^(text|markdown)$',
    "with a message type WeChat does not have",
  ],
  [
    "wechat_configs",
    "{api_secret: s}",
    "am.yml:4:22: receivers[0].wechat_configs[0]: no global Wechat CorpID set",
    "without a corp id here or in global",
  ],
  [
    "webex_configs",
    "{room_id: r, http_config: {basic_auth: {username: u}}}",
    "am.yml:4:21: receivers[0].webex_configs[0]: missing webex_configs.http_config.authorization",
    "without an authorization of its own",
  ],
  [
    "webex_configs",
    "{http_config: {bearer_token: t}}",
    "am.yml:4:21: receivers[0].webex_configs[0]: missing room_id on webex_config",
    "without a room",
  ],
];

describe("the integrations Outpost does not send to yet", () => {
  test.each(
    refused.map(([kind, config, message, why]) => [`${kind} ${why}`, kind, config, message]),
  )("refuse %s", (_, kind, config, message) => {
    expect(() => parseAlertmanagerConfig(receiver(kind!, config!), "am.yml")).toThrow(message);
  });

  test("take their keys from global, and a Webex bearer token as its authorization", () => {
    const global =
      "global: {victorops_api_key_file: /k, wechat_api_secret: s, wechat_api_corp_id: c}\n";
    const text = [
      receiver("victorops_configs", "{routing_key: r}", global),
      "    wechat_configs: [{message: m}]",
      "    webex_configs: [{room_id: r, http_config: {bearer_token: t}}]",
      "    pushover_configs: [{user_key: u, token: t, retry: 1m30s, expire: 1.5h}]",
      "    sns_configs: [{target_arn: a, sigv4: {access_key: a, secret_key: s}}]",
    ].join("\n");
    const config = parseAlertmanagerConfig(text, "am.yml");
    const kinds = config.receivers[0]!.integrations.map((i) => i.kind);
    expect(kinds).toEqual([
      "victorops_configs",
      "pushover_configs",
      "sns_configs",
      "wechat_configs",
      "webex_configs",
    ]);
    expect(config.receivers[0]!.integrations[0]!.config).toMatchObject({
      api_key_file: "/k",
      api_url: "https://alert.victorops.com/integrations/generic/20131114/alert/",
    });
  });
});
