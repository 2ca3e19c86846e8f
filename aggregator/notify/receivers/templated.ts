/**
 * The integrations whose message is rendered from templates (Slack, Discord, PagerDuty,
 * Opsgenie, Telegram, Microsoft Teams): the notification's data rendered through the receiver's config fields
 * with Alertmanager's default templates and the user's `templates:` files, the requests built
 * by aggregator/notify/integrations and sent with the integration's `http_config`.
 */
import type { Template } from "../../template/template.ts";
import type { StoredAlert } from "../alerts.ts";
import type { Section } from "../config/integrations.ts";
import type { Integration } from "../config/model.ts";
import { BUILDERS, buildRequests } from "../integrations/builders.ts";
import { send } from "../integrations/send.ts";
import type { NotifyContext, Sender, SendResult } from "./integration.ts";
import { buildRendered } from "./render.ts";

/** Whether an integration kind (`slack_configs`, …) is sent by a {@link TemplatedSender}. */
export function isTemplated(kind: string): boolean {
  return kind in BUILDERS;
}

/** One templated integration of a receiver. */
export class TemplatedSender implements Sender {
  readonly kind: string;
  readonly sendResolved: boolean;

  constructor(
    private readonly integration: Integration,
    private readonly templates: Template,
    private readonly externalURL: () => string,
  ) {
    this.kind = integration.kind.replace(/_configs$/, "");
    this.sendResolved = integration.sendResolved;
  }

  /** Renders and sends one notification; a template that fails is a final failure, as in Alertmanager. */
  async send(ctx: NotifyContext, alerts: readonly StoredAlert[]): Promise<SendResult> {
    const built = await buildRendered(this.templates, this.externalURL(), ctx, alerts, (render) =>
      buildRequests(this.integration, render, ctx.groupKey),
    );
    if ("failed" in built) return built.failed;
    const requests = built.built;
    const http = this.integration.config.http_config as Section | undefined;
    for (const request of requests) {
      const result = await send(this.kind, request, http, ctx.signal);
      if (!result.ok) return result;
    }
    return { ok: true };
  }
}
