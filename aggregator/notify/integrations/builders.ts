/**
 * The request builders by integration kind (the receiver's key: `slack_configs`, …), and
 * {@link buildRequests}, which renders one notification for one integration.
 */
import type { Integration } from "../config/model.ts";
import { discordRequest } from "./discord.ts";
import { msteamsRequest, msteamsv2Request } from "./msteams.ts";
import { opsgenieRequest } from "./opsgenie.ts";
import { pagerdutyRequest } from "./pagerduty.ts";
import type { Builder, NotifyRequest } from "./request.ts";
import { slackRequest } from "./slack.ts";
import { telegramRequest } from "./telegram.ts";
import type { Renderer } from "./templates.ts";

/** Builders of the integrations that send over HTTP with a templated payload. */
export const BUILDERS: Readonly<Record<string, Builder>> = {
  slack_configs: slackRequest,
  discord_configs: discordRequest,
  pagerduty_configs: pagerdutyRequest,
  opsgenie_configs: opsgenieRequest,
  telegram_configs: telegramRequest,
  msteams_configs: msteamsRequest,
  msteamsv2_configs: msteamsv2Request,
};

/** The requests `integration` sends for the notification `render` holds; throws TemplateError. */
export async function buildRequests(
  integration: Integration,
  render: Renderer,
  groupKey: string,
): Promise<NotifyRequest[]> {
  const build = BUILDERS[integration.kind];
  if (!build) throw new TypeError(`Cannot build a ${integration.kind} request: not supported`);
  return build(integration.config, { render, groupKey });
}
