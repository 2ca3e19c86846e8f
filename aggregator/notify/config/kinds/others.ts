/**
 * The integrations Outpost does not send to yet (VictorOps, Pushover, SNS, WeChat, Webex):
 * read and checked as Alertmanager 0.25 reads them, so that a file is accepted or refused as
 * amtool does; the notifier logs that their notifications are dropped.
 */

import { hasAuthorization } from "../http_checks.ts";
import type { Spec } from "../shape.ts";
import {
  type Complaint,
  type IntegrationKind,
  inherit,
  integrationSpec,
  isEmpty,
  type Section,
  secretOrGlobal,
} from "./kind.ts";

// Fields VictorOps's payload sets itself, which custom_fields may not name.
const VICTOROPS_FIXED = new Set([
  "routing_key",
  "message_type",
  "state_message",
  "entity_display_name",
  "monitoring_tool",
  "entity_id",
  "entity_state",
]);

/** `victorops_configs`, key and URL from `global` when unset. */
const victorops: IntegrationKind = {
  spec: integrationSpec("victorops config", {
    api_key: "secret",
    api_key_file: "string",
    api_url: "url",
    routing_key: "string",
    message_type: "string",
    state_message: "string",
    entity_display_name: "string",
    monitoring_tool: "string",
    custom_fields: { map: "string" },
  }),
  sendResolved: true,
  complete: (c, g) => {
    if (isEmpty(c.routing_key)) return "missing Routing key in VictorOps config";
    const custom = (c.custom_fields as Section | undefined) ?? {};
    const fixed = Object.keys(custom).find((k) => VICTOROPS_FIXED.has(k));
    if (fixed !== undefined) {
      return {
        in: custom,
        field: fixed,
        reason: `victorOps config contains custom field ${fixed} which cannot be used as it conflicts with the fixed/static fields`,
      };
    }
    const key = secretOrGlobal(
      c,
      "api_key",
      g,
      "victorops_api_key",
      "no global VictorOps API Key set",
    );
    if (key !== undefined) return key;
    inherit(c, "api_url", g, "victorops_api_url");
  },
};

/** `pushover_configs`; `retry` and `expire` are Go durations. */
const pushover: IntegrationKind = {
  spec: integrationSpec("pushover config", {
    user_key: "secret",
    token: "secret",
    title: "string",
    message: "string",
    url: "string",
    url_title: "string",
    sound: "string",
    priority: "string",
    retry: "go_duration",
    expire: "go_duration",
    html: "bool",
  }),
  sendResolved: true,
  complete: (c) => {
    if (isEmpty(c.user_key)) return "missing user key in Pushover config";
    if (isEmpty(c.token)) return "missing token in Pushover config";
  },
};

const sigv4Spec: Spec = {
  object: "sigv4 config",
  fields: {
    region: "string",
    access_key: "string",
    secret_key: "secret",
    profile: "string",
    role_arn: "string",
  },
};

/** `sns_configs`: one target (topic, phone or target ARN), and SigV4 keys in pairs. */
const sns: IntegrationKind = {
  spec: integrationSpec("sns config", {
    api_url: "string",
    sigv4: sigv4Spec,
    topic_arn: "string",
    phone_number: "string",
    target_arn: "string",
    subject: "string",
    message: "string",
    attributes: { map: "string" },
  }),
  sendResolved: true,
  complete: (c) => {
    const targets = ["target_arn", "topic_arn", "phone_number"].filter((k) => !isEmpty(c[k]));
    if (targets.length !== 1) {
      return "must provide either a Target ARN, Topic ARN, or Phone Number for SNS config";
    }
    const sigv4 = c.sigv4 as Section | undefined;
    if (sigv4 !== undefined && isEmpty(sigv4.access_key) !== isEmpty(sigv4.secret_key)) {
      return {
        in: sigv4,
        reason:
          "must provide a AWS SigV4 Access key and Secret Key if credentials are specified in the SigV4 config",
      };
    }
  },
};

const WECHAT_TYPE = /^(text|markdown)$/;

/** `wechat_configs`, secret, corp id and URL from `global` when unset. */
const wechat: IntegrationKind = {
  spec: integrationSpec("wechat config", {
    api_secret: "secret",
    corp_id: "string",
    message: "string",
    api_url: "url",
    to_user: "string",
    to_party: "string",
    to_tag: "string",
    agent_id: "string",
    message_type: "string",
  }),
  sendResolved: false,
  complete: (c, g) => wechatComplaint(c, g),
};

function wechatComplaint(c: Section, g: Section): Complaint | undefined {
  if (isEmpty(c.message_type)) c.message_type = "text";
  if (!WECHAT_TYPE.test(c.message_type as string)) {
    return {
      field: "message_type",
      reason: `weChat message type ${JSON.stringify(c.message_type)} does not match valid options ${WECHAT_TYPE.source}`,
    };
  }
  inherit(c, "api_secret", g, "wechat_api_secret");
  if (isEmpty(c.api_secret)) return "no global Wechat ApiSecret set";
  inherit(c, "corp_id", g, "wechat_api_corp_id");
  if (isEmpty(c.corp_id)) return "no global Wechat CorpID set";
  inherit(c, "api_url", g, "wechat_api_url");
  return undefined;
}

/** `webex_configs`: a room, and an Authorization of its own `http_config` (not the global one). */
const webex: IntegrationKind = {
  spec: integrationSpec("webex config", { api_url: "url", room_id: "string", message: "string" }),
  sendResolved: true,
  complete: (c, g) => {
    if (isEmpty(c.room_id)) return "missing room_id on webex_config";
    if (!hasAuthorization(c.http_config as Section | undefined)) {
      return "missing webex_configs.http_config.authorization";
    }
    inherit(c, "api_url", g, "webex_api_url");
  },
};

/** The kinds of this file, by name. */
export const others = { victorops, pushover, sns, wechat, webex };
