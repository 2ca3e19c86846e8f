/**
 * The receivers' integrations: each kind's fields, its `send_resolved` default, what it takes
 * from `global` when it does not set it, and the checks Alertmanager 0.25 makes (with its
 * wording), one file per family under kinds/. Outpost sends to all but VictorOps, Pushover,
 * SNS, WeChat and Webex, which are checked all the same (kinds/others.ts).
 */
import { chat } from "./kinds/chat.ts";
import type { IntegrationKind } from "./kinds/kind.ts";
import { opsgenie } from "./kinds/opsgenie.ts";
import { others } from "./kinds/others.ts";
import { pagerduty } from "./kinds/pagerduty.ts";
import { slack } from "./kinds/slack.ts";
import { email, webhook } from "./kinds/webhook.ts";
import type { Spec } from "./shape.ts";

export type { Complaint, IntegrationKind, Section } from "./kinds/kind.ts";

/** Every integration list a receiver may hold, by its key in the receiver, in sending order. */
export const INTEGRATIONS: Readonly<Record<string, IntegrationKind>> = {
  webhook_configs: webhook,
  email_configs: email,
  pagerduty_configs: pagerduty,
  slack_configs: slack,
  discord_configs: chat.discord,
  msteams_configs: chat.msteams,
  msteamsv2_configs: chat.msteamsv2,
  opsgenie_configs: opsgenie,
  telegram_configs: chat.telegram,
  victorops_configs: others.victorops,
  pushover_configs: others.pushover,
  sns_configs: others.sns,
  wechat_configs: others.wechat,
  webex_configs: others.webex,
};

/** `receivers[*]`: a name and any number of each integration (a null one is refused). */
export const receiverSpec: Spec = {
  object: "receiver",
  fields: {
    name: "string",
    ...Object.fromEntries(
      Object.entries(INTEGRATIONS).map(([k, v]) => [k, { list: v.spec, nulls: "refuse" }]),
    ),
  },
};
