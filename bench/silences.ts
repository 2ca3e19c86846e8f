/**
 * `isSilenced()` at scale: 10,000 alerts checked against 1,000 active silences, as a
 * dispatcher's flush would. Silences are 80% `alertname="…"` plus a regex (filed in the index),
 * 20% regexes only (tested on every alert). Prints the time for all alerts and per alert.
 *
 *   bun bench/silences.ts
 */
import { MemoryKeyValueStore } from "../aggregator/ingest/kv_memory.ts";
import { SilenceStore } from "../aggregator/notify/silences/store.ts";

const ALERTS = 10_000;
const SILENCES = 1_000;
const now = Date.now();
const store = new SilenceStore({ kv: new MemoryKeyValueStore(), now: () => now });
await store.start();
for (let i = 0; i < SILENCES; i++) {
  const anchored = i % 5 !== 0;
  await store.set({
    matchers: [
      ...(anchored
        ? [{ name: "alertname", value: `Alert${i}`, isRegex: false, isEqual: true }]
        : []),
      { name: "instance", value: `host-${i % 50}.*`, isRegex: true, isEqual: true },
    ],
    startsAt: now,
    endsAt: now + 3_600_000,
    createdBy: "bench",
    comment: "",
  });
}
const alerts = Array.from({ length: ALERTS }, (_, i) => ({
  alertname: `Alert${i % 2_000}`,
  instance: `host-${i % 97}:9100`,
  severity: "critical",
}));
store.isSilenced(alerts[0]); // builds the index
let silenced = 0;
const start = performance.now();
for (const labels of alerts) if (store.isSilenced(labels).length > 0) silenced++;
const ms = performance.now() - start;
console.log(`silences_is_silenced_10k_alerts_1k_silences ${ms.toFixed(1)} ms`);
console.log(`silences_is_silenced_per_alert ${((ms * 1_000) / ALERTS).toFixed(2)} us`);
console.log(`silences_silenced_alerts ${silenced} alerts`);
