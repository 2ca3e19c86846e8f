/** `discord_configs`, `msteams_configs`, `msteamsv2_configs` and `telegram_configs`. */
import type { Spec } from "../shape.ts";
import { type IntegrationKind, inherit, integrationSpec, secretOrFile } from "./kind.ts";

const titleText: Record<string, Spec> = { title: "string", text: "string" };

/** `discord_configs`; `webhook_url_file` is newer than 0.25 (docs/notify.md). */
const discord: IntegrationKind = {
  spec: integrationSpec("discord config", {
    webhook_url: "secret_url",
    webhook_url_file: "string",
    title: "string",
    message: "string",
  }),
  sendResolved: true,
  complete: (c) => secretOrFile(c, "webhook_url", "no discord webhook URL provided"),
};

const TEAMS_MISSING = "one of webhook_url or webhook_url_file must be configured";

/** `msteams_configs` (Alertmanager 0.26+; docs/notify.md). */
const msteams: IntegrationKind = {
  spec: integrationSpec("msteams config", {
    webhook_url: "secret_url",
    webhook_url_file: "string",
    ...titleText,
    summary: "string",
  }),
  sendResolved: true,
  complete: (c) => secretOrFile(c, "webhook_url", TEAMS_MISSING),
};

/** `msteamsv2_configs` (Alertmanager 0.28+, Power Automate workflows; docs/notify.md). */
const msteamsv2: IntegrationKind = {
  spec: integrationSpec("msteamsv2 config", {
    webhook_url: "secret_url",
    webhook_url_file: "string",
    ...titleText,
  }),
  sendResolved: true,
  complete: (c) => secretOrFile(c, "webhook_url", TEAMS_MISSING),
};

/** `telegram_configs`; `bot_token_file` is newer than 0.25 (docs/notify.md). */
const telegram: IntegrationKind = {
  spec: integrationSpec("telegram config", {
    api_url: "url",
    bot_token: "secret",
    bot_token_file: "string",
    chat_id: "int",
    message: "string",
    disable_notifications: "bool",
    parse_mode: "string",
  }),
  sendResolved: true,
  complete: (c, g) => {
    if (!c.bot_token && !c.bot_token_file) return "missing bot_token on telegram_config";
    if (c.bot_token && c.bot_token_file) {
      return "at most one of bot_token & bot_token_file must be configured";
    }
    if (!c.chat_id) return "missing chat_id on telegram_config";
    c.parse_mode ??= "HTML";
    if (!["", "Markdown", "MarkdownV2", "HTML"].includes(c.parse_mode as string)) {
      return {
        field: "parse_mode",
        reason:
          "unknown parse_mode on telegram_config, must be Markdown, MarkdownV2, HTML or empty string",
      };
    }
    inherit(c, "api_url", g, "telegram_api_url");
  },
};

/** The kinds of this file, by name. */
export const chat = { discord, msteams, msteamsv2, telegram };
