/**
 * E-mail (`email_configs`): the message built by integrations/email.ts from the notification
 * and sent over SMTP by integrations/smtp. A template that fails is a final failure, as in
 * Alertmanager.
 */
import type { Template } from "../../template/template.ts";
import { TemplateError } from "../../template/template.ts";
import type { StoredAlert } from "../alerts.ts";
import type { Integration } from "../config/model.ts";
import { type EmailMessage, emailMessage } from "../integrations/email.ts";
import { sendEmail } from "../integrations/smtp/send.ts";
import { Renderer } from "../integrations/templates.ts";
import { notificationData } from "./data.ts";
import type { NotifyContext, Sender, SendResult } from "./integration.ts";

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
    const data = notificationData(
      ctx.receiver,
      ctx.groupLabels,
      alerts,
      ctx.now,
      this.externalURL(),
    );
    const render = new Renderer(this.templates, data);
    let message: EmailMessage;
    try {
      message = await emailMessage(this.integration.config, { render, groupKey: ctx.groupKey });
    } catch (error) {
      if (!(error instanceof TemplateError)) throw error;
      return { ok: false, retry: false, reason: "other", message: error.message };
    }
    return sendEmail(message, this.integration.config, ctx.signal);
  }
}
