/**
 * The Logs page in headless Chromium against an in-process aggregator (real nats-server) fed
 * through the real ingest path (encoded, compressed batches on JetStream, as
 * test/integration/connect_logs.test.ts does): the lines shown for a query are the ones
 * LogsService.Query answers, newest first; the volume graph is drawn; the server's LogQL parse
 * error is shown; a line published after **Live** was switched on appears within 2 s.
 * Screenshots of both themes.
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

for (const scheme of ["light", "dark"] as const)
  test(`the page shows the lines Query answers, newest first (${scheme})`, async () => {
    const query = '{app="api"} |= "request"';
    const page = await newPage(scheme);
    await page.goto(`${aggregator.url}/logs?q=${encodeURIComponent(query)}&range=1h`);
    await page.locator("[data-testid=log-line]").first().waitFor();
    await page.locator("[data-testid=volume] canvas").waitFor();
    const endNs = BigInt(Date.now()) * 1_000_000n;
    const api = await logs.query({
      query,
      at: { case: "range", value: { startNs: endNs - 3600n * S, endNs } },
      limit: 1000,
      direction: Direction.BACKWARD,
    });
    if (api.result.case !== "streams") throw new Error("not streams");
    const expected = flattenLines(api.result.value.streams);
    expect(expected).toHaveLength(180);
    const shown = await page.locator("[data-testid=log-text]").allInnerTexts();
    expect(shown).toEqual(expected.map((l) => l.line));
    const times = await page
      .locator("[data-testid=log-line]")
      .evaluateAll((els) => els.map((e) => BigInt(e.getAttribute("data-time-ns")!)));
    expect(times).toEqual([...times].sort((a, b) => (a < b ? 1 : a > b ? -1 : 0)));
    expect(await page.locator("[data-testid=log-level]").first().innerText()).toMatch(
      /^(info|error|warn)$/i,
    );
    // A click opens the line's labels and structured metadata.
    const even = page.locator("[data-testid=log-line]", { hasText: /seq=238 / });
    await even.click();
    const details = await even.locator("[data-testid=log-details]").innerText();
    expect(details).toContain("trace_id");
    expect(details).toContain("t238");
    await page.screenshot({ path: join(ARTIFACTS, `logs-${scheme}.png`), fullPage: false });
    await page.close();
  }, 30_000);

test("the server's LogQL parse error is shown", async () => {
  const page = await newPage();
  await page.goto(`${aggregator.url}/logs?q=${encodeURIComponent('{app="api"')}`);
  const err = page.locator("[data-testid=query-error]");
  await err.waitFor();
  expect(await err.innerText()).toMatch(/parse error/);
  // Run is not left loading (Mantine's loader fades out in 150 ms).
  await page.locator("button[data-loading]").waitFor({ state: "detached" });
  await Bun.sleep(300);
  await page.screenshot({ path: join(ARTIFACTS, "logs-error-light.png") });
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
  await first.filter({ hasText: "tailed now" }).waitFor({ timeout: 2000 });
  expect(Date.now() - t0).toBeLessThan(2000);
  await page.screenshot({ path: join(ARTIFACTS, "logs-live-dark.png") });
  // Paused, a new line is held back until Resume.
  await page.locator("[data-testid=live-pause]").click();
  await publishLogs([record(7, BigInt(Date.now()) * 1_000_000n, "held back")]);
  await page.locator("[data-testid=live-pause]", { hasText: "Resume (1 new)" }).waitFor();
  expect(await first.innerText()).toContain("tailed now");
  await page.locator("[data-testid=live-pause]").click();
  await first.filter({ hasText: "held back" }).waitFor({ timeout: 2000 });
  await page.close();
}, 30_000);
