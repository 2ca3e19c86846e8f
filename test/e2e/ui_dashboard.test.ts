/**
 * The dashboard page in headless Chromium against an in-process aggregator fed by a real
 * agent's built-in host metrics: Node Exporter Full imported unchanged through
 * DashboardsService.ImportDashboard renders with at least 90 % of its panels showing data once
 * every row is expanded; a 20-panel dashboard (legacy graph and singlestat, chained, interval
 * and repeat variables) shows data in every panel; the URL's variables and time range drive the
 * queries; edit mode moves a panel and saves a version that keeps fields Outpost does not read.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fromBinary } from "@bufbuild/protobuf";
import { type Client, createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-web";
import type { Browser, Page } from "playwright-core";
import { DashboardsService } from "../../proto/gen/outpost/dashboards/v1/dashboards_pb.ts";
import {
  QueryService,
  type RangeRequest,
  RangeRequestSchema,
} from "../../proto/gen/outpost/query/v1/query_pb.ts";
import { buildUiIfStale } from "../../ui/build.ts";
import { interpolate, type Scope } from "../../ui/lib/dashboards/interpolate.ts";
import type { DashboardModel, Panel } from "../../ui/lib/dashboards/types.ts";
import { launchChromium } from "../harness/browser.ts";
import {
  describeQueries,
  type HostStack,
  renderAll,
  startHostStack,
  twentyPanelDashboard,
} from "../harness/dashboards.ts";

const ARTIFACTS = join(import.meta.dir, "..", "artifacts");
const NODE_FULL = join(import.meta.dir, "..", "fixtures", "grafana", "node-exporter-full.json");
let stack: HostStack;
let browser: Browser;
let dashboards: Client<typeof DashboardsService>;
let query: Client<typeof QueryService>;
let nodeFullUid: string;
const nodeFull = JSON.parse(readFileSync(NODE_FULL, "utf8")) as DashboardModel;

/**
 * Node Exporter Full's panels that stay empty on this VM with node_exporter too, and why
 * (docs/ui.md has the table): no swap, a kernel without CONFIG_SCHEDSTATS, no cpufreq, no
 * sensors or power supply, no systemd. "TCP Stat Transient" is not among them: the stack holds
 * a few loopback connections in SYN_SENT (harness/syn_sent.ts), as any host with traffic has
 * some connection in a transient state.
 */
const NOT_ON_THIS_VM = new Set([
  "SWAP Used",
  "CPU Saturation per Core",
  "CPU Schedule Timeslices",
  "CPU Frequency Scaling",
  "Hardware Temperature Monitor",
  "Hardware Fan Speed",
  "Cooling Device Utilization",
  "Power Supply",
  "Systemd Units State",
  "Systemd Sockets Current",
  "Systemd Sockets Accepted",
  "Systemd Sockets Refused",
]);

/** Node Exporter Full's panel of this title, inside collapsed rows too. */
function nodeFullPanel(title: string): Panel | undefined {
  const all = (ps: Panel[]): Panel[] => ps.flatMap((p) => [p, ...all(p.panels ?? [])]);
  return all(nodeFull.panels ?? []).find((p) => p.title === title);
}

/**
 * True when some target of the panel has a finite value at the API now: a panel the page
 * shows as "No data" must have none, or the page lost data the server has.
 */
async function apiHasData(title: string, vars: Record<string, string>): Promise<boolean> {
  const scope: Scope = {};
  for (const [k, v] of Object.entries({
    ...vars,
    __rate_interval: "5m",
    __interval: "1m",
    __range: "1h",
  })) {
    scope[k] = { values: [v], multi: false, raw: k.startsWith("__") };
  }
  for (const t of nodeFullPanel(title)?.targets ?? []) {
    if (t.hide || !t.expr) continue;
    const res = await query.instant({ query: interpolate(t.expr, scope) }, { timeoutMs: 10_000 });
    const v = res.result?.value;
    if (v?.case === "vector" && v.value.samples.some((x) => Number.isFinite(x.value))) return true;
    if (v?.case === "scalar" && Number.isFinite(v.value.value)) return true;
  }
  return false;
}

/** Node Exporter Full for one job, every row expanded; checks the page against the API. */
async function checkNodeFull(job: string, scheme: "light" | "dark") {
  const page = await newPage(scheme);
  // 10–15 s alone, 18–28 s in a full run (Chromium drawing 125 panels, the in-process
  // aggregator answering 278 queries at a median of 200 ms beside the other shard); CI on a
  // slower VM was still drawing the last rows at 70 s. A check of what is drawn, not a speed
  // figure (bench/ui_dashboard.ts has that): the deadline only bounds a page that is stuck.
  const report = await renderAll(
    page,
    `${stack.aggregator.url}/d/${nodeFullUid}?var-job=${job}`,
    150_000,
  );
  // 16 rows hold 125 panels; every one is on the page once the rows are expanded.
  expect(report.panels).toBe(125);
  const vars = {
    job,
    nodename: await page.locator("[data-testid=var-nodename] input[aria-label]").inputValue(),
    node: await page.locator("[data-testid=var-node] input[aria-label]").inputValue(),
  };
  console.log(
    `node-exporter-full, job ${job}: ${report.withData.length}/${report.panels} panels with data in ${Math.round(report.ms)} ms; ${describeQueries(report.queries)}`,
  );
  for (const p of report.withoutData) console.log(`  no data: ${p.title} [${p.state}] ${p.error}`);
  expect(report.withoutData.filter((p) => p.state === "error")).toEqual([]);
  const missed: string[] = [];
  for (const p of report.withoutData) if (await apiHasData(p.title, vars)) missed.push(p.title);
  expect(missed).toEqual([]);
  return { page, report, vars };
}

beforeAll(async () => {
  const build = buildUiIfStale();
  mkdirSync(ARTIFACTS, { recursive: true });
  stack = await startHostStack(8000, true);
  const transport = createConnectTransport({ baseUrl: stack.aggregator.url });
  dashboards = createClient(DashboardsService, transport);
  query = createClient(QueryService, transport);
  const imported = await dashboards.importDashboard({
    json: readFileSync(NODE_FULL, "utf8"),
    inputs: [],
    message: "import",
  });
  nodeFullUid = imported.dashboard!.meta!.uid;
  await dashboards.importDashboard({
    json: JSON.stringify(twentyPanelDashboard()),
    inputs: [{ name: "DS_PROMETHEUS", value: "outpost-prometheus" }],
    message: "import",
  });
  await build;
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

async function newPage(scheme: "light" | "dark" = "light"): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  await page.emulateMedia({ colorScheme: scheme });
  page.setDefaultTimeout(15_000);
  return page;
}

test("Node Exporter Full, imported unchanged, shows every panel the host source has metrics for", async () => {
  const { page, report, vars } = await checkNodeFull("node", "light");
  expect(vars.node).toBe("host-1:9100");
  // 113 of 125 (90.4 %; the issue asks for 90 %): the other 12 need what this VM lacks, not a
  // collector the host source lacks; any other empty panel is a gap in the host source.
  expect(report.withoutData.map((p) => p.title).filter((t) => !NOT_ON_THIS_VM.has(t))).toEqual([]);
  expect(report.withData.length).toBeGreaterThanOrEqual(113);
  await page.evaluate("window.scrollTo(0, 0)");
  await page.screenshot({ path: join(ARTIFACTS, "dashboard-node-full-light.png") });
  await page.emulateMedia({ colorScheme: "dark" });
  await page.screenshot({ path: join(ARTIFACTS, "dashboard-node-full-dark.png") });
  await page.close();
}, 200_000);

test("Node Exporter Full over Debian's node_exporter shows every panel this machine has metrics for", async () => {
  const { page, report } = await checkNodeFull("node_exporter", "dark");
  // The issue asks for 90 %; this VM has no hwmon, thermal, cpufreq, power supply, schedstat or
  // systemd, so even node_exporter leaves 13 panels empty here (docs/ui.md lists them).
  expect(report.withData.length).toBeGreaterThanOrEqual(109);
  await page.evaluate("window.scrollTo(0, 1200)");
  await page.screenshot({ path: join(ARTIFACTS, "dashboard-node-full-exporter-dark.png") });
  await page.close();
}, 200_000);

test("a 20-panel dashboard of legacy and current panels shows data in every panel", async () => {
  const page = await newPage("dark");
  const report = await renderAll(page, `${stack.aggregator.url}/d/host-twenty`);
  // 17 panels plus the repeated one's three copies (user, system, idle).
  expect(report.panels).toBe(20);
  expect(report.withoutData).toEqual([]);
  expect(report.withData).toContain("CPU idle");
  expect(report.withData).toContain("Load at 1m steps");
  // The shell's header is fixed: a full-page shot taken scrolled down would draw it mid-page.
  await page.evaluate("window.scrollTo(0, 0)");
  await page.screenshot({ path: join(ARTIFACTS, "dashboard-twenty-dark.png"), fullPage: true });
  await page.emulateMedia({ colorScheme: "light" });
  await page.screenshot({ path: join(ARTIFACTS, "dashboard-twenty-light.png"), fullPage: true });
  await page.close();
}, 60_000);

test("the URL's variables and time range reach the queries and the repeat", async () => {
  const page = await newPage();
  // The page asks QueryService in Connect's binary format: decode what it sent.
  const sent: RangeRequest[] = [];
  page.on("request", (r) => {
    const body = r.postDataBuffer();
    if (r.url().endsWith("QueryService/Range") && body)
      sent.push(fromBinary(RangeRequestSchema, body));
  });
  const report = await renderAll(
    page,
    `${stack.aggregator.url}/d/host-twenty?from=now-15m&to=now&var-mode=user&var-mode=system&var-interval=5m`,
  );
  expect(report.panels).toBe(19);
  expect(report.withData).toContain("CPU system");
  expect(report.withData).not.toContain("CPU idle");
  expect(report.withData).toContain("Load at 5m steps");
  expect(
    sent.some(
      (q) => q.query.includes('mode="system"') && q.query.includes('instance="host-1:9100"'),
    ),
  ).toBe(true);
  expect(sent.some((q) => q.query.includes("[5m]"))).toBe(true);
  for (const q of sent)
    expect(Number(q.endMs) - Number(q.startMs)).toBeLessThanOrEqual(16 * 60_000);
  await page.close();
}, 60_000);

test("a range that ends before it starts is said once, and the panels show the default range", async () => {
  const page = await newPage();
  await page.goto(`${stack.aggregator.url}/d/host-twenty?from=now&to=now-1h`);
  await page.getByText("Cannot show now to now-1h: it ends before it starts").waitFor();
  // The panels draw the default range instead of each repeating the API's refusal.
  await page.locator(`[data-testid=panel][data-state="done"]`).first().waitFor();
  expect(await page.getByText("end timestamp must not be before start time").count()).toBe(0);
  await page.close();
}, 60_000);

test("on a phone the panels are one column at full width, as Grafana shows them", async () => {
  for (const scheme of ["light", "dark"] as const) {
    const page = await newPage(scheme);
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${stack.aggregator.url}/d/host-twenty?from=now-15m&to=now`);
    await page.locator(`[data-testid=panel][data-state="done"]`).first().waitFor();
    const widths = await page.$$eval("[data-testid=panel]", (els) =>
      els.map((e) => e.getBoundingClientRect().width),
    );
    expect(widths.length).toBeGreaterThan(10);
    for (const w of widths) expect(w).toBeGreaterThan(300);
    await page.screenshot({ path: join(ARTIFACTS, `dashboard-390-${scheme}.png`) });
    await page.close();
  }
}, 60_000);

test("edit mode moves a panel and saves a version that keeps unknown fields", async () => {
  const page = await newPage();
  await renderAll(page, `${stack.aggregator.url}/d/host-twenty`);
  await page.getByRole("button", { name: "Edit", exact: true }).click();
  const title = page.locator('[data-testid=panel][data-title="CPU cores"] >> text=CPU cores');
  await title.scrollIntoViewIfNeeded();
  const box = (await title.boundingBox())!;
  await page.mouse.move(box.x + 5, box.y + 5);
  await page.mouse.down();
  await page.mouse.move(box.x + 400, box.y + 5, { steps: 8 });
  await page.mouse.up();
  await page.getByText("(unsaved changes)").waitFor();
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await page.getByLabel("Message").fill("moved CPU cores");
  await page.getByRole("dialog").getByRole("button", { name: "Save" }).click();
  await page.getByText("(unsaved changes)").waitFor({ state: "detached" });
  const stored = await dashboards.getDashboard({ uid: "host-twenty" });
  expect(Number(stored.dashboard!.meta!.version)).toBe(2);
  const json = JSON.parse(stored.dashboard!.json);
  expect(json.myToolField).toEqual({ kept: ["as", "is"] });
  const before = twentyPanelDashboard().panels as { id: number; gridPos: { x: number } }[];
  const moved = json.panels.find((p: { title: string }) => p.title === "CPU cores");
  expect(moved.gridPos.x).toBeGreaterThan(before.find((p) => p.id === moved.id)!.gridPos.x);
  const versions = await dashboards.listVersions({ uid: "host-twenty" });
  expect(versions.versions[0].message).toBe("moved CPU cores");
  await page.close();
}, 60_000);
