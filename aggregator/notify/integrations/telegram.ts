/**
 * Telegram (`telegram_configs`): the Bot API's sendMessage as Alertmanager 0.25's client
 * (telebot) sends it — a JSON object of strings with sorted keys: `chat_id`, `text` (cut to
 * 4096 characters), `parse_mode` unless empty, `disable_web_page_preview` always, and
 * `disable_notification` when asked.
 */
import { readFileSync } from "node:fs";
import type { Section } from "../config/integrations.ts";
import { type BuildInput, goJson, type NotifyRequest, str, truncate } from "./request.ts";

/** The Bot API Alertmanager uses when neither the config nor `global` names one. */
export const TELEGRAM_URL = "https://api.telegram.org";

/** The request Alertmanager sends for a `telegram_configs` entry. */
export async function telegramRequest(
  config: Section,
  input: BuildInput,
): Promise<NotifyRequest[]> {
  const token =
    typeof config.bot_token === "string"
      ? config.bot_token
      : readFileSync(str(config, "bot_token_file"), "utf8").trim();
  const parseMode = str(config, "parse_mode", "HTML");
  const message = str(config, "message", '{{ template "telegram.default.message" . }}');
  // With HTML, Alertmanager runs the message through html/template, which escapes values.
  const rendered =
    parseMode === "HTML" ? await input.render.html(message) : await input.render.text(message);
  const [text] = truncate(rendered, 4096);
  const params: Record<string, string> = { chat_id: String(config.chat_id) };
  if (config.disable_notifications === true) params.disable_notification = "true";
  params.disable_web_page_preview = "true";
  if (parseMode !== "") params.parse_mode = parseMode;
  params.text = text;
  const base = str(config, "api_url", TELEGRAM_URL).replace(/\/$/, "");
  return [
    {
      url: `${base}/bot${token}/sendMessage`,
      method: "POST",
      headers: { "Content-Type": "application/json", "User-Agent": "Go-http-client/1.1" },
      body: goJson(params),
    },
  ];
}
