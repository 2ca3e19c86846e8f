/**
 * The web UI in headless Chromium against an in-process aggregator with known series: `/` opens
 * Explore, a query draws one line per series and its table equals /api/v1/query_range's last
 * points, the URL reproduces the view, and the screenshots of both themes land in
 * test/artifacts/. The login flow runs against a second aggregator with authentication on.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import type { Aggregator } from "../../aggregator/aggregator.ts";
import { buildUiIfStale } from "../../ui/build.ts";
import { parseDuration } from "../../ui/lib/time.ts";
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
const METRIC = "ui_test_metric";
const PASSWORD = "correct horse battery";

let nats: NatsServerHandle;
let dir: string;
let open: Aggregator;
let guarded: Aggregator;
let browser: Browser;

beforeAll(async () => {
  await buildUiIfStale();
  mkdirSync(ARTIFACTS, { recursive: true });
  nats = await startNatsServer();
  dir = mkdtempSync(join(tmpdir(), "outpost-ui-"));
  open = await startInProcessAggregator(dir, nats.url, "", "open");
  guarded = await startInProcessAggregator(dir, nats.url, "\nauth: {enabled: true}\n", "guarded");
  await guarded.auth!.addUser("alice", "viewer", PASSWORD);
  // Four series, a point every 15 s over the last 40 minutes.
  const nc = await connectTo(nats.url);
  const now = Math.floor(Date.now() / 15_000) * 15_000;
  const times = Array.from({ length: 160 }, (_, i) => now - (159 - i) * 15_000);
  await publishBatch(nc, syntheticBatch(makeSeries(4, METRIC), times), { msgId: "ui-1" });
  await waitForAllAcked(nc);
  await nc.close();
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await open?.stop();
  await guarded?.stop();
  await nats?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** A page of the size the screenshots are taken at, failing fast. */
async function newPage(): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  page.setDefaultTimeout(10_000);
  return page;
}

/** The range the shown result was asked for (the summary's data attributes), in ms. */
async function shownRange(page: Page): Promise<{ start: number; end: number; step: number }> {
  const summary = page.locator("[data-testid=result-summary]");
  await summary.waitFor();
  const attr = async (name: string) => Number(await summary.getAttribute(name));
  return {
    start: await attr("data-start-ms"),
    end: await attr("data-end-ms"),
    step: await attr("data-step-ms"),
  };
}

/** Runs `query` in Explore's editor with Ctrl+Enter; resolves with the range it was run over. */
async function runQuery(page: Page, query: string): ReturnType<typeof shownRange> {
  await page.locator(".cm-content").click();
  await page.keyboard.press("Control+A");
  await page.keyboard.type(query);
  await page.keyboard.press("Escape"); // closes the completion list
  await page.keyboard.press("Control+Enter");
  await page.waitForURL((u) => u.searchParams.get("q") === query);
  return shownRange(page);
}

/** The table's rows as series name → last value text. */
async function tableRows(page: Page): Promise<Map<string, string>> {
  await page.getByRole("tab", { name: "Table" }).click();
  const rows = page.locator("[data-testid=result-table] tbody tr");
  await rows.first().waitFor();
  const out = new Map<string, string>();
  for (const row of await rows.all()) {
    const cells = await row.locator("td").allInnerTexts();
    out.set(cells[0], cells[1]);
  }
  return out;
}

test("Explore draws one line per series and its table equals query_range's last points", async () => {
  const page = await newPage();
  // `/` is the home page now; Explore has its own path.
  await page.goto(`${open.url}/explore`);
  const shown = await runQuery(page, `${METRIC} * 2`);

  const legend = page.locator("[data-testid=graph] .u-legend .u-series");
  expect(await legend.count()).toBe(1 + 4); // the time column, then one entry per series
  expect(await page.locator("[data-testid=graph] canvas").count()).toBe(1);

  const params = new URLSearchParams({
    query: `${METRIC} * 2`,
    start: String(shown.start / 1000),
    end: String(shown.end / 1000),
    step: String(shown.step / 1000),
  });
  const api = (await (await fetch(`${open.url}/api/v1/query_range?${params}`)).json()) as {
    data: { result: { metric: Record<string, string>; values: [number, string][] }[] };
  };
  const expected = new Map(
    api.data.result.map((s) => {
      const labels = Object.entries(s.metric).map(([k, v]) => `${k}=${JSON.stringify(v)}`);
      return [`{${labels.join(", ")}}`, s.values.at(-1)![1]];
    }),
  );
  expect(expected.size).toBe(4);
  expect(await tableRows(page)).toEqual(expected);
  await page.screenshot({ path: join(ARTIFACTS, "explore-table-light.png") });
  await page.close();
}, 30_000);

test("Explore's URL reproduces the query, range and tab in a new page", async () => {
  const page = await newPage();
  await page.goto(`${open.url}/explore`);
  await runQuery(page, `sum(${METRIC})`);
  await page.getByRole("tab", { name: "Table" }).click();
  await page.getByRole("textbox", { name: "Time range" }).click();
  await page.getByRole("option", { name: "Last 15m" }).click();
  await page.waitForURL(/range=15m/);
  const url = page.url();
  expect(new URL(url).searchParams.get("q")).toBe(`sum(${METRIC})`);
  expect(new URL(url).searchParams.get("tab")).toBe("table");

  const again = await newPage();
  await again.goto(url);
  const shown = await shownRange(again);
  expect(shown.end - shown.start).toBe(15 * 60_000);
  expect(await again.locator(".cm-content").textContent()).toBe(`sum(${METRIC})`);
  expect((await tableRows(again)).size).toBe(1);
  await page.close();
  await again.close();
}, 30_000);

test("Home loads no Explore code; an Explore link preloads Explore's chunks from index.html", async () => {
  // Scripts only: index.html links every page's stylesheet (Bun puts all CSS there).
  const loaded = async (page: Page) =>
    (
      (await page.evaluate(
        "performance.getEntriesByType('resource').map((e) => e.name.split('/').pop())",
      )) as string[]
    ).filter((f) => f.endsWith(".js"));
  const home = await newPage();
  await home.goto(`${open.url}/`);
  await home.locator("[data-testid=home-alerts]").waitFor();
  expect((await loaded(home)).filter((f) => f.startsWith("Explore-"))).toEqual([]);
  await home.close();

  const page = await newPage();
  await page.goto(`${open.url}/explore?q=${METRIC}`);
  await page.locator(".cm-content").waitFor();
  const preloaded = (await page.evaluate(
    "[...document.querySelectorAll('link[rel=modulepreload]')].map((l) => l.href.split('/').pop())",
  )) as string[];
  expect(preloaded.some((f) => f.startsWith("Explore-"))).toBe(true);
  // Each preloaded chunk is one the page then runs (none wasted, none fetched twice).
  const files = await loaded(page);
  for (const f of preloaded) expect(files.filter((x) => x === f)).toHaveLength(1);
  await page.close();
});

test("a drag across the graph zooms: the URL gets the narrower range and its end", async () => {
  const page = await newPage();
  await page.goto(`${open.url}/explore?q=${METRIC}&range=1h`);
  await page.locator("[data-testid=graph] canvas").waitFor();
  const box = (await page.locator("[data-testid=graph] .u-over").boundingBox())!;
  await page.mouse.move(box.x + box.width * 0.5, box.y + 50);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.75, box.y + 50, { steps: 5 });
  await page.mouse.up();
  await page.waitForURL(/end=\d+/);
  const range = parseDuration(new URL(page.url()).searchParams.get("range")!)!;
  // A quarter of the plot's width, give or take uPlot's cursor snapping.
  expect(range).toBeGreaterThan(5 * 60_000);
  expect(range).toBeLessThan(20 * 60_000);
  // The query runs again over exactly the zoomed range.
  const end = Number(new URL(page.url()).searchParams.get("end"));
  const summary = page.locator(`[data-testid=result-summary][data-start-ms="${end - range}"]`);
  await summary.waitFor();
  expect(Number(await summary.getAttribute("data-end-ms"))).toBe(end);
  await page.close();
}, 30_000);

test("a parse error from the server's parser is shown in the editor as the user types", async () => {
  const page = await newPage();
  await page.goto(`${open.url}/explore`);
  await page.locator(".cm-content").click();
  // The editor closes brackets as they are typed: a missing matcher value is the error here.
  await page.keyboard.type(`sum(${METRIC}{job=})`);
  await page.keyboard.press("Escape");
  const marked = page.locator(".cm-lintRange-error");
  await marked.waitFor();
  await marked.hover();
  await expect(page.locator("[data-testid=parse-error]").textContent()).resolves.toBe(
    `1:24: parse error: unexpected "}" in label matching, expected string`,
  );
  await page.screenshot({ path: join(ARTIFACTS, "editor-parse-error.png") });
  await expect(page.locator(".cm-tooltip-lint").textContent()).resolves.toContain(
    `unexpected "}" in label matching, expected string`,
  );
  // Run anyway: the server's refusal is the same parse error, so it is not said twice.
  await page.locator(".cm-content").click();
  await page.keyboard.press("Control+Enter");
  await page.waitForURL((u) => u.searchParams.get("q") !== null);
  await Bun.sleep(500);
  expect(await page.locator("[data-testid=query-error]").count()).toBe(0);
  expect(await page.locator("[data-testid=parse-error]").count()).toBe(1);
  await page.close();
}, 30_000);

test("the editor completes metric names from the server", async () => {
  const page = await newPage();
  await page.goto(`${open.url}/explore`);
  await page.locator(".cm-content").click();
  await page.keyboard.type("ui_test_m");
  const option = page.locator(".cm-tooltip-autocomplete li", { hasText: METRIC });
  await option.first().waitFor();
  await page.screenshot({ path: join(ARTIFACTS, "editor-completion.png") });
  // Running (Ctrl+Enter) closes the list, which would cover the result.
  await page.keyboard.press("Control+Enter");
  await page.locator(".cm-tooltip-autocomplete").waitFor({ state: "detached" });
  await page.close();
}, 30_000);

test("screenshots of Explore in the light and dark themes, the theme kept across a reload", async () => {
  const page = await newPage();
  await page.emulateMedia({ colorScheme: "light" });
  await page.goto(`${open.url}/explore?q=${METRIC}&range=1h`);
  await page.locator("[data-testid=graph] canvas").waitFor();
  await page.locator("button[data-loading]").waitFor({ state: "detached" });
  await page.waitForTimeout(300); // the Run button's loader fades out
  const scheme = () => page.locator("html").getAttribute("data-mantine-color-scheme");
  expect(await scheme()).toBe("light");
  await page.screenshot({ path: join(ARTIFACTS, "explore-light.png"), fullPage: true });
  await page.locator("[data-testid=theme-toggle]").click();
  expect(await scheme()).toBe("dark");
  await page.reload();
  await page.locator("[data-testid=graph] canvas").waitFor();
  await page.locator("button[data-loading]").waitFor({ state: "detached" });
  await page.waitForTimeout(300);
  expect(await scheme()).toBe("dark");
  await page.screenshot({ path: join(ARTIFACTS, "explore-dark.png"), fullPage: true });
  await page.close();
}, 30_000);

test("with authentication on, the page loads, the API refuses, and logging in opens Explore", async () => {
  expect((await fetch(`${guarded.url}/`)).status).toBe(200);
  expect((await fetch(`${guarded.url}/explore?q=up`)).status).toBe(200);
  const anonymous = await fetch(`${guarded.url}/api/v1/query?query=up`);
  expect(anonymous.status).toBe(401);
  expect(anonymous.headers.get("WWW-Authenticate")).toContain("Basic");
  // A page's script gets no Basic challenge: the browser would open its own password dialog.
  const fromScript = await fetch(`${guarded.url}/outpost.auth.v1.AuthService/WhoAmI`, {
    method: "POST",
    headers: { "Content-Type": "application/json", "Sec-Fetch-Mode": "cors" },
    body: "{}",
  });
  expect(fromScript.status).toBe(401);
  expect(fromScript.headers.get("WWW-Authenticate")).toBeNull();
  const page = await newPage();
  // No fades (ui/styles.css under reduced motion): the screenshots show the settled page, not
  // the Log in button's loader mid-fade.
  await page.emulateMedia({ reducedMotion: "reduce" });
  await page.goto(`${guarded.url}/explore?q=${METRIC}`);
  await page.locator("input[autocomplete=username]").fill("alice");
  await page.getByLabel("Password").fill("wrong password");
  await page.getByRole("button", { name: "Log in" }).click();
  await page.locator("[data-testid=login-error]").waitFor();
  // The loading overlay (the button's ::before) fades over 150 ms unless motion is reduced.
  const fade = await page
    .getByRole("button", { name: "Log in" })
    .evaluate(
      (el) => el.ownerDocument.defaultView!.getComputedStyle(el, "::before").transitionDuration,
    );
  expect(fade).toBe("0s");
  await page.screenshot({ path: join(ARTIFACTS, "login-error.png") });
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Log in" }).click();
  // The query is a POST with the session cookie: the guard lets it through only with the CSRF
  // header, so a graph means the header was sent.
  await page.locator("[data-testid=graph] canvas").waitFor();
  expect(await page.locator("[data-testid=query-error]").count()).toBe(0);
  await page.screenshot({ path: join(ARTIFACTS, "explore-after-login.png") });
  await page.getByRole("button", { name: "Log out" }).click();
  await page.getByRole("button", { name: "Log in" }).waitFor();
  await page.close();
}, 30_000);
