/**
 * Slack (`slack_configs`): one attachment (its title cut to 1024 characters) posted to the
 * incoming webhook `api_url`, with
 * Alertmanager 0.25's defaults and JSON layout (empty `text`, `fallback`, `callback_id` and
 * `footer` are sent; empty `pretext`, icons, `channel` and unset `actions` are left out).
 */
import { readFileSync } from "node:fs";
import type { Section } from "../config/integrations.ts";
import { type BuildInput, type NotifyRequest, postJson, str, truncate } from "./request.ts";

const DEFAULT_COLOR = '{{ if eq .Status "firing" }}danger{{ else }}good{{ end }}';
const DEFAULT_MRKDWN = ["fallback", "pretext", "text"];
const ACTION_FIELDS = ["type", "text", "url", "style", "name", "value"] as const;
const CONFIRM_FIELDS = ["text", "title", "ok_text", "dismiss_text"] as const;

const tmpl = (name: string) => `{{ template "slack.default.${name}" . }}`;

/** The request Alertmanager sends for a `slack_configs` entry. */
export async function slackRequest(config: Section, input: BuildInput): Promise<NotifyRequest[]> {
  const t = (key: string, def = "") => input.render.text(str(config, key, def));
  const attachment: Record<string, unknown> = {
    title: truncate(await t("title", tmpl("title")), 1024)[0],
    title_link: await t("title_link", tmpl("titlelink")),
    pretext: (await t("pretext", tmpl("pretext"))) || undefined,
    text: await t("text", tmpl("text")),
    fallback: await t("fallback", tmpl("fallback")),
    callback_id: await t("callback_id", tmpl("callbackid")),
    fields: await fields(config, input),
    actions: await actions(config, input),
    image_url: (await t("image_url")) || undefined,
    thumb_url: (await t("thumb_url")) || undefined,
    footer: await t("footer", tmpl("footer")),
    color: await t("color", DEFAULT_COLOR),
    mrkdwn_in: (config.mrkdwn_in as string[] | undefined) ?? DEFAULT_MRKDWN,
  };
  const payload = {
    channel: (await t("channel")) || undefined,
    username: (await t("username", tmpl("username"))) || undefined,
    icon_emoji: (await t("icon_emoji", tmpl("iconemoji"))) || undefined,
    icon_url: (await t("icon_url", tmpl("iconurl"))) || undefined,
    link_names: config.link_names === true ? true : undefined,
    attachments: [attachment],
  };
  return [postJson(apiUrl(config), payload)];
}

function apiUrl(config: Section): string {
  if (typeof config.api_url === "string") return config.api_url;
  return readFileSync(str(config, "api_url_file"), "utf8").trim();
}

async function fields(config: Section, input: BuildInput) {
  const list = config.fields as Section[] | undefined;
  if (!list?.length) return undefined;
  const out = [];
  for (const f of list) {
    const short = typeof f.short === "boolean" ? f.short : config.short_fields === true;
    out.push({
      title: await input.render.text(str(f, "title")),
      value: await input.render.text(str(f, "value")),
      short,
    });
  }
  return out;
}

async function actions(config: Section, input: BuildInput) {
  const list = config.actions as Section[] | undefined;
  if (!list?.length) return undefined;
  const out = [];
  for (const a of list) {
    const action: Record<string, unknown> = {};
    for (const k of ACTION_FIELDS) action[k] = (await input.render.text(str(a, k))) || undefined;
    const confirm = a.confirm as Section | undefined;
    if (confirm) {
      const c: Record<string, unknown> = {};
      for (const k of CONFIRM_FIELDS)
        c[k] = (await input.render.text(str(confirm, k))) || undefined;
      action.confirm = c;
    }
    out.push(action);
  }
  return out;
}
