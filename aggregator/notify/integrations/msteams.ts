/**
 * Microsoft Teams: `msteams_configs` (Alertmanager 0.26+), an Office 365 connector
 * MessageCard, and `msteamsv2_configs` (0.28+), an Adaptive Card posted to a Power Automate
 * Workflows URL. Debian ships 0.25, which has neither: the payloads follow Alertmanager's
 * source (notify/msteams, notify/msteamsv2) field for field, including the MessageCard's
 * `type` key (not `@type`), which Alertmanager writes that way.
 */
import { readFileSync } from "node:fs";
import type { Section } from "../config/integrations.ts";
import { type BuildInput, type NotifyRequest, postJson, str } from "./request.ts";

/** MessageCard `themeColor` by notification status. */
const CARD_COLOR = { firing: "8C1A1A", resolved: "2DC72D" } as const;
/** Adaptive Card TextBlock `color` by notification status. */
const BLOCK_COLOR = { firing: "Attention", resolved: "Good" } as const;

function webhookUrl(config: Section): string {
  if (typeof config.webhook_url === "string") return config.webhook_url;
  return readFileSync(str(config, "webhook_url_file"), "utf8").trim();
}

const field = (input: BuildInput, config: Section, key: string, kind: string) =>
  input.render.text(str(config, key, `{{ template "${kind}.default.${key}" . }}`));

/** The request Alertmanager 0.26+ sends for an `msteams_configs` entry. */
export async function msteamsRequest(config: Section, input: BuildInput): Promise<NotifyRequest[]> {
  const card = {
    "@context": "http://schema.org/extensions",
    type: "MessageCard",
    title: await field(input, config, "title", "msteams"),
    summary: await field(input, config, "summary", "msteams"),
    text: await field(input, config, "text", "msteams"),
    themeColor: CARD_COLOR[input.render.data.status],
  };
  return [postJson(webhookUrl(config), card)];
}

/** The request Alertmanager 0.28+ sends for an `msteamsv2_configs` entry. */
export async function msteamsv2Request(
  config: Section,
  input: BuildInput,
): Promise<NotifyRequest[]> {
  const title = await field(input, config, "title", "msteamsv2");
  const text = await field(input, config, "text", "msteamsv2");
  const heading = {
    type: "TextBlock",
    text: title,
    weight: "Bolder",
    size: "Medium",
    wrap: true,
    style: "heading",
    color: BLOCK_COLOR[input.render.data.status],
  };
  const card = {
    $schema: "http://adaptivecards.io/schemas/adaptive-card.json",
    type: "AdaptiveCard",
    version: "1.2",
    body: [heading, { type: "TextBlock", text, wrap: true }],
    msteams: { width: "full" },
  };
  const message = {
    type: "message",
    attachments: [
      { contentType: "application/vnd.microsoft.card.adaptive", contentUrl: null, content: card },
    ],
  };
  return [postJson(webhookUrl(config), message)];
}
