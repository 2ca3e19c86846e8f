/**
 * The webhook integration: Alertmanager's payload version "4" POSTed as JSON, the alerts cut
 * to `max_alerts` (the cut counted in `truncatedAlerts`), with the integration's
 * `http_config` and `timeout`. A 5xx answer or a network error is retried; a 4xx is not.
 */
import { readFileSync } from "node:fs";
import { OUTPOST_VERSION } from "../../../shared/runtime/version.ts";
import type { StoredAlert } from "../alerts.ts";
import type { Section } from "../config/integrations.ts";
import { requestInit } from "../integrations/send.ts";
import { type NotificationData, notificationData } from "./data.ts";
import type { NotifyContext, Sender, SendResult } from "./integration.ts";

/** The body of a webhook notification, fields in Alertmanager's order. */
export interface WebhookMessage extends NotificationData {
  version: "4";
  groupKey: string;
  truncatedAlerts: number;
}

/** The webhook payload for `alerts` (sorted), cut to `maxAlerts` when it is above 0. */
export function webhookMessage(
  ctx: Pick<NotifyContext, "receiver" | "groupKey" | "groupLabels" | "now">,
  alerts: readonly StoredAlert[],
  maxAlerts: number,
  externalURL: string,
): WebhookMessage {
  const kept = maxAlerts > 0 ? alerts.slice(0, maxAlerts) : alerts;
  return {
    ...notificationData(ctx.receiver, ctx.groupLabels, kept, ctx.now, externalURL),
    version: "4",
    groupKey: ctx.groupKey,
    truncatedAlerts: alerts.length - kept.length,
  };
}

/** A `webhook_configs` entry. */
export class WebhookSender implements Sender {
  readonly kind = "webhook";
  readonly sendResolved: boolean;

  constructor(
    private readonly config: Section,
    sendResolved: boolean,
    private readonly externalURL: () => string,
  ) {
    this.sendResolved = sendResolved;
  }

  /** POSTs one notification. */
  async send(ctx: NotifyContext, alerts: readonly StoredAlert[]): Promise<SendResult> {
    const c = this.config;
    const body = webhookMessage(ctx, alerts, (c.max_alerts as number) ?? 0, this.externalURL());
    const url = (c.url as string | undefined) ?? readFileSync(c.url_file as string, "utf8").trim();
    const timeout = (c.timeout as number | undefined) ?? 0;
    const signal =
      timeout > 0 ? AbortSignal.any([ctx.signal, AbortSignal.timeout(timeout)]) : ctx.signal;
    try {
      const request = {
        method: "POST" as const,
        headers: { "Content-Type": "application/json", "User-Agent": `Outpost/${OUTPOST_VERSION}` },
        body: `${JSON.stringify(body)}\n`,
      };
      const http = c.http_config as Section | undefined;
      const init = await requestInit(url, request, http, signal);
      const res = await fetch(url, init);
      await res.arrayBuffer().catch(() => undefined);
      if (res.ok) return { ok: true };
      const message = `unexpected status code ${res.status}`;
      if (res.status >= 500) return { ok: false, retry: true, reason: "serverError", message };
      return { ok: false, retry: false, reason: "clientError", message };
    } catch (error) {
      const aborted = signal.aborted;
      return {
        ok: false,
        retry: true,
        reason: aborted ? "timeout" : "other",
        message: aborted ? "request timed out" : String((error as Error).message ?? error),
      };
    }
  }
}
