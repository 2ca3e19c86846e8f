/**
 * `outpost notify test --config FILE --receiver NAME`: one firing test alert sent through
 * every integration of a receiver, each outcome printed; exit status 1 when one fails.
 */

import { loadAlertmanagerConfig } from "../aggregator/notify/config/load.ts";
import { loadTemplateSet } from "../aggregator/notify/integrations/templates.ts";
import { buildSenders } from "../aggregator/notify/receivers/build.ts";
import { sendTestAlert } from "../aggregator/notify/receivers/test_alert.ts";
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
  let failed = 0;
  for (const r of await sendTestAlert(receiver, list)) {
    if (r.ok) console.log(`${r.integration}: sent`);
    else {
      failed++;
      console.log(`${r.integration}: failed (${r.reason}): ${r.message}`);
    }
  }
  if (list.length === 0) console.log(`receiver "${receiver}" has no integration to send through`);
  return failed > 0 ? 1 : 0;
}
