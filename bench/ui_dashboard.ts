/**
 * The dashboard page's time to render every panel, in headless Chromium against an in-process
 * aggregator fed by a real agent's host metrics (1 s collections for `--warm` seconds), with
 * `--history` hours (default 24) of the same series before that at the agent's default 15 s
 * interval, synthesised from the agent's own series (test/harness/host_history.ts):
 * Node Exporter Full (every row expanded, 24 h range) cold (a fresh browser context, the
 * dashboard's first load) and warm (median of reloads), and a 20-panel dashboard warm. The
 * viewport is as tall as the dashboard so that every panel is near the screen and queries.
 *
 * With `--breakdown`, one more warm load of Node Exporter Full is instrumented
 * (bench/lib/page_breakdown.ts: per call queue, server and download time, the server's own
 * phases from its Server-Timing header, sizes, calls in flight, the page's long tasks, CPU of
 * this process — the aggregator's — and of Chromium) and its lines printed, with the slowest
 * calls on stderr.
 *
 *   bun bench/ui_dashboard.ts [--warm 30] [--history 24] [--runs 5] [--breakdown]
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

const { values: flags } = parseArgs({
  options: {
    warm: { type: "string", default: "30" },
    history: { type: "string", default: "24" },
    runs: { type: "string", default: "5" },
    breakdown: { type: "boolean", default: false },
  },
});
const runs = Number(flags.runs);

/** Node Exporter Full with every row expanded, as a user who opened them all would save it. */
function expandedNodeFull(): DashboardModel {
  const path = join(
    import.meta.dir,
    "..",
    "test",
    "fixtures",
    "grafana",
    "node-exporter-full.json",
  );
  const model = JSON.parse(readFileSync(path, "utf8")) as DashboardModel;
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

const ALL_DONE = `(() => {
  const ps = document.querySelectorAll("[data-testid=panel]");
  return ps.length > 0 && !document.querySelector('[data-testid=panel][data-state="loading"]') && ps.length;
})()`;

/** Milliseconds from navigation until every panel is done, in a page of a context. */
async function timeLoad(
  browser: Browser,
  url: string,
  height: number,
  context = browser.contexts()[0],
  done = ALL_DONE,
) {
  const ctx = context ?? (await browser.newContext());
  const page = await ctx.newPage();
  await page.setViewportSize({ width: 1440, height });
  let requests = 0;
  let lastResponse = 0;
  page.on("requestfinished", () => {
    requests++;
    lastResponse = performance.now();
  });
  const t0 = performance.now();
  await page.goto(url);
  const panels = await (
    await page.waitForFunction(done, undefined, { timeout: 300_000, polling: 20 })
  ).jsonValue();
  const ms = performance.now() - t0;
  await page.close();
  if (process.env.DEBUG)
    console.log(
      `  ${requests} responses, the last at ${Math.round(lastResponse - t0)} ms, done at ${Math.round(ms)} ms`,
    );
  return { ms, panels: Number(panels) };
}

/** The px height that holds every panel of a dashboard, with room for the bars above the grid. */
function pageHeight(model: DashboardModel, repeats = 3): number {
  const placed = layoutPanels(model.panels ?? [], () =>
    Array.from({ length: repeats }, (_, i) => String(i)),
  );
  return Math.max(...placed.map((x) => x.gridPos.y + x.gridPos.h)) * (CELL_HEIGHT + CELL_GAP) + 600;
}

/** One more warm load of `url`, instrumented, printed as `name value unit` lines. */
async function printBreakdown(context: BrowserContext, url: string, height: number) {
  const page = await context.newPage();
  await page.setViewportSize({ width: 1440, height });
  const b = await loadWithBreakdown(page, url, ALL_DONE);
  await page.close();
  for (const line of breakdownLines("ui_dashboard_node_full_breakdown", b)) console.log(line);
  for (const c of slowestCalls(b, 10)) {
    const s = c.server;
    console.error(
      `  ${Math.round(s.total)} ms at the server (select ${s.select}, eval ${s.eval}), queued ${Math.round(c.queued)} ms, ${c.bytes} B: ${c.query}`,
    );
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

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
const browser = await launchChromium();
try {
  const dashboards = createClient(
    DashboardsService,
    createConnectTransport({ baseUrl: stack.aggregator.url }),
  );
  const nodeModel = expandedNodeFull();
  const nodeHeight = pageHeight(nodeModel);
  const twentyHeight = pageHeight(twentyPanelDashboard() as DashboardModel);
  await dashboards.importDashboard({
    json: JSON.stringify(nodeModel),
    inputs: [],
    message: "bench",
  });
  await dashboards.importDashboard({
    json: JSON.stringify(twentyPanelDashboard()),
    inputs: [{ name: "DS_PROMETHEUS", value: "outpost-prometheus" }],
    message: "bench",
  });
  const node = `${stack.aggregator.url}/d/bench-node-full?from=now-24h&to=now&refresh=off`;
  const twenty = `${stack.aggregator.url}/d/host-twenty?from=now-24h&to=now`;

  // Cold: a fresh context (no cached assets) and the dashboard's first load on this aggregator.
  const coldCtx = await browser.newContext();
  const cold = await timeLoad(browser, node, nodeHeight, coldCtx);
  await coldCtx.close();
  const warmCtx = await browser.newContext();
  await timeLoad(browser, node, nodeHeight, warmCtx);
  const warm: number[] = [];
  for (let i = 0; i < runs; i++) warm.push((await timeLoad(browser, node, nodeHeight, warmCtx)).ms);
  const t = await timeLoad(browser, twenty, twentyHeight, warmCtx);
  const twentyWarm: number[] = [];
  for (let i = 0; i < runs; i++)
    twentyWarm.push((await timeLoad(browser, twenty, twentyHeight, warmCtx)).ms);
  const firstScreen: number[] = [];
  for (let i = 0; i < runs; i++)
    firstScreen.push((await timeLoad(browser, node, 900, warmCtx, FIRST_SCREEN_DONE)).ms);
  if (flags.breakdown) await printBreakdown(warmCtx, node, nodeHeight);
  await warmCtx.close();

  console.log(`ui_dashboard_node_full_panels ${cold.panels} panels`);
  console.log(`ui_dashboard_node_full_cold ${Math.round(cold.ms)} ms`);
  console.log(`ui_dashboard_node_full_warm ${Math.round(median(warm))} ms`);
  console.log(`ui_dashboard_node_full_first_screen_warm ${Math.round(median(firstScreen))} ms`);
  console.log(`ui_dashboard_twenty_panels ${t.panels} panels`);
  console.log(`ui_dashboard_twenty_warm ${Math.round(median(twentyWarm))} ms`);
  console.log(`ui_dashboard_data_span ${Number(flags.history) * 3600 + Number(flags.warm)} s`);
} finally {
  await browser.close();
  await stack.stop();
}
