/**
 * Discord (`discord_configs`): one embed posted to the webhook, its title and description whole (0.25 does not cut them), red while firing and green once resolved, as Alertmanager
 * 0.25 sends it.
 */
import { readFileSync } from "node:fs";
import type { Section } from "../config/integrations.ts";
import { type BuildInput, type NotifyRequest, postJson, str } from "./request.ts";

const RED = 0x992d22;
const GREEN = 0x2ecc71;

/** The request Alertmanager sends for a `discord_configs` entry. */
export async function discordRequest(config: Section, input: BuildInput): Promise<NotifyRequest[]> {
  const render = input.render;
  // Alertmanager 0.25 sends both whole (later versions cut them to 256 and 4096 characters).
  const title = await render.text(str(config, "title", '{{ template "discord.default.title" . }}'));
  const description = await render.text(
    str(config, "message", '{{ template "discord.default.message" . }}'),
  );
  const color = render.data.status === "firing" ? RED : GREEN;
  const url =
    typeof config.webhook_url === "string"
      ? config.webhook_url
      : readFileSync(str(config, "webhook_url_file"), "utf8").trim();
  return [postJson(url, { content: "", embeds: [{ title, description, color }] })];
}
