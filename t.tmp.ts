import { loadAlertmanagerConfig } from "./aggregator/notify/config/load.ts";
for (const f of process.argv.slice(2)) {
  try { const c = await loadAlertmanagerConfig(f); console.log(f, "OK", c.receivers.length); } catch (e) { console.log((e as Error).message); }
}
