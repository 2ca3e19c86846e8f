/**
 * The dashboard panel renderers in headless Chromium: a test-only page
 * (test/fixtures/ui_panels/entry.tsx) bundled here with Bun.build draws every gallery panel with
 * the real `PanelBody`; each renders without an error state and with its canvas or SVG, the stat
 * shows Grafana's "1.50 GiB", the table merges, renames, maps and sorts, HTML text runs no script,
 * a drag zooms, the tooltip shows units; screenshots of both themes go to test/artifacts/.
 */
import { afterAll, beforeAll, expect, setDefaultTimeout, test } from "bun:test";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { GALLERY, TITLES } from "../fixtures/ui_panels/gallery.ts";
import { EDGES } from "../fixtures/ui_panels/gallery_edges.ts";
import { launchChromium } from "../harness/browser.ts";
import { type PanelGallery, startPanelGallery } from "../harness/panel_gallery.ts";

const ARTIFACTS = join(import.meta.dir, "..", "artifacts");
let gallery: PanelGallery;
let browser: Browser;
let light: { page: Page; errors: string[] };

// Eight helpers share two cores: a page of 24 panels can take seconds to draw.
setDefaultTimeout(60_000);

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  gallery = await startPanelGallery();
  browser = await launchChromium();
  light = await open("light");
}, 120_000);

afterAll(async () => {
  await browser?.close();
  gallery?.stop();
});

/** The gallery in `theme`, failing on any page error; resolves once every panel is drawn. */
async function open(
  theme: "light" | "dark",
  dashboard?: string,
): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1500, height: 900 } });
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(e.message));
  page.on("console", (m) => {
    // The HTML text panel's <img src=x> is a deliberate broken image (its onerror is the test).
    if (m.type() === "error" && !m.text().startsWith("Failed to load resource"))
      errors.push(m.text());
  });
  await page.goto(`${gallery.url}?theme=${theme}${dashboard ? `&dashboard=${dashboard}` : ""}`);
  await page.waitForSelector(
    dashboard ? '[data-testid="panel-1"]' : `[data-testid="panel-${GALLERY.length}"]`,
  );
  await page.waitForFunction('document.querySelectorAll(".uplot").length >= 5');
  return { page, errors };
}

function card(page: Page, title: string) {
  return page.locator(`[data-title="${title}"]`);
}

test("every supported panel renders with no error state, its canvas or SVG drawn", async () => {
  const { page, errors } = light;
  for (const { panel } of GALLERY) {
    const el = page.locator(`[data-testid="panel-${panel.id}"]`);
    const state = await el
      .locator('[data-testid="panel-state"]')
      .getAttribute("data-state", { timeout: 200 })
      .catch(() => null);
    if (["Loading", "Error", "No data", TITLES.unsupported].includes(panel.title ?? "")) {
      expect(state).not.toBeNull();
      continue;
    }
    expect({ title: panel.title, state }).toEqual({ title: panel.title, state: null });
    const body = el.locator(`[data-testid="panel-body"][data-panel-type="${panel.type}"]`);
    expect(await body.count()).toBe(1);
    const drawn = {
      timeseries: "canvas",
      heatmap: "canvas",
      gauge: "svg",
      "state-timeline": "svg",
    }[panel.type];
    if (drawn) expect(await body.locator(drawn).count()).toBeGreaterThan(0);
    // Sized exactly to the props: nothing spills past the body.
    const box = await body.boundingBox();
    expect(box?.width).toBeCloseTo(GALLERY[panel.id - 1].width, 0);
    expect(box?.height).toBeCloseTo(GALLERY[panel.id - 1].height, 0);
  }
  expect(errors).toEqual([]);
});

test("the shared states say what Grafana says", async () => {
  const { page } = light;
  expect(await card(page, TITLES.unsupported).innerText()).toContain(
    'Panel type "piechart" is not supported',
  );
  expect(await card(page, "No data").innerText()).toContain("No data");
  expect(await card(page, "Error").innerText()).toContain("parse error at line 1, col 5");
  expect(await card(page, "Loading").locator('[data-state="loading"]').count()).toBe(1);
});

test("the stat shows the last value in Grafana's bytes unit", async () => {
  const { page } = light;
  expect(await card(page, TITLES.bytesStat).locator('[data-testid="stat-value"]').innerText()).toBe(
    "1.50 GiB",
  );
  expect(await card(page, "Up (value mappings)").innerText()).toContain("UP");
  expect(await card(page, "Up (value mappings)").innerText()).toContain("DOWN");
  expect(
    await card(page, "Disk used (gauge)").locator('[data-testid="gauge-value"]').textContent(),
  ).toBe("73.4%");
});

test("the table merges the two queries, applies organize, mappings and units, and sorts by a header", async () => {
  const { page } = light;
  const table = card(page, TITLES.table).locator('[data-testid="panel-table"]');
  expect(await table.locator("th").allInnerTexts()).toEqual(["instance ▲", "job", "Up", "Scrape"]);
  const rows = async () =>
    (await table.locator("tbody tr").allInnerTexts()).map((r) => r.split("\t").join("|"));
  expect(await rows()).toEqual([
    "api:9100|node|UP|250.0 ms",
    "db:9100|node|DOWN|12.3 ms",
    "web:9100|node|UP|1.5 s",
  ]);
  await table.locator("th", { hasText: "Scrape" }).click();
  await table.locator("th", { hasText: "Scrape" }).click();
  expect((await rows())[0]).toStartWith("web:9100");
});

test("HTML text runs no script and keeps only safe links", async () => {
  const { page } = light;
  await page.waitForTimeout(200);
  expect(
    await page.evaluate(() => (globalThis as unknown as { __xss?: number }).__xss),
  ).toBeUndefined();
  const links = card(page, TITLES.html).locator("a");
  expect(await links.nth(0).getAttribute("href")).toBeNull();
  expect(await links.nth(1).getAttribute("href")).toBe("https://example.com");
  expect(await card(page, "Markdown text").locator("h2").innerText()).toBe("Runbook");
});

test("the logs panel lists newest first and opens a line's labels on a click", async () => {
  const { page } = light;
  const rows = card(page, "Logs").locator('[data-testid="log-row"]');
  expect(await rows.first().innerText()).toContain("request 5 served");
  await rows.first().click();
  expect(await card(page, "Logs").locator('[data-testid="log-details"]').innerText()).toContain(
    "app: api",
  );
  await rows.first().click();
  expect(await card(page, "Logs").locator('[data-testid="log-details"]').count()).toBe(0);
});

test("hovering the time series shows values in their unit; a drag zooms", async () => {
  const { page } = light;
  const over = card(page, TITLES.timeseries).locator(".u-over");
  // Earlier tests clicked further down the page: bring the chart back into the viewport.
  await over.scrollIntoViewIfNeeded();
  const box = (await over.boundingBox())!;
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  const tip = card(page, TITLES.timeseries).locator('[data-testid="tooltip"]');
  await tip.waitFor();
  expect(await tip.innerText()).toMatch(/user\s+[\d.]+%/);
  expect(
    await card(page, TITLES.timeseries).locator('[data-testid="legend"] th').allInnerTexts(),
  ).toEqual(["Name", "Mean", "Max", "Last *"]);
  // legend.sortBy "Mean", descending.
  const names = await card(page, TITLES.timeseries)
    .locator('[data-testid="legend"] tbody tr td:first-child')
    .allInnerTexts();
  expect(names.map((n) => n.trim())).toEqual(["iowait", "system", "user"]);
  await page.mouse.move(box.x + box.width * 0.25, box.y + 20);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.5, box.y + 20, { steps: 5 });
  await page.mouse.up();
  const zoom = await page.evaluate(
    () => (globalThis as unknown as { __zoom?: { from: number; to: number } }).__zoom,
  );
  const { from, to } = GALLERY[0].data.timeRange;
  expect(zoom!.from).toBeGreaterThan(from + (to - from) * 0.2);
  expect(zoom!.to).toBeLessThan(from + (to - from) * 0.55);
});

test("panels whose y range uPlot would leave empty draw, and the page keeps answering", async () => {
  // Over such a range uPlot's tick loop never ends: the page would not load, nor answer after.
  const page = await browser.newPage({ viewport: { width: 1500, height: 900 } });
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(e.message));
  await page.goto(`${gallery.url}?theme=dark&set=edges`, { timeout: 20_000 });
  await page.waitForFunction(
    `document.querySelectorAll(".uplot canvas").length === ${EDGES.length}`,
    undefined,
    {
      timeout: 20_000,
    },
  );
  expect(await page.locator('[data-testid="panel-state"]').allTextContents()).toEqual([]);
  expect(await page.evaluate("1 + 1", undefined)).toBe(2);
  expect(errors).toEqual([]);
  await page.screenshot({ path: join(ARTIFACTS, "panels-edges-dark.png"), fullPage: true });
  await page.close();
});

test("screenshots of every panel in the light and dark themes", async () => {
  await light.page.mouse.move(0, 0);
  await light.page.screenshot({ path: join(ARTIFACTS, "panels-light.png"), fullPage: true });
  const { page, errors } = await open("dark");
  await page.screenshot({ path: join(ARTIFACTS, "panels-dark.png"), fullPage: true });
  // One file per panel too, to look at each at full size.
  mkdirSync(join(ARTIFACTS, "panels"), { recursive: true });
  for (const [theme, p] of [
    ["light", light.page],
    ["dark", page],
  ] as const)
    for (const { panel } of GALLERY)
      await p
        .locator(`[data-testid="panel-${panel.id}"]`)
        .screenshot({ path: join(ARTIFACTS, "panels", `${theme}-${panel.id}.png`) });
  expect(errors).toEqual([]);
  await page.close();
});

test.each([
  ["node-exporter-full.json", 125],
  ["redis-exporter.json", 13],
])("every panel of %s draws with its own options and made-up data", async (file, count) => {
  const { page, errors } = await open("dark", file);
  const cards = page.locator("[data-card]");
  expect(await cards.count()).toBe(count);
  // No error, unsupported or "Cannot draw" state anywhere: every type there is drawn.
  expect(await page.locator('[data-testid="panel-state"]').allTextContents()).toEqual([]);
  expect(await page.locator('[data-testid="panel-body"]').count()).toBe(count);
  expect(errors).toEqual([]);
  const name = file.replace(".json", "");
  await page.screenshot({ path: join(ARTIFACTS, `panels-${name}-dark.png`), fullPage: true });
  // The top of the page at full size: the dashboard's stats, gauges and first graphs.
  await page.screenshot({ path: join(ARTIFACTS, `panels-${name}-top-dark.png`) });
  await page.close();
});
