/**
 * What every templated receiver does first: the notification's data rendered through the
 * templates, and whatever it sends built from that. A template that fails is a final failure,
 * as in Alertmanager.
 */
import type { Template } from "../../template/template.ts";
import { TemplateError } from "../../template/template.ts";
import type { StoredAlert } from "../alerts.ts";
import { Renderer } from "../integrations/templates.ts";
import { notificationData } from "./data.ts";
import type { NotifyContext, SendResult } from "./integration.ts";

/** `build` run on the notification's renderer; a failed template becomes the send's result. */
export async function buildRendered<T>(
  templates: Template,
  externalURL: string,
  ctx: NotifyContext,
  alerts: readonly StoredAlert[],
  build: (render: Renderer) => Promise<T>,
): Promise<{ built: T } | { failed: SendResult }> {
  const data = notificationData(ctx.receiver, ctx.groupLabels, alerts, ctx.now, externalURL);
  try {
    return { built: await build(new Renderer(templates, data)) };
  } catch (error) {
    if (!(error instanceof TemplateError)) throw error;
    return { failed: { ok: false, retry: false, reason: "other", message: error.message } };
  }
}
