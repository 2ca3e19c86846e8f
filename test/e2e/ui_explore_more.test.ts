/**
 * Explore's query tree, time picker, graph options, history and split view in headless
 * Chromium against an in-process aggregator (real nats-server) fed through the real ingest path
 * with four metric series and the logs of the same `job`/`i` labels. What the page shows is
 * compared with what the API answers. Screenshots of both themes land in test/artifacts/.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-web";
import type { Browser, Page } from "playwright-core";
import type { Aggregator } from "../../aggregator/aggregator.ts";
import { Direction, LogsService } from "../../proto/gen/outpost/logs/v1/logs_pb.ts";
import { type ExplainNode, QueryService } from "../../proto/gen/outpost/query/v1/query_pb.ts";
import { compress } from "../../shared/codec/compress.ts";
import { BatchEncoder } from "../../shared/codec/encode.ts";
import { labelsFromRecord } from "../../shared/model/labels.ts";
import { buildUiIfStale } from "../../ui/build.ts";
import { startInProcessAggregator } from "../harness/aggregator.ts";
import { launchChromium } from "../harness/browser.ts";
import {
  connectTo,
  makeSeries,
  publishBatch,
  syntheticBatch,
  waitForAllAcked,
} from "../harness/ingest.ts";
import { type NatsServerHandle, startNatsServer } from "../harness/nats.ts";

const ARTIFACTS = join(import.meta.dir, "..", "artifacts");
const METRIC = "ui_more_metric";
const S = 1_000_000_000n;
// Local time is not UTC in these pages, so the time zone switch has something to change.
const ZONE = "America/New_York";

let nats: NatsServerHandle;
let dir: string;
let aggregator: Aggregator;
let browser: Browser;
let now: number;

beforeAll(async () => {
  const build = buildUiIfStale();
  mkdirSync(ARTIFACTS, { recursive: true });
  nats = await startNatsServer();
  dir = mkdtempSync(join(tmpdir(), "outpost-ui-more-"));
  aggregator = await startInProcessAggregator(dir, nats.url, "");
  const nc = await connectTo(nats.url);
  // Four series (labels __name__, i, job="synthetic"), a point every 15 s over 40 minutes.
  now = Math.floor(Date.now() / 15_000) * 15_000;
  const times = Array.from({ length: 160 }, (_, i) => now - (159 - i) * 15_000);
  await publishBatch(nc, syntheticBatch(makeSeries(4, METRIC), times), { msgId: "ui-more-1" });
  // The logs of each series: streams labelled with the same job and i, and an app of their own.
  const enc = new BatchEncoder();
  const end = (BigInt(now) / 1000n) * S;
  for (let k = 0; k < 80; k++)
    enc.addLog({
      timeNs: end - BigInt(79 - k) * 30n * S,
      labels: labelsFromRecord({ job: "synthetic", i: String(k % 4), app: "worker" }),
      line: `seq=${k} series=${k % 4} msg="job done"`,
      fields: [],
    });
  await publishBatch(nc, compress("lz4", enc.finish()), { signal: "logs" });
  await waitForAllAcked(nc);
  await nc.close();
  await build;
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await aggregator?.stop();
  await nats?.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function newPage(scheme: "light" | "dark" = "light"): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, timezoneId: ZONE });
  await page.emulateMedia({ colorScheme: scheme });
  page.setDefaultTimeout(10_000);
  return page;
}

const transport = () => createConnectTransport({ baseUrl: aggregator.url });

/** The shown result's range, from the summary's data attributes. */
async function shownRange(page: Page) {
  const summary = page.locator("[data-testid=result-summary]");
  await summary.waitFor();
  const attr = async (name: string) => Number(await summary.getAttribute(name));
  return {
    start: await attr("data-start-ms"),
    end: await attr("data-end-ms"),
    step: await attr("data-step-ms"),
  };
}

/** Runs `query` with Ctrl+Enter, as a user types it. */
async function runQuery(page: Page, query: string): Promise<void> {
  await page.locator(".cm-content").first().click();
  await page.keyboard.press("Control+A");
  await page.keyboard.type(query);
  await page.keyboard.press("Escape");
  await page.keyboard.press("Control+Enter");
  await page.waitForURL((u) => u.searchParams.get("q") === query);
}

/** Lets the Run button's loader fade before a screenshot. */
async function settle(page: Page): Promise<void> {
  await page.locator("button[data-loading]").waitFor({ state: "detached" });
  await page.waitForTimeout(300);
}

function flatten(node: ExplainNode, out: { text: string; kind: string; series: string }[] = []) {
  out.push({ text: node.text, kind: node.kind, series: String(node.series) });
  for (const c of node.children) flatten(c, out);
  return out;
}

test("the Tree tab shows every node with the series count Explain answers, and a click runs a node", async () => {
  // Written unlike Prometheus prints it: the operator is read from the query's own spans.
  const query = `sum by(job)(rate(${METRIC}[5m]))*2`;
  const page = await newPage();
  await page.goto(
    `${aggregator.url}/explore?${new URLSearchParams({ q: query, range: "30m", tab: "tree" })}`,
  );
  await page.locator("[data-testid=query-tree]").waitFor();
  const shown = await shownRange(page);
  const answer = await createClient(QueryService, transport()).explain({
    query,
    at: {
      case: "range",
      value: { startMs: BigInt(shown.start), endMs: BigInt(shown.end), stepMs: BigInt(shown.step) },
    },
  });
  const expected = flatten(answer.root!);
  expect(expected.length).toBeGreaterThanOrEqual(4);
  const nodes = page.locator("[data-testid=tree-node]");
  const seen = await nodes.evaluateAll((els) =>
    els.map((e) => ({
      text: e.getAttribute("data-text")!,
      kind: e.getAttribute("data-kind")!,
      series: e.getAttribute("data-series")!,
    })),
  );
  expect(seen).toEqual(expected);
  // The selector node has the four series; the sum by job has one.
  expect(seen.find((n) => n.kind === "MatrixSelector")!.series).toBe("4");
  expect(seen.find((n) => n.kind === "AggregateExpr")!.series).toBe("1");
  const badge = (kind: string) =>
    page.locator(`[data-testid=tree-node][data-kind=${kind}] .mantine-Badge-label`);
  expect(await badge("BinaryExpr").textContent()).toBe("BinaryExpr *");
  expect(await badge("AggregateExpr").textContent()).toBe("AggregateExpr sum");
  await page.screenshot({ path: join(ARTIFACTS, "explore-tree-light.png"), fullPage: true });
  await page.locator(`[data-testid=tree-node][data-kind=Call]`).click();
  await page.waitForURL((u) => u.searchParams.get("q") === `rate(${METRIC}[5m])`);
  expect(new URL(page.url()).searchParams.get("tab")).toBeNull(); // the graph shows its result
  await page.locator("[data-testid=graph] canvas").waitFor();
  await page.close();
}, 30_000);

test("the Tree tab shows the server's error as it words it", async () => {
  const page = await newPage("dark");
  await page.goto(
    `${aggregator.url}/explore?${new URLSearchParams({ q: `sum(${METRIC}`, tab: "tree" })}`,
  );
  const error = page.locator("[data-testid=tree-error]");
  await error.waitFor();
  const api = await createClient(QueryService, transport())
    .explain({ query: `sum(${METRIC}` })
    .catch((e: Error & { rawMessage: string }) => e.rawMessage);
  expect(await error.textContent()).toContain(api as string);
  await page.close();
}, 30_000);

test("a custom range goes into the URL as from/to and the URL reproduces it", async () => {
  const page = await newPage();
  await page.goto(`${aggregator.url}/explore?q=${METRIC}&range=1h`);
  await shownRange(page);
  await page.getByTestId("custom-range").click();
  await page.getByTestId("range-from").fill("now-20m");
  await page.getByTestId("range-to").fill("yesterday");
  await page.getByTestId("range-apply").click();
  await expect(page.getByTestId("range-error").textContent()).resolves.toContain(
    'Cannot read the time "yesterday"',
  );
  await page.getByTestId("range-to").fill("now-5m");
  await page.screenshot({ path: join(ARTIFACTS, "explore-range-light.png") });
  await page.getByTestId("range-apply").click();
  await page.waitForURL(
    (u) => u.searchParams.get("from") === "now-20m" && u.searchParams.get("to") === "now-5m",
  );
  const relative = await shownRange(page);
  expect(relative.end - relative.start).toBe(15 * 60_000);

  // An absolute range reproduces exactly, in a new page.
  const from = now - 30 * 60_000;
  const to = now - 10 * 60_000;
  const again = await newPage();
  await again.goto(`${aggregator.url}/explore?q=${METRIC}&from=${from}&to=${to}`);
  const shown = await shownRange(again);
  expect([shown.start, shown.end]).toEqual([from, to]);
  // A malformed one is named, and nothing is queried.
  await again.goto(`${aggregator.url}/explore?q=${METRIC}&from=soon&to=now`);
  await expect(again.getByTestId("range-url-error").textContent()).resolves.toContain('"soon"');
  await page.close();
  await again.close();
}, 30_000);

test("a step that is not a duration is said under the field, and the shown step stays", async () => {
  const page = await newPage();
  await page.goto(`${aggregator.url}/explore?q=up&range=1h&step=30s`);
  const before = await shownRange(page);
  expect(before.step).toBe(30_000);
  for (const bad of ["0s", "abc", "-5s"]) {
    await page.getByLabel("Step").fill(bad);
    await page.getByLabel("Step").press("Enter");
    await page.getByText(`Cannot use "${bad}" as a step: write a duration such as 15s`).waitFor();
  }
  expect(new URL(page.url()).searchParams.get("step")).toBe("30s");
  // Too fine a step is refused in Prometheus's words, pointing at this page's field.
  await page.goto(`${aggregator.url}/explore?q=up&range=1h&step=100ms`);
  const refused = page.getByTestId("query-error");
  await refused.waitFor();
  expect(await refused.textContent()).toContain(
    "exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (a larger Step)",
  );
  await page.close();
});

test("a query that matches nothing says so, as Prometheus's Empty query result", async () => {
  const page = await newPage();
  await page.goto(`${aggregator.url}/explore?q=no_such_metric_anywhere&range=1h`);
  await page.getByTestId("empty-result").waitFor();
  expect(await page.getByTestId("result-summary").textContent()).toContain("0 series");
  await page.close();
});

test("the time zone switch is kept in the URL and this browser, and applies to the table", async () => {
  const page = await newPage();
  await page.goto(`${aggregator.url}/explore?q=${METRIC}&tab=table`);
  const at = page.locator("[data-testid=result-table] tbody tr td").nth(2);
  await at.waitFor();
  expect(await at.textContent()).not.toContain("UTC");
  await page.getByTestId("time-zone").getByText("UTC").click();
  await page.waitForURL((u) => u.searchParams.get("tz") === "utc");
  await expect(at.textContent()).resolves.toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$/);
  expect(await page.evaluate(() => localStorage.getItem("outpost-time-zone"))).toBe("utc");
  // Without tz in the link, this browser's setting applies.
  await page.goto(`${aggregator.url}/explore?q=${METRIC}&tab=table`);
  await expect(at.textContent()).resolves.toContain("UTC");
  await page.close();
}, 30_000);

test("stacked, log scale and unit go into the URL; the legend formats in the unit and isolates on click", async () => {
  const page = await newPage();
  await page.goto(`${aggregator.url}/explore?q=${METRIC}&range=30m`);
  await page.locator("[data-testid=graph] canvas").waitFor();
  await page.getByTestId("opt-stacked").check({ force: true });
  await page.waitForURL((u) => u.searchParams.get("stack") === "1");
  await page.getByTestId("opt-log").check({ force: true });
  await page.waitForURL((u) => u.searchParams.get("log") === "1");
  await page.getByRole("textbox", { name: "Unit" }).click();
  await page.getByRole("option", { name: "Unit: bytes" }).click();
  await page.waitForURL((u) => u.searchParams.get("unit") === "bytes");
  // Hover: the legend shows each series' own value (not the stacked sum) in bytes.
  const box = (await page.locator("[data-testid=graph] .u-over").boundingBox())!;
  await page.mouse.move(box.x + box.width * 0.9, box.y + box.height / 2);
  const values = page.locator("[data-testid=graph] .u-legend .u-series .u-value");
  await expect(values.nth(4).textContent()).resolves.toMatch(/ KiB$/); // series i=3: 3000 + …
  await page.screenshot({ path: join(ARTIFACTS, "explore-stacked-light.png"), fullPage: true });
  // A new page with the same URL has the same options.
  const again = await newPage("dark");
  await again.goto(page.url());
  await again.locator("[data-testid=graph] canvas").waitFor();
  expect(await again.getByTestId("opt-stacked").isChecked()).toBe(true);
  expect(await again.getByTestId("opt-log").isChecked()).toBe(true);
  await settle(again);
  await again.screenshot({ path: join(ARTIFACTS, "explore-stacked-dark.png"), fullPage: true });
  // A click shows only that series; Ctrl-click adds another back.
  const rows = page.locator("[data-testid=graph] .u-legend .u-series");
  await rows.nth(2).locator("th").click();
  const off = () => rows.evaluateAll((els) => els.map((e) => e.classList.contains("u-off")));
  expect(await off()).toEqual([false, true, false, true, true]);
  await rows
    .nth(3)
    .locator("th")
    .click({ modifiers: ["Control"] });
  expect(await off()).toEqual([false, true, false, false, true]);
  await page.close();
  await again.close();
}, 30_000);

test("history remembers runs newest first and a saved query loads by its name", async () => {
  // Two pages of one context share its localStorage, as two tabs of one browser do.
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await page.goto(`${aggregator.url}/explore`);
  await runQuery(page, `sum(${METRIC})`);
  await runQuery(page, `max(${METRIC})`);
  await runQuery(page, `sum(${METRIC})`);
  await page.getByTestId("open-library").click();
  const items = page.getByTestId("history-item");
  await items.first().waitFor();
  expect(await items.allTextContents()).toEqual([`sum(${METRIC})`, `max(${METRIC})`]);
  await page.getByRole("tab", { name: "Saved" }).click();
  await page.getByRole("textbox", { name: "Name of the saved query" }).fill("total");
  await page.getByTestId("save-query").click();
  await page.getByTestId("saved-item").waitFor();
  await page.screenshot({ path: join(ARTIFACTS, "explore-saved-light.png") });
  await page.keyboard.press("Escape");
  // Another page of the same browser context sees both.
  const again = await context.newPage();
  await again.goto(`${aggregator.url}/explore`);
  await again.getByTestId("open-library").click();
  await again.getByRole("tab", { name: "Saved" }).click();
  await again.getByTestId("saved-item").click();
  await again.waitForURL((u) => u.searchParams.get("q") === `sum(${METRIC})`);
  await again.locator("[data-testid=graph] canvas").waitFor();
  await context.close();
}, 30_000);

test("a legend entry's logs action shows the logs of that series over the same range", async () => {
  const page = await newPage();
  await page.goto(`${aggregator.url}/explore?q=${METRIC}&range=1h`);
  const shown = await shownRange(page);
  await page.locator("[data-testid=graph] canvas").waitFor();
  const legend = page.locator("[data-testid=graph] .u-legend .u-series");
  const row = legend.filter({ hasText: 'i="1"' });
  await row.getByTestId("series-logs").click();
  await page.waitForURL((u) => u.searchParams.get("logs") === "1");
  expect(new URL(page.url()).searchParams.get("lq")).toBe('{i="1", job="synthetic"}');
  const lines = page.locator("[data-testid=split-logs] [data-testid=log-line]");
  await lines.first().waitFor();
  const answer = await createClient(LogsService, transport()).query({
    query: '{i="1", job="synthetic"}',
    at: {
      case: "range",
      value: { startNs: BigInt(shown.start) * 1_000_000n, endNs: BigInt(shown.end) * 1_000_000n },
    },
    limit: 1000,
    direction: Direction.BACKWARD,
  });
  const expected =
    answer.result.case === "streams"
      ? answer.result.value.streams.flatMap((s) => s.entries.map((e) => e.line))
      : [];
  expect(expected.length).toBe(20);
  expect(await page.getByTestId("split-logs-count").textContent()).toBe(`${expected.length} lines`);
  // Only the rows in view may be rendered (LogLines may virtualise): those are the first ones.
  const texts = await lines.evaluateAll((els) => els.map((e) => e.textContent ?? ""));
  expect(texts.length).toBeGreaterThan(0);
  for (const [i, text] of texts.entries()) expect(text).toContain(expected[i]);
  await settle(page);
  await page.screenshot({ path: join(ARTIFACTS, "explore-split-light.png"), fullPage: true });
  const dark = await newPage("dark");
  await dark.goto(page.url());
  await dark.locator("[data-testid=split-logs] [data-testid=log-line]").first().waitFor();
  await settle(dark);
  await dark.screenshot({ path: join(ARTIFACTS, "explore-split-dark.png"), fullPage: true });
  await dark.goto(
    `${aggregator.url}/explore?${new URLSearchParams({ q: `rate(${METRIC}[5m])`, range: "30m", tab: "tree" })}`,
  );
  await dark.locator("[data-testid=query-tree]").waitFor();
  await settle(dark);
  await dark.screenshot({ path: join(ARTIFACTS, "explore-tree-dark.png"), fullPage: true });
  await page.close();
  await dark.close();
}, 30_000);
