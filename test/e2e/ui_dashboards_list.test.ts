/**
 * The Dashboards list in headless Chromium against an in-process aggregator (real
 * nats-server): Node Exporter Full imported unchanged by paste, the redis export (with
 * `__inputs`) and every mixin dashboard by file; search, tag and folder filters narrow the
 * list as SearchDashboards does; an export downloaded through the page and imported again as
 * a copy loses nothing; versions are compared and the first restored; delete and folders.
 * The tests run in order and build on each other. Screenshots of both themes land in
 * test/artifacts/.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { type Client, createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-web";
import type { Browser, Page } from "playwright-core";
import type { Aggregator } from "../../aggregator/aggregator.ts";
import { DashboardsService } from "../../proto/gen/outpost/dashboards/v1/dashboards_pb.ts";
import { buildUiIfStale } from "../../ui/build.ts";
import { countPanels } from "../../ui/lib/dashboards/import.ts";
import { startInProcessAggregator } from "../harness/aggregator.ts";
import { launchChromium } from "../harness/browser.ts";
import { type NatsServerHandle, startNatsServer } from "../harness/nats.ts";

const ARTIFACTS = join(import.meta.dir, "..", "artifacts");
const ECOSYSTEM = join(import.meta.dir, "..", "fixtures", "ecosystem");
const NODE_FILE = join(ECOSYSTEM, "grafana", "node-exporter-full.json");
const NODE = readFileSync(NODE_FILE, "utf8");
const REDIS_FILE = join(ECOSYSTEM, "mixins", "redis", "grafana_prometheus_redis_dashboard.json");
const MIXINS = [...new Bun.Glob("mixins/**/*.json").scanSync(ECOSYSTEM)]
  .map((p) => join(ECOSYSTEM, p))
  .sort();

let nats: NatsServerHandle;
let dir: string;
let agg: Aggregator;
let browser: Browser;
let api: Client<typeof DashboardsService>;

beforeAll(async () => {
  await buildUiIfStale();
  mkdirSync(ARTIFACTS, { recursive: true });
  dir = mkdtempSync(join(tmpdir(), "outpost-ui-dash-"));
  nats = await startNatsServer();
  agg = await startInProcessAggregator(dir, nats.url, "");
  api = createClient(DashboardsService, createConnectTransport({ baseUrl: agg.url }));
  // The store answers once its KV buckets are watched.
  for (let i = 0; i < 100; i++) {
    try {
      await api.searchDashboards({});
      break;
    } catch {
      await Bun.sleep(100);
    }
  }
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await agg?.stop();
  await nats?.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function open(path: string, scheme: "light" | "dark" = "light"): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await page.context().grantPermissions(["clipboard-read", "clipboard-write"], { origin: agg.url });
  page.setDefaultTimeout(15_000);
  await page.emulateMedia({ colorScheme: scheme });
  await page.goto(`${agg.url}${path}`);
  return page;
}

/** Asks `read` until it gives `want` (deep equality) or 10 s pass; the last answer. */
async function settled<T>(read: () => Promise<T>, want: T): Promise<T> {
  let got = await read();
  for (let i = 0; i < 100 && !Bun.deepEquals(got, want); i++) {
    await Bun.sleep(100);
    got = await read();
  }
  return got;
}

const shot = (page: Page, name: string, fullPage = true) =>
  page.screenshot({ path: join(ARTIFACTS, name), fullPage });

/** The titles of the rows the list shows, in order. */
const rowTitles = (page: Page) => page.locator("[data-testid=dashboard-link]").allInnerTexts();

/** Opens the Import dialog and loads `file` through the file input. */
async function loadFile(page: Page, file: string): Promise<void> {
  await page.getByRole("button", { name: "Import", exact: true }).click();
  await page.getByLabel("Dashboard file").setInputFiles(file);
  await page.locator("[data-testid=import-preview]").waitFor();
}

/** Presses Import in the dialog and waits for the page of the dashboard. */
async function importAndOpen(page: Page, uid: string): Promise<void> {
  await page.getByRole("dialog").getByRole("button", { name: "Import", exact: true }).click();
  await page.waitForURL((u) => u.pathname === `/d/${uid}`);
}

/** The page's clipboard, as the test sees it (the test's types have no DOM). */
type Clipboarded = { navigator: { clipboard: { writeText(text: string): Promise<void> } } };

/**
 * The fields an import or export must keep, of a dashboard's JSON: all but what Outpost sets
 * (uid, version, id), the title a copy changes, and what import drops (`__inputs`, `__requires`).
 */
function kept(json: string) {
  const {
    uid: _u,
    title: _t,
    version: _v,
    id: _i,
    __inputs: _in,
    __requires: _r,
    ...rest
  } = JSON.parse(json);
  return rest;
}

test("an empty list tells how to import", async () => {
  for (const scheme of ["light", "dark"] as const) {
    const page = await open("/dashboards", scheme);
    await page.locator("[data-testid=dashboards-empty]").waitFor();
    expect(await page.locator("[data-testid=dashboards-empty]").textContent()).toContain(
      "choose Import and drop the .json file or paste its JSON",
    );
    await shot(page, `dashboards-empty-${scheme}.png`);
    await page.close();
  }
}, 30_000);

test("Node Exporter Full pasted unchanged imports, and the server keeps every field", async () => {
  const page = await open("/dashboards");
  await page.getByRole("button", { name: "Import", exact: true }).click();
  // Bad JSON first: the message names the line and column.
  await page.getByLabel("Or paste the dashboard JSON").fill('{\n  "title": "x",\n  "panels": [}');
  await page.getByRole("button", { name: "Load" }).click();
  expect(await page.locator("[data-testid=import-read-error]").textContent()).toContain(
    "the JSON is invalid at line 3, column 14: expected a value",
  );
  await shot(page, "dashboards-import-error-light.png", false);
  // A real paste: playwright's fill() of 460 KB does not finish.
  await page.evaluate(
    (text) => (globalThis as unknown as Clipboarded).navigator.clipboard.writeText(text),
    NODE,
  );
  await page.getByLabel("Or paste the dashboard JSON").fill("");
  await page.getByLabel("Or paste the dashboard JSON").focus();
  await page.keyboard.press("Control+V");
  await page.getByRole("button", { name: "Load" }).click();
  const preview = page.locator("[data-testid=import-preview]");
  await preview.waitFor();
  expect(await preview.textContent()).toContain("Node Exporter Full");
  expect(await page.locator("[data-testid=import-panels]").textContent()).toBe(
    `${countPanels(JSON.parse(NODE))} panels`,
  );
  await shot(page, "dashboards-import-light.png", false);
  await importAndOpen(page, "rYdddlPWk");
  const stored = await api.getDashboard({ uid: "rYdddlPWk" });
  expect(kept(stored.dashboard!.json)).toEqual(kept(NODE));
  expect(stored.dashboard!.meta!.tags).toEqual(["linux"]);
  await page.close();
}, 30_000);

test("the redis export's Prometheus input is mapped to Outpost's; a taken uid is refused until overwrite", async () => {
  for (const scheme of ["light", "dark"] as const) {
    const page = await open("/dashboards", scheme);
    await loadFile(page, REDIS_FILE);
    const input = page.locator("[data-testid=import-input][data-name=DS_PROM]");
    expect(await input.textContent()).toContain("mapped to Outpost (outpost-prometheus)");
    await shot(page, `dashboards-import-inputs-${scheme}.png`, false);
    if (scheme === "light") {
      await importAndOpen(page, "e008bc3f-81a2-40f9-baf2-a33fd8dec7ec");
    } else {
      // The second time the uid is taken: the server's refusal is shown as it words it.
      await page.getByRole("dialog").getByRole("button", { name: "Import", exact: true }).click();
      const refusal = await page.locator("[data-testid=import-error]").textContent();
      expect(refusal).toContain(
        'a dashboard with this uid exists ("Redis Dashboard for Prometheus Redis Exporter 1.x"); import it with overwrite to replace it, or give it another uid',
      );
      await page.getByRole("switch", { name: "Overwrite the dashboard with the same uid" }).click();
      await importAndOpen(page, "e008bc3f-81a2-40f9-baf2-a33fd8dec7ec");
    }
    await page.close();
  }
  const saved = await api.getDashboard({ uid: "e008bc3f-81a2-40f9-baf2-a33fd8dec7ec" });
  expect(saved.dashboard!.meta!.version).toBe(2n);
  expect(saved.dashboard!.json).not.toMatch(/\$\{DS_PROM\}/);
  expect(saved.dashboard!.json).toContain("outpost-prometheus");
}, 30_000);

test("a file dropped on the dialog is read as one picked", async () => {
  const file = join(ECOSYSTEM, "mixins", "postgres", "postgres-overview.json");
  const page = await open("/dashboards");
  await page.getByRole("button", { name: "Import", exact: true }).click();
  const dataTransfer = await page.evaluateHandle(
    ([text, name]) => {
      const g = globalThis as unknown as {
        DataTransfer: new () => { items: { add(f: unknown): void } };
        File: new (parts: string[], name: string, o: { type: string }) => unknown;
      };
      const dt = new g.DataTransfer();
      dt.items.add(new g.File([text], name, { type: "application/json" }));
      return dt;
    },
    [readFileSync(file, "utf8"), basename(file)] as const,
  );
  await page.locator("[data-testid=import-drop]").dispatchEvent("drop", { dataTransfer });
  const preview = page.locator("[data-testid=import-preview]");
  await preview.waitFor();
  expect(await preview.textContent()).toContain("Postgres Overview");
  expect(await preview.textContent()).toContain("from postgres-overview.json");
  await page.close();
}, 30_000);

test("every mixin dashboard imports by file into a folder made on the page", async () => {
  const page = await open("/dashboards");
  await page.getByRole("button", { name: "New folder" }).click();
  await page.getByRole("dialog").getByLabel("Title").fill("Mixins");
  await page.getByRole("button", { name: "Create" }).click();
  await page.locator("[data-testid=folder]", { hasText: "Mixins" }).waitFor();
  const folder = (await api.listFolders({})).folders.find((f) => f.title === "Mixins")!;
  expect(MIXINS.length).toBeGreaterThanOrEqual(4);
  for (const file of MIXINS) {
    const model = JSON.parse(readFileSync(file, "utf8"));
    await page.goto(`${agg.url}/dashboards`);
    await loadFile(page, file);
    await page.getByRole("dialog").getByRole("textbox", { name: "Folder" }).click();
    await page.getByRole("option", { name: "Mixins" }).click();
    // Two of the files are the same redis dashboard: the shared export was imported above.
    if (basename(file) === "grafana_prometheus_redis_dashboard.json")
      await page.getByRole("switch", { name: "Overwrite the dashboard with the same uid" }).click();
    await importAndOpen(page, model.uid);
    const meta = (await api.getDashboard({ uid: model.uid })).dashboard!.meta!;
    expect([meta.title, meta.folderUid]).toEqual([model.title, folder.uid]);
  }
  await page.close();
}, 60_000);

test("search, a tag and a folder narrow the list as SearchDashboards does, in the URL", async () => {
  for (const scheme of ["light", "dark"] as const) {
    const page = await open("/dashboards", scheme);
    await page.locator("[data-testid=dashboard-row]").first().waitFor();
    const all = (await api.searchDashboards({})).dashboards;
    expect((await rowTitles(page)).length).toBe(all.length);
    await shot(page, `dashboards-list-${scheme}.png`);

    await page.getByLabel("Search dashboards").fill("redis");
    await page.waitForURL((u) => u.searchParams.get("q") === "redis");
    const redis = (await api.searchDashboards({ query: "redis" })).dashboards;
    expect(
      await settled(
        () => rowTitles(page),
        redis.map((d) => d.title),
      ),
    ).toEqual(redis.map((d) => d.title));

    await page.getByLabel("Search dashboards").fill("");
    await page.getByRole("button", { name: "Filter by tag linux" }).click();
    await page.waitForURL((u) => u.searchParams.getAll("tag").join() === "linux");
    expect(await settled(() => rowTitles(page), ["Node Exporter Full"])).toEqual([
      "Node Exporter Full",
    ]);
    await shot(page, `dashboards-tag-${scheme}.png`);
    // A second click on the active filter removes it.
    await page.getByRole("button", { name: "Remove tag filter linux" }).click();
    const count = async () => (await rowTitles(page)).length;
    expect(await settled(count, all.length)).toBe(all.length);

    await page.getByRole("textbox", { name: "Folder" }).click();
    await page.getByRole("option", { name: "General" }).click();
    await page.waitForURL((u) => u.searchParams.get("folder") === "general");
    const general = (await api.searchDashboards({ folderUids: [""] })).dashboards;
    expect(
      await settled(
        () => rowTitles(page),
        general.map((d) => d.title),
      ),
    ).toEqual(general.map((d) => d.title));
    await page.close();
  }
  // The URL alone reproduces a view.
  const page = await open("/dashboards?q=redis&tag=prometheus");
  const want = (await api.searchDashboards({ query: "redis", tags: ["prometheus"] })).dashboards;
  expect(
    await settled(
      () => rowTitles(page),
      want.map((d) => d.title),
    ),
  ).toEqual(want.map((d) => d.title));
  await page.close();
}, 60_000);

test("an export downloaded from the page imports again as a copy with nothing lost", async () => {
  const page = await open("/dashboards");
  await page.getByRole("button", { name: "Actions for Node Exporter Full" }).click();
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("menuitem", { name: "Export", exact: true }).click(),
  ]);
  expect(download.suggestedFilename()).toBe("Node-Exporter-Full.json");
  const file = join(dir, download.suggestedFilename());
  await download.saveAs(file);
  const exported = readFileSync(file, "utf8");
  expect(exported).toBe((await api.exportDashboard({ uid: "rYdddlPWk" })).json);

  await loadFile(page, file);
  await page
    .getByRole("dialog")
    .getByRole("textbox", { name: "Title" })
    .fill("Node Exporter Full (copy)");
  await page.getByRole("dialog").getByRole("textbox", { name: "UID" }).fill("nef-copy");
  await importAndOpen(page, "nef-copy");
  const a = JSON.parse((await api.getDashboard({ uid: "rYdddlPWk" })).dashboard!.json);
  const b = JSON.parse((await api.getDashboard({ uid: "nef-copy" })).dashboard!.json);
  expect(b.title).toBe("Node Exporter Full (copy)");
  for (const key of ["panels", "templating", "annotations", "time", "refresh", "tags", "links"])
    expect([key, b[key]]).toEqual([key, a[key]]);
  expect(kept(JSON.stringify(b))).toEqual(kept(JSON.stringify(a)));

  // For sharing: Outpost's data source becomes an input, as Grafana's export writes it.
  await page.goto(`${agg.url}/dashboards?q=redis`);
  await page
    .locator("[data-testid=dashboard-row][data-uid=e008bc3f-81a2-40f9-baf2-a33fd8dec7ec]")
    .getByRole("button", { name: /^Actions for / })
    .click();
  const [shared] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("menuitem", { name: "Export for sharing externally" }).click(),
  ]);
  const sharedFile = join(dir, `shared-${shared.suggestedFilename()}`);
  await shared.saveAs(sharedFile);
  const sharedModel = JSON.parse(readFileSync(sharedFile, "utf8"));
  expect(sharedModel.__inputs.map((i: { name: string }) => i.name)).toEqual(["DS_PROMETHEUS"]);
  await page.close();
}, 60_000);

test("versions: two saves through the API, compared and the first restored through the page", async () => {
  const uid = "wGgaPlciz"; // Postgres Overview
  const first = await api.getDashboard({ uid });
  let model = JSON.parse(first.dashboard!.json);
  for (const title of ["Postgres Overview 2", "Postgres Overview 3"]) {
    const meta = await api.saveDashboard({
      json: JSON.stringify({ ...model, title }),
      folderUid: first.dashboard!.meta!.folderUid,
      message: `renamed to ${title}`,
    });
    model = JSON.parse((await api.getDashboard({ uid: meta.meta!.uid })).dashboard!.json);
  }
  for (const scheme of ["light", "dark"] as const) {
    const page = await open("/dashboards?q=Postgres", scheme);
    await page.getByRole("button", { name: "Actions for Postgres Overview 3" }).click();
    await page.getByRole("menuitem", { name: "Versions" }).click();
    const rows = page.locator("[data-testid=version]");
    expect(await settled(() => rows.count(), 3)).toBe(3);
    expect(await rows.first().textContent()).toContain("renamed to Postgres Overview 3");
    await shot(page, `dashboards-versions-${scheme}.png`, false);
    await page.getByLabel("Compare version 1").check();
    await page.getByLabel("Compare version 3").check();
    await page.getByRole("button", { name: "Compare the two chosen" }).click();
    const diff = page.locator("[data-testid=version-diff]");
    await diff.waitFor();
    expect(await diff.locator("[data-kind=del]").allInnerTexts()).toContain(
      '-   "title": "Postgres Overview",',
    );
    expect(await diff.locator("[data-kind=add]").allInnerTexts()).toContain(
      '+   "title": "Postgres Overview 3",',
    );
    await shot(page, `dashboards-diff-${scheme}.png`, false);
    if (scheme === "dark") {
      await page.getByRole("button", { name: "All versions" }).click();
      await page
        .locator("[data-testid=version][data-version='1']")
        .getByRole("button", { name: "Restore" })
        .click();
      await page.getByRole("button", { name: "Restore", exact: true }).last().click();
      expect(await settled(() => rows.count(), 4)).toBe(4);
    }
    await page.close();
  }
  const versions = (await api.listVersions({ uid })).versions;
  expect(versions[0]!.restoredFrom).toBe(1n);
  const now = JSON.parse((await api.getDashboard({ uid })).dashboard!.json);
  expect(kept(JSON.stringify({ ...now, title: "" }))).toEqual(
    kept(JSON.stringify({ ...JSON.parse(first.dashboard!.json), title: "" })),
  );
  expect(now.title).toBe("Postgres Overview");
}, 60_000);

test("a dashboard is deleted after a confirmation; a folder that holds dashboards is not", async () => {
  const page = await open("/dashboards");
  await page.getByRole("button", { name: "Actions for Node Exporter Full (copy)" }).click();
  await page.getByRole("menuitem", { name: "Delete" }).click();
  await shot(page, "dashboards-delete-light.png", false);
  await page.getByRole("dialog").getByRole("button", { name: "Delete" }).click();
  await page.getByRole("dialog").waitFor({ state: "detached" });
  const left = (await api.searchDashboards({})).dashboards.map((d) => d.title).sort();
  expect(left).not.toContain("Node Exporter Full (copy)");
  const shown = async () => (await rowTitles(page)).sort();
  expect(await settled(shown, left)).toEqual(left);
  await expect(api.getDashboard({ uid: "nef-copy" })).rejects.toThrow(/not_found|not found/i);

  await page.getByRole("button", { name: "Folder Mixins actions" }).click();
  await page.getByRole("menuitem", { name: "Rename folder" }).click();
  await page.getByRole("dialog").getByLabel("Title").fill("Exporters");
  await page.getByRole("button", { name: "Rename" }).click();
  await page.locator("[data-testid=folder]", { hasText: "Exporters" }).waitFor();
  await page.getByRole("button", { name: "Folder Exporters actions" }).click();
  await page.getByRole("menuitem", { name: "Delete folder" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Delete" }).click();
  expect(await page.locator("[data-testid=confirm-error]").textContent()).toContain("dashboards");
  expect((await api.listFolders({})).folders.map((f) => f.title)).toEqual(["Exporters"]);
  await page.close();
}, 30_000);

test("with authentication on, a viewer's import is refused with the permission named", async () => {
  const guarded = await startInProcessAggregator(
    dir,
    nats.url,
    "auth: {enabled: true}\n",
    "guarded",
  );
  try {
    await guarded.auth!.addUser("vic", "viewer", "correct horse battery");
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    page.setDefaultTimeout(15_000);
    await page.goto(`${guarded.url}/dashboards`);
    await page.locator("input[autocomplete=username]").fill("vic");
    await page.getByLabel("Password").fill("correct horse battery");
    await page.getByRole("button", { name: "Log in" }).click();
    // The dashboards stored above are this tenant's: the viewer sees them.
    await page.locator("[data-testid=dashboard-row]").first().waitFor();
    await loadFile(page, join(ECOSYSTEM, "mixins", "postgres", "postgres-overview.json"));
    await page
      .getByRole("dialog")
      .getByRole("switch", { name: /Overwrite/ })
      .click();
    await page.getByRole("dialog").getByRole("button", { name: "Import", exact: true }).click();
    const refusal = page.locator("[data-testid=import-error]");
    await refusal.waitFor();
    expect(await refusal.textContent()).toContain("viewer");
    expect(await refusal.textContent()).toContain("write");
    await shot(page, "dashboards-import-refused-light.png", false);
    await page.close();
  } finally {
    await guarded.stop();
  }
}, 60_000);
