/**
 * `slack_configs`, with the checks Alertmanager 0.25 makes on its `fields` and `actions` (each
 * field needs a title and a value; each action a type, a text, and a url or a name; a
 * confirmation a text).
 */
import type { Spec } from "../shape.ts";
import {
  type Complaint,
  type IntegrationKind,
  integrationSpec,
  isEmpty,
  type Section,
  secretOrGlobal,
} from "./kind.ts";

const confirmSpec: Spec = {
  object: "slack confirmation",
  fields: { text: "string", title: "string", ok_text: "string", dismiss_text: "string" },
};

const actionSpec: Spec = {
  object: "slack action",
  fields: {
    type: "string",
    text: "string",
    url: "string",
    style: "string",
    name: "string",
    value: "string",
    confirm: confirmSpec,
  },
};

/** `slack_configs`, its API URL from `global.slack_api_url(_file)`. */
export const slack: IntegrationKind = {
  spec: integrationSpec("slack config", {
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
    actions: { list: actionSpec },
  }),
  sendResolved: false,
  complete: (c, g) => {
    const attachments = attachmentComplaint(c);
    if (attachments !== undefined) return attachments;
    return secretOrGlobal(
      c,
      "api_url",
      g,
      "slack_api_url",
      "no global Slack API URL set either inline or in a file",
    );
  },
};

function attachmentComplaint(c: Section): Complaint | undefined {
  for (const f of (c.fields as Section[] | undefined) ?? []) {
    if (isEmpty(f.title)) return missing(f, "title", "Slack field configuration");
    if (isEmpty(f.value)) return missing(f, "value", "Slack field configuration");
  }
  for (const a of (c.actions as Section[] | undefined) ?? []) {
    const confirm = a.confirm as Section | undefined;
    if (confirm !== undefined && isEmpty(confirm.text)) {
      return missing(confirm, "text", "Slack confirmation configuration");
    }
    if (isEmpty(a.type)) return missing(a, "type", "Slack action configuration");
    if (isEmpty(a.text)) return missing(a, "text", "Slack action configuration");
    if (isEmpty(a.url) && isEmpty(a.name)) {
      return { in: a, reason: "missing name or url in Slack action configuration" };
    }
  }
  return undefined;
}

const missing = (section: Section, field: string, what: string): Complaint => ({
  in: section,
  field,
  reason: `missing ${field} in ${what}`,
});
