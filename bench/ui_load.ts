/**
 * The web UI's load cost, beside Prometheus 2.42's own graph page (Debian's build serves its
 * classic UI) in the same run: gzipped JavaScript and CSS of the first page, for `/` (Home) and
 * for a shared Explore link, and the time from navigation to the first drawn graph of a query
 * in the URL, in a fresh browser context each time (nothing cached) on loopback. Outpost's
 * times to Home's cards and to the editor (the page usable) are printed too, and the entry
 * chunk's size alone. Prints `name value unit` lines; `--runs N` (default 5) loads per figure,
 * median kept.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { startInProcessAggregator } from "../test/harness/aggregator.ts";
import { launchChromium } from "../test/harness/browser.ts";
import {
  connectTo,
  makeSeries,
  publishBatch,
  syntheticBatch,
  syntheticValue,
  waitForAllAcked,
} from "../test/harness/ingest.ts";
import { startNatsServer } from "../test/harness/nats.ts";
import { buildUiIfStale } from "../ui/build.ts";
import { promtoolBackfill, startPrometheus } from "./lib/prometheus.ts";

const runsArg = process.argv.indexOf("--runs");
const RUNS = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 5;
const SERIES = 10;

/**
 * The page-side script that records in `window.firstSeen` when each selector first matches, in
 * ms since navigation (text, since it runs in the browser, not here).
 */
function watchFor(selectors: string[]): string {
  return `{
    const selectors = ${JSON.stringify(selectors)};
    const seen = {};
    window.firstSeen = seen;
    const check = () => {
      for (const s of selectors)
        if (seen[s] === undefined && document.querySelector(s)) seen[s] = performance.now();
    };
    new MutationObserver(check).observe(document, { childList: true, subtree: true });
  }`;
}

/** Loads `url` in a fresh context; resolves with when each selector first appeared. */
async function load(browser: Browser, url: string, selectors: string[]) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  await page.addInitScript(watchFor(selectors));
  await page.goto(url);
  for (const s of selectors) await page.locator(s).first().waitFor({ timeout: 15_000 });
  const seen = (await page.evaluate("window.firstSeen")) as Record<string, number>;
  const resources = await page.evaluate(
    "performance.getEntriesByType('resource').map((e) => e.name)",
  );
  const assets = (resources as string[]).filter((u) => /\.(js|css)(\?|$)/.test(u));
  await context.close();
  return { seen, assets };
}

/** Gzipped bytes (level 9) of each JS and CSS file the page loaded. */
async function gzipped(urls: string[]): Promise<{ js: number; css: number }> {
  const out = { js: 0, css: 0 };
  for (const u of new Set(urls)) {
    const bytes = Bun.gzipSync(new Uint8Array(await (await fetch(u)).arrayBuffer()), { level: 9 });
    if (/\.css(\?|$)/.test(u)) out.css += bytes.length;
    else out.js += bytes.length;
  }
  return out;
}

/** Gzipped bytes (level 9) of the entry chunk that index.html loads. */
function entryChunkGzipped(): number {
  const root = join(import.meta.dir, "..", "dist", "ui");
  const html = readFileSync(join(root, "index.html"), "utf8");
  const entry = /<script type="module" src="\/assets\/([^"]+)"/.exec(html);
  if (!entry)
    throw new Error("Cannot find the entry chunk: dist/ui/index.html has no module script");
  return Bun.gzipSync(readFileSync(join(root, "assets", entry[1])), { level: 9 }).length;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

async function measure(browser: Browser, url: string, selectors: string[]) {
  const times: Record<string, number[]> = {};
  let assets: string[] = [];
  for (let i = 0; i < RUNS + 1; i++) {
    const r = await load(browser, url, selectors);
    assets = r.assets;
    // The first load warms the server and the browser's process pool, not the page cache.
    if (i === 0) continue;
    for (const s of selectors) {
      times[s] ??= [];
      times[s].push(r.seen[s]);
    }
  }
  return { times, size: await gzipped(assets) };
}

console.error(await buildUiIfStale());
const dir = mkdtempSync(join(tmpdir(), "outpost-ui-bench-"));
const nats = await startNatsServer();
const aggregator = await startInProcessAggregator(dir, nats.url, "", "bench");
const nc = await connectTo(nats.url);
const now = Math.floor(Date.now() / 15_000) * 15_000;
const times = Array.from({ length: 240 }, (_, i) => now - (239 - i) * 15_000);
await publishBatch(nc, syntheticBatch(makeSeries(SERIES, "ui_bench"), times), {
  msgId: "ui-bench",
});
await waitForAllAcked(nc);
await nc.close();
// The same series and samples, backfilled into Prometheus.
const lines = ["# TYPE ui_bench gauge"];
for (const t of times)
  for (let i = 0; i < SERIES; i++)
    lines.push(`ui_bench{i="${i}",job="synthetic"} ${syntheticValue(i, t)} ${t / 1000}`);
writeFileSync(join(dir, "ui_bench.om"), `${lines.join("\n")}\n# EOF\n`);
await promtoolBackfill(join(dir, "ui_bench.om"), join(dir, "prom-tsdb"));
const prometheus = await startPrometheus(join(dir, "prom-tsdb"));
const browser = await launchChromium();
try {
  const cards = "[data-testid=home-alerts-count]";
  const home = await measure(browser, `${aggregator.url}/`, [cards]);
  const editor = ".cm-content";
  const graph = "[data-testid=graph] canvas";
  const ours = await measure(browser, `${aggregator.url}/explore?q=ui_bench&range=1h`, [
    editor,
    graph,
  ]);
  // The classic page draws its graph as an SVG with Rickshaw once the query answers.
  const peerGraph = ".graph_area svg path";
  const expr = encodeURIComponent("ui_bench");
  const peer = await measure(
    browser,
    `${prometheus.url}/classic/graph?g0.expr=${expr}&g0.tab=0&g0.range_input=1h`,
    [peerGraph],
  );
  console.log(`ui_main_chunk_js_gzip ${entryChunkGzipped()} bytes`);
  console.log(`ui_first_page_js_gzip ${home.size.js} bytes`);
  console.log(`ui_first_page_css_gzip ${home.size.css} bytes`);
  console.log(`ui_home_cards_shown ${median(home.times[cards]).toFixed(0)} ms`);
  console.log(`ui_explore_link_js_gzip ${ours.size.js} bytes`);
  console.log(`ui_explore_link_css_gzip ${ours.size.css} bytes`);
  console.log(`ui_explore_editor_ready ${median(ours.times[editor]).toFixed(0)} ms`);
  console.log(`ui_explore_first_graph ${median(ours.times[graph]).toFixed(0)} ms`);
  console.log(`prometheus_classic_first_page_js_gzip ${peer.size.js} bytes`);
  console.log(`prometheus_classic_first_page_css_gzip ${peer.size.css} bytes`);
  console.log(`prometheus_classic_first_graph ${median(peer.times[peerGraph]).toFixed(0)} ms`);
} finally {
  await browser.close();
  await prometheus.stop();
  await aggregator.stop();
  await nats.stop();
  rmSync(dir, { recursive: true, force: true });
}
