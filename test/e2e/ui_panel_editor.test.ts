/**
 * The panel editor in headless Chromium, on a page that holds only it (the dashboard page
 * that opens it is built elsewhere), talking to an in-process aggregator for the PromQL
 * editor's parse checks and completion: a Node Exporter Full panel is edited (title, unit,
 * decimals, a threshold, a new query with a legend) and the panel Apply returns keeps every
 * field the editor does not show; dashboard variables do not fail the parse check, a broken
 * query does; a text panel's content and mode. Screenshots of both themes land in
 * test/artifacts/.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import type { Browser, Page } from "playwright-core";
import type { Aggregator } from "../../aggregator/aggregator.ts";
import type { Panel } from "../../ui/lib/dashboards/types.ts";
import { startInProcessAggregator } from "../harness/aggregator.ts";
import { launchChromium } from "../harness/browser.ts";
import { type NatsServerHandle, startNatsServer } from "../harness/nats.ts";
import { freePort } from "../harness/ports.ts";

const ARTIFACTS = join(import.meta.dir, "..", "artifacts");
const ROOT = join(import.meta.dir, "..", "..");
const NODE = join(ROOT, "test", "fixtures", "ecosystem", "grafana", "node-exporter-full.json");

let nats: NatsServerHandle;
let dir: string;
let agg: Aggregator;
let server: ReturnType<typeof Bun.serve>;
let browser: Browser;

/** Node Exporter Full's "CPU Basic": two queries with variables, overrides, options. */
function cpuBasic(): Panel {
  const walk = (ps: Panel[]): Panel[] =>
    ps.flatMap((p) => (p.type === "row" ? walk(p.panels ?? []) : [p]));
  const all = walk(JSON.parse(readFileSync(NODE, "utf8")).panels);
  return all.find((p) => p.id === 77)!;
}

/** Builds the editor's harness page and serves it, passing Connect calls to the aggregator. */
async function serveHarness(): Promise<ReturnType<typeof Bun.serve>> {
  const out = join(dir, "harness");
  const built = await Bun.build({
    entrypoints: [join(ROOT, "ui", "components", "dashboards", "editor", "harness.tsx")],
    outdir: out,
    target: "browser",
    define: { "process.env.NODE_ENV": JSON.stringify("development") },
  });
  if (!built.success) throw new AggregateError(built.logs, "Cannot build the editor's harness");
  const names = built.outputs.map((o) => basename(o.path));
  const css = names
    .filter((n) => n.endsWith(".css"))
    .map((n) => `<link rel=stylesheet href=/${n}>`);
  const js = names
    .filter((n) => n.endsWith(".js"))
    .map((n) => `<script type=module src=/${n}></script>`);
  writeFileSync(
    join(out, "index.html"),
    `<!doctype html><html lang=en><head><meta charset=utf-8>${css.join("")}</head><body><div id=root></div>${js.join("")}</body></html>`,
  );
  return Bun.serve({
    hostname: "127.0.0.1",
    port: await freePort(),
    async fetch(req) {
      const url = new URL(req.url);
      if (url.pathname.startsWith("/outpost."))
        return fetch(`${agg.url}${url.pathname}`, {
          method: req.method,
          headers: req.headers,
          body: await req.arrayBuffer(),
        });
      const file = url.pathname === "/" ? "index.html" : url.pathname.slice(1);
      const f = Bun.file(join(out, basename(file)));
      return (await f.exists()) ? new Response(f) : new Response("not found", { status: 404 });
    },
  });
}

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  dir = mkdtempSync(join(tmpdir(), "outpost-ui-editor-"));
  nats = await startNatsServer();
  agg = await startInProcessAggregator(dir, nats.url, "");
  server = await serveHarness();
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  server?.stop(true);
  await agg?.stop();
  await nats?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** The harness page with `panel` in the editor. */
async function editor(panel: Panel, scheme: "light" | "dark" = "light"): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.setDefaultTimeout(15_000);
  await page.emulateMedia({ colorScheme: scheme });
  await page.addInitScript(
    ([p, v]) => {
      Object.assign(globalThis, { __panel: p, __variables: v });
    },
    [
      panel,
      [
        { name: "node", type: "query" },
        { name: "job", type: "query" },
      ],
    ] as const,
  );
  await page.goto(`http://127.0.0.1:${server.port}/`);
  await page.getByRole("dialog").waitFor();
  return page;
}

/** What Apply handed back. */
async function applied(page: Page): Promise<Panel> {
  await page.locator("[data-testid=editor-closed]").waitFor();
  return page.evaluate(() => (globalThis as unknown as { __applied: Panel }).__applied);
}

test("an edited panel keeps every field the editor does not show", async () => {
  const before = cpuBasic();
  const page = await editor(before);
  const targets = page.locator("[data-testid=panel-target]");
  expect(await targets.count()).toBe(before.targets!.length);
  // The variables in A are stood in for: the server's parser finds nothing wrong.
  await Bun.sleep(1200);
  expect(await targets.first().locator(".cm-lintRange-error").count()).toBe(0);

  await page.getByRole("textbox", { name: "Title" }).fill("CPU, edited");
  await page.getByRole("textbox", { name: "Unit" }).fill("percent");
  await page.getByRole("textbox", { name: "Decimals" }).fill("2");
  await page.getByRole("button", { name: "+ Add threshold" }).click();
  await page.getByRole("button", { name: "+ Add query" }).click();
  const added = targets.last();
  await added.locator(".cm-content").click();
  // The editor closes brackets as they open: a matcher without its value.
  await page.keyboard.type("up{job=}");
  await page.keyboard.press("Escape");
  // A broken query is marked by the server's parser.
  await added.locator(".cm-lintRange-error").waitFor();
  await page.keyboard.press("Control+A");
  await page.keyboard.type("rate(up[5m]");
  await page.keyboard.press("Escape");
  await added.locator(".cm-lintRange-error").waitFor({ state: "detached" });
  await added.getByRole("textbox", { name: "Legend" }).fill("{{job}}");
  await shot(page, "panel-editor-light.png");
  await page.getByRole("button", { name: "Apply" }).click();
  const after = await applied(page);

  expect(after.title).toBe("CPU, edited");
  const d = after.fieldConfig!.defaults;
  expect([d.unit, d.decimals]).toEqual(["percent", 2]);
  const steps = before.fieldConfig!.defaults.thresholds!.steps;
  // Its base step is Grafana's `{color}` without a value; the new step goes 10 above the top.
  expect(d.thresholds!.steps).toEqual([...steps, { value: 10, color: "red" }]);
  const newRef = after.targets!.at(-1)!;
  expect(newRef).toEqual({ refId: "G", expr: "rate(up[5m])", legendFormat: "{{job}}" });
  // Everything else, to the last field, is the panel as it came.
  expect(after.targets!.slice(0, -1)).toEqual(before.targets!);
  const { title: _a, fieldConfig: fa, targets: _t, ...restAfter } = after;
  const { title: _b, fieldConfig: fb, targets: _u, ...restBefore } = before;
  expect(restAfter).toEqual(restBefore);
  expect(fa!.overrides).toEqual(fb!.overrides);
  const { unit: _x, decimals: _y, thresholds: _z, ...otherDefaults } = d;
  const { unit: _p, decimals: _q, thresholds: _r, ...beforeDefaults } = fb!.defaults;
  expect(otherDefaults).toEqual(beforeDefaults);
  await page.close();
}, 60_000);

test("in the dark theme the editor is drawn, and Cancel hands nothing back", async () => {
  const page = await editor(cpuBasic(), "dark");
  await page.locator("[data-testid=panel-target]").first().waitFor();
  await shot(page, "panel-editor-dark.png");
  // The unit list finds ids by their names too.
  await page.getByRole("textbox", { name: "Unit" }).fill("sec");
  await page.getByRole("option").nth(5).waitFor();
  expect(await page.getByRole("option").allTextContents()).toEqual([
    "Bpsbytes/sec (SI)",
    "bpsbits/sec (SI)",
    "sseconds",
    "msmilliseconds",
    "reqpsrequests/sec",
    "opsops/sec",
  ]);
  await shot(page, "panel-editor-units-dark.png");
  await page.getByRole("button", { name: "Cancel" }).click();
  await page.locator("[data-testid=editor-closed]").waitFor();
  expect(await page.evaluate(() => "__applied" in globalThis)).toBe(false);
  await page.close();
}, 30_000);

test("value mappings, the legend and field overrides are edited and saved as Grafana saves them", async () => {
  const before = cpuBasic();
  const page = await editor(before, "dark");
  await page.getByRole("button", { name: "+ Add value mapping" }).click();
  await page.getByRole("menuitem", { name: "Value" }).click();
  await page.getByRole("textbox", { name: "Mapping 1 value" }).fill("0");
  await page.getByRole("textbox", { name: "Mapping 1 text" }).fill("idle");
  await page.getByRole("button", { name: "+ Add value mapping" }).click();
  await page.getByRole("menuitem", { name: "Special" }).click();
  await page.getByRole("textbox", { name: "Mapping 2 text" }).fill("no data");
  const legend = page.locator("[data-testid=legend-options]");
  await legend.getByText("Table", { exact: true }).click();
  await legend.getByText("Right", { exact: true }).click();
  await page.getByRole("textbox", { name: "Values" }).click();
  await page.getByRole("option", { name: "Mean" }).click();
  await page.keyboard.press("Escape");
  // Node Exporter Full's five colour overrides are listed; the first is removed, one added.
  expect(await page.locator("[data-testid=override]").count()).toBe(5);
  await page.getByRole("button", { name: "Remove override 1", exact: true }).click();
  await page.getByRole("button", { name: "+ Add field override" }).click();
  await page.getByRole("textbox", { name: "Override 5 fields" }).fill("Idle");
  await page.getByRole("button", { name: "+ Add property" }).last().click();
  await page.getByRole("textbox", { name: "Override 5 property 1" }).fill("custom.fillOpacity");
  const value = page.getByRole("textbox", { name: "Override 5 value 1" });
  await value.fill("0");
  await value.blur();
  await page.locator("[data-testid=override]").last().scrollIntoViewIfNeeded();
  await shot(page, "panel-editor-overrides-dark.png");
  await page.getByRole("button", { name: "Apply" }).click();
  const after = await applied(page);

  expect(after.fieldConfig!.defaults.mappings).toEqual([
    { type: "value", options: { "0": { text: "idle", index: 0 } } },
    { type: "special", options: { match: "null", result: { text: "no data", index: 1 } } },
  ]);
  expect(after.options!.legend).toEqual({
    calcs: ["mean"],
    displayMode: "table",
    placement: "right",
    showLegend: true,
    width: 250,
  });
  expect(after.fieldConfig!.overrides).toEqual([
    ...before.fieldConfig!.overrides.slice(1),
    {
      matcher: { id: "byName", options: "Idle" },
      properties: [{ id: "custom.fillOpacity", value: 0 }],
    },
  ]);
  // The rest of the options (the tooltip) is kept.
  expect(after.options!.tooltip).toEqual(before.options!.tooltip);
  await page.close();
}, 60_000);

test("a text panel edits its content and mode, and a logs panel's query is LogQL", async () => {
  const text: Panel = {
    id: 9,
    type: "text",
    title: "Notes",
    gridPos: { x: 0, y: 0, w: 8, h: 4 },
    options: { code: { language: "plaintext", showLineNumbers: false } },
  };
  const page = await editor(text);
  await page.getByRole("textbox", { name: "Content" }).fill("<b>Runbook</b>");
  await page.getByText("html", { exact: true }).click();
  await page.getByRole("button", { name: "Apply" }).click();
  expect(await applied(page)).toEqual({
    ...text,
    options: { ...text.options, content: "<b>Runbook</b>", mode: "html" },
  });
  await page.close();

  const logs: Panel = {
    id: 10,
    type: "logs",
    gridPos: { x: 0, y: 0, w: 8, h: 4 },
    datasource: { type: "loki", uid: "outpost-loki" },
    targets: [{ refId: "A", expr: '{app="api"}' }],
  };
  const lp = await editor(logs);
  expect(await lp.locator("[data-testid=logql-editor]").count()).toBe(1);
  expect(await lp.locator("[data-testid=promql-editor]").count()).toBe(0);
  await lp.close();
}, 30_000);

const shot = (page: Page, name: string) =>
  page.screenshot({ path: join(ARTIFACTS, name), fullPage: true });
