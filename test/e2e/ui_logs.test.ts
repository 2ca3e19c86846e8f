/**
 * The Logs page in headless Chromium against an in-process aggregator (real nats-server) fed
 * through the real ingest path (encoded, compressed batches on JetStream, as
 * test/integration/connect_logs.test.ts does): the lines shown for a query are the ones
 * LogsService.Query answers, newest first, only those in view in the page; the volume's legend
 * totals per level are Volume's; a line's parsed fields, its filter actions, its context
 * (Context's lines); downloads; the editor's completion and the server's LogQL parse error; a
 * line published after **Live** was switched on appears within 2 s, and pause holds lines back
 * until resume. Screenshots of both themes.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Client, createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-web";
import type { NatsConnection } from "nats";
import type { Browser, Page } from "playwright-core";
import type { Aggregator } from "../../aggregator/aggregator.ts";
import { Direction, LogsService } from "../../proto/gen/outpost/logs/v1/logs_pb.ts";
import { compress } from "../../shared/codec/compress.ts";
import { BatchEncoder } from "../../shared/codec/encode.ts";
import { labelsFromRecord } from "../../shared/model/labels.ts";
import type { LogRecord } from "../../shared/model/log.ts";
import { buildUiIfStale } from "../../ui/build.ts";
import { flattenLines } from "../../ui/lib/logs.ts";
import { startInProcessAggregator } from "../harness/aggregator.ts";
import { launchChromium } from "../harness/browser.ts";
import { connectTo, publishBatch, waitForAllAcked } from "../harness/ingest.ts";
import { type NatsServerHandle, startNatsServer } from "../harness/nats.ts";

const ARTIFACTS = join(import.meta.dir, "..", "artifacts");
const S = 1_000_000_000n;
const STREAMS = [
  { app: "api", level: "info" },
  { app: "api", level: "error" },
  { app: "api", level: "warn" },
  { app: "web", level: "debug" },
];
const dir = mkdtempSync(join(tmpdir(), "outpost-ui-logs-"));
let nats: NatsServerHandle;
let nc: NatsConnection;
let aggregator: Aggregator;
let browser: Browser;
let logs: Client<typeof LogsService>;

function record(i: number, timeNs: bigint, text = "request served"): LogRecord {
  const stream = STREAMS[i % STREAMS.length];
  return {
    timeNs,
    labels: labelsFromRecord(stream),
    line: `seq=${i} app=${stream.app} level=${stream.level} msg="${text}"`,
    fields: i % 2 === 0 ? ["trace_id", `t${i}`] : [],
  };
}

async function publishLogs(records: readonly LogRecord[]): Promise<void> {
  const enc = new BatchEncoder();
  for (const r of records) enc.addLog(r);
  await publishBatch(nc, compress("lz4", enc.finish()), { signal: "logs" });
}

beforeAll(async () => {
  const build = buildUiIfStale();
  mkdirSync(ARTIFACTS, { recursive: true });
  nats = await startNatsServer();
  aggregator = await startInProcessAggregator(dir, nats.url, "");
  nc = await connectTo(nats.url);
  // 240 lines, one every 10 s over the last 40 minutes.
  const end = (BigInt(Date.now()) / 1000n - 5n) * S;
  const records: LogRecord[] = [];
  for (let i = 0; i < 240; i++) records.push(record(i, end - BigInt(239 - i) * 10n * S));
  await publishLogs(records);
  await waitForAllAcked(nc);
  logs = createClient(LogsService, createConnectTransport({ baseUrl: aggregator.url }));
  await build;
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await nc?.close();
  await aggregator?.stop();
  await nats?.dispose();
  rmSync(dir, { recursive: true, force: true });
});

async function newPage(scheme: "light" | "dark" = "light"): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await page.emulateMedia({ colorScheme: scheme });
  page.setDefaultTimeout(10_000);
  return page;
}

const QUERY = '{app="api"} |= "request"';
const hour = () => {
  const endNs = BigInt(Date.now()) * 1_000_000n;
  return { startNs: endNs - 3600n * S, endNs };
};

async function apiLines(query: string) {
  const api = await logs.query({
    query,
    at: { case: "range", value: hour() },
    limit: 1000,
    direction: Direction.BACKWARD,
  });
  if (api.result.case !== "streams") throw new Error("not streams");
  return flattenLines(api.result.value.streams);
}

async function openLogs(page: Page, query = QUERY, extra = "") {
  await page.goto(`${aggregator.url}/logs?q=${encodeURIComponent(query)}&range=1h${extra}`);
  await page.locator("[data-testid=log-line]").first().waitFor();
}

for (const scheme of ["light", "dark"] as const)
  test(`the page shows the lines Query answers, newest first, virtualised (${scheme})`, async () => {
    const page = await newPage(scheme);
    await openLogs(page);
    await page.locator("[data-testid=volume-plot] canvas").waitFor();
    const expected = await apiLines(QUERY);
    expect(expected).toHaveLength(180);
    const list = page.locator("[data-testid=log-lines]");
    expect(await list.getAttribute("data-count")).toBe("180");
    // Only the rows in view (and a few around) are in the page, in the answer's order.
    const shown = await page.locator("[data-testid=log-text]").allInnerTexts();
    expect(shown.length).toBeGreaterThan(5);
    expect(shown.length).toBeLessThan(60);
    expect(shown).toEqual(expected.slice(0, shown.length).map((l) => l.line));
    expect(await page.locator("[data-testid=log-level]").first().textContent()).toMatch(
      /^(info|error|warn)$/i,
    );
    // A click opens the line's labels, metadata and the fields parsed from its logfmt.
    const even = page.locator("[data-testid=log-line]", { hasText: /seq=238 / });
    await even.getByRole("button").click();
    const details = even.locator("[data-testid=log-details]");
    expect(await details.textContent()).toContain("t238");
    const fields = await details
      .locator("[data-testid=log-field]")
      .evaluateAll((rows) =>
        rows.map((r) => [...r.querySelectorAll("td")].slice(0, 3).map((td) => td.textContent)),
      );
    expect(fields).toEqual([
      ["label", "app", "api"],
      ["label", "level", "warn"],
      ["metadata", "trace_id", "t238"],
      ["logfmt", "seq", "238"],
      ["logfmt", "msg", "request served"],
    ]);
    await page.screenshot({ path: join(ARTIFACTS, `logs-${scheme}.png`) });
    // Scrolled to the end, the oldest line is drawn.
    await list.evaluate((el) => {
      el.scrollTop = el.scrollHeight;
    });
    await page.locator("[data-testid=log-text]", { hasText: expected[179].line }).waitFor();
    await page.close();
  }, 30_000);

test("a metric query is said once, with a link that runs it in Explore", async () => {
  const page = await newPage();
  const metric = 'rate({app="api"}[5m])';
  await page.goto(`${aggregator.url}/logs?q=${encodeURIComponent(metric)}&range=1h`);
  await page.getByText("This is a metric query").waitFor();
  // The volume, which only log queries have, adds no second refusal.
  await Bun.sleep(500);
  expect(await page.getByTestId("volume-error").count()).toBe(0);
  await page.getByRole("link", { name: "run it in Explore" }).click();
  await page.waitForURL((u) => u.pathname === "/explore" && u.searchParams.get("q") === metric);
  await page.close();
});

test("the volume's bars stack by level and the legend's totals are Volume's", async () => {
  const page = await newPage();
  await openLogs(page);
  await page.locator("[data-testid=volume-plot] canvas").waitFor();
  const api = await logs.volume({
    selector: QUERY,
    by: "level",
    range: { ...hour(), stepNs: 60n * S },
  });
  const want = Object.fromEntries(
    api.matrix!.series.map((s) => [s.labels[0].value, s.values.reduce((a, b) => a + b, 0)]),
  );
  expect(want).toEqual({ error: 60, info: 60, warn: 60 });
  const got = await page
    .locator("[data-testid=volume-level]")
    .evaluateAll((els) =>
      els.map((e) => [e.getAttribute("data-level"), Number(e.getAttribute("data-total"))]),
    );
  // The most severe level first (at the bottom of each bar).
  expect(got).toEqual([
    ["error", 60],
    ["warn", 60],
    ["info", 60],
  ]);
  // Hovering a bar shows that step's counts.
  const plot = page.locator("[data-testid=volume-plot] .u-over");
  const box = (await plot.boundingBox())!;
  await page.mouse.move(box.x + box.width - 20, box.y + box.height / 2);
  await page.locator("[data-testid=volume-hover-time]").waitFor();
  await page.screenshot({ path: join(ARTIFACTS, "logs-volume-hover-light.png") });
  // A drag zooms: the range and its end go into the URL.
  await page.mouse.move(box.x + box.width * 0.5, box.y + 20);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.9, box.y + 20, { steps: 5 });
  await page.mouse.up();
  await page.waitForURL(/end=\d+/);
  expect(new URL(page.url()).searchParams.get("range")).toMatch(/^(2[0-9]|1[0-9])m/);
  await page.close();
}, 30_000);

test("filter actions edit the query: a stream label in the selector, a field after | logfmt", async () => {
  const page = await newPage();
  await openLogs(page);
  const warn = page.locator("[data-testid=log-line]", { hasText: /seq=238 / });
  await warn.getByRole("button").click();
  await warn.getByRole("button", { name: 'Filter out level="warn"' }).click();
  const selector = '{app="api", level!="warn"} |= "request"';
  await page.waitForURL((u) => u.searchParams.get("q") === selector);
  await page.locator("[data-testid=log-lines][data-count='120']").waitFor();
  const error = page.locator("[data-testid=log-line]", { hasText: /seq=237 / });
  await error.getByRole("button").click();
  await error.getByRole("button", { name: 'Filter for seq="237"' }).click();
  await page.waitForURL((u) => u.searchParams.get("q") === `${selector} | logfmt | seq="237"`);
  await page.locator("[data-testid=log-lines][data-count='1']").waitFor();
  await page.close();
}, 30_000);

test("the lines stay in place when the volume arrives after them", async () => {
  const page = await newPage();
  // Hold Volume's answer back until the lines are drawn: the order a loaded server may answer in.
  let release!: () => void;
  const held = new Promise<void>((r) => {
    release = r;
  });
  await page.route("**/outpost.logs.v1.LogsService/Volume", async (route) => {
    await held;
    await route.continue();
  });
  await openLogs(page);
  const line = page.locator("[data-testid=log-line]").first();
  const before = (await line.boundingBox())!.y;
  release();
  await page.locator("[data-testid=volume-plot] canvas").waitFor();
  expect((await line.boundingBox())!.y).toBe(before);
  await page.close();
}, 30_000);

// Dark runs the query with a parser stage, whose lines carry labels no stored stream has.
for (const [scheme, query] of [
  ["light", QUERY],
  ["dark", `${QUERY} | logfmt`],
] as const)
  test(`the context shows the neighbouring lines of the stream (${scheme}: ${query})`, async () => {
    const page = await newPage(scheme);
    await openLogs(page, query);
    const line = page.locator("[data-testid=log-line]", { hasText: /seq=226 / });
    await line.getByRole("button").click();
    await line.locator("[data-testid=log-context-open]").click();
    const rows = page.locator("[data-testid=context-line]");
    await rows.nth(13).waitFor();
    const at = (await apiLines(QUERY)).find((l) => l.line.includes("seq=226 "))!;
    const api = await logs.context({
      stream: [...at.labels],
      timeNs: at.timeNs,
      before: 10,
      after: 10,
    });
    const want = [...api.before, ...api.at, ...api.after].map((e) => e.line);
    // Ten older lines of its stream, and the three newer ones there are.
    expect([api.before.length, api.at.length, api.after.length]).toEqual([10, 1, 3]);
    expect(await rows.locator("p:last-child").allInnerTexts()).toEqual(want);
    expect(
      await page.locator("[data-testid=context-line][data-where=line]").textContent(),
    ).toContain("seq=226 ");
    // Same stream: every fourth line of the sequence.
    expect(want[9]).toContain("seq=222 ");
    await page.screenshot({ path: join(ARTIFACTS, `logs-context-${scheme}.png`) });
    await page.keyboard.press("Escape");
    await page.locator("[data-testid=log-context]").waitFor({ state: "detached" });
    await page.close();
  }, 30_000);

test("downloads hold the listed lines, as raw text and as NDJSON", async () => {
  const page = await newPage();
  await openLogs(page, QUERY, "&order=oldest");
  const expected = (await apiLines(QUERY)).reverse();
  expect(await page.locator("[data-testid=log-text]").first().textContent()).toBe(expected[0].line);
  const [raw] = await Promise.all([
    page.waitForEvent("download"),
    page.locator("[data-testid=download-log]").click(),
  ]);
  expect(raw.suggestedFilename()).toMatch(/^outpost-logs-.*\.log$/);
  const text = await Bun.file((await raw.path())!).text();
  expect(text).toBe(expected.map((l) => `${l.line}\n`).join(""));
  const [json] = await Promise.all([
    page.waitForEvent("download"),
    page.locator("[data-testid=download-json]").click(),
  ]);
  const recs = (await Bun.file((await json.path())!).text())
    .trimEnd()
    .split("\n")
    .map((l) => JSON.parse(l));
  expect(recs).toHaveLength(180);
  expect(recs[0].line).toBe(expected[0].line);
  expect(recs[0].time_ns).toBe(String(expected[0].timeNs));
  expect(recs[0].labels.app).toBe("api");
  await page.close();
}, 30_000);

test("the editor highlights LogQL, completes label names and marks the server's parse error", async () => {
  const page = await newPage();
  await page.goto(`${aggregator.url}/logs`);
  const editor = page.locator("[data-testid=logql-editor] .cm-content");
  await editor.click();
  await page.keyboard.type("{ap");
  await page.locator(".cm-tooltip-autocomplete", { hasText: "app" }).waitFor();
  // CodeMirror ignores Enter on a completion list shown less than 75 ms ago (interactionDelay).
  await page.waitForTimeout(150);
  await page.keyboard.press("Enter");
  await page.keyboard.type('"a');
  await page.locator(".cm-tooltip-autocomplete", { hasText: "api" }).waitFor();
  await page.keyboard.press("Escape");
  expect(await editor.textContent()).toBe('{app="a"}');
  // The grammar tags tokens: the label name and the string are styled spans.
  expect(await editor.locator("span").count()).toBeGreaterThanOrEqual(2);
  await page.keyboard.press("End");
  await page.keyboard.type(" |= ");
  await page.locator("[data-testid=parse-error]").waitFor();
  expect(await page.locator("[data-testid=parse-error]").textContent()).toMatch(
    /syntax error|unexpected/,
  );
  await page.locator(".cm-lintRange-error").waitFor();
  await page.screenshot({ path: join(ARTIFACTS, "logs-editor-error-light.png") });
  await page.close();
}, 30_000);

test("the server's LogQL parse error is shown", async () => {
  const page = await newPage();
  await page.goto(`${aggregator.url}/logs?q=${encodeURIComponent('{app="api"')}`);
  // Said once: under the editor (its check of the text), or in the run's refusal.
  const err = page.locator("[data-testid=query-error], [data-testid=parse-error]");
  await err.first().waitFor();
  await Bun.sleep(500);
  expect(await err.count()).toBe(1);
  expect(await err.first().textContent()).toMatch(/parse error/);
  // Run is not left loading (Mantine's loader fades out in 150 ms).
  await page.locator("button[data-loading]").waitFor({ state: "detached" });
  await Bun.sleep(300);
  await page.screenshot({ path: join(ARTIFACTS, "logs-error-light.png") });
  await page.close();
}, 30_000);

test("a query that fails draws no volume, though its selector alone has lines", async () => {
  const page = await newPage();
  await page.goto(`${aggregator.url}/logs?q=${encodeURIComponent('{app="api"} | json | x ==')}`);
  await page.locator("[data-testid=query-error], [data-testid=parse-error]").first().waitFor();
  await page.locator("button[data-loading]").waitFor({ state: "detached" });
  await Bun.sleep(500);
  expect(await page.locator("[data-testid=volume]").count()).toBe(0);
  await page.close();
}, 30_000);

test("an empty answer says so", async () => {
  const page = await newPage("dark");
  await page.goto(`${aggregator.url}/logs?q=${encodeURIComponent('{app="none"}')}&range=5m`);
  await page.locator("[data-testid=logs-empty]").waitFor();
  await page.close();
}, 30_000);

test("a line published after Live was switched on appears on top within 2 s", async () => {
  const page = await newPage("dark");
  await page.goto(`${aggregator.url}/logs?q=${encodeURIComponent('{app="web"}')}&range=1h`);
  await page.locator("[data-testid=log-line]").first().waitFor();
  await page.getByRole("switch", { name: "Live" }).check({ force: true });
  await page.locator("[data-testid=live-state]", { hasText: "live" }).waitFor();
  await Bun.sleep(300);
  const t0 = Date.now();
  await publishLogs([record(3, BigInt(Date.now()) * 1_000_000n, "tailed now")]);
  const first = page.locator("[data-testid=log-text]").first();
  // Pushed, not polled; the bound is for a loaded machine.
  await first.filter({ hasText: "tailed now" }).waitFor({ timeout: 10_000 });
  expect(Date.now() - t0).toBeLessThan(10_000);
  await page.screenshot({ path: join(ARTIFACTS, "logs-live-dark.png") });
  // Paused, a new line is held back until Resume.
  await page.locator("[data-testid=live-pause]").click();
  await publishLogs([record(7, BigInt(Date.now()) * 1_000_000n, "held back")]);
  await page.locator("[data-testid=live-pause]", { hasText: "Resume (1 new)" }).waitFor();
  expect(await first.textContent()).toContain("tailed now");
  await page.locator("[data-testid=live-pause]").click();
  await first.filter({ hasText: "held back" }).waitFor({ timeout: 2000 });
  // Scrolled down, a new line on top does not move the line being read.
  const list = page.locator("[data-testid=log-lines]");
  await list.evaluate((el) => {
    el.scrollTop = 460;
  });
  const reading = page.locator("[data-testid=log-line][data-index='10']");
  const text = await reading.locator("[data-testid=log-text]").textContent();
  const before = (await reading.locator("[data-testid=log-text]").boundingBox())?.y;
  await publishLogs([record(11, BigInt(Date.now()) * 1_000_000n, "while reading")]);
  await page.locator("[data-testid=logs-summary]", { hasText: "3 live" }).waitFor();
  const moved = page.locator("[data-testid=log-text]", { hasText: text! });
  expect(await moved.evaluate((e) => e.closest("[data-index]")!.getAttribute("data-index"))).toBe(
    "11",
  );
  expect((await moved.boundingBox())?.y).toBe(before);
  await page.close();
}, 30_000);
