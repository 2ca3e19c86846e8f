/**
 * How long the panel renderers take to draw a whole dashboard: every panel of Node Exporter
 * Full (125: 111 time series, stats, gauges, bar gauges) with made-up answers
 * (test/fixtures/ui_panels/synthetic.ts, 61 points a series) in headless Chromium, from
 * navigation to the last panel drawn, cold (a fresh browser context, nothing cached) and warm
 * (the same page drawn again by a reload in the same context). Queries are not part of it: the
 * dashboard page's own benchmark times those. Prints `name value unit` lines; `--runs N`
 * (default 5), median kept.
 */
import type { Browser, Page } from "playwright-core";
import { launchChromium } from "../test/harness/browser.ts";
import { startPanelGallery } from "../test/harness/panel_gallery.ts";

const runsArg = process.argv.indexOf("--runs");
const RUNS = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 5;
const PANELS = 125;
const PLOTS = 111;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Navigates and waits until every card and every uPlot chart is in the page; ms since navigation. */
async function drawn(page: Page, url: string): Promise<number> {
  await page.goto(url);
  await page.waitForFunction(
    `document.querySelectorAll("[data-card]").length >= ${PANELS} && document.querySelectorAll(".uplot canvas").length >= ${PLOTS}`,
    undefined,
    { timeout: 60_000, polling: "raf" },
  );
  return page.evaluate("performance.now()") as Promise<number>;
}

const gallery = await startPanelGallery();
let browser: Browser | undefined;
try {
  browser = await launchChromium();
  const url = `${gallery.url}?theme=dark&dashboard=node-exporter-full.json`;
  const cold: number[] = [];
  const warm: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const context = await browser.newContext({ viewport: { width: 1500, height: 900 } });
    const page = await context.newPage();
    cold.push(await drawn(page, url));
    warm.push(await drawn(page, url));
    await context.close();
  }
  console.log(`ui_panels_node_exporter_full_cold ${median(cold).toFixed(0)} ms`);
  console.log(`ui_panels_node_exporter_full_warm ${median(warm).toFixed(0)} ms`);
} finally {
  await browser?.close();
  gallery.stop();
}
