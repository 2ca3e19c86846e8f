/**
 * Explore with 100 series × 11,000 points (issue 22's figure): the time from the data arriving
 * in the page (the Range answer decoded, `explore:data`) to uPlot's first draw of it
 * (`graph:drawn`), and the cost of one hover update (uPlot's cursor and the 100 legend values:
 * the mousemove handler plus the style and layout it causes, forced synchronously), in headless
 * Chromium against an in-process aggregator fed through the real ingest path. The page leaves
 * its performance marks when `window.__outpostPerf` is set. With `--peer`, the same samples are
 * backfilled into Prometheus 2.42 and both pages are timed from navigation to the drawn graph.
 * Prints `name value unit` lines; `--runs N` (default 7) page loads, after one warm-up.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
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

const arg = (name: string) => process.argv.indexOf(name);
const RUNS = arg("--runs") > 0 ? Number(process.argv[arg("--runs") + 1]) : 7;
const PEER = arg("--peer") > 0;
const SERIES = 100;
const POINTS = 11_000;
const STEP_MS = 15_000;
const HOVERS = 200;
const METRIC = "ui_explore_bench";

function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}

/** Loads Explore, waits for the draw; resolves with the marks' times (ms since navigation). */
async function drawOnce(page: Page, url: string) {
  await page.goto(url);
  await page.waitForFunction(
    () => performance.getEntriesByName("graph:drawn").length > 0,
    undefined,
    { timeout: 60_000, polling: 50 },
  );
  return (await page.evaluate(() => {
    const at = (n: string) => performance.getEntriesByName(n)[0]?.startTime ?? Number.NaN;
    return {
      data: at("explore:data"),
      start: at("graph:start"),
      aligned: at("graph:aligned"),
      drawn: at("graph:drawn"),
    };
  })) as { data: number; start: number; aligned: number; drawn: number };
}

/**
 * `HOVERS` mousemoves across the plot; each one's handler plus the style and layout it causes
 * (forced by reading layout), in ms. Text, since it runs in the page.
 */
function hoverTimes(page: Page): Promise<number[]> {
  return page.evaluate(`(() => {
    const over = document.querySelector("[data-testid=graph] .u-over");
    const box = over.getBoundingClientRect();
    const out = [];
    for (let i = 0; i < ${HOVERS}; i++) {
      const x = box.left + ((i * 37) % Math.floor(box.width));
      const t0 = performance.now();
      over.dispatchEvent(new MouseEvent("mousemove", { clientX: x, clientY: box.top + box.height / 2, bubbles: true }));
      void document.body.offsetHeight;
      out.push(performance.now() - t0);
    }
    return out;
  })()`) as Promise<number[]>;
}

/** Navigation → `selector` present, in ms, on a fresh page of `browser`'s default context. */
async function firstSeen(browser: Browser, url: string, selector: string): Promise<number> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await page.goto(url);
  await page.locator(selector).first().waitFor({ timeout: 180_000 });
  const t = (await page.evaluate("performance.now()")) as number;
  await page.close();
  return t;
}

console.error(await buildUiIfStale());
const dir = mkdtempSync(join(tmpdir(), "outpost-ui-explore-bench-"));
const nats = await startNatsServer();
const aggregator = await startInProcessAggregator(dir, nats.url, "", "bench");
const nc = await connectTo(nats.url);
const end = Math.floor(Date.now() / STEP_MS) * STEP_MS;
const start = end - (POINTS - 1) * STEP_MS;
const times = Array.from({ length: POINTS }, (_, i) => start + i * STEP_MS);
const series = makeSeries(SERIES, METRIC);
// 100,000 samples a message keeps each batch well under JetStream's message size limit.
for (let i = 0; i < POINTS; i += 1000)
  await publishBatch(nc, syntheticBatch(series, times.slice(i, i + 1000)), { msgId: `b${i}` });
await waitForAllAcked(nc);
await nc.close();
const url = `${aggregator.url}/explore?q=${METRIC}&from=${start}&to=${end}&step=15s`;

const browser = await launchChromium();
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  await context.addInitScript("window.__outpostPerf = true");
  const page = await context.newPage();
  const draws: number[] = [];
  const aligns: number[] = [];
  const renders: number[] = [];
  const arrivals: number[] = [];
  const hovers: number[] = [];
  for (let run = 0; run <= RUNS; run++) {
    const m = await drawOnce(page, url);
    if (run === 0) {
      const n = await page.locator("[data-testid=graph] .u-legend .u-series").count();
      if (n !== SERIES + 1)
        throw new Error(`Cannot measure: the graph has ${n - 1} series, not ${SERIES}`);
      continue; // warms the server's caches and the page's code
    }
    draws.push(m.drawn - m.data);
    arrivals.push(m.data);
    aligns.push(m.aligned - m.start);
    renders.push(m.start - m.data);
    hovers.push(...(await hoverTimes(page)));
  }
  console.log(`ui_explore_points ${SERIES * POINTS} points`);
  // Navigation → the answer decoded: the query, the transfer and the decode, for context.
  console.log(`ui_explore_data_ms_p50 ${percentile(arrivals, 50).toFixed(0)} ms`);
  console.log(`ui_explore_draw_ms_p50 ${percentile(draws, 50).toFixed(1)} ms`);
  console.log(`ui_explore_draw_ms_p99 ${percentile(draws, 99).toFixed(1)} ms`);
  // The best run: the machine is shared, and the least disturbed run is the code's own cost.
  console.log(`ui_explore_draw_ms_min ${Math.min(...draws).toFixed(1)} ms`);
  console.log(`ui_explore_align_ms_p50 ${percentile(aligns, 50).toFixed(1)} ms`);
  console.log(`ui_explore_render_ms_p50 ${percentile(renders, 50).toFixed(1)} ms`);
  console.log(`ui_explore_hover_ms_p50 ${percentile(hovers, 50).toFixed(2)} ms`);
  console.log(`ui_explore_hover_ms_p99 ${percentile(hovers, 99).toFixed(2)} ms`);
  console.log(`ui_explore_hover_ms_max ${Math.max(...hovers).toFixed(2)} ms`);
  await context.close();

  if (PEER) {
    const lines = [`# TYPE ${METRIC} gauge`];
    for (const t of times)
      for (let i = 0; i < SERIES; i++)
        lines.push(`${METRIC}{i="${i}",job="synthetic"} ${syntheticValue(i, t)} ${t / 1000}`);
    writeFileSync(join(dir, "bench.om"), `${lines.join("\n")}\n# EOF\n`);
    await promtoolBackfill(join(dir, "bench.om"), join(dir, "prom-tsdb"));
    const prometheus = await startPrometheus(join(dir, "prom-tsdb"));
    try {
      const range = `${((end - start) / 1000).toFixed(0)}s`;
      const peerUrl =
        `${prometheus.url}/classic/graph?g0.expr=${METRIC}&g0.tab=0&g0.range_input=${range}` +
        `&g0.end_input=${encodeURIComponent(new Date(end).toISOString())}&g0.step_input=15`;
      const ours = await firstSeen(browser, url, "[data-testid=graph] canvas");
      const theirs = await firstSeen(browser, peerUrl, ".graph_area svg path");
      console.log(`ui_explore_navigation_to_graph_ms ${ours.toFixed(0)} ms`);
      console.log(`prometheus_classic_navigation_to_graph_ms ${theirs.toFixed(0)} ms`);
    } finally {
      await prometheus.stop();
    }
  }
} finally {
  await browser.close();
  await aggregator.stop();
  await nats.stop();
  rmSync(dir, { recursive: true, force: true });
}
