/**
 * The senders of each configured receiver: webhooks, e-mail, and the templated integrations
 * (Slack, Discord, PagerDuty, Opsgenie, Telegram, Microsoft Teams). The others (VictorOps,
 * Pushover, …) are reported once when the notifier starts and skipped.
 */
import type { Template } from "../../template/template.ts";
import type { Receiver } from "../config/model.ts";
import { EmailSender } from "./email.ts";
import type { Sender } from "./integration.ts";
import { isTemplated, TemplatedSender } from "./templated.ts";
import { WebhookSender } from "./webhook.ts";

/** Each receiver's senders, and the integration kinds that were skipped. */
export function buildSenders(
  receivers: readonly Receiver[],
  externalURL: () => string,
  templates: Template,
): { senders: Map<string, Sender[]>; skipped: Set<string> } {
  const senders = new Map<string, Sender[]>();
  const skipped = new Set<string>();
  for (const r of receivers) {
    const list: Sender[] = [];
    for (const i of r.integrations) {
      if (i.kind === "webhook_configs") {
        list.push(new WebhookSender(i.config, i.sendResolved, externalURL));
      } else if (i.kind === "email_configs") {
        list.push(new EmailSender(i, templates, externalURL));
      } else if (isTemplated(i.kind)) {
        list.push(new TemplatedSender(i, templates, externalURL));
      } else {
        skipped.add(i.kind);
      }
    }
    senders.set(r.name, list);
  }
  return { senders, skipped };
}
