/**
 * The dashboard page's load time, in headless Chromium (viewport 1440×900) against an in-process
 * aggregator fed by a real agent's host metrics (1 s collections for `--warm` seconds), with
 * `--history` hours (default 24) of the same series before that at the agent's default 15 s
 * interval, synthesised from the agent's own series (test/harness/host_history.ts).
 *
 * Node Exporter Full as shipped (two rows open, the other fourteen collapsed), over `--range`
 * (Grafana's `now-<range>`, 24h by default; `--history 168 --range 7d` for a week):
 * the time until the panels on the first screen are rendered, and the time until every panel of
 * the open rows is (the page scrolled down to each panel still loading, as a reader would),
 * cold (a fresh browser context and the dashboard's first load on this aggregator) and warm
 * (median of `--runs` reloads); and a 20-panel dashboard warm.
 *
 * With `--stress-runs N` (N > 0), Node Exporter Full with every row expanded in a viewport as tall
 * as the dashboard (every one of its 125 panels near the screen at once) is loaded N times warm:
 * the `_expanded_` lines.
 *
 * Before the loads, the aggregator's compactor runs once, so the backfilled history is what a
 * running aggregator holds after its five-minute compactions: closed hours merged, 1 m and
 * 5 m rollups written, and the query cache warmed with the merged hours as after any pass
 * (without it, 24 h sit in the backfill's unmerged files, which no deployment keeps).
 * `--no-compact` leaves the files as the backfill wrote them.
 *
 * With `--breakdown`, one more warm load of Node Exporter Full as shipped is instrumented
 * (bench/lib/page_breakdown.ts: per call queue, server and download time, the server's own
 * phases from its Server-Timing header, sizes, calls in flight, the page's long tasks, CPU of
 * this process — the aggregator's — and of Chromium) and its lines printed, with the slowest
 * calls on stderr.
 *
 *   bun bench/ui_dashboard.ts [--warm 30] [--history 24] [--range 24h] [--runs 5] [--stress-runs 0] [--breakdown]
 *                             [--no-compact] [--breakdown-cold] [--no-plain]
 *
 * With `--breakdown-cold`, the cold load itself is the instrumented one (its lines prefixed
 * `ui_dashboard_node_full_cold_breakdown`; its figure then includes the instrumentation).
 *
 * Then the same loads in a second Chromium driven over a bare DevTools connection
 * (bench/lib/plain_chromium.ts), as a user's browser loads the page: the `_plain` lines.
 * Playwright's instruments of every page and request cost the page itself (docs/benchmarks.md);
 * the lines without `_plain` keep measuring with them, comparable with every earlier run.
 * `--no-plain` skips them.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-web";
import type { Browser, BrowserContext } from "playwright-core";
import { DashboardsService } from "../proto/gen/outpost/dashboards/v1/dashboards_pb.ts";
import { launchChromium } from "../test/harness/browser.ts";
import { startHostStack, twentyPanelDashboard } from "../test/harness/dashboards.ts";
import { backfillHostHistory } from "../test/harness/host_history.ts";
import { buildUiIfStale } from "../ui/build.ts";
import { CELL_GAP, CELL_HEIGHT, layoutPanels, toggleRow } from "../ui/lib/dashboards/layout.ts";
import type { DashboardModel } from "../ui/lib/dashboards/types.ts";
import { breakdownLines, loadWithBreakdown, slowestCalls } from "./lib/page_breakdown.ts";
import { launchPlainChromium, type PlainChromium } from "./lib/plain_chromium.ts";

const { values: flags } = parseArgs({
  options: {
    warm: { type: "string", default: "30" },
    history: { type: "string", default: "24" },
    range: { type: "string", default: "24h" },
    runs: { type: "string", default: "5" },
    "stress-runs": { type: "string", default: "0" },
    breakdown: { type: "boolean", default: false },
    "no-compact": { type: "boolean", default: false },
    "breakdown-cold": { type: "boolean", default: false },
    "no-plain": { type: "boolean", default: false },
  },
});
const runs = Number(flags.runs);
const stressRuns = Number(flags["stress-runs"]);
const VIEWPORT = { width: 1440, height: 900 };

/** Node Exporter Full as its repository ships it (uid rYdddlPWk). */
function shippedNodeFull(): DashboardModel {
  const path = join(
    import.meta.dir,
    "..",
    "test",
    "fixtures",
    "grafana",
    "node-exporter-full.json",
  );
  return JSON.parse(readFileSync(path, "utf8")) as DashboardModel;
}

/** Node Exporter Full with every row expanded, as a user who opened them all would save it. */
function expandedNodeFull(): DashboardModel {
  const model = shippedNodeFull();
  let panels = model.panels ?? [];
  for (const row of panels.filter((p) => p.type === "row" && p.collapsed))
    panels = toggleRow(panels, row.id);
  return { ...model, uid: "bench-node-full", panels };
}

/** True once every panel that starts on the screen is done (what a user sees first). */
const FIRST_SCREEN_DONE = `(() => {
  const ps = [...document.querySelectorAll("[data-testid=panel]")].filter((p) => p.getBoundingClientRect().top < innerHeight);
  return ps.length > 0 && ps.every((p) => p.getAttribute("data-state") !== "loading") && ps.length;
})()`;

/**
 * True once every panel on the page (those of the open rows) is done; until then the first
 * panel still loading is scrolled into view, as a reader scrolling down to it would.
 */
const ALL_DONE = `(() => {
  const ps = document.querySelectorAll("[data-testid=panel]");
  const loading = document.querySelector('[data-testid=panel][data-state="loading"]');
  if (loading) loading.scrollIntoView({ block: "nearest" });
  return ps.length > 0 && !loading && ps.length;
})()`;

/** One load: ms from navigation to the first screen done, then to every panel done. */
interface Load {
  firstScreenMs: number;
  allMs: number;
  panels: number;
}

/** Loads `url` in a new page of `context` and times its two milestones. */
async function timeLoad(context: BrowserContext, url: string, viewport = VIEWPORT): Promise<Load> {
  const page = await context.newPage();
  await page.setViewportSize(viewport);
  let requests = 0;
  let lastResponse = 0;
  page.on("requestfinished", () => {
    requests++;
    lastResponse = performance.now();
  });
  const t0 = performance.now();
  await page.goto(url);
  const wait = { timeout: 300_000, polling: 20 };
  await page.waitForFunction(FIRST_SCREEN_DONE, undefined, wait);
  const firstScreenMs = performance.now() - t0;
  const panels = await (await page.waitForFunction(ALL_DONE, undefined, wait)).jsonValue();
  const allMs = performance.now() - t0;
  await page.close();
  if (process.env.DEBUG)
    console.error(
      `  ${requests} responses, the last at ${Math.round(lastResponse - t0)} ms, first screen at ${Math.round(firstScreenMs)} ms, done at ${Math.round(allMs)} ms`,
    );
  return { firstScreenMs, allMs, panels: Number(panels) };
}

/**
 * The same two milestones in the plain browser (no driver's instruments): a new tab, polled
 * every 20 ms as `waitForFunction` polls.
 */
async function timePlainLoad(
  browser: PlainChromium,
  url: string,
  viewport = VIEWPORT,
  freshContext = false,
): Promise<Load> {
  const tab = await browser.newTab(viewport, freshContext);
  const until = async (expression: string) => {
    const deadline = Date.now() + 300_000;
    for (;;) {
      const value = await tab.evaluate(expression);
      if (value) return value;
      if (Date.now() > deadline) throw new Error(`Cannot load ${url}: not done in 300 s`);
      await Bun.sleep(20);
    }
  };
  const t0 = performance.now();
  await tab.navigate(url);
  await until(FIRST_SCREEN_DONE);
  const firstScreenMs = performance.now() - t0;
  const panels = await until(ALL_DONE);
  const allMs = performance.now() - t0;
  await tab.close();
  return { firstScreenMs, allMs, panels: Number(panels) };
}

/**
 * Node Exporter Full cold and warm, and the 20-panel dashboard warm, in the plain browser: the
 * `_plain` lines. Their panel counts must be the Playwright loads' own.
 */
async function plainFigures(
  node: string,
  twenty: string,
  twentyViewport: typeof VIEWPORT,
  panels: number[],
) {
  const plain = await launchPlainChromium();
  try {
    const cold = await timePlainLoad(plain, node, VIEWPORT, true);
    await timePlainLoad(plain, node);
    const warm: Load[] = [];
    for (let i = 0; i < runs; i++) warm.push(await timePlainLoad(plain, node));
    await timePlainLoad(plain, twenty, twentyViewport);
    const twentyWarm: Load[] = [];
    for (let i = 0; i < runs; i++)
      twentyWarm.push(await timePlainLoad(plain, twenty, twentyViewport));
    const seen = [warm[0].panels, twentyWarm[0].panels];
    if (seen.join() !== panels.join())
      throw new Error(
        `Cannot compare the plain loads: they saw ${seen} panels, Playwright ${panels}`,
      );
    console.log(`ui_dashboard_node_full_first_screen_cold_plain ${ms(cold.firstScreenMs)}`);
    console.log(`ui_dashboard_node_full_open_rows_cold_plain ${ms(cold.allMs)}`);
    console.log(
      `ui_dashboard_node_full_first_screen_warm_plain ${ms(median(warm.map((l) => l.firstScreenMs)))}`,
    );
    console.log(
      `ui_dashboard_node_full_open_rows_warm_plain ${ms(median(warm.map((l) => l.allMs)))}`,
    );
    console.log(`ui_dashboard_twenty_warm_plain ${ms(median(twentyWarm.map((l) => l.allMs)))}`);
  } finally {
    await plain.close();
  }
}

/** `n` warm loads of `url` in `context`. */
async function warmLoads(context: BrowserContext, url: string, n: number, viewport = VIEWPORT) {
  const loads: Load[] = [];
  for (let i = 0; i < n; i++) loads.push(await timeLoad(context, url, viewport));
  return loads;
}

/** The px height that holds every panel of a dashboard, with room for the bars above the grid. */
function pageHeight(model: DashboardModel, repeats = 3): number {
  const placed = layoutPanels(model.panels ?? [], () =>
    Array.from({ length: repeats }, (_, i) => String(i)),
  );
  return Math.max(...placed.map((x) => x.gridPos.y + x.gridPos.h)) * (CELL_HEIGHT + CELL_GAP) + 600;
}

/** One more load of `url`, instrumented, printed as `name value unit` lines; returns its ms. */
async function printBreakdown(
  context: BrowserContext,
  url: string,
  prefix: string,
  viewport = VIEWPORT,
) {
  const page = await context.newPage();
  await page.setViewportSize(viewport);
  const b = await loadWithBreakdown(page, url, ALL_DONE);
  await page.close();
  for (const line of breakdownLines(prefix, b)) console.log(line);
  for (const c of slowestCalls(b, 10)) {
    const s = c.server;
    console.error(
      `  ${Math.round(s.total)} ms at the server (select ${s.select}, eval ${s.eval}), queued ${Math.round(c.queued)} ms, ${c.bytes} B: ${c.query}`,
    );
  }
  return b.ms;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ms = (x: number) => `${Math.round(x)} ms`;

/** Node Exporter Full expanded in a viewport as tall as the page: the old all-panels figure. */
async function stress(browser: Browser, url: string, height: number) {
  const viewport = { width: VIEWPORT.width, height };
  const ctx = await browser.newContext();
  await timeLoad(ctx, url, viewport);
  const loads = await warmLoads(ctx, url, stressRuns, viewport);
  await ctx.close();
  console.log(`ui_dashboard_node_full_expanded_panels ${loads[0].panels} panels`);
  console.log(`ui_dashboard_node_full_expanded_viewport_height ${height} px`);
  console.log(`ui_dashboard_node_full_expanded_warm ${ms(median(loads.map((l) => l.allMs)))}`);
}

await buildUiIfStale();
const agentStart = Date.now();
const stack = await startHostStack(Number(flags.warm) * 1000);
const history = await backfillHostHistory({
  aggregatorUrl: stack.aggregator.url,
  natsUrl: stack.natsUrl,
  selector: '{job="node"}',
  endMs: agentStart - 1000,
  spanMs: Number(flags.history) * 3_600_000,
  intervalMs: 15_000,
});
console.error(`history: ${history.series} series, ${history.samples} samples`);
if (!flags["no-compact"]) {
  const before = stack.aggregator.catalog.all().length;
  const began = performance.now();
  await stack.aggregator.compactor.run();
  const after = stack.aggregator.catalog.all().length;
  console.error(`compaction: ${before} → ${after} files in ${ms(performance.now() - began)}`);
  // The pass ends by taking the cache warm-up up again for the merged hours (MetricsStore.rewarm).
  const warming = performance.now();
  const columns = await stack.aggregator.store.warming;
  console.error(`cache warm-up after it: ${columns} columns in ${ms(performance.now() - warming)}`);
}
const browser = await launchChromium();
try {
  const dashboards = createClient(
    DashboardsService,
    createConnectTransport({ baseUrl: stack.aggregator.url }),
  );
  const shipped = shippedNodeFull();
  const expanded = expandedNodeFull();
  for (const model of [shipped, expanded])
    await dashboards.importDashboard({ json: JSON.stringify(model), inputs: [], message: "bench" });
  await dashboards.importDashboard({
    json: JSON.stringify(twentyPanelDashboard()),
    inputs: [{ name: "DS_PROMETHEUS", value: "outpost-prometheus" }],
    message: "bench",
  });
  const range = `from=now-${flags.range}&to=now&refresh=off`;
  const node = `${stack.aggregator.url}/d/${shipped.uid}?${range}`;
  const nodeExpanded = `${stack.aggregator.url}/d/${expanded.uid}?${range}`;
  const twenty = `${stack.aggregator.url}/d/host-twenty?from=now-${flags.range}&to=now`;

  // Cold: a fresh context (no cached assets) and the dashboard's first load on this aggregator.
  const coldCtx = await browser.newContext();
  const cold = flags["breakdown-cold"]
    ? await printBreakdown(coldCtx, node, "ui_dashboard_node_full_cold_breakdown").then(
        (ms): Pick<Load, "firstScreenMs" | "allMs"> => ({ firstScreenMs: ms, allMs: ms }),
      )
    : await timeLoad(coldCtx, node);
  await coldCtx.close();
  const warmCtx = await browser.newContext();
  await timeLoad(warmCtx, node);
  const warm = await warmLoads(warmCtx, node, runs);
  const twentyViewport = {
    width: VIEWPORT.width,
    height: pageHeight(twentyPanelDashboard() as DashboardModel),
  };
  await timeLoad(warmCtx, twenty, twentyViewport);
  const twentyWarm = await warmLoads(warmCtx, twenty, runs, twentyViewport);
  if (flags.breakdown) {
    await printBreakdown(warmCtx, node, "ui_dashboard_node_full_breakdown");
    await printBreakdown(warmCtx, twenty, "ui_dashboard_twenty_breakdown", twentyViewport);
  }
  await warmCtx.close();

  // A warm load's count: an instrumented cold load (`--breakdown-cold`) does not count panels.
  console.log(`ui_dashboard_node_full_open_panels ${warm[0].panels} panels`);
  console.log(`ui_dashboard_node_full_first_screen_cold ${ms(cold.firstScreenMs)}`);
  console.log(`ui_dashboard_node_full_open_rows_cold ${ms(cold.allMs)}`);
  console.log(
    `ui_dashboard_node_full_first_screen_warm ${ms(median(warm.map((l) => l.firstScreenMs)))}`,
  );
  console.log(`ui_dashboard_node_full_open_rows_warm ${ms(median(warm.map((l) => l.allMs)))}`);
  console.log(`ui_dashboard_twenty_panels ${twentyWarm[0].panels} panels`);
  console.log(`ui_dashboard_twenty_warm ${ms(median(twentyWarm.map((l) => l.allMs)))}`);
  if (!flags["no-plain"])
    await plainFigures(node, twenty, twentyViewport, [warm[0].panels, twentyWarm[0].panels]);
  if (stressRuns > 0) await stress(browser, nodeExpanded, pageHeight(expanded));
  console.log(`ui_dashboard_data_span ${Number(flags.history) * 3600 + Number(flags.warm)} s`);
} finally {
  await browser.close();
  await stack.stop();
}
