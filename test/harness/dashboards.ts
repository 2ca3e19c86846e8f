// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Grafana data source inputs are written as ${NAME}
/**
 * Dashboards in the browser, for the dashboard page's e2e test and benchmark: an aggregator fed
 * by a real agent's built-in host metrics (node_exporter's series), a 20-panel dashboard over
 * them, and a helper that opens a dashboard, expands every row, scrolls every panel into view
 * and reports which panels show data.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Page, Request } from "playwright-core";
import { stringify } from "yaml";
import type { Agent } from "../../agent/agent.ts";
import { HOST_COLLECTOR_NAMES } from "../../agent/sources/host/config.ts";
import type { Aggregator } from "../../aggregator/aggregator.ts";
import { startTestAgent } from "./agent.ts";
import { startInProcessAggregator } from "./aggregator.ts";
import { connectTo, waitForAllAcked } from "./ingest.ts";
import { type NatsServerHandle, startNatsServer } from "./nats.ts";
import { startNodeExporterWith } from "./node_exporter.ts";
import { holdSynSent } from "./syn_sent.ts";

/** A running host-metrics stack. */
export interface HostStack {
  aggregator: Aggregator;
  natsUrl: string;
  agent: Agent;
  stop(): Promise<void>;
}

/**
 * nats-server, an in-process aggregator, and an agent collecting host metrics every second
 * for `warmMs`, every collector on (interrupts too, which is off by default); with
 * `nodeExporter`, the agent also scrapes Debian's node_exporter (tcpstat, interrupts and
 * processes collectors on) as job `node_exporter`, beside the host source's `node`: every 3 s
 * with a 3 s timeout, because under load a scrape took over 1 s, and a failed scrape makes the
 * target's series stale (as in Prometheus), so the instant stat panels drawn just after it
 * showed no data that the API had again a scrape later.
 * A few loopback connections are held in SYN_SENT (syn_sent.ts) for the whole run, as a host
 * with traffic always has some connection in a transient TCP state and a test VM at rest has
 * none: without them Node Exporter Full's "TCP Stat Transient" had data in some runs only.
 */
export async function startHostStack(warmMs: number, nodeExporter = false): Promise<HostStack> {
  const dir = mkdtempSync(join(tmpdir(), "outpost-dash-"));
  const nats: NatsServerHandle = await startNatsServer();
  const aggregator = await startInProcessAggregator(dir, nats.url, "");
  const synSent = await holdSynSent();
  const exporter = nodeExporter
    ? await startNodeExporterWith([
        "--collector.tcpstat",
        "--collector.interrupts",
        "--collector.processes",
      ])
    : undefined;
  const config = {
    agent: { id: "host", http_listen: "127.0.0.1:0" },
    ...(exporter
      ? {
          scrape_configs: [
            {
              job_name: "node_exporter",
              scrape_interval: "3s",
              scrape_timeout: "3s",
              static_configs: [{ targets: [exporter.address] }],
            },
          ],
        }
      : {}),
    nats: { url: nats.url },
    batch: { max_wait: "500ms" },
    spool: { dir: join(dir, "spool") },
    host: {
      enabled: true,
      interval: "1s",
      instance: "host-1:9100",
      collectors: [...HOST_COLLECTOR_NAMES],
    },
  };
  const agent = await startTestAgent(stringify(config), dir);
  await Bun.sleep(warmMs);
  const nc = await connectTo(nats.url);
  await waitForAllAcked(nc);
  await nc.close();
  return {
    aggregator,
    natsUrl: nats.url,
    agent,
    async stop() {
      await agent.stop();
      await exporter?.stop();
      await synSent.stop();
      await aggregator.stop();
      await nats.dispose();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const ds = { type: "prometheus", uid: "${DS_PROMETHEUS}" };
const target = (expr: string, more: Record<string, unknown> = {}) => ({
  refId: "A",
  expr,
  datasource: ds,
  ...more,
});
const cpu = 'sum by (mode) (rate(node_cpu_seconds_total{instance="$instance"}[$__rate_interval]))';

/** A 20-panel dashboard over host metrics: current and legacy panel types, chained and repeat variables. */
export function twentyPanelDashboard(): Record<string, unknown> {
  const panels: Record<string, unknown>[] = [];
  // Panels left to right, a new line when the next does not fit, as a user would lay them out.
  const at = { x: 0, y: 0, lineH: 0 };
  const add = (
    type: string,
    title: string,
    w: number,
    h: number,
    targets: unknown[],
    more: Record<string, unknown> = {},
  ) => {
    if (at.x + w > 24) Object.assign(at, { x: 0, y: at.y + at.lineH, lineH: 0 });
    const gridPos = { x: at.x, y: at.y, w, h };
    Object.assign(at, { x: at.x + w, lineH: Math.max(at.lineH, h) });
    panels.push({ id: panels.length + 1, type, title, gridPos, datasource: ds, targets, ...more });
  };
  add("timeseries", "CPU by mode", 12, 8, [target(cpu, { legendFormat: "{{mode}}" })]);
  add(
    "graph",
    "Memory (legacy graph)",
    12,
    8,
    [target('node_memory_MemAvailable_bytes{instance="$instance"}', { legendFormat: "available" })],
    {
      yaxes: [{ format: "bytes", logBase: 1 }, { format: "short" }],
      lines: true,
      fill: 1,
    },
  );
  add(
    "singlestat",
    "Load 1m (legacy singlestat)",
    4,
    4,
    [target('node_load1{instance="$instance"}')],
    { valueName: "current", thresholds: "4,8", colors: ["green", "orange", "red"] },
  );
  add("stat", "CPU cores", 4, 4, [
    target('count(count(node_cpu_seconds_total{instance="$instance"}) by (cpu))', {
      instant: true,
      range: false,
    }),
  ]);
  add(
    "gauge",
    "Root FS used",
    4,
    4,
    [
      target(
        '100 - 100 * node_filesystem_avail_bytes{instance="$instance",mountpoint="/"} / node_filesystem_size_bytes{instance="$instance",mountpoint="/"}',
        { instant: true },
      ),
    ],
    {
      fieldConfig: { defaults: { unit: "percent", min: 0, max: 100 }, overrides: [] },
    },
  );
  add("bargauge", "Memory by kind", 6, 4, [
    target(
      'node_memory_MemTotal_bytes{instance="$instance"} - node_memory_MemFree_bytes{instance="$instance"}',
    ),
  ]);
  add("table", "Uname", 6, 4, [
    target('node_uname_info{instance="$instance"}', { format: "table", instant: true }),
  ]);
  add("timeseries", "Network received", 12, 7, [
    target('rate(node_network_receive_bytes_total{instance="$instance"}[$__rate_interval])', {
      legendFormat: "{{device}}",
    }),
  ]);
  add("timeseries", "Disk IO time", 12, 7, [
    target('rate(node_disk_io_time_seconds_total{instance="$instance"}[$__rate_interval])', {
      legendFormat: "{{device}}",
    }),
  ]);
  add("timeseries", "Context switches", 8, 6, [
    target('rate(node_context_switches_total{instance="$instance"}[$__rate_interval])'),
  ]);
  add("timeseries", "Interrupts", 8, 6, [
    target('rate(node_intr_total{instance="$instance"}[$__rate_interval])'),
  ]);
  add("timeseries", "Processes", 8, 6, [
    target('node_procs_running{instance="$instance"}'),
    target('node_procs_blocked{instance="$instance"}', { refId: "B" }),
  ]);
  add("timeseries", "File descriptors", 8, 6, [
    target('node_filefd_allocated{instance="$instance"}'),
  ]);
  add("timeseries", "Sockets", 8, 6, [target('node_sockstat_sockets_used{instance="$instance"}')]);
  add("timeseries", "Entropy", 8, 6, [target('node_entropy_available_bits{instance="$instance"}')]);
  add("timeseries", "Load at $interval steps", 12, 6, [
    target('avg_over_time(node_load1{instance="$instance"}[$interval])'),
  ]);
  add("timeseries", "Time", 12, 6, [
    target(
      'node_time_seconds{instance="$instance"} - node_boot_time_seconds{instance="$instance"}',
      { legendFormat: "uptime" },
    ),
  ]);
  add(
    "timeseries",
    "CPU $mode",
    8,
    6,
    [
      target(
        'sum(rate(node_cpu_seconds_total{instance="$instance", mode="$mode"}[$__rate_interval]))',
      ),
    ],
    { repeat: "mode", repeatDirection: "h", maxPerRow: 3 },
  );
  return {
    title: "Host (20 panels)",
    uid: "host-twenty",
    myToolField: { kept: ["as", "is"] },
    time: { from: "now-1h", to: "now" },
    refresh: "",
    schemaVersion: 39,
    __inputs: [
      { name: "DS_PROMETHEUS", type: "datasource", pluginId: "prometheus", label: "Prometheus" },
    ],
    templating: {
      list: [
        {
          name: "job",
          type: "query",
          datasource: ds,
          query: "label_values(node_uname_info, job)",
          refresh: 1,
        },
        {
          name: "instance",
          type: "query",
          datasource: ds,
          query: 'label_values(node_uname_info{job="$job"}, instance)',
          refresh: 1,
        },
        {
          name: "interval",
          type: "interval",
          query: "1m,5m",
          auto: true,
          auto_count: 30,
          auto_min: "10s",
          current: { value: "1m" },
        },
        {
          name: "mode",
          type: "custom",
          query: "user,system,idle",
          multi: true,
          includeAll: true,
          current: { value: ["$__all"] },
        },
      ],
    },
    annotations: {
      list: [
        {
          builtIn: 1,
          enable: true,
          name: "Annotations & Alerts",
          type: "dashboard",
          datasource: { type: "datasource", uid: "grafana" },
        },
      ],
    },
    panels,
  };
}

/**
 * Scrolls the page down a screen at a time, a frame apart (a string: the root project has no DOM
 * types). A frame that does not come within 250 ms is not waited for.
 */
const SCROLL_THROUGH = `(async () => {
  for (let y = 0; y < document.body.scrollHeight; y += window.innerHeight) {
    window.scrollTo(0, y);
    await new Promise((r) => { requestAnimationFrame(r); setTimeout(r, 250); });
  }
})()`;

/** What a fully rendered dashboard shows. */
export interface RenderReport {
  panels: number;
  withData: string[];
  withoutData: { title: string; state: string; error: string }[];
  ms: number;
  /** The page's queries (QueryService and LogsService calls) while it rendered. */
  queries: QueryTimes;
}

/** How long the page's queries took, from the browser's side. */
export interface QueryTimes {
  answered: number;
  /** Median and slowest time to an answer, ms. */
  medianMs: number;
  slowestMs: number;
  /** Sent and not answered yet, and for how long the oldest of them has waited, ms. */
  unanswered: number;
  oldestMs: number;
}

/**
 * Times the page's queries from the request to its end (answered, failed or aborted), so a page
 * that does not finish says whether the server is slow to answer or the page did not ask.
 */
function timeQueries(page: Page): { times(): QueryTimes; stop(): void } {
  const sent = new Map<Request, number>();
  const took: number[] = [];
  const isQuery = (r: Request) => /\/outpost\.(query|logs)\.v1\.\w+\//.test(r.url());
  const onRequest = (r: Request) => {
    if (isQuery(r)) sent.set(r, performance.now());
  };
  const onEnd = (r: Request) => {
    const t = sent.get(r);
    if (t === undefined) return;
    sent.delete(r);
    took.push(performance.now() - t);
  };
  page.on("request", onRequest);
  page.on("requestfinished", onEnd);
  page.on("requestfailed", onEnd);
  return {
    times() {
      const sorted = [...took].sort((a, b) => a - b);
      const now = performance.now();
      return {
        answered: sorted.length,
        medianMs: Math.round(sorted[Math.floor(sorted.length / 2)] ?? 0),
        slowestMs: Math.round(sorted.at(-1) ?? 0),
        unanswered: sent.size,
        oldestMs: Math.round(Math.max(0, ...[...sent.values()].map((t) => now - t))),
      };
    },
    stop() {
      page.off("request", onRequest);
      page.off("requestfinished", onEnd);
      page.off("requestfailed", onEnd);
    },
  };
}

/** The query times in a line. */
export function describeQueries(q: QueryTimes): string {
  return `${q.answered} queries answered (median ${q.medianMs} ms, slowest ${q.slowestMs} ms), ${q.unanswered} unanswered (oldest ${q.oldestMs} ms)`;
}

/** `work`, or an error naming `what` once `ms` have passed. */
function within<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer in ${ms} ms`)), ms);
  });
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

/**
 * Opens `url`, expands every collapsed row, scrolls each panel into view (they query when near
 * the screen) and waits until none is loading. `ms` runs from navigation to the last panel done.
 *
 * Every step shares one deadline, `timeoutMs`, kept below the tests' own timeouts: a page that
 * never finishes fails with the step it was at and the panels still loading. Reaching bun's
 * timeout instead would say only "timed out", and bun then closes the test's Chromium, failing
 * every later test of the file.
 */
export async function renderAll(
  page: Page,
  url: string,
  timeoutMs = 40_000,
): Promise<RenderReport> {
  const t0 = performance.now();
  const deadline = Date.now() + timeoutMs;
  const left = () => Math.max(1, deadline - Date.now());
  const loading = page.locator('[data-testid=panel][data-state="loading"]');
  const queries = timeQueries(page);
  let step = "opening the page";
  try {
    await page.goto(url, { timeout: left() });
    step = "waiting for the grid";
    await page.locator("[data-testid=grid]").waitFor({ timeout: left() });
    step = "expanding the rows";
    const collapsed = page.locator('[data-testid=row][aria-expanded="false"]');
    while ((await collapsed.count()) > 0) {
      if (Date.now() > deadline) throw new Error(`${await collapsed.count()} rows still collapsed`);
      await collapsed.first().click({ timeout: left() });
    }
    step = "waiting for the panels";
    for (;;) {
      // Scroll through the whole grid so every panel comes near the screen, then wait for them.
      await within(page.evaluate(SCROLL_THROUGH), left(), "scrolling through the page");
      if ((await loading.count()) === 0) break;
      if (Date.now() > deadline) throw new Error("panels still loading");
      await Bun.sleep(100);
    }
  } catch (e) {
    const ms = Math.round(performance.now() - t0);
    const titles = await within(
      // A panel never near the screen was not reached by the scrolling; one near is querying.
      loading.evaluateAll((els) =>
        els.map(
          (el) =>
            `${el.getAttribute("data-title")}${el.getAttribute("data-near") === "true" ? "" : " (never near)"}`,
        ),
      ),
      2_000,
      "listing the loading panels",
    ).catch(() => ["(the page does not answer)"]);
    queries.stop();
    throw new Error(
      `Cannot render ${url}: ${step} after ${ms} ms (${(e as Error).message}); ${describeQueries(queries.times())}; loading: ${titles.join(", ") || "none"}`,
    );
  }
  const ms = performance.now() - t0;
  queries.stop();
  const panels = await page.locator("[data-testid=panel]").evaluateAll((els) =>
    els.map((e) => ({
      title: e.getAttribute("data-title") ?? "",
      state: e.getAttribute("data-state") ?? "",
      error: e.getAttribute("data-error") ?? "",
      data: e.getAttribute("data-has-data") === "true",
    })),
  );
  return {
    panels: panels.length,
    withData: panels.filter((p) => p.data).map((p) => p.title),
    withoutData: panels
      .filter((p) => !p.data)
      .map((p) => ({ title: p.title, state: p.state, error: p.error })),
    ms,
    queries: queries.times(),
  };
}
