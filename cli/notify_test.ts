/**
 * `outpost notify test --config FILE --receiver NAME`: one firing test alert sent through
 * every integration of a receiver, each outcome printed; exit status 1 when one fails.
 */

import { receiveAlert } from "../aggregator/notify/alerts.ts";
import { loadAlertmanagerConfig } from "../aggregator/notify/config/load.ts";
import { loadTemplateSet } from "../aggregator/notify/integrations/templates.ts";
import { buildSenders } from "../aggregator/notify/receivers/build.ts";
import { ConfigError } from "../shared/config/errors.ts";

/** Sends the test notification; returns the exit status. */
export async function sendTestNotification(file: string, receiver: string): Promise<number> {
  let config: Awaited<ReturnType<typeof loadAlertmanagerConfig>>;
  try {
    config = await loadAlertmanagerConfig(file);
  } catch (error) {
    console.error(error instanceof ConfigError ? error.message : (error as Error).message);
    return 1;
  }
  const templates = await loadTemplateSet(config.templates);
  const { senders, skipped } = buildSenders(config.receivers, () => "", templates);
  const list = senders.get(receiver);
  if (list === undefined) {
    console.error(`Cannot send a test notification: no receiver "${receiver}" in ${file}`);
    return 1;
  }
  for (const kind of skipped) console.error(`${kind}: not sent (Outpost cannot send these yet)`);
  const now = Date.now();
  const labels = { alertname: "TestAlert", receiver };
  const alert = receiveAlert(
    { labels, annotations: { summary: "A test notification from outpost notify test" } },
    now,
    5 * 60_000,
  );
  let failed = 0;
  for (const [i, sender] of list.entries()) {
    const ctx = {
      receiver,
      groupKey: `{}:{alertname="TestAlert"}`,
      groupLabels: { alertname: "TestAlert" },
      now,
      signal: AbortSignal.timeout(30_000),
    };
    const r = await sender.send(ctx, [{ ...alert, endsAt: 0 }]);
    if (r.ok) console.log(`${sender.kind}[${i}]: sent`);
    else {
      failed++;
      console.log(`${sender.kind}[${i}]: failed (${r.reason}): ${r.message}`);
    }
  }
  if (list.length === 0) console.log(`receiver "${receiver}" has no integration to send through`);
  return failed > 0 ? 1 : 0;
}
