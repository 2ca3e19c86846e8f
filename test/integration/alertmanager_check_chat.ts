/**
 * Side-by-side cases: the chat and messaging integrations (Slack, Discord, Teams, Telegram,
 * Webex, WeChat, SNS), their required fields and their checks.
 */
import { accepts, type CheckCase, newer, receiver, refuses } from "./alertmanager_check_cases.ts";

const slack = (extra: string) =>
  receiver("slack_configs", `api_url: 'http://slack.example/', ${extra}`);

/** Every chat and messaging case. */
export const chatCases: readonly CheckCase[] = [
  accepts(
    "a Slack config with fields and actions",
    slack(
      "fields: [{title: a, value: b, short: true}], actions: [{type: button, text: t, url: 'http://r/'}, {type: button, text: t, name: n}]",
    ),
  ),
  accepts("Slack null fields and actions", slack("fields: [null], actions: [null]")),
  accepts(
    "a Slack action url that is no URL",
    slack("actions: [{type: button, text: t, url: 'not a url'}]"),
  ),
  refuses(
    "a Slack field without a value",
    slack("fields: [{title: a}]"),
    "fields[0].value: missing value in Slack field configuration",
  ),
  refuses(
    "a Slack field with an empty title",
    slack("fields: [{title: '', value: b}]"),
    "fields[0].title: missing title in Slack field configuration",
  ),
  refuses(
    "a Slack action without a type",
    slack("actions: [{text: t, url: u}]"),
    "actions[0].type: missing type in Slack action configuration",
  ),
  refuses(
    "a Slack action without a text",
    slack("actions: [{type: button, url: u}]"),
    "actions[0].text: missing text in Slack action configuration",
  ),
  refuses(
    "a Slack action with a value and neither url nor name",
    slack("actions: [{type: button, text: t, value: v}]"),
    "actions[0]: missing name or url in Slack action configuration",
  ),
  refuses(
    "a Slack action with empty url and name",
    slack("actions: [{type: button, text: t, url: '', name: ''}]"),
    "missing name or url",
  ),
  refuses(
    "a Slack confirmation without a text",
    slack("actions: [{type: button, text: t, url: u, confirm: {title: Sure?}}]"),
    "actions[0].confirm.text: missing text in Slack confirmation configuration",
  ),
  refuses(
    "a Slack action field Slack lacks",
    slack("actions: [{type: button, text: t, url: u, foo: 1}]"),
    "field foo not found in slack action",
  ),
  refuses(
    "a Slack confirmation field Slack lacks",
    slack("actions: [{type: button, text: t, url: u, confirm: {text: c, x: 1}}]"),
    "field x not found in slack confirmation",
  ),
  refuses(
    "a Slack config without an API URL here or in global",
    receiver("slack_configs", "channel: c"),
    "no global Slack API URL set",
  ),
  refuses(
    "a Slack API URL beside its file",
    receiver("slack_configs", "api_url: 'http://x/', api_url_file: f"),
    "at most one of api_url & api_url_file",
  ),
  accepts(
    "a Discord config",
    receiver("discord_configs", "webhook_url: 'http://d/', title: t, message: m"),
  ),
  refuses(
    "a Discord config without a webhook URL",
    receiver("discord_configs", "title: t"),
    "no discord webhook URL provided",
  ),
  refuses(
    "a Discord text (Discord takes message)",
    receiver("discord_configs", "webhook_url: 'http://d/', text: t"),
    "field text not found in discord config",
  ),
  newer("a Discord webhook_url_file", receiver("discord_configs", "webhook_url_file: /d"), "0.27"),
  newer(
    "msteams_configs",
    receiver("msteams_configs", "webhook_url: 'http://t/', title: t, summary: s, text: x"),
    "0.27",
  ),
  newer(
    "msteamsv2_configs",
    receiver("msteamsv2_configs", "webhook_url: 'http://t/', title: t, text: x"),
    "0.28",
  ),
  accepts(
    "a Telegram config",
    receiver("telegram_configs", "bot_token: t, chat_id: -1001234567890, parse_mode: MarkdownV2"),
  ),
  refuses(
    "a Telegram chat id of 0",
    receiver("telegram_configs", "bot_token: t, chat_id: 0"),
    "missing chat_id on telegram_config",
  ),
  refuses(
    "a Telegram parse mode Telegram lacks",
    receiver("telegram_configs", "bot_token: t, chat_id: 1, parse_mode: md"),
    "parse_mode: unknown parse_mode on telegram_config",
  ),
  refuses(
    "a Telegram message_thread_id (newer than 0.25, not sent by Outpost)",
    receiver("telegram_configs", "bot_token: t, chat_id: 1, message_thread_id: 2"),
    "field message_thread_id not found",
  ),
  newer(
    "a Telegram bot_token_file",
    receiver("telegram_configs", "bot_token_file: /t, chat_id: 1"),
    "0.26",
  ),
  accepts(
    "a Webex config with a bearer token",
    receiver("webex_configs", "room_id: r, http_config: {bearer_token: t}"),
  ),
  refuses(
    "a Webex config without a room",
    receiver("webex_configs", "http_config: {authorization: {credentials: c}}"),
    "missing room_id on webex_config",
  ),
  refuses(
    "a Webex config with basic auth",
    receiver("webex_configs", "room_id: r, http_config: {basic_auth: {username: u}}"),
    "missing webex_configs.http_config.authorization",
  ),
  refuses(
    "a Webex config relying on the global authorization",
    receiver("webex_configs", "room_id: r", "http_config: {authorization: {credentials: c}}"),
    "missing webex_configs.http_config.authorization",
  ),
  accepts(
    "a WeChat config from global",
    receiver(
      "wechat_configs",
      "message: m, message_type: markdown",
      "wechat_api_secret: s, wechat_api_corp_id: c",
    ),
  ),
  refuses(
    "a WeChat message type in capitals",
    receiver("wechat_configs", "api_secret: s, corp_id: c, message_type: Text"),
    'message_type: weChat message type "Text" does not match',
  ),
  refuses(
    "a WeChat config without a secret",
    receiver("wechat_configs", "corp_id: c"),
    "no global Wechat ApiSecret set",
  ),
  refuses(
    "a WeChat config without a corp id",
    receiver("wechat_configs", "api_secret: s"),
    "no global Wechat CorpID set",
  ),
  accepts(
    "an SNS config with SigV4 keys",
    receiver(
      "sns_configs",
      "topic_arn: t, sigv4: {region: r, access_key: a, secret_key: s}, attributes: {a: b}",
    ),
  ),
  refuses(
    "an SNS config with two targets",
    receiver("sns_configs", "topic_arn: t, phone_number: '1'"),
    "must provide either a Target ARN, Topic ARN, or Phone Number",
  ),
  refuses(
    "an SNS config without a target",
    receiver("sns_configs", "subject: s"),
    "must provide either a Target ARN",
  ),
  refuses(
    "an SNS SigV4 secret without its access key",
    receiver("sns_configs", "topic_arn: t, sigv4: {secret_key: s}"),
    "sigv4: must provide a AWS SigV4 Access key and Secret Key",
  ),
  refuses(
    "an SNS SigV4 field 0.25 lacks",
    receiver("sns_configs", "topic_arn: t, sigv4: {use_fips_sts_endpoint: true}"),
    "field use_fips_sts_endpoint not found in sigv4 config",
  ),
];
