/**
 * E-mail (`email_configs`): the message built by integrations/email.ts from the notification
 * and sent over SMTP by integrations/smtp. A template that fails is a final failure, as in
 * Alertmanager.
 */
import type { Template } from "../../template/template.ts";
import type { StoredAlert } from "../alerts.ts";
import type { Integration } from "../config/model.ts";
import { emailMessage } from "../integrations/email.ts";
import { sendEmail } from "../integrations/smtp/send.ts";
import type { NotifyContext, Sender, SendResult } from "./integration.ts";
import { buildRendered } from "./render.ts";

/** One `email_configs` entry of a receiver. */
export class EmailSender implements Sender {
  readonly kind = "email";
  readonly sendResolved: boolean;

  constructor(
    private readonly integration: Integration,
    private readonly templates: Template,
    private readonly externalURL: () => string,
  ) {
    this.sendResolved = integration.sendResolved;
  }

  /** Renders and sends one notification. */
  async send(ctx: NotifyContext, alerts: readonly StoredAlert[]): Promise<SendResult> {
    const config = this.integration.config;
    const message = await buildRendered(this.templates, this.externalURL(), ctx, alerts, (render) =>
      emailMessage(config, { render, groupKey: ctx.groupKey }),
    );
    if ("failed" in message) return message.failed;
    return sendEmail(message.built, config, ctx.signal);
  }
}
