/**
 * Filtering 10,000 alerts in the Alerts tab (issue 22: under 200 ms). An in-process aggregator
 * holds 10,000 synthetic series; a real alerting rule (`test_metric >= 0`, every 5 s) fires one
 * alert per series into the real notifier. Headless Chromium opens /alerts; then keystrokes in
 * the filter box (each one a valid matcher: `i=~".*"` → `i=~"1.*"` → `i=~"12.*"` … and back)
 * are timed from the key's event to the list settled: the `alerts-list-settled` mark that
 * AlertGroups sets once the filtered page has been committed and painted (a frame, then a task).
 * The page is live meanwhile (WatchAlerts refetches the 10,000 alerts as the rule re-sends them),
 * as a user would have it. Also printed: the alert rows in the DOM (one page, not 10,000).
 *
 * The mark carries the text the list was filtered by, so a mark of a list drawn before the key
 * (a live refetch) is never taken for the keystroke's.
 *
 *   bun bench/ui_alerts_filter.ts [--rounds N] [--shot]   N rounds of 6 keystrokes (default 10);
 *   --shot saves the page with 10,000 alerts to test/artifacts/alerts-10k-light.png
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-web";
import { AlertsService } from "../proto/gen/outpost/alerts/v1/alerts_pb.ts";
import { startInProcessAggregator } from "../test/harness/aggregator.ts";
import { launchChromium } from "../test/harness/browser.ts";
import { connectTo, makeSeries, publishBatch, syntheticBatch } from "../test/harness/ingest.ts";
import { startNatsServer } from "../test/harness/nats.ts";
import { buildUiIfStale } from "../ui/build.ts";
import { report } from "./lib/pipeline.ts";
import { progress } from "./lib/services.ts";

const roundsArg = process.argv.indexOf("--rounds");
const ROUNDS = roundsArg > 0 ? Number(process.argv[roundsArg + 1]) : 10;
const SERIES = 10_000;
const MARK = "alerts-list-settled"; // AlertGroups' SETTLED_MARK (ui/ is not imported here)

const dir = mkdtempSync(join(tmpdir(), "outpost-bench-ui-alerts-"));
writeFileSync(
  join(dir, "rules.yml"),
  "groups:\n- name: bench\n  rules:\n  - alert: BenchSeries\n    expr: test_metric >= 0\n    labels: {severity: warning}\n",
);
writeFileSync(
  join(dir, "am.yml"),
  "route:\n  receiver: none\n  group_by: [alertname]\n  group_wait: 1s\nreceivers:\n  - name: none\n",
);
await buildUiIfStale();
const nats = await startNatsServer();
const aggregator = await startInProcessAggregator(
  dir,
  nats.url,
  "global: { evaluation_interval: 5s }\nrule_files: [rules.yml]\nalerting: {config_file: am.yml}\n",
  "bench",
);
const nc = await connectTo(nats.url);
const series = makeSeries(SERIES);
// Fresh samples every 30 s keep the series (and so the alerts) inside the 5 m lookback.
const feed = async () => {
  await publishBatch(nc, syntheticBatch(series, [Date.now()]), { agent: "bench" });
};
await feed();
const feeding = setInterval(feed, 30_000);
const api = createClient(AlertsService, createConnectTransport({ baseUrl: aggregator.url }));
progress(`waiting for ${SERIES} alerts in the notifier`);
for (let i = 0; ; i++) {
  const { alerts } = await api.listAlerts({});
  if (alerts.length >= SERIES) break;
  if (i > 600) throw new Error(`Cannot start: the notifier holds ${alerts.length} alerts`);
  await Bun.sleep(500);
}

const browser = await launchChromium();
const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
page.setDefaultTimeout(30_000);
// The key's time, and the page's long tasks (what delays a keystroke: a 10,000-alert answer
// decoded, a refetch drawn).
await page.addInitScript(`
  addEventListener("keydown", (e) => { window.__kd = e.timeStamp; }, true);
  window.__long = [];
  new PerformanceObserver((l) => { for (const e of l.getEntries()) window.__long.push(e.duration); })
    .observe({ type: "longtask", buffered: true });
`);
await page.goto(`${aggregator.url}/alerts`);
await page.locator(`[data-testid=alerts-count][data-count="${SERIES}"]`).waitFor();
const box = page.getByLabel("Filter by matchers");
await box.fill('i=~".*"');
await page.locator(`[data-testid=alerts-count][data-count="${SERIES}"]`).waitFor();
await box.press("End");
for (let i = 0; i < 3; i++) await box.press("ArrowLeft");

/** Presses `key` in the box; ms from its keydown to the first settled mark after it. */
async function timed(key: string): Promise<number> {
  await page.evaluate("window.__kd = undefined");
  await box.press(key);
  const text = await box.inputValue();
  // The first mark after the key for the list filtered by the new text: a mark of a list drawn
  // just before the key (a live refetch) does not count.
  const handle = await page.waitForFunction(
    `(() => {
      const kd = window.__kd;
      if (kd === undefined) return false;
      const m = performance
        .getEntriesByName(${JSON.stringify(MARK)})
        .find((e) => e.startTime > kd && e.detail?.text === ${JSON.stringify(text)});
      return m ? m.startTime - kd : false;
    })()`,
    undefined,
    { polling: 10 },
  );
  return (await handle.jsonValue()) as number;
}

const times: number[] = [];
const counts = new Set<number>();
for (let r = 0; r < ROUNDS; r++) {
  const digits = String(100 + ((r * 37) % 900)); // 3 digits: 1,111 → 111 → 11 matches
  for (const d of digits) times.push(await timed(d));
  counts.add(Number(await page.locator("[data-testid=alerts-count]").getAttribute("data-count")));
  for (let i = 0; i < 3; i++) times.push(await timed("Backspace"));
  await page.evaluate(`performance.clearMarks(${JSON.stringify(MARK)})`);
}
await page.locator(`[data-testid=alerts-count][data-count="${SERIES}"]`).waitFor();
const rows = await page.locator("[data-testid=alert]").count();
if (process.argv.includes("--shot"))
  await page.screenshot({
    path: join(import.meta.dir, "..", "test", "artifacts", "alerts-10k-light.png"),
  });
const long = ((await page.evaluate("window.__long")) as number[]).sort((a, b) => a - b);
const fetches = (await page.evaluate(
  `performance.getEntriesByType("resource").filter((e) => e.name.includes("ListAlertGroups")).length`,
)) as number;
const sorted = [...times].sort((a, b) => a - b);
const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
report("ui_alerts_filter_keystrokes", times.length, "count");
report("ui_alerts_filter_p50", at(0.5), "ms");
report("ui_alerts_filter_p99", at(0.99), "ms");
report("ui_alerts_filter_max", sorted.at(-1)!, "ms");
report("ui_alerts_dom_rows", rows, "rows");
report("ui_alerts_total", SERIES, "alerts");
report("ui_alerts_list_fetches", fetches, "count");
report("ui_alerts_longtasks", long.length, "count");
report("ui_alerts_longtask_max", long.at(-1) ?? 0, "ms");
progress(
  `matches after three digits: ${[...counts].join(", ")}; slowest: ${sorted.slice(-8).map(Math.round).join(", ")} ms`,
);

clearInterval(feeding);
await browser.close();
await nc.close();
await aggregator.stop();
await nats.stop();
rmSync(dir, { recursive: true, force: true });
